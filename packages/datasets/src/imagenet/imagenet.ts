import type * as tf from '@tensorflow/tfjs';
import { optionError } from '../errors.js';
import { IMAGENET_CLASS_LINES } from './imagenet-classes.js';

/** One ImageNet class. */
export interface ImageNetClass {
  /** Column of the class in a prediction row of the given width. */
  readonly index: number;
  /** WordNet id, e.g. `'n01440764'`; `'background'` for column 0 of the 1001-class variant. */
  readonly wnid: string;
  /** Readable name, e.g. `'tench'`. */
  readonly label: string;
}

/** A class of a prediction row with its probability. */
export interface Prediction extends ImageNetClass {
  /** The row's value in this column. */
  readonly probability: number;
}

let keras: readonly ImageNetClass[] | undefined;
let slim: readonly ImageNetClass[] | undefined;

/**
 * The ImageNet class list: 1000 classes in Keras order (Keras applications), or the 1001-class
 * variant of TF-slim's Inception/MobileNet checkpoints with `background` at index 0 (the Keras
 * class `k` is then at `k + 1`).
 *
 * @param width - 1000 or 1001
 * @returns the classes, `classes[i].index === i`
 * @throws {@link optionError} for any other width
 * @example
 * ```ts
 * imagenetClasses()[0]; // { index: 0, wnid: 'n01440764', label: 'tench' }
 * imagenetClasses(1001)[1].label; // 'tench'
 * ```
 */
export function imagenetClasses(width: 1000 | 1001 = 1000): readonly ImageNetClass[] {
  if (!keras) {
    keras = Object.freeze(
      IMAGENET_CLASS_LINES.map((line, index) => {
        const space = line.indexOf(' ');
        return Object.freeze({ index, wnid: line.slice(0, space), label: line.slice(space + 1) });
      }),
    );
  }
  if (width === 1000) return keras;
  if (width === 1001) {
    if (!slim) {
      slim = Object.freeze([
        Object.freeze({ index: 0, wnid: 'background', label: 'background' }),
        ...keras.map((entry) => Object.freeze({ ...entry, index: entry.index + 1 })),
      ]);
    }
    return slim;
  }
  throw optionError(
    'width',
    `ImageNet has 1000 classes (Keras) or 1001 (TF-slim, background first), not ${width}. Check the model's output width.`,
  );
}

/** Options of {@link decodePredictions}. */
export interface DecodePredictionsOptions {
  /**
   * How many classes per row, best first.
   * @defaultValue `5`
   */
  topK?: number;
}

function isTensor(value: unknown): value is tf.Tensor {
  return (
    typeof value === 'object' && value !== null && 'shape' in value && typeof (value as tf.Tensor).data === 'function'
  );
}

/**
 * Turns ImageNet model outputs into the top classes of each row, like Keras'
 * `decode_predictions`. Works for 1000-wide outputs (Keras) and 1001-wide ones (TF-slim,
 * `background` at 0); `index` is the column in the row given.
 *
 * @param predictions - a `[n, 1000]` or `[n, 1001]` tensor, or the same as nested arrays
 * @param options - `topK`
 * @returns per row, `topK` predictions sorted by probability, best first (ties: lower index first)
 * @throws {@link optionError} when the input is not 2-D, has another width, or `topK` is out of range
 * @remarks Does not dispose `predictions`; the caller still owns it.
 * @example
 * ```ts
 * const probabilities = model.predict(batch) as tf.Tensor;
 * const [top] = await decodePredictions(probabilities, { topK: 3 });
 * console.log(top[0]); // { index: 386, wnid: 'n02504458', label: 'African elephant', probability: 0.93 }
 * probabilities.dispose();
 * ```
 */
export async function decodePredictions(
  predictions: tf.Tensor | readonly (readonly number[] | Float32Array)[],
  options: DecodePredictionsOptions = {},
): Promise<Prediction[][]> {
  let rows: ArrayLike<number>[];
  let width: number;
  if (isTensor(predictions)) {
    if (predictions.rank !== 2) {
      throw optionError(
        'predictions',
        `decodePredictions expects a [n, 1000] or [n, 1001] batch, got shape [${predictions.shape.join(', ')}]. Wrap a single row with expandDims(0).`,
      );
    }
    const [count = 0, columns = 0] = predictions.shape;
    width = columns;
    const values = (await predictions.data()) as Float32Array;
    rows = Array.from({ length: count }, (_, row) => values.subarray(row * columns, (row + 1) * columns));
  } else {
    if (!Array.isArray(predictions) || predictions.some((row) => typeof row !== 'object' || row === null)) {
      throw optionError(
        'predictions',
        'decodePredictions expects a [n, 1000] or [n, 1001] batch (a tensor or an array of rows).',
      );
    }
    rows = predictions as ArrayLike<number>[];
    width = rows[0]?.length ?? 1000;
    const ragged = rows.findIndex((row) => row.length !== width);
    if (ragged >= 0) {
      throw optionError('predictions', `row ${ragged} has ${rows[ragged]!.length} values, row 0 has ${width}.`);
    }
  }
  if (width !== 1000 && width !== 1001) {
    throw optionError(
      'predictions',
      `decodePredictions expects 1000 (Keras) or 1001 (TF-slim) classes per row, got ${width}. Was the model built with another head (retrained)? Use its own class names.`,
    );
  }
  const classes = imagenetClasses(width);
  const topK = options.topK ?? 5;
  if (!Number.isInteger(topK) || topK < 1 || topK > width) {
    throw optionError('topK', `must be an integer in [1, ${width}], got ${topK}.`);
  }
  return rows.map((row) => {
    const order = Array.from({ length: width }, (_, index) => index);
    order.sort((a, b) => row[b]! - row[a]! || a - b);
    return order.slice(0, topK).map((index) => ({ ...classes[index]!, probability: row[index]! }));
  });
}
