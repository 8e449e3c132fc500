import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DownloadError } from './errors.js';

/** Progress of a long operation (download or decode), reported through `onProgress`. */
export interface ProgressEvent {
  /** What is happening. */
  readonly phase: 'download' | 'decode';
  /** The file being worked on (destination path for downloads). */
  readonly file: string;
  /** Bytes (or items) done so far. */
  readonly loaded: number;
  /** Total bytes (or items) when known, else `undefined`. */
  readonly total: number | undefined;
}

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  /** URLs of the same file on different mirrors, tried in order. */
  urls: readonly string[];
  /** Where the file goes. Written to a temporary file next to it, then renamed. */
  destination: string;
  /** Expected SHA-256 of the file (hex). Checked before the file is moved into place. */
  sha256?: string | undefined;
  /** Expected size in bytes. Checked before the file is moved into place. */
  bytes?: number | undefined;
  /**
   * Extra tries per mirror after a network error or a 5xx answer (with exponential back-off).
   * @defaultValue `2`
   */
  retries?: number;
  /**
   * Delay before the first retry, doubled for each further one.
   * @defaultValue `500`
   */
  retryDelayMs?: number;
  /**
   * Time limit of one attempt in milliseconds.
   * @defaultValue `300_000`
   */
  timeoutMs?: number;
  /** Called as bytes arrive. */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /**
   * The `fetch` to use.
   * @defaultValue `globalThis.fetch`
   */
  fetch?: typeof fetch;
}

/** What {@link downloadFile} fetched. */
export interface DownloadResult {
  /** The destination path. */
  readonly path: string;
  /** The URL that served it. */
  readonly url: string;
  /** Its size. */
  readonly bytes: number;
  /** Its SHA-256 (hex). */
  readonly sha256: string;
}

let temporaryCounter = 0;

class PermanentFailure extends Error {}

async function attempt(url: string, options: DownloadFileOptions): Promise<DownloadResult> {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const response = await fetchFunction(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 300_000) });
  if (!response.ok || !response.body) {
    const message = `HTTP ${response.status} ${response.statusText}`;
    throw response.status >= 500 || response.status === 429 ? new Error(message) : new PermanentFailure(message);
  }
  const header = Number(response.headers.get('content-length'));
  const total = options.bytes ?? (Number.isFinite(header) && header > 0 ? header : undefined);
  await mkdir(dirname(options.destination), { recursive: true });
  temporaryCounter += 1;
  const temporary = `${options.destination}.${process.pid}.${Date.now()}.${temporaryCounter}.tmp`;
  const hash = createHash('sha256');
  let loaded = 0;
  const handle = await open(temporary, 'w');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      loaded += chunk.length;
      await handle.write(chunk);
      options.onProgress?.({ phase: 'download', file: options.destination, loaded, total });
    }
    await handle.sync();
    await handle.close();
    const sha256 = hash.digest('hex');
    if (options.bytes !== undefined && loaded !== options.bytes) {
      throw new PermanentFailure(`got ${loaded} bytes, expected ${options.bytes}`);
    }
    if (options.sha256 !== undefined && sha256 !== options.sha256.toLowerCase()) {
      throw new PermanentFailure(`SHA-256 ${sha256} does not match the expected ${options.sha256}`);
    }
    await rename(temporary, options.destination);
    return { path: options.destination, url, bytes: loaded, sha256 };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Downloads a file from the first mirror that serves it intact, with retries, progress, size and
 * SHA-256 checks, and an atomic write (temporary file + rename): the destination either does not
 * exist or holds the complete, verified file.
 *
 * @param options - mirrors, destination, expected checksum and size, retry policy
 * @returns where the file went and what it was
 * @throws {@link DownloadError} when every mirror failed; the message lists each URL and why
 * @example
 * ```ts
 * await downloadFile({
 *   urls: ['https://example.org/mirror/t10k-labels-idx1-ubyte.gz'],
 *   destination: '/tmp/t10k-labels-idx1-ubyte.gz',
 *   sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
 * });
 * ```
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadResult> {
  const retries = options.retries ?? 2;
  const failures: string[] = [];
  for (const url of options.urls) {
    for (let attemptIndex = 0; attemptIndex <= retries; attemptIndex++) {
      try {
        return await attempt(url, options);
      } catch (error) {
        const reason = (error as Error).message;
        failures.push(`${url} (try ${attemptIndex + 1}): ${reason}`);
        if (error instanceof PermanentFailure || attemptIndex === retries) break;
        await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 500) * 2 ** attemptIndex));
      }
    }
  }
  throw new DownloadError(
    `could not download ${options.destination}:\n  ${failures.join('\n  ') || 'no URLs given'}\n` +
      'Check the network or pass other `mirrors`, or copy the file into place by hand.',
    options.urls,
  );
}
