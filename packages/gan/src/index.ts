/**
 * `@tfkit/gan`: the book's dense GAN and DCGAN (exact parameter counts), tuned presets that give
 * good Fashion-MNIST samples quickly, a conditional GAN, a deterministic training loop with
 * book-style logs, PNG sample grids, atomic checkpoints with exact resume, NumPy `.npy` export, and
 * a quality score (FID on a packaged classifier's features plus class coverage).
 *
 * @packageDocumentation
 */
export { CHECKPOINT_FILE, type CheckpointMeta, type EpochLog, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export type { GanData } from './data.js';
export {
  GanAssetError,
  GanCheckpointError,
  GanDataError,
  GanDisposedError,
  GanEncoderError,
  GanError,
  type GanErrorOptions,
} from './errors.js';
export type { AdamSpec, OptimizerSpec, SgdSpec } from './fused-optimizer.js';
export {
  type CreateGanOptions,
  createGan,
  type DiscriminatorMetrics,
  Gan,
  type GanState,
  type GeneratorMetrics,
  type SampleOptions,
  type StepMetrics,
  toUint8,
} from './gan.js';
export { encodeGrid, encodeNpy, type GridOptions, gridPixels, saveGrid, saveNpy } from './images.js';
export { frechetDistance, meanAndCovariance, symmetricEigen, symmetricSqrt } from './linalg.js';
export type { ForwardContext, Network } from './networks.js';
export { type GanPreset, type GanStyle, presets } from './presets.js';
export { type FeatureStats, type QualityScore, Scorer, type ScorerManifest } from './score.js';
export {
  type BatchProgress,
  type EpochEnd,
  formatEpochLine,
  type GanBatchLogs,
  type GanEpochLogs,
  type TrainGanCallbacks,
  type TrainGanOptions,
  type TrainGanResult,
  trainGan,
  zTestImages,
} from './train.js';

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
