/**
 * `@tfkit/core/node`: Node-only helpers every tfkit package shares: atomic writes, hashes, and the
 * one checksummed, resumable downloader.
 *
 * @packageDocumentation
 */

export type { DownloadFailure, DownloadOptions, DownloadProgress, DownloadResult } from './node/download.js';
export { DownloadError, download } from './node/download.js';
export type { HashAlgorithm, WriteFileAtomicOptions } from './node/files.js';
export { FileWriteError, hashAlgorithmOf, hashBytes, hashFile, sha256, writeFileAtomic } from './node/files.js';
