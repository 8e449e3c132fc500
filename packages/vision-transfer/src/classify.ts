import * as tf from '@tensorflow/tfjs';
import { decodePredictions, type PreprocessMode, preprocessInput } from '@tfkit/datasets';
import { ImageInputError } from './errors.js';
import { preprocessingFor } from './zoo/create-model.js';

/** An image to classify: a file path, encoded bytes (JPEG, PNG, WebP, GIF), or RGB pixels 0..255. */
export type ImageInput = string | Uint8Array | tf.Tensor3D | tf.Tensor4D;

/** One decoded class of {@link classify}. */
export interface ClassPrediction {
  /** Column of the model's output. */
  index: number;
  /** Readable class name. */
  label: string;
  /** WordNet id, for ImageNet outputs. */
  wnid?: string;
  probability: number;
}

/** Options of {@link classify}. */
export interface ClassifyOptions {
  /**
   * Classes per image, best first.
   * @defaultValue `5`
   */
  topK?: number;
  /**
   * Pixel preprocessing; by default the model family's (`'caffe'` for VGG/ResNet, `'tf'` for
   * Inception/MobileNet), see `preprocessInput` of `@tfkit/datasets`.
   */
  preprocessing?: PreprocessMode | 'none';
  /**
   * Class names for outputs that are not ImageNet's 1000/1001 classes (retrained models).
   * @defaultValue ImageNet labels
   */
  classNames?: readonly string[];
}

async function decodeImage(input: string | Uint8Array, height: number, width: number): Promise<tf.Tensor3D> {
  const { default: sharp } = await import('sharp');
  const name = typeof input === 'string' ? input : `<${input.byteLength} bytes>`;
  try {
    const { data, info } = await sharp(input, { pages: 1 })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return tf.tensor3d(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), [height, width, 3], 'int32');
  } catch (error) {
    throw new ImageInputError({
      message: `could not decode image ${name}: ${error instanceof Error ? error.message : String(error)}. Pass a JPEG, PNG, WebP or GIF file, its bytes, or an RGB tensor.`,
      cause: error,
    });
  }
}

function inputSize(model: tf.LayersModel): [number, number] {
  const shape = model.inputs[0]!.shape;
  return [shape[1] ?? 224, shape[2] ?? 224];
}

/**
 * Loads images into one preprocessed batch for a model: decodes files and bytes through sharp
 * (EXIF orientation applied, greyscale/alpha turned into RGB), resizes to the model's input, and
 * applies the model family's preprocessing.
 *
 * @param model - the model the batch is for
 * @param images - paths, encoded bytes, or RGB tensors `[h, w, 3]` / `[n, h, w, 3]` with values 0..255
 * @param preprocessing - override of the family's preprocessing
 * @returns a float32 `[n, h, w, 3]` batch
 * @throws {@link ImageInputError} for undecodable files or tensors of the wrong shape
 * @remarks Caller owns the returned tensor; input tensors are not disposed.
 */
export async function imagesToBatch(
  model: tf.LayersModel,
  images: ImageInput | readonly ImageInput[],
  preprocessing: PreprocessMode | 'none' = preprocessingFor(model),
): Promise<tf.Tensor4D> {
  const list: readonly ImageInput[] = Array.isArray(images) ? images : [images as ImageInput];
  const [height, width] = inputSize(model);
  const parts: tf.Tensor4D[] = [];
  try {
    for (const image of list) {
      if (typeof image === 'string' || image instanceof Uint8Array) {
        const decoded = await decodeImage(image, height, width);
        parts.push(tf.tidy(() => tf.expandDims(decoded.toFloat(), 0) as tf.Tensor4D));
        decoded.dispose();
      } else {
        if ((image.rank !== 3 && image.rank !== 4) || image.shape[image.rank - 1] !== 3) {
          throw new ImageInputError({
            message: `image tensors must be [h, w, 3] or [n, h, w, 3] RGB 0..255; got [${image.shape.join(', ')}].`,
          });
        }
        parts.push(
          tf.tidy(() => {
            const batch = (image.rank === 3 ? tf.expandDims(image, 0) : image).toFloat() as tf.Tensor4D;
            return batch.shape[1] === height && batch.shape[2] === width
              ? batch
              : tf.image.resizeBilinear(batch, [height, width]);
          }),
        );
      }
    }
    if (parts.length === 0)
      throw new ImageInputError({ message: 'no images given; pass at least one path, buffer or tensor.' });
    return tf.tidy(() => {
      const batch = parts.length === 1 ? parts[0]! : tf.concat(parts);
      return (preprocessing === 'none' ? tf.clone(batch) : preprocessInput(batch, preprocessing)) as tf.Tensor4D;
    });
  } finally {
    tf.dispose(parts);
  }
}

/**
 * Classifies images with a model: loads and preprocesses them for the model's family, predicts,
 * and decodes the top classes (ImageNet's 1000 classes, TF-slim's 1001 with `background`, or
 * `classNames` for retrained models).
 *
 * @param model - e.g. `await createModel('vgg16', { weights: '...h5' })`
 * @param images - paths, encoded bytes, or RGB tensors 0..255
 * @param options - `topK`, `preprocessing`, `classNames`
 * @returns per image, `topK` predictions best first
 * @throws {@link ImageInputError} for unreadable images
 * @throws DatasetOptionError (from `@tfkit/datasets`) when the output width is not 1000/1001 and no `classNames` are given
 * @remarks Input tensors are not disposed; everything else is.
 * @example
 * ```ts
 * const [top] = await classify(model, 'zebra.jpg', { topK: 1 });
 * console.log(formatPredictions(top)); // Probability 99.15% of [zebra]
 * ```
 */
export async function classify(
  model: tf.LayersModel,
  images: ImageInput | readonly ImageInput[],
  options: ClassifyOptions = {},
): Promise<ClassPrediction[][]> {
  const topK = options.topK ?? 5;
  const batch = await imagesToBatch(model, images, options.preprocessing);
  const probabilities = tf.tidy(() => model.predict(batch) as tf.Tensor);
  batch.dispose();
  try {
    if (!options.classNames) {
      return (await decodePredictions(probabilities, { topK })).map((row) =>
        row.map(({ index, wnid, label, probability }) => ({ index, wnid, label, probability })),
      );
    }
    const { classNames } = options;
    const width = probabilities.shape[1]!;
    if (classNames.length !== width) {
      throw new ImageInputError({
        message: `classNames has ${classNames.length} names but the model outputs ${width} classes.`,
      });
    }
    const values = (await probabilities.data()) as Float32Array;
    const rows = probabilities.shape[0]!;
    return Array.from({ length: rows }, (_, row) => {
      const scores = Array.from(values.subarray(row * width, (row + 1) * width), (probability, index) => ({
        index,
        label: classNames[index]!,
        probability,
      }));
      return scores.sort((a, b) => b.probability - a.probability || a.index - b.index).slice(0, topK);
    });
  } finally {
    probabilities.dispose();
  }
}

/**
 * Formats predictions in the book's style, one line each: `Probability 99.15% of [zebra]`.
 *
 * @param predictions - one image's predictions from {@link classify}
 * @returns the lines joined with newlines
 * @example
 * ```ts
 * formatPredictions([{ index: 340, label: 'zebra', probability: 0.9915 }]); // 'Probability 99.15% of [zebra]'
 * ```
 */
export function formatPredictions(predictions: readonly ClassPrediction[]): string {
  return predictions
    .map((prediction) => `Probability ${(prediction.probability * 100).toFixed(2)}% of [${prediction.label}]`)
    .join('\n');
}
