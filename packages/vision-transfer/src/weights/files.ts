import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A temporary path next to `file` for writers (h5wasm) that need a path, plus a commit function. */
export function atomicPath(file: string): {
  temporary: string;
  commit: () => Promise<void>;
  abort: () => Promise<void>;
} {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  return {
    temporary,
    commit: () => rename(temporary, file),
    abort: () => rm(temporary, { force: true }),
  };
}

/** True when the path exists. */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Reads a file as a Uint8Array. */
export async function readBytes(file: string): Promise<Uint8Array> {
  const buffer = await readFile(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The default cache directory: `TFKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/tfkit`, else `~/.cache/tfkit`. */
export function defaultCacheDirectory(): string {
  if (process.env.TFKIT_CACHE_DIR) return path.join(process.env.TFKIT_CACHE_DIR, 'models');
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'tfkit', 'models');
}

/** True for http(s) URLs (string or URL). */
export function isHttpUrl(source: string | URL): boolean {
  const text = source.toString();
  return text.startsWith('http://') || text.startsWith('https://');
}

/** A local path from a string or a `file:` URL. */
export function toLocalPath(source: string | URL): string {
  if (source instanceof URL)
    return source.protocol === 'file:' ? decodeURIComponent(source.pathname) : source.toString();
  return source.startsWith('file://') ? decodeURIComponent(new URL(source).pathname) : source;
}
