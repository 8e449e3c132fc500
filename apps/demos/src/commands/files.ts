import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliUsageError } from '../cli/errors.js';

/** Writes a file atomically (temp file in the same directory, then rename), creating directories. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

/** Throws a usage error unless `file` exists (as a file or, with `directory`, a directory). */
export function requireExisting(file: string, what: string, kind: 'file' | 'directory' = 'file'): string {
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) throw new CliUsageError(`${what} "${file}" does not exist.`);
  const stats = statSync(resolved);
  if (kind === 'file' && !stats.isFile()) throw new CliUsageError(`${what} "${file}" is not a file.`);
  if (kind === 'directory' && !stats.isDirectory()) throw new CliUsageError(`${what} "${file}" is not a directory.`);
  return resolved;
}
