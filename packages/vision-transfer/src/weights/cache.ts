import { DownloadError, download } from '@tfkit/core/node';
import { WeightsLoadError, WeightsOfflineError } from '../errors.js';
import type { FetchOptions } from './tfjs-format.js';

/** One file fetched into the cache through `@tfkit/core/node`'s `download`. */
export interface CacheFetch {
  url: string;
  /** Where the file goes. */
  file: string;
  /** The directory named in the offline error. */
  directory: string;
  /** Expected hex digest (md5 or SHA-256), when published. */
  hash?: string | undefined;
  /** Reuse a file already there when it verifies. */
  reuse: boolean;
  /** The offline error's advice after "place the file by hand". */
  advice: string;
  options: FetchOptions;
  onBytes?: ((loaded: number, total: number | undefined) => void) | undefined;
  /** Where a user may fetch the file instead (the mirror hint of the messages). */
  mirrorHint?: string | undefined;
}

/**
 * Fetches one file into the cache (retries, stall timeout, Range resume, hash check, atomic
 * rename, a lock shared by processes) and turns core's `DownloadError` into this package's errors.
 */
export async function fetchIntoCache(request: CacheFetch): Promise<{ path: string; cached: boolean }> {
  const { url, file, options } = request;
  try {
    const result = await download({
      urls: [url],
      destination: file,
      hash: request.hash,
      reuseExisting: request.reuse,
      package: '@tfkit/vision-transfer',
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
      stallTimeoutMs: options.stallTimeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(request.onBytes ? { onProgress: ({ loaded, total }) => request.onBytes?.(loaded, total) } : {}),
    });
    return { path: result.path, cached: result.cached };
  } catch (error) {
    if (!DownloadError.isInstance(error)) throw error;
    const reasons = error.failures.map((failure) => failure.reason);
    const last = reasons.at(-1) ?? 'no answer';
    if (error.offline) {
      throw new WeightsOfflineError({
        url,
        cacheDirectory: request.directory,
        file,
        expectedHash: request.hash,
        message:
          `could not download ${url} (${last}). Offline? Place the file by hand at ${file}` +
          (request.hash ? ` (its ${request.hash.length === 64 ? 'SHA-256' : 'md5'} must be ${request.hash})` : '') +
          `${request.advice}.`,
        cause: error,
      });
    }
    throw new WeightsLoadError({
      source: url,
      message: `downloading ${url} failed (${last}); check the URL or the mirror, or place the file by hand at ${file}${request.advice}.`,
      cause: error,
    });
  }
}
