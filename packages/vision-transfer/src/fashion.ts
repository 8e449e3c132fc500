/**
 * `@tfkit/vision-transfer/fashion`: the offline transfer-learning experiment recipe. A small CNN
 * pretrained on Fashion-MNIST classes 0-5 (shipped in `assets/fashion-backbone/`) is retrained on
 * classes 6-9 with few images, and compared with training from scratch. The primitives it uses
 * (`createTransferModel`, `trainTransferModel`, ...) are on the main entry.
 *
 * @packageDocumentation
 */
export {
  backboneClasses,
  buildFashionBackbone,
  type FashionBackboneOptions,
  type FashionBatchLogs,
  type FashionDataUsed,
  type FashionEpochLogs,
  type FashionMethodResult,
  type FashionTransferOptions,
  type FashionTransferProgress,
  type FashionTransferReport,
  fashionBackboneUrl,
  loadFashionBackbone,
  runFashionTransferExperiment,
  transferClasses,
} from './fashion-transfer.js';
