import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { TfkitError } from '../errors.js';

/** A hash algorithm tfkit checks files with. `md5` is there because Keras publishes md5 sums. */
export type HashAlgorithm = 'sha256' | 'md5';

const fileErrorName = 'Tfkit_FileWriteError';
const fileErrorMarker = Symbol.for('tfkit.error.Tfkit_FileWriteError');

/** A file could not be written (permissions, a full disk, a missing parent that cannot be made). */
export class FileWriteError extends TfkitError {
  /** @internal */
  readonly [fileErrorMarker] = true;
  /** The file that was being written. */
  readonly file: string;

  /**
   * @param options - the file, what went wrong, and the cause
   */
  constructor({ file, message, cause }: { file: string; message: string; cause?: unknown }) {
    super({ name: fileErrorName, package: '@tfkit/core', message, cause });
    this.file = file;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link FileWriteError}
   */
  static override isInstance(error: unknown): error is FileWriteError {
    return TfkitError.hasMarker(error, fileErrorMarker);
  }
}

/**
 * The hex digest of bytes or text.
 *
 * @param data - bytes or a UTF-8 string
 * @param algorithm - the hash
 * @returns lower-case hex
 * @defaultValue algorithm `'sha256'`
 */
export function hashBytes(data: Uint8Array | string, algorithm: HashAlgorithm = 'sha256'): string {
  return createHash(algorithm).update(data).digest('hex');
}

/**
 * SHA-256 of bytes or text, hex.
 *
 * @param data - bytes or a UTF-8 string
 * @returns 64 lower-case hex digits
 * @example
 * ```ts
 * sha256('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export function sha256(data: Uint8Array | string): string {
  return hashBytes(data, 'sha256');
}

/**
 * The hex digest of a file, streamed (constant memory).
 *
 * @param file - the path
 * @param algorithm - the hash
 * @returns lower-case hex
 * @defaultValue algorithm `'sha256'`
 */
export async function hashFile(file: string, algorithm: HashAlgorithm = 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The algorithm of a published hex digest, the way Keras' `validate_file` guesses it: 64 hex
 * digits are SHA-256, anything else md5.
 *
 * @param digest - a hex digest
 * @returns `'sha256'` or `'md5'`
 */
export function hashAlgorithmOf(digest: string): HashAlgorithm {
  return digest.length === 64 ? 'sha256' : 'md5';
}

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * `fsync` the data before the rename, so that a crash cannot leave an empty file in place.
   * @defaultValue `true`
   */
  fsync?: boolean;
}

/**
 * Writes a file atomically: a uniquely named temporary file in the same directory (made if
 * missing), then a rename over the target. Readers see the old file or the whole new one, never a
 * part; a failed write leaves no temporary file behind.
 *
 * @param file - the target path
 * @param data - bytes or a UTF-8 string
 * @param options - see {@link WriteFileAtomicOptions}
 * @throws {@link FileWriteError} when the directory or file cannot be written
 * @example
 * ```ts
 * await writeFileAtomic('checkpoints/latest/state.json', JSON.stringify(state));
 * ```
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const directory = path.dirname(file);
  const temporary = path.join(directory, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(directory, { recursive: true });
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      if (options.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new FileWriteError({
      file,
      message: `Could not write ${file}: ${(error as Error).message}. Check that the directory is writable and the disk is not full.`,
      cause: error,
    });
  }
}
