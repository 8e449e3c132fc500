/**
 * `@tfkit/datasets/idx`: the MNIST-family loaders alone, with no TensorFlow.js and no native code
 * (only `node:` built-ins). Everything here is also exported from `@tfkit/datasets`.
 *
 * @packageDocumentation
 */
export {
  DownloadError,
  type DownloadFileOptions,
  type DownloadResult,
  downloadFile,
  type ProgressEvent,
} from './download.js';
export {
  DatasetNotFoundError,
  DatasetOptionError,
  IdxFormatError,
  type IdxProblem,
  ImageDataError,
  type ImageProblem,
  TfkitError,
} from './errors.js';
export {
  type DatasetOrigin,
  datasetCacheDir,
  FASHION_MNIST,
  type IdxDataset,
  type IdxDatasetSpec,
  type IdxFileSpec,
  type LoadIdxOptions,
  loadIdxDataset,
  MNIST,
  type Split,
} from './idx/idx-datasets.js';
export {
  combineIdxPair,
  encodeIdx,
  gunzipIfNeeded,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  type IdxArray,
  type IdxImagesAndLabels,
  type ParseIdxOptions,
  parseIdx,
  readIdxFile,
  readIdxPair,
} from './idx/idx-format.js';
export { type FilterClassesOptions, filterClasses, selectExamples } from './idx/select.js';
export {
  embeddedFashionMnistDir,
  type LoadEmbeddedOptions,
  type LoadFashionMnistOptions,
  loadEmbeddedFashionMnist,
  loadFashionMnist,
  loadMnist,
} from './loaders.js';
