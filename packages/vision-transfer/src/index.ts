/**
 * `@tfkit/vision-transfer`: Keras-compatible pretrained CNNs (VGG16/19, InceptionV3, ResNet50,
 * MobileNet v1/v2), weight loading from tfjs layers models and Keras `.h5` files,
 * classification, and retraining on small datasets.
 *
 * The experiment recipes (the offline Fashion-MNIST transfer experiment) are on
 * `@tfkit/vision-transfer/fashion`.
 *
 * @packageDocumentation
 */
export {
  type ClassifyOptions,
  type ClassPrediction,
  classify,
  formatPredictions,
  type ImageInput,
  imagesToBatch,
} from './classify.js';
export { ImageInputError, VisionOptionError, WeightsLoadError, WeightsOfflineError } from './errors.js';
export {
  type BatchNormalizationArgs,
  KerasBatchNormalization,
  kerasCustomObjects,
} from './layers/keras-batch-normalization.js';
export { countParameters, type ParameterCounts, summary } from './summary.js';
export {
  type CreateTransferModelOptions,
  createTransferModel,
  type HeadKind,
  predictInBatches,
  releaseLayers,
  splitAtFrozenPrefix,
  type TrainTransferOptions,
  type TrainTransferResult,
  type TransferBatch,
  type TransferEpoch,
  type TransferModel,
  trainTransferModel,
} from './transfer.js';
export { type H5Layout, loadH5Weights, readH5Layers, saveH5Weights } from './weights/h5.js';
export {
  fetchImagenetWeights,
  type ImagenetFetchOptions,
  type ImagenetRequest,
  type ImagenetWeightsEntry,
  imagenetWeights,
  imagenetWeightsFile,
  imagenetWeightsPath,
  imagenetWeightsUrl,
  KERAS_WEIGHTS_BASE_URL,
  resolveImagenetWeights,
} from './weights/imagenet.js';
export type { Keras3Entry, Keras3Store } from './weights/keras3.js';
export { convertH5ToTfjs, type LoadWeightsOptions, loadWeights } from './weights/load-weights.js';
export type { SourceLayer, SourceWeight, WeightsReport } from './weights/match.js';
export {
  cachedDownload,
  type FetchOptions,
  type LayersArtifacts,
  type LoadModelOptions,
  loadLayersModel,
  type ModelJson,
  readLayersArtifacts,
  type SaveModelOptions,
  saveLayersModel,
  type WeightsProgress,
} from './weights/tfjs-format.js';
export type { Initialization } from './zoo/builder.js';
export {
  buildModel,
  type CommonModelOptions,
  type CreateModelOptions,
  createModel,
  type MobileNetOptions,
  type MobileNetV2Options,
  type ModelInfo,
  type ModelName,
  type ModelOptionsByName,
  modelInfo,
  modelNames,
  type PreprocessingMode,
  preprocessingFor,
} from './zoo/create-model.js';
export type { Pooling } from './zoo/heads.js';

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
