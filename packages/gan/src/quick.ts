/**
 * `@tfkit/gan/quick`: recipes built on the library: {@link quickRun}, a short complete GAN run on
 * the embedded Fashion-MNIST subset that returns per-epoch grids, losses and FID with the noise and
 * real-data scores to read them against.
 *
 * @packageDocumentation
 */
export { type QuickRunEpoch, type QuickRunOptions, type QuickRunResult, quickRun } from './quick-run.js';
