import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliUsageError } from '../cli/errors.js';

/** Throws a usage error unless `file` exists (as a file or, with `directory`, a directory). */
export function requireExisting(file: string, what: string, kind: 'file' | 'directory' = 'file'): string {
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) throw new CliUsageError({ message: `${what} "${file}" does not exist.` });
  const stats = statSync(resolved);
  if (kind === 'file' && !stats.isFile()) throw new CliUsageError({ message: `${what} "${file}" is not a file.` });
  if (kind === 'directory' && !stats.isDirectory())
    throw new CliUsageError({ message: `${what} "${file}" is not a directory.` });
  return resolved;
}
