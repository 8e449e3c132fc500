/**
 * `@tfkit/datasets`: MNIST-family IDX loaders (with an embedded Fashion-MNIST subset), image
 * folders decoded through sharp, ImageNet labels, Keras-exact preprocessing, and seeded batching
 * into TensorFlow.js tensors.
 *
 * The IDX loaders alone, without TensorFlow.js, are also available from `@tfkit/datasets/idx`.
 *
 * @packageDocumentation
 */
export {
  type BatchOptions,
  type BatchSource,
  batches,
  batchIndices,
  idxBatchSource,
  type TensorBatch,
  toTfDataset,
} from './batching/batches.js';
export { epochOrder } from './batching/random.js';
export * from './idx.js';
export {
  COCO_ANIMALS_CLASSES,
  type CocoAnimalsOptions,
  cocoAnimals,
  type DecodedImages,
  type ImageFile,
  type ImageFolder,
  type ImageFolderOptions,
  type ImageScale,
  imageFolder,
  type SkippedFile,
} from './image-folder/image-folder.js';
export {
  type DecodePredictionsOptions,
  decodePredictions,
  type ImageNetClass,
  imagenetClasses,
  type Prediction,
} from './imagenet/imagenet.js';
export {
  aspectPreservingResize,
  CAFFE_BGR_MEAN,
  centerCrop,
  type DeprocessInputOptions,
  deprocessInput,
  type PreprocessMode,
  preprocessInput,
  type ResizeAndCenterCropOptions,
  type ResizeOptions,
  resizeAndCenterCrop,
  resizeWithCropOrPad,
  SLIM_VGG_RGB_MEAN,
  TORCH_RGB_MEAN,
  TORCH_RGB_STD,
} from './preprocess/preprocess.js';
export {
  type DatasetToTensorsOptions,
  datasetToTensors,
  type ImageBytes,
  type ImageLayout,
  type ImagesToTensorOptions,
  imagesToTensor,
  type LabelsToTensorOptions,
  labelsToTensor,
  normalizePixels,
  oneHot,
  type PixelScale,
} from './tensors.js';

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
