import * as tf from '@tensorflow/tfjs';
import { optionError } from '../errors.js';
import type { IdxDataset } from '../idx/idx-datasets.js';
import { type DatasetToTensorsOptions, datasetToTensors } from '../tensors.js';
import { epochOrder } from './random.js';

/** A batch of examples as tensors. */
export interface TensorBatch {
  /** Inputs, e.g. `[n, h, w, c]`. */
  xs: tf.Tensor;
  /** Targets, e.g. one-hot `[n, classes]`. */
  ys: tf.Tensor;
}

/** Anything that can turn example indices into a tensor batch: an IDX dataset, an image folder. */
export interface BatchSource {
  /** Number of examples. */
  readonly size: number;
  /**
   * Reads (decodes) the examples at `indices` and makes tensors.
   *
   * @remarks The caller owns the returned tensors.
   */
  read(indices: readonly number[]): Promise<TensorBatch> | TensorBatch;
}

/**
 * Wraps a loaded IDX dataset as a {@link BatchSource}: tensors are made per batch, never for the whole split.
 *
 * @param dataset - a loaded dataset
 * @param options - scale, layout and label encoding of the tensors
 * @returns a batch source over all the dataset's examples
 * @example
 * ```ts
 * for await (const { xs, ys } of batches(idxBatchSource(train, { scale: 'minusOneToOne' }), { batchSize: 64 })) { ... }
 * ```
 */
export function idxBatchSource(
  dataset: IdxDataset,
  options: Omit<DatasetToTensorsOptions, 'indices'> = {},
): BatchSource {
  return {
    size: dataset.count,
    read: (indices) => datasetToTensors(dataset, { ...options, indices }),
  };
}

/** Options of {@link batches} and {@link toTfDataset}. */
export interface BatchOptions {
  /**
   * Examples per batch.
   * @defaultValue `32`
   */
  batchSize?: number;
  /**
   * Visit the examples in a new seeded random order each epoch.
   * @defaultValue `false`
   */
  shuffle?: boolean;
  /**
   * Seed of the shuffle; the same seed gives the same order. Epoch `e` uses a stream derived from `(seed, e)`.
   * @defaultValue `0`
   */
  seed?: number;
  /**
   * Drop the last batch of an epoch when it is smaller than `batchSize`.
   * @defaultValue `false`
   */
  dropRemainder?: boolean;
  /**
   * Passes over the data (`Infinity` for endless).
   * @defaultValue `1`
   */
  epochs?: number;
  /**
   * Batches decoded ahead while the consumer works on the current one (0 turns it off).
   * @defaultValue `1`
   */
  prefetch?: number;
}

function checkOptions(source: BatchSource, options: BatchOptions): Required<BatchOptions> {
  const resolved = {
    batchSize: options.batchSize ?? 32,
    shuffle: options.shuffle ?? false,
    seed: options.seed ?? 0,
    dropRemainder: options.dropRemainder ?? false,
    epochs: options.epochs ?? 1,
    prefetch: options.prefetch ?? 1,
  };
  if (!Number.isInteger(resolved.batchSize) || resolved.batchSize < 1) {
    throw optionError('batchSize', `must be a positive integer, got ${resolved.batchSize}.`);
  }
  if (!(Number.isInteger(resolved.epochs) || resolved.epochs === Number.POSITIVE_INFINITY) || resolved.epochs < 1) {
    throw optionError('epochs', `must be a positive integer or Infinity, got ${resolved.epochs}.`);
  }
  if (!Number.isInteger(resolved.prefetch) || resolved.prefetch < 0) {
    throw optionError('prefetch', `must be a non-negative integer, got ${resolved.prefetch}.`);
  }
  if (!Number.isInteger(resolved.seed)) throw optionError('seed', `must be an integer, got ${resolved.seed}.`);
  if (!Number.isInteger(source.size) || source.size < 0) {
    throw optionError('source', `the source's size must be a non-negative integer, got ${source.size}.`);
  }
  return resolved;
}

/**
 * The index lists of every batch, in order, for the given options (no decoding): useful to inspect
 * or reproduce what {@link batches} will read.
 *
 * @param size - number of examples
 * @param options - batch size, shuffle, seed, remainder policy, epochs
 * @returns a generator of index arrays
 * @throws {@link optionError} for invalid options
 * @example
 * ```ts
 * [...batchIndices(5, { batchSize: 2 })]; // [[0, 1], [2, 3], [4]]
 * ```
 */
export function* batchIndices(size: number, options: BatchOptions = {}): Generator<number[]> {
  const resolved = checkOptions({ size, read: () => ({}) as TensorBatch }, options);
  for (let epoch = 0; epoch < resolved.epochs; epoch++) {
    const order = epochOrder(size, resolved.shuffle, resolved.seed, epoch);
    for (let start = 0; start < size; start += resolved.batchSize) {
      const batch = order.slice(start, start + resolved.batchSize);
      if (batch.length < resolved.batchSize && resolved.dropRemainder) break;
      yield batch;
    }
  }
}

/**
 * Iterates a source in batches of tensors, with a seeded shuffle, several epochs, and the decode of
 * the next batch(es) started before the current one is handed over (prefetch).
 *
 * @param source - an {@link idxBatchSource}, an image folder, or any {@link BatchSource}
 * @param options - batch size, shuffle, seed, remainder policy, epochs, prefetch
 * @returns an async iterator of `{ xs, ys }`
 * @throws {@link optionError} for invalid options (when iteration starts); errors of `source.read` pass through
 * @remarks The consumer owns and must dispose each batch's `xs` and `ys`. Batches decoded ahead and
 * not yet handed over are disposed by the iterator when the loop ends early (`break`) or fails.
 * @example
 * ```ts
 * for await (const { xs, ys } of batches(source, { batchSize: 64, shuffle: true, seed: 1, epochs: 2 })) {
 *   await model.trainOnBatch(xs, ys);
 *   tf.dispose([xs, ys]);
 * }
 * ```
 */
export async function* batches(source: BatchSource, options: BatchOptions = {}): AsyncGenerator<TensorBatch> {
  const resolved = checkOptions(source, options);
  const plan = batchIndices(source.size, resolved);
  const pending: Promise<TensorBatch>[] = [];
  const fill = () => {
    while (pending.length < resolved.prefetch + 1) {
      const next = plan.next();
      if (next.done) return;
      const read = Promise.resolve().then(() => source.read(next.value));
      read.catch(() => undefined); // awaited below; avoids an unhandled rejection while an earlier batch is awaited
      pending.push(read);
    }
  };
  try {
    for (fill(); pending.length > 0; fill()) {
      const batch = await pending.shift()!;
      yield batch;
    }
  } finally {
    for (const read of pending.splice(0)) {
      read.then(
        (batch) => tf.dispose([batch.xs, batch.ys]),
        () => undefined,
      );
    }
  }
}

/**
 * Adapts a source to a `tf.data.Dataset` of `{ xs, ys }` batches, for `model.fitDataset`. Each
 * pass over the dataset (each epoch of `fitDataset`) is one epoch, shuffled with a stream derived
 * from `(seed, epoch)`, so the orders equal those of {@link batches} with the same options.
 *
 * @param source - any {@link BatchSource}
 * @param options - as {@link batches}; `epochs` is ignored (`fitDataset` decides)
 * @returns a dataset whose elements are `{ xs, ys }` batches
 * @throws {@link optionError} for invalid options
 * @remarks `fitDataset` disposes each batch after training on it. When you iterate the dataset
 * yourself, you own each batch's tensors.
 * @example
 * ```ts
 * await model.fitDataset(toTfDataset(source, { batchSize: 32, shuffle: true, seed: 7 }), { epochs: 3 });
 * ```
 */
export function toTfDataset(
  source: BatchSource,
  options: Omit<BatchOptions, 'epochs'> = {},
): tf.data.Dataset<tf.TensorContainerObject> {
  const resolved = checkOptions(source, { ...options, epochs: 1 });
  let epoch = 0;
  return tf.data.generator(() => {
    const current = epoch++;
    const order = epochOrder(source.size, resolved.shuffle, resolved.seed, current);
    const perEpoch: BatchSource = { size: source.size, read: (indices) => source.read(indices.map((i) => order[i]!)) };
    // batches() over the identity order of this epoch's permutation
    return batches(perEpoch, {
      ...resolved,
      shuffle: false,
      epochs: 1,
    }) as unknown as Iterator<tf.TensorContainerObject>;
  });
}
