import * as tf from '@tensorflow/tfjs';
import { GanDataError } from './errors.js';

/** Training images for {@link trainGan}: 28x28 grayscale, flat. */
export interface GanData {
  /**
   * `n * 784` pixels, image after image: bytes 0..255 (as IDX files hold them), or floats already
   * scaled to [-1, 1].
   */
  images: Uint8Array | Float32Array;
  /** One class label per image (0..9); needed by the conditional GAN. */
  labels?: Uint8Array | Int32Array | readonly number[];
}

/** Pixels per image. */
export const IMAGE_PIXELS = 784;

/**
 * Checks `data` and returns its image count.
 * @throws {@link GanDataError} when the sizes do not fit
 */
export function checkData(data: GanData, needLabels: boolean): number {
  if (!data || !(data.images instanceof Uint8Array || data.images instanceof Float32Array)) {
    throw new GanDataError({
      message: 'data.images must be a Uint8Array (0..255) or Float32Array ([-1, 1]) of n * 784 pixels.',
    });
  }
  if (data.images.length === 0 || data.images.length % IMAGE_PIXELS !== 0) {
    throw new GanDataError({
      message: `data.images has ${data.images.length} values, not a positive multiple of 784.`,
    });
  }
  const count = data.images.length / IMAGE_PIXELS;
  if (needLabels) {
    if (!data.labels || data.labels.length !== count) {
      throw new GanDataError({ message: `the conditional GAN needs data.labels with one label per image (${count}).` });
    }
    for (let index = 0; index < count; index++) {
      const label = data.labels[index]!;
      if (!Number.isInteger(label) || label < 0 || label > 9) {
        throw new GanDataError({ message: `data.labels[${index}] = ${label} is not a class 0..9.` });
      }
    }
  }
  return count;
}

/**
 * Builds one batch tensor from the images at `indices`, scaled to [-1, 1].
 * @remarks Caller owns the returned tensors.
 */
export function makeBatch(
  data: GanData,
  indices: ArrayLike<number>,
  classes: number,
): { images: tf.Tensor2D; labels: tf.Tensor2D | undefined } {
  const batch = indices.length;
  const values = new Float32Array(batch * IMAGE_PIXELS);
  const source = data.images;
  const bytes = source instanceof Uint8Array;
  for (let row = 0; row < batch; row++) {
    const offset = indices[row]! * IMAGE_PIXELS;
    const target = row * IMAGE_PIXELS;
    for (let pixel = 0; pixel < IMAGE_PIXELS; pixel++) {
      const value = source[offset + pixel]!;
      values[target + pixel] = bytes ? value / 127.5 - 1 : value;
    }
  }
  const images = tf.tensor2d(values, [batch, IMAGE_PIXELS]);
  let labels: tf.Tensor2D | undefined;
  if (classes > 0 && data.labels) {
    const oneHot = new Float32Array(batch * classes);
    for (let row = 0; row < batch; row++) oneHot[row * classes + Number(data.labels[indices[row]!])] = 1;
    labels = tf.tensor2d(oneHot, [batch, classes]);
  }
  return { images, labels };
}
