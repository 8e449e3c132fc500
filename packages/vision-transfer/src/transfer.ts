import * as tf from '@tensorflow/tfjs';
import { createRng, type EpochCallbacks, invokeCallback, type Rng, type StopSignal, shouldStop } from '@tfkit/core';
import { optionError } from './errors.js';
import { SeededDropout } from './layers/seeded-dropout.js';
import { type ParameterCounts, summary } from './summary.js';

/** The new classifier put on top of the base. */
export type HeadKind = 'book' | 'globalAveragePooling';

/** Options of {@link createTransferModel}. */
export interface CreateTransferModelOptions {
  /** The pretrained base without its classifier (e.g. `createModel('vgg16', { includeTop: false })`). */
  base: tf.LayersModel;
  /** Classes of the new task. */
  numClasses: number;
  /**
   * `'book'`: Flatten + Dense(256, relu) + Dropout(0.5) + Dense(n, softmax), the book's Keras
   * recipe. `'globalAveragePooling'`: GlobalAveragePooling2D [+ Dense(hiddenUnits, relu)] +
   * Dropout + Dense(n, softmax), far fewer parameters.
   * @defaultValue `'book'`
   */
  head?: HeadKind;
  /**
   * Units of the hidden Dense layer of the head (0 for none; `'book'` always has one).
   * @defaultValue `256` for `'book'`, `0` for `'globalAveragePooling'`
   */
  hiddenUnits?: number;
  /**
   * Dropout rate before the classifier.
   * @defaultValue `0.5`
   */
  dropout?: number;
  /**
   * What to freeze: a count of leading layers of the new model (Keras's `model.layers[:15]`), the
   * name of the last layer to freeze, or `'base'` for every layer of the base.
   * @defaultValue `15` for `'book'`, `'base'` otherwise
   */
  freeze?: number | string;
  /**
   * Seed of the head's initialisers and dropout.
   * @defaultValue `0`
   */
  seed?: number;
}

/** A base with a new head; see {@link createTransferModel}. */
export interface TransferModel {
  /** The whole model: the base's layers followed by the head's, one flat graph like Keras's. */
  readonly model: tf.LayersModel;
  /** Index in `model.layers` of the first head layer. */
  readonly headStart: number;
  /** Names of the layers that are frozen now. */
  frozenLayers(): string[];
  /**
   * Freezes the leading layers (count, last layer name, or `'base'`) and unfreezes the rest.
   * @returns the number of frozen layers
   */
  freeze(what: number | string): number;
  /** Makes every layer trainable (the fine-tuning phase). */
  unfreeze(): void;
  /** Keras-style summary; returns the parameter counts. */
  summary(printFn?: (line: string) => void): ParameterCounts;
  /** Disposes the weights of every layer of the model, the base's included (do not dispose the base afterwards). */
  dispose(): void;
  /** The same as {@link TransferModel.dispose}, for `using transfer = createTransferModel(...)`. */
  [Symbol.dispose](): void;
}

/**
 * Puts a new classifier on a pretrained base and freezes its first layers, as the book does:
 * `head: 'book'` on VGG16 without top gives Flatten + Dense 256 relu + Dropout 0.5 + Dense n
 * softmax with the first 15 layers frozen, whose Keras summary reads Total 21,139,528, Trainable
 * 13,504,264, Non-trainable 7,635,264 for 8 classes.
 *
 * @param options - base, number of classes, head kind, what to freeze
 * @returns the transfer model; it shares the base's layers (do not dispose the base separately)
 * @throws `TfkitOptionError` (from `@tfkit/core`) for a bad class count, freeze count or unknown layer name
 * @example
 * ```ts
 * const base = await createModel('vgg16', { includeTop: false, inputShape: [224, 224, 3] });
 * const transfer = createTransferModel({ base, numClasses: 8, head: 'book' });
 * transfer.summary(); // ... Total params: 21,139,528
 * ```
 */
export function createTransferModel(options: CreateTransferModelOptions): TransferModel {
  const { base, numClasses } = options;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw optionError('numClasses', `must be an integer >= 2; got ${numClasses}.`);
  }
  const head = options.head ?? 'book';
  if (head !== 'book' && head !== 'globalAveragePooling') {
    throw optionError('head', `must be 'book' or 'globalAveragePooling'; got ${JSON.stringify(head)}.`);
  }
  const seed = options.seed ?? 0;
  const dropout = options.dropout ?? 0.5;
  const hiddenUnits = options.hiddenUnits ?? (head === 'book' ? 256 : 0);
  const features = base.outputs[0]!;
  const dense = (units: number, activation: 'relu' | 'softmax', name: string, offset: number) =>
    tf.layers.dense({
      units,
      activation,
      name,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + offset }),
    });
  let x = features;
  if (features.rank === 4) {
    x = (
      head === 'book'
        ? tf.layers.flatten({ name: 'flatten' })
        : tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' })
    ).apply(x) as tf.SymbolicTensor;
  } else if (features.rank !== 2) {
    throw optionError('base', `the base must output [batch, h, w, c] or [batch, features]; got rank ${features.rank}.`);
  }
  if (hiddenUnits > 0) x = dense(hiddenUnits, 'relu', 'dense_1', 1).apply(x) as tf.SymbolicTensor;
  if (dropout > 0) x = new SeededDropout({ rate: dropout, seed, name: 'dropout_1' }).apply(x) as tf.SymbolicTensor;
  const output = dense(numClasses, 'softmax', hiddenUnits > 0 ? 'dense_2' : 'predictions', 2).apply(
    x,
  ) as tf.SymbolicTensor;
  const model = tf.model({ inputs: base.inputs, outputs: output, name: `${base.name}_transfer` });
  const headStart = base.layers.length;

  const freeze = (what: number | string): number => {
    let count: number;
    if (what === 'base') count = headStart;
    else if (typeof what === 'number') {
      if (!Number.isInteger(what) || what < 0 || what > model.layers.length) {
        throw optionError('freeze', `must be a count in [0, ${model.layers.length}]; got ${what}.`);
      }
      count = what;
    } else {
      const index = model.layers.findIndex((layer) => layer.name === what);
      if (index < 0) {
        throw optionError(
          'freeze',
          `names layer "${what}", which the model does not have; use a count or one of ${model.layers
            .slice(0, 8)
            .map((layer) => layer.name)
            .join(', ')}, ...`,
        );
      }
      count = index + 1;
    }
    model.layers.forEach((layer, index) => {
      layer.trainable = index >= count;
    });
    return count;
  };
  freeze(options.freeze ?? (head === 'book' ? 15 : 'base'));

  return {
    model,
    headStart,
    frozenLayers: () => model.layers.filter((layer) => !layer.trainable).map((layer) => layer.name),
    freeze,
    unfreeze: () => {
      for (const layer of model.layers) layer.trainable = true;
    },
    summary: (printFn) => summary(model, printFn),
    dispose: () => releaseLayers(model.layers),
    [Symbol.dispose]: () => releaseLayers(model.layers),
  };
}

/**
 * Disposes the weights of every layer given, however many models share them (tfjs counts one
 * reference per symbolic call, so a layer shared by a base, a transfer model and a bottleneck
 * split would otherwise need as many `dispose()` calls).
 *
 * @param layers - layers of one or more models; already disposed ones are skipped
 */
export function releaseLayers(layers: Iterable<tf.layers.Layer>): void {
  for (const layer of new Set(layers)) {
    if (layer.getClassName() === 'InputLayer') continue;
    const internal = layer as unknown as { _refCount: number | null };
    while (internal._refCount !== null && internal._refCount > 0) layer.dispose();
  }
}

/**
 * Splits a model after its frozen prefix: `features` maps inputs to the output of the last frozen
 * layer, `rest` maps those features to the output (sharing the model's layers). Returns
 * `undefined` when no layer is frozen or the graph cannot be cut at a single tensor there.
 */
export function splitAtFrozenPrefix(
  model: tf.LayersModel,
): { features: tf.LayersModel; rest: tf.LayersModel; cut: string } | undefined {
  let prefix = 0;
  while (prefix < model.layers.length && !model.layers[prefix]!.trainable) prefix++;
  if (prefix === 0 || prefix >= model.layers.length) return undefined;
  // The latest frozen layer whose output alone feeds everything after it.
  const frozen = new Set(model.layers.slice(0, prefix));
  for (let cutIndex = prefix - 1; cutIndex >= 0; cutIndex--) {
    const cutLayer = model.layers[cutIndex]!;
    if (cutLayer.inboundNodes.length === 0) continue;
    const cutTensor = cutLayer.inboundNodes[0]!.outputTensors[0]!;
    const replacement = tf.input({ shape: cutTensor.shape.slice(1) as number[], name: `${cutLayer.name}_features` });
    const mapped = new Map<number, tf.SymbolicTensor>([[cutTensor.id, replacement]]);
    let possible = true;
    for (const layer of model.layers.slice(cutIndex + 1)) {
      const node = layer.inboundNodes[0]!;
      const inputs = node.inputTensors.map((tensor) => mapped.get(tensor.id));
      if (inputs.some((tensor) => tensor === undefined)) {
        if (frozen.has(layer)) continue; // a frozen side branch feeding only frozen layers is skipped
        possible = false;
        break;
      }
      const outputs = layer.apply(inputs.length === 1 ? inputs[0]! : (inputs as tf.SymbolicTensor[]));
      const list = Array.isArray(outputs) ? outputs : [outputs];
      node.outputTensors.forEach((tensor, index) => {
        mapped.set(tensor.id, list[index] as tf.SymbolicTensor);
      });
    }
    const output = mapped.get(model.outputs[0]!.id);
    if (possible && output) {
      return {
        features: tf.model({ inputs: model.inputs, outputs: cutTensor }),
        rest: tf.model({ inputs: replacement, outputs: output }),
        cut: cutLayer.name,
      };
    }
  }
  return undefined;
}

/** One epoch of {@link trainTransferModel}: the logs of `onEpochEnd`. */
export interface TransferEpoch {
  phase: 'head' | 'fineTune';
  /** Epoch number within the phase, from 1. */
  epoch: number;
  loss: number;
  accuracy: number;
  /** Seconds the epoch took (feature extraction of bottleneck caching not included). */
  seconds: number;
}

/** The logs of `onBatchEnd` in {@link trainTransferModel}. */
export interface TransferBatch {
  phase: 'head' | 'fineTune';
  /** Epoch number within the phase, from 1. */
  epoch: number;
  /** Batch number within the epoch, from 0. */
  batch: number;
  /** Examples in the batch. */
  size: number;
  loss: number;
  accuracy: number;
}

/** Options of {@link trainTransferModel}. */
export interface TrainTransferOptions extends EpochCallbacks<TransferEpoch, TransferBatch>, StopSignal {
  /**
   * Epochs training only the unfrozen layers (the new head).
   * @defaultValue `5`
   */
  headEpochs?: number;
  /**
   * Epochs after unfreezing every layer, at `fineTuneLearningRate`.
   * @defaultValue `0`
   */
  fineTuneEpochs?: number;
  /**
   * Adam learning rate of the head phase.
   * @defaultValue `0.001`
   */
  learningRate?: number;
  /**
   * Adam learning rate of the fine-tuning phase (lower, so the pretrained features survive).
   * @defaultValue `learningRate / 10`
   */
  fineTuneLearningRate?: number;
  /**
   * Mini-batch size.
   * @defaultValue `32`
   */
  batchSize?: number;
  /**
   * Bottleneck caching in the head phase: run the frozen prefix once over the data and train the
   * rest on those features, instead of recomputing them every epoch.
   * @defaultValue `true`
   */
  bottleneck?: boolean;
  /**
   * Seed of the per-epoch shuffling.
   * @defaultValue `0`
   */
  seed?: number;
  /**
   * Called after each epoch with `(epoch, logs)`: `epoch` counts from 0 over both phases, `logs`
   * says the phase and the epoch within it. May return a promise (awaited).
   */
  onEpochEnd?: EpochCallbacks<TransferEpoch, TransferBatch>['onEpochEnd'];
  /**
   * Called after each optimisation step with `(batch, logs)`: `batch` counts from 0 over the whole
   * run. May return a promise (awaited).
   */
  onBatchEnd?: EpochCallbacks<TransferEpoch, TransferBatch>['onBatchEnd'];
  /** When it aborts, training stops after the current batch and the result has `stopped: true`. */
  signal?: AbortSignal | undefined;
  /**
   * Called after each epoch.
   * @deprecated Use `onEpochEnd(epoch, logs)`; `onEpoch` goes in the next minor version.
   */
  onEpoch?: ((epoch: TransferEpoch) => void) | undefined;
}

/** What {@link trainTransferModel} did. */
export interface TrainTransferResult {
  epochs: TransferEpoch[];
  /** Layer after which features were cached, when bottleneck caching was used. */
  bottleneckAt?: string;
  /** Seconds spent computing the cached features (once). */
  featureSeconds: number;
  /** True when `signal` aborted training before the schedule was done. */
  stopped: boolean;
}

interface LoopState {
  options: TrainTransferOptions;
  rng: Rng;
  epochs: TransferEpoch[];
  batches: number;
  stopped: boolean;
}

async function fitEpochs(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  phase: { epochs: number; learningRate: number; batchSize: number; phase: TransferEpoch['phase'] },
  state: LoopState,
): Promise<void> {
  const { options } = state;
  const optimizer = tf.train.adam(phase.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  try {
    for (let epoch = 1; epoch <= phase.epochs; epoch++) {
      if (shouldStop(options.signal)) {
        state.stopped = true;
        return;
      }
      const order = tf.tensor1d(Int32Array.from(state.rng.permutation(xs.shape[0]!)), 'int32');
      const shuffledX = tf.gather(xs, order);
      const shuffledY = tf.gather(ys, order);
      const started = performance.now();
      const watchBatches = options.onBatchEnd !== undefined || options.signal !== undefined;
      try {
        const history = await model.fit(shuffledX, shuffledY, {
          epochs: 1,
          batchSize: phase.batchSize,
          shuffle: false,
          verbose: 0,
          ...(watchBatches
            ? {
                callbacks: {
                  onBatchEnd: async (batch: number, logs?: tf.Logs) => {
                    await invokeCallback(options.onBatchEnd, state.batches++, {
                      phase: phase.phase,
                      epoch,
                      batch,
                      size: Number(logs?.size ?? 0),
                      loss: Number(logs?.loss),
                      accuracy: Number(logs?.acc ?? logs?.accuracy),
                    });
                    if (shouldStop(options.signal)) model.stopTraining = true;
                  },
                },
              }
            : {}),
        });
        const logs: TransferEpoch = {
          phase: phase.phase,
          epoch,
          loss: Number(history.history.loss?.[0]),
          accuracy: Number((history.history.acc ?? history.history.accuracy)?.[0]),
          seconds: (performance.now() - started) / 1000,
        };
        if (shouldStop(options.signal)) {
          // the epoch was cut short: not reported as a finished epoch
          model.stopTraining = false;
          state.stopped = true;
          return;
        }
        const index = state.epochs.length;
        state.epochs.push(logs);
        options.onEpoch?.(logs);
        await invokeCallback(options.onEpochEnd, index, logs);
      } finally {
        tf.dispose([order, shuffledX, shuffledY]);
      }
    }
  } finally {
    optimizer.dispose();
  }
}

/**
 * Retrains a transfer model with the book's schedule: first only the unfrozen layers (the new
 * head) for `headEpochs`, with bottleneck caching when the frozen prefix can be cut at one tensor;
 * then, for `fineTuneEpochs`, every layer at a lower learning rate. Shuffling is seeded.
 *
 * @param transfer - from {@link createTransferModel}
 * @param xs - preprocessed images `[n, h, w, c]`
 * @param ys - one-hot labels `[n, classes]`
 * @param options - epochs, learning rates, batch size, bottleneck caching, seed, progress
 * @returns per-epoch loss/accuracy/seconds and the bottleneck details
 * @throws `TfkitOptionError` (from `@tfkit/core`) when `xs` and `ys` disagree
 * @remarks `xs` and `ys` stay owned by the caller. After fine-tuning every layer is trainable;
 *   call `transfer.freeze(...)` to freeze again.
 * @example
 * ```ts
 * const result = await trainTransferModel(transfer, xs, ys, { headEpochs: 5, fineTuneEpochs: 3 });
 * ```
 */
export async function trainTransferModel(
  transfer: TransferModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  options: TrainTransferOptions = {},
): Promise<TrainTransferResult> {
  if (xs.shape[0] !== ys.shape[0]) {
    throw optionError('ys', `xs has ${xs.shape[0]} examples but ys has ${ys.shape[0]}; pass one label row per image.`);
  }
  const learningRate = options.learningRate ?? 1e-3;
  const batchSize = options.batchSize ?? 32;
  const state: LoopState = { options, rng: createRng(options.seed ?? 0), epochs: [], batches: 0, stopped: false };
  const result: TrainTransferResult = { epochs: state.epochs, featureSeconds: 0, stopped: false };
  const headEpochs = options.headEpochs ?? 5;
  if (headEpochs > 0 && !shouldStop(options.signal)) {
    const split = options.bottleneck === false ? undefined : splitAtFrozenPrefix(transfer.model);
    const head = { epochs: headEpochs, learningRate, batchSize, phase: 'head' as const };
    if (split) {
      const started = performance.now();
      const features = predictInBatches(split.features, xs, batchSize * 2);
      result.featureSeconds = (performance.now() - started) / 1000;
      result.bottleneckAt = split.cut;
      try {
        await fitEpochs(split.rest, features, ys, head, state);
      } finally {
        features.dispose();
      }
    } else {
      await fitEpochs(transfer.model, xs, ys, head, state);
    }
  }
  const fineTuneEpochs = options.fineTuneEpochs ?? 0;
  if (fineTuneEpochs > 0 && !state.stopped && !shouldStop(options.signal)) {
    transfer.unfreeze();
    const fineTune = {
      epochs: fineTuneEpochs,
      learningRate: options.fineTuneLearningRate ?? learningRate / 10,
      batchSize,
      phase: 'fineTune' as const,
    };
    await fitEpochs(transfer.model, xs, ys, fineTune, state);
  }
  result.stopped = state.stopped || (shouldStop(options.signal) && state.epochs.length < headEpochs + fineTuneEpochs);
  return result;
}

/**
 * Runs `model.predict` over `xs` in batches and concatenates the outputs.
 *
 * @remarks Caller owns the returned tensor.
 */
export function predictInBatches(model: tf.LayersModel, xs: tf.Tensor, batchSize: number): tf.Tensor {
  const count = xs.shape[0]!;
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    parts.push(
      tf.tidy(() => model.predict(tf.slice(xs, [start], [size]) as tf.Tensor, { batchSize: size }) as tf.Tensor),
    );
  }
  const joined = parts.length === 1 ? parts[0]! : tf.concat(parts);
  if (parts.length > 1) tf.dispose(parts);
  return joined;
}
