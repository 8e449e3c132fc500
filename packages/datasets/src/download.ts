import { download } from '@tfkit/core/node';

export { DownloadError } from '@tfkit/core/node';

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
  /** Where the file goes. Written to `<destination>.part` next to it, then renamed. */
  destination: string;
  /** Expected SHA-256 of the file (hex). Checked before the file is moved into place. */
  sha256?: string | undefined;
  /** Expected size in bytes. Checked before the file is moved into place. */
  bytes?: number | undefined;
  /**
   * Extra tries per mirror after a network error, a stall or a 5xx answer (with exponential back-off).
   * @defaultValue `2`
   */
  retries?: number;
  /**
   * Delay before the first retry, doubled for each further one.
   * @defaultValue `500`
   */
  retryDelayMs?: number;
  /**
   * A try fails when no byte arrives for this long (a stalled server). Before 0.2 this limited the
   * whole try; a slow but steady transfer is no longer cut off.
   * @defaultValue `30_000`
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

/**
 * Downloads a file from the first mirror that serves it intact: a thin layer over `download` from
 * `@tfkit/core/node` (retries with back-off, stall timeout, HTTP Range resume of a partial
 * `<destination>.part`, size and SHA-256 checks, atomic rename, a lock shared by concurrent
 * processes). The destination either does not exist or holds the complete, verified file.
 *
 * @deprecated Use `download` from `@tfkit/core/node`, which also reuses a verified file already in
 * place and accepts md5 hashes; this wrapper goes in the next minor version.
 * @param options - mirrors, destination, expected checksum and size, retry policy
 * @returns where the file went and what it was
 * @throws `DownloadError` (from `@tfkit/core/node`) when every mirror failed; the message lists each
 * URL and why, and where the file can be placed by hand
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
  const { onProgress } = options;
  const result = await download({
    urls: options.urls,
    destination: options.destination,
    hash: options.sha256,
    hashAlgorithm: 'sha256',
    bytes: options.bytes,
    retries: options.retries ?? 2,
    retryDelayMs: options.retryDelayMs,
    stallTimeoutMs: options.timeoutMs,
    reuseExisting: false,
    fetch: options.fetch,
    package: '@tfkit/datasets',
    onProgress:
      onProgress &&
      ((progress) =>
        onProgress({ phase: 'download', file: progress.file, loaded: progress.loaded, total: progress.total })),
  });
  return { path: result.path, url: result.url ?? options.urls[0] ?? '', bytes: result.bytes, sha256: result.hash };
}
