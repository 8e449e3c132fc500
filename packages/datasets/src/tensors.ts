import * as tf from '@tensorflow/tfjs';
import { optionError } from './errors.js';

/** How pixel bytes 0..255 are scaled: to `[0, 1]`, to `[-1, 1]` (GANs with tanh), or kept as 0..255 floats. */
export type PixelScale = 'zeroToOne' | 'minusOneToOne' | 'none';

/** Tensor layout of images: `[n, rows, cols, 1]` (CNNs) or `[n, rows * cols]` (dense nets). */
export type ImageLayout = 'nhwc' | 'flat';

/**
 * Scales pixel bytes to floats.
 *
 * @param pixels - bytes 0..255
 * @param scale - target range
 * @returns a new `Float32Array` of the same length
 * @throws {@link optionError} for an unknown scale
 * @example
 * ```ts
 * normalizePixels(new Uint8Array([0, 255]), 'minusOneToOne'); // Float32Array [-1, 1]
 * ```
 */
export function normalizePixels(pixels: Uint8Array, scale: PixelScale = 'zeroToOne'): Float32Array {
  const out = new Float32Array(pixels.length);
  if (scale === 'zeroToOne') {
    for (let index = 0; index < pixels.length; index++) out[index] = pixels[index]! / 255;
  } else if (scale === 'minusOneToOne') {
    for (let index = 0; index < pixels.length; index++) out[index] = pixels[index]! / 127.5 - 1;
  } else if (scale === 'none') {
    out.set(pixels);
  } else {
    throw optionError('scale', `must be 'zeroToOne', 'minusOneToOne' or 'none', got ${JSON.stringify(scale)}.`);
  }
  return out;
}

/** Greyscale images as bytes: what the IDX loaders return. */
export interface ImageBytes {
  /** `count * rows * cols` bytes. */
  readonly images: Uint8Array;
  /** Number of images. */
  readonly count: number;
  /** Height. */
  readonly rows: number;
  /** Width. */
  readonly cols: number;
}

/** Options of {@link imagesToTensor}. */
export interface ImagesToTensorOptions {
  /**
   * Pixel range.
   * @defaultValue `'zeroToOne'`
   */
  scale?: PixelScale;
  /**
   * `'nhwc'` gives `[n, rows, cols, 1]`, `'flat'` gives `[n, rows * cols]`.
   * @defaultValue `'nhwc'`
   */
  layout?: ImageLayout;
  /** Only these examples, in this order. All when omitted. */
  indices?: readonly number[];
}

function gather(source: Uint8Array, size: number, count: number, indices?: readonly number[]): Uint8Array {
  if (!indices) return source.subarray(0, count * size);
  const out = new Uint8Array(indices.length * size);
  indices.forEach((index, position) => {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw optionError('indices', `example index ${index} is outside [0, ${count}).`);
    }
    out.set(source.subarray(index * size, (index + 1) * size), position * size);
  });
  return out;
}

/**
 * Makes a float32 tensor of greyscale images.
 *
 * @param data - images as bytes (e.g. a loaded IDX dataset)
 * @param options - scale, layout, which examples
 * @returns `[n, rows, cols, 1]` or `[n, rows * cols]` float32
 * @throws {@link optionError} for an index out of range or an unknown scale/layout
 * @remarks Caller owns the returned tensor and must dispose it.
 * @example
 * ```ts
 * const xs = imagesToTensor(train, { scale: 'minusOneToOne', layout: 'flat' }); // [60000, 784]
 * xs.dispose();
 * ```
 */
export function imagesToTensor(data: ImageBytes, options: ImagesToTensorOptions = {}): tf.Tensor {
  const layout = options.layout ?? 'nhwc';
  if (layout !== 'nhwc' && layout !== 'flat') {
    throw optionError('layout', `must be 'nhwc' or 'flat', got ${JSON.stringify(layout)}.`);
  }
  const size = data.rows * data.cols;
  const bytes = gather(data.images, size, data.count, options.indices);
  const count = bytes.length / size;
  const values = normalizePixels(bytes, options.scale ?? 'zeroToOne');
  return layout === 'nhwc'
    ? tf.tensor4d(values, [count, data.rows, data.cols, 1], 'float32')
    : tf.tensor2d(values, [count, size], 'float32');
}

/**
 * One-hot encodes class indices.
 *
 * @param labels - class indices
 * @param numClasses - width of the encoding
 * @returns float32 `[labels.length, numClasses]`
 * @throws {@link optionError} for a label outside `[0, numClasses)`
 * @remarks Caller owns the returned tensor and must dispose it.
 * @example
 * ```ts
 * oneHot([2, 0], 3).print(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(labels: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw optionError('numClasses', `must be a positive integer, got ${numClasses}.`);
  }
  const values = new Float32Array(labels.length * numClasses);
  for (let row = 0; row < labels.length; row++) {
    const label = labels[row]!;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw optionError('labels', `label ${label} at row ${row} is outside [0, ${numClasses}).`);
    }
    values[row * numClasses + label] = 1;
  }
  return tf.tensor2d(values, [labels.length, numClasses], 'float32');
}

/** Options of {@link labelsToTensor}. */
export interface LabelsToTensorOptions {
  /**
   * One-hot float32 `[n, numClasses]` when true, int32 `[n]` class indices when false.
   * @defaultValue `true`
   */
  oneHot?: boolean;
  /** Width of the one-hot encoding. @defaultValue `10` */
  numClasses?: number;
  /** Only these examples, in this order. All when omitted. */
  indices?: readonly number[];
}

/**
 * Makes a label tensor.
 *
 * @param labels - class indices of all examples
 * @param options - one-hot or indices, width, which examples
 * @returns float32 `[n, numClasses]` or int32 `[n]`
 * @throws {@link optionError} for a label outside `[0, numClasses)` or an index out of range
 * @remarks Caller owns the returned tensor and must dispose it.
 * @example
 * ```ts
 * const ys = labelsToTensor(train.labels, { numClasses: 10 });
 * ```
 */
export function labelsToTensor(labels: Uint8Array, options: LabelsToTensorOptions = {}): tf.Tensor {
  const selected = gather(labels, 1, labels.length, options.indices);
  if (options.oneHot === false) return tf.tensor1d(Int32Array.from(selected), 'int32');
  return oneHot(selected, options.numClasses ?? 10);
}

/** Options of {@link datasetToTensors}. */
export interface DatasetToTensorsOptions extends ImagesToTensorOptions {
  /** One-hot labels (default) or int32 indices. @defaultValue `true` */
  oneHot?: boolean;
  /** Width of the one-hot encoding. @defaultValue `dataset.classNames.length` */
  numClasses?: number;
}

/**
 * Makes `{ xs, ys }` tensors of a loaded IDX dataset (or some of its examples).
 *
 * @param dataset - a loaded dataset
 * @param options - scale, layout, labels encoding, which examples
 * @returns `xs` images and `ys` labels
 * @throws {@link optionError} for bad options or indices
 * @remarks Caller owns both returned tensors and must dispose them (`tf.dispose([xs, ys])`).
 * For the full 60,000-image train split this holds ~190 MB of float32: prefer `batches()` for training.
 * @example
 * ```ts
 * const { xs, ys } = datasetToTensors(await loadFashionMnist({ source: 'embedded' }));
 * console.log(xs.shape, ys.shape); // [2000, 28, 28, 1] [2000, 10]
 * tf.dispose([xs, ys]);
 * ```
 */
export function datasetToTensors(
  dataset: ImageBytes & { readonly labels: Uint8Array; readonly classNames: readonly string[] },
  options: DatasetToTensorsOptions = {},
): { xs: tf.Tensor; ys: tf.Tensor } {
  const xs = imagesToTensor(dataset, options);
  try {
    const ys = labelsToTensor(dataset.labels.subarray(0, dataset.count), {
      oneHot: options.oneHot ?? true,
      numClasses: options.numClasses ?? dataset.classNames.length,
      ...(options.indices ? { indices: options.indices } : {}),
    });
    return { xs, ys };
  } catch (error) {
    xs.dispose();
    throw error;
  }
}
