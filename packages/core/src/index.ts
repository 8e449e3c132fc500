/**
 * `@tfkit/core`: the pieces every tfkit package shares. Zero dependencies; the main entry imports
 * nothing from Node, tfjs or the DOM, so it runs anywhere (`@tfkit/gym-lite` depends on it).
 * Node-only helpers (atomic writes, checksums, the resumable downloader) are on `@tfkit/core/node`.
 *
 * @packageDocumentation
 */

export type { TfkitErrorOptions, TfkitOptionErrorOptions } from './errors.js';
export { describeValue, hasMarker, TfkitError, TfkitOptionError } from './errors.js';
export type { RngState } from './random.js';
export { createRng, deriveSeed, entropySeed, permutation, Rng } from './random.js';
export type { ClosestMatchesOptions } from './suggest.js';
export { closestMatches, didYouMean, editDistance } from './suggest.js';
export type { EpisodeCallbacks, EpochCallbacks, LoopCallback, StopSignal } from './training.js';
export { invokeCallback, shouldStop } from './training.js';

/** This package's version. */
export const version: string = __PACKAGE_VERSION__;
