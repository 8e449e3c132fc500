import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GanError } from './errors.js';

/** SHA-256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes a file atomically: a temporary file in the same directory, then a rename.
 * @throws {@link GanError} `io` when the directory cannot be written
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const directory = path.dirname(file);
  const temporary = path.join(directory, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new GanError('io', `could not write ${file}: ${(error as Error).message}. Check the path and permissions.`, {
      cause: error,
    });
  }
}
