import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TfkitError } from '../errors.js';
import { type HashAlgorithm, hashAlgorithmOf, hashFile } from './files.js';

const downloadErrorName = 'Tfkit_DownloadError';
const downloadErrorMarker = Symbol.for('tfkit.error.Tfkit_DownloadError');

/** One failed try of one URL. */
export interface DownloadFailure {
  /** The URL that was tried. */
  readonly url: string;
  /** The try, from 1. */
  readonly attempt: number;
  /** Why it failed. */
  readonly reason: string;
}

/**
 * Every mirror failed (network, HTTP status, stall, size or hash mismatch). Nothing corrupt is
 * left at the destination: the message lists each try and where a file can be placed by hand.
 */
export class DownloadError extends TfkitError {
  /** @internal */
  readonly [downloadErrorMarker] = true;
  /** The URLs that were tried, in order. */
  readonly urls: readonly string[];
  /** Where the file was meant to go: a user may copy the file there by hand. */
  readonly destination: string;
  /** The expected hex digest, when one was given. */
  readonly expectedHash: string | undefined;
  /** Each failed try. */
  readonly failures: readonly DownloadFailure[];
  /** Whether every failure was at the network level (no HTTP answer): offline, most likely. */
  readonly offline: boolean;

  /**
   * @param options - what was tried and why it failed
   */
  constructor(options: {
    urls: readonly string[];
    destination: string;
    expectedHash?: string | undefined;
    failures: readonly DownloadFailure[];
    offline: boolean;
    message: string;
    package?: string | undefined;
    cause?: unknown;
  }) {
    super({
      name: downloadErrorName,
      package: options.package ?? '@tfkit/core',
      message: options.message,
      cause: options.cause,
    });
    this.urls = options.urls;
    this.destination = options.destination;
    this.expectedHash = options.expectedHash;
    this.failures = options.failures;
    this.offline = options.offline;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link DownloadError}
   */
  static override isInstance(error: unknown): error is DownloadError {
    return TfkitError.hasMarker(error, downloadErrorMarker);
  }
}

/** Progress of a download. */
export interface DownloadProgress {
  /** The destination path. */
  readonly file: string;
  /** The URL being read. */
  readonly url: string;
  /** Bytes on disk so far (including a resumed part). */
  readonly loaded: number;
  /** Total bytes when known. */
  readonly total: number | undefined;
}

/** Options of {@link download}. */
export interface DownloadOptions {
  /** URLs of the same file (mirrors), tried in order. A single string is one URL. */
  urls: string | readonly string[];
  /** Where the file goes. It appears there only complete and verified (rename from `<destination>.part`). */
  destination: string;
  /**
   * Expected hex digest (SHA-256, or md5 as Keras publishes). Checked before the rename, and on a
   * file already at the destination.
   */
  hash?: string | undefined;
  /**
   * The algorithm of `hash`.
   * @defaultValue `'auto'`: 64 hex digits are SHA-256, else md5 (Keras' rule)
   */
  hashAlgorithm?: HashAlgorithm | 'auto' | undefined;
  /** Expected size in bytes. */
  bytes?: number | undefined;
  /**
   * Extra tries per URL after a network error, a stall, a 408/429 or a 5xx answer, with
   * exponential back-off.
   * @defaultValue `3`
   */
  retries?: number | undefined;
  /**
   * Back-off before the first retry, doubled for each further one.
   * @defaultValue `500`
   */
  retryDelayMs?: number | undefined;
  /**
   * A try fails when no byte arrives for this long (a stalled server).
   * @defaultValue `30_000`
   */
  stallTimeoutMs?: number | undefined;
  /**
   * Resume a partial `<destination>.part` with an HTTP Range request (restarting from zero when the
   * server ignores Range).
   * @defaultValue `true`
   */
  resume?: boolean | undefined;
  /**
   * Reuse a file already at the destination when it verifies (hash and size); a corrupt one is
   * deleted and fetched again.
   * @defaultValue `true`
   */
  reuseExisting?: boolean | undefined;
  /**
   * How long to wait for another process that holds the download lock before taking it over
   * (a lock whose process is gone is taken at once).
   * @defaultValue `600_000`
   */
  lockTimeoutMs?: number | undefined;
  /** Called as bytes arrive. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Stops the download; the partial file is kept for a later resume. */
  signal?: AbortSignal | undefined;
  /**
   * The `fetch` to use.
   * @defaultValue `globalThis.fetch`
   */
  fetch?: typeof globalThis.fetch | undefined;
  /** The package named in error messages. @defaultValue `'@tfkit/core'` */
  package?: string | undefined;
}

/** What {@link download} produced. */
export interface DownloadResult {
  /** The destination path. */
  readonly path: string;
  /** The URL that served it; `undefined` when an existing file was reused. */
  readonly url: string | undefined;
  /** Its size in bytes. */
  readonly bytes: number;
  /** Its hex digest in `hashAlgorithm`. */
  readonly hash: string;
  /** The algorithm of `hash`. */
  readonly hashAlgorithm: HashAlgorithm;
  /** True when an existing, verified file was reused without any network access. */
  readonly cached: boolean;
  /** The byte offset a partial download was resumed from (0 when it started fresh). */
  readonly resumedFrom: number;
}

class RetryableFailure extends Error {}
class UrlFailure extends Error {}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireLock(
  lock: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<() => Promise<void>> {
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(lock, JSON.stringify({ pid: process.pid, time: Date.now() }), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: { pid?: number } = {};
    try {
      holder = JSON.parse(await readFile(lock, 'utf8')) as { pid?: number };
    } catch {
      // Being written or removed right now: look again.
    }
    const stale = typeof holder.pid === 'number' && holder.pid !== process.pid && !processAlive(holder.pid);
    if (stale || Date.now() - started > timeoutMs) {
      await rm(lock, { force: true });
      continue;
    }
    signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function verify(
  file: string,
  options: { hash: string | undefined; algorithm: HashAlgorithm; bytes: number | undefined },
): Promise<{ ok: boolean; size: number; hash: string; reason: string }> {
  const size = (await fileSize(file)) ?? -1;
  if (size < 0) return { ok: false, size, hash: '', reason: 'missing' };
  if (options.bytes !== undefined && size !== options.bytes) {
    return { ok: false, size, hash: '', reason: `${size} bytes, expected ${options.bytes}` };
  }
  const hash = await hashFile(file, options.algorithm);
  if (options.hash !== undefined && hash !== options.hash.toLowerCase()) {
    return {
      ok: false,
      size,
      hash,
      reason: `${options.algorithm} ${hash} does not match the expected ${options.hash}`,
    };
  }
  return { ok: true, size, hash, reason: '' };
}

async function hashExisting(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

interface TryContext {
  url: string;
  part: string;
  algorithm: HashAlgorithm;
  options: DownloadOptions;
}

async function tryOnce(context: TryContext): Promise<{ size: number; hash: string; resumedFrom: number }> {
  const { url, part, algorithm, options } = context;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const existing = options.resume === false ? 0 : ((await fileSize(part)) ?? 0);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort(new Error('stalled'));
    }, stallTimeoutMs);
  };
  try {
    arm();
    let response: Response;
    try {
      response = await fetchFunction(url, {
        signal: controller.signal,
        headers: existing > 0 ? { Range: `bytes=${existing}-` } : {},
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new RetryableFailure(
        stalled ? `no answer within ${stallTimeoutMs} ms` : `network error: ${(error as Error).message}`,
      );
    }
    if (response.status === 416 && existing > 0) {
      // The part is already complete (or longer than the file): let the caller verify it.
      await response.body?.cancel();
      return { size: existing, hash: await hashFile(part, algorithm), resumedFrom: existing };
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      const reason = `HTTP ${response.status} ${response.statusText}`.trim();
      if (response.status >= 500 || response.status === 408 || response.status === 429)
        throw new RetryableFailure(reason);
      throw new UrlFailure(reason);
    }
    const resumed =
      response.status === 206 && existing > 0 && parseRangeStart(response.headers.get('content-range')) === existing;
    const resumedFrom = resumed ? existing : 0;
    const hash = createHash(algorithm);
    if (resumed) await hashExisting(part, hash);
    const length = Number(response.headers.get('content-length'));
    const total = options.bytes ?? (Number.isFinite(length) && length > 0 ? resumedFrom + length : undefined);
    await mkdir(path.dirname(part), { recursive: true });
    const handle = await open(part, resumed ? 'a' : 'w');
    let loaded = resumedFrom;
    try {
      const reader = response.body.getReader();
      for (;;) {
        arm();
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (options.signal?.aborted) throw error;
          throw new RetryableFailure(
            stalled
              ? `stalled: no data for ${stallTimeoutMs} ms after ${loaded} bytes`
              : `connection lost after ${loaded} bytes: ${(error as Error).message}`,
          );
        }
        if (chunk.done) break;
        hash.update(chunk.value);
        await handle.write(chunk.value);
        loaded += chunk.value.byteLength;
        options.onProgress?.({ file: options.destination, url, loaded, total });
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (Number.isFinite(length) && length > 0 && loaded - resumedFrom < length) {
      throw new RetryableFailure(`transfer ended after ${loaded} bytes, expected ${resumedFrom + length}`);
    }
    return { size: loaded, hash: hash.digest('hex'), resumedFrom };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function parseRangeStart(header: string | null): number | undefined {
  const match = header ? /^bytes\s+(\d+)-/i.exec(header) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * Downloads a file the way Keras' `get_file` does, and more safely: a verified file already at
 * the destination is reused; otherwise each mirror is tried with retries and exponential back-off,
 * a stalled transfer is abandoned, a partial file is resumed with HTTP Range (restarted when the
 * server ignores Range), and the size and hash are checked before an atomic rename. Two processes
 * asking for the same file at once share one download through a lock file. Nothing corrupt is ever
 * left at the destination.
 *
 * @param options - URLs, destination, expected hash and size, retry policy, progress
 * @returns where the file is and how it got there
 * @throws {@link DownloadError} when every URL failed; `offline` says whether no server answered
 * @example
 * ```ts
 * const { path } = await download({
 *   urls: ['https://example.org/weights/mobilenet_1_0_224_tf.h5'],
 *   destination: '/home/me/.cache/tfkit/weights/mobilenet_1_0_224_tf.h5',
 *   hash: '...',
 *   onProgress: ({ loaded, total }) => console.log(loaded, total),
 * });
 * ```
 */
export async function download(options: DownloadOptions): Promise<DownloadResult> {
  const urls = typeof options.urls === 'string' ? [options.urls] : [...options.urls];
  const destination = options.destination;
  const algorithm: HashAlgorithm =
    options.hashAlgorithm === undefined || options.hashAlgorithm === 'auto'
      ? options.hash === undefined
        ? 'sha256'
        : hashAlgorithmOf(options.hash)
      : options.hashAlgorithm;
  const expected = { hash: options.hash, algorithm, bytes: options.bytes };
  const reuse = async (): Promise<DownloadResult | undefined> => {
    if (options.reuseExisting === false || (await fileSize(destination)) === undefined) return undefined;
    const check = await verify(destination, expected);
    if (check.ok) {
      return {
        path: destination,
        url: undefined,
        bytes: check.size,
        hash: check.hash,
        hashAlgorithm: algorithm,
        cached: true,
        resumedFrom: 0,
      };
    }
    await rm(destination, { force: true });
    return undefined;
  };
  const cached = await reuse();
  if (cached) return cached;

  await mkdir(path.dirname(destination), { recursive: true });
  const release = await acquireLock(`${destination}.lock`, options.lockTimeoutMs ?? 600_000, options.signal);
  try {
    // Another process may have finished the file while we waited for the lock.
    const finished = await reuse();
    if (finished) return finished;
    const part = `${destination}.part`;
    const retries = options.retries ?? 3;
    const failures: DownloadFailure[] = [];
    let networkOnly = true;
    for (const url of urls) {
      for (let attempt = 1; attempt <= retries + 1; attempt++) {
        options.signal?.throwIfAborted();
        try {
          const result = await tryOnce({ url, part, algorithm, options });
          const check = await verify(part, expected);
          if (!check.ok) {
            await rm(part, { force: true });
            networkOnly = false;
            // A resumed part may have been stale: one fresh try of the same URL before moving on.
            if (result.resumedFrom > 0 && attempt <= retries) {
              failures.push({ url, attempt, reason: `resumed file failed verification (${check.reason}); restarting` });
              continue;
            }
            throw new UrlFailure(check.reason);
          }
          await rename(part, destination);
          return {
            path: destination,
            url,
            bytes: check.size,
            hash: check.hash,
            hashAlgorithm: algorithm,
            cached: false,
            resumedFrom: result.resumedFrom,
          };
        } catch (error) {
          if (options.signal?.aborted) throw error;
          const reason = (error as Error).message;
          failures.push({ url, attempt, reason });
          if (!(error instanceof RetryableFailure)) {
            networkOnly = networkOnly && !(error instanceof UrlFailure);
            if (error instanceof UrlFailure) break;
            throw error;
          }
          if (!reason.startsWith('network error') && !reason.startsWith('no answer')) networkOnly = false;
          if (attempt > retries) break;
          const delay = (options.retryDelayMs ?? 500) * 2 ** (attempt - 1);
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    }
    const lines = failures.map((failure) => `${failure.url} (try ${failure.attempt}): ${failure.reason}`);
    throw new DownloadError({
      urls,
      destination,
      expectedHash: options.hash,
      failures,
      offline: networkOnly && failures.length > 0,
      package: options.package,
      message:
        `Could not download ${path.basename(destination)}:\n  ${lines.join('\n  ') || 'no URLs given'}\n` +
        `Check the network or use a mirror, or place the file by hand at ${destination}` +
        (options.hash ? ` (its ${algorithm} must be ${options.hash}).` : '.'),
    });
  } finally {
    await release();
  }
}
