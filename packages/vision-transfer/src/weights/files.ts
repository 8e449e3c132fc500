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

/**
 * The root of tfkit's cache: `$TFKIT_CACHE`, else `$TFKIT_CACHE_DIR` (the name `@tfkit/datasets`
 * reads), else `$XDG_CACHE_HOME/tfkit`, else `~/.cache/tfkit`.
 */
export function cacheRoot(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env['TFKIT_CACHE']) return env['TFKIT_CACHE'];
  if (env['TFKIT_CACHE_DIR']) return env['TFKIT_CACHE_DIR'];
  return path.join(env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'tfkit');
}

/** The default cache directory of model files: `<cacheRoot()>/models` (Keras keeps them in `~/.keras/models`). */
export function defaultCacheDirectory(): string {
  return path.join(cacheRoot(), 'models');
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
