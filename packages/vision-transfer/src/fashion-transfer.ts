import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  createRng,
  deriveSeed,
  type EpochCallbacks,
  invokeCallback,
  permutation,
  type StopSignal,
  shouldStop,
} from '@tfkit/core';
import { sha256 } from '@tfkit/core/node';
import { filterClasses, type IdxDataset, loadFashionMnist, selectExamples } from '@tfkit/datasets';
import { optionError, WeightsLoadError } from './errors.js';
import { SeededDropout } from './layers/seeded-dropout.js';
import {
  createTransferModel,
  predictInBatches,
  releaseLayers,
  type TransferBatch,
  type TransferEpoch,
  trainTransferModel,
} from './transfer.js';
import { loadLayersModel } from './weights/tfjs-format.js';

/** Fashion-MNIST classes the shipped backbone was pretrained on (T-shirt/top .. Sandal). */
export const backboneClasses: readonly number[] = [0, 1, 2, 3, 4, 5];
/** Fashion-MNIST classes the transfer experiment learns (Shirt, Sneaker, Bag, Ankle boot). */
export const transferClasses: readonly number[] = [6, 7, 8, 9];

/** Directory of the shipped backbone (model.json, shard, checksums). */
export const fashionBackboneUrl = new URL('../assets/fashion-backbone/', import.meta.url);

/** Options of {@link buildFashionBackbone}. */
export interface FashionBackboneOptions {
  /**
   * Classes of the classifier.
   * @defaultValue `6`
   */
  classes?: number;
  /**
   * Seed of the initialisers and dropout.
   * @defaultValue `0`
   */
  seed?: number;
}

/**
 * The small CNN used by the Fashion-MNIST transfer experiment: three conv 3x3 + max-pool blocks
 * (16, 32, 32 filters) on 28x28x1 inputs scaled to [0, 1], then `flatten`, Dense 128 relu `fc1`,
 * Dropout 0.3 and Dense `predictions`. 51,814 parameters for 6 classes.
 *
 * @param options - classes and seed
 * @returns a new model; the caller disposes it
 * @example
 * ```ts
 * const model = buildFashionBackbone({ classes: 6, seed: 1 });
 * ```
 */
export function buildFashionBackbone(options: FashionBackboneOptions = {}): tf.LayersModel {
  const seed = options.seed ?? 0;
  const classes = options.classes ?? 6;
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed * 31 + offset });
  const input = tf.input({ shape: [28, 28, 1], name: 'input_1' });
  let x: tf.SymbolicTensor = input;
  [16, 32, 32].forEach((filters, index) => {
    const block = index + 1;
    x = tf.layers
      .conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        name: `block${block}_conv1`,
        kernelInitializer: init(block),
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `block${block}_pool` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: 128, activation: 'relu', name: 'fc1', kernelInitializer: init(10) })
    .apply(x) as tf.SymbolicTensor;
  x = new SeededDropout({ rate: 0.3, seed, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: classes, activation: 'softmax', name: 'predictions', kernelInitializer: init(11) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'fashion_backbone' });
}

/**
 * Loads the backbone shipped in this package (pretrained by `scripts/pretrain-backbone.mjs` on
 * every training image of Fashion-MNIST classes 0-5), checking its files' sha256.
 *
 * @param from - another backbone written by `scripts/pretrain-backbone.mjs --out <directory>`
 * (model.json, shard, `tfkit-checksums.json`); the shipped one by default
 * @returns the 6-class model; the caller disposes it
 * @throws {@link WeightsLoadError} when the shipped files are damaged (reinstall the package)
 * @example
 * ```ts
 * const backbone = await loadFashionBackbone();
 * ```
 */
export async function loadFashionBackbone(from?: string): Promise<tf.LayersModel> {
  const directory = from === undefined ? fileURLToPath(fashionBackboneUrl) : from.endsWith('/') ? from : `${from}/`;
  let checksums: { files: Record<string, { sha256: string }> };
  try {
    checksums = JSON.parse(await readFile(`${directory}tfkit-checksums.json`, 'utf8'));
  } catch (error) {
    throw new WeightsLoadError({
      source: directory,
      message: `the Fashion-MNIST backbone is missing from ${directory}; ${from === undefined ? 'reinstall @tfkit/vision-transfer' : 'pass the --out directory of scripts/pretrain-backbone.mjs'}.`,
      cause: error,
    });
  }
  for (const [name, expected] of Object.entries(checksums.files)) {
    const bytes = new Uint8Array(await readFile(`${directory}${name}`));
    if (sha256(bytes) !== expected.sha256) {
      throw new WeightsLoadError({
        source: directory,
        message: `${directory}${name} does not match its checksum; reinstall @tfkit/vision-transfer.`,
      });
    }
  }
  return loadLayersModel(`${directory}model.json`);
}

/** Which Fashion-MNIST files the experiment used. */
export interface FashionDataUsed {
  /** `'system'`/`'dir'`/`'env'`/`'cache'` for the full dataset, `'embedded'` for the shipped subset. */
  origin: IdxDataset['origin'];
  directory: string;
  /** Training images used (per class x 4). */
  trainImages: number;
  /** Test images of classes 6-9 evaluated. */
  testImages: number;
  /** One line for people. */
  description: string;
}

/** One method of the experiment. */
export interface FashionMethodResult {
  method: 'fromScratch' | 'frozenBackbone' | 'fineTuned';
  /** Accuracy on every test image of classes 6-9. */
  testAccuracy: number;
  /** `confusion[true][predicted]`, classes in the order of `classNames`. */
  confusion: number[][];
  /** Training seconds (feature caching included). */
  trainSeconds: number;
  epochs: TransferEpoch[];
}

/** Result of {@link runFashionTransferExperiment}. */
export interface FashionTransferReport {
  data: FashionDataUsed;
  classNames: string[];
  results: FashionMethodResult[];
  /** Seed and budget used. */
  settings: {
    trainPerClass: number;
    epochs: number;
    seed: number;
    batchSize: number;
    featureLayer: 'block3_pool' | 'fc1';
  };
  /** Backend that ran it. */
  backend: string;
  /** True when `signal` stopped the experiment early: `results` holds the methods that finished. */
  stopped: boolean;
}

/** The logs of the experiment's `onEpochEnd`: an epoch of one method. */
export interface FashionEpochLogs extends TransferEpoch {
  /** The method being trained. */
  method: FashionMethodResult['method'];
}

/** The logs of the experiment's `onBatchEnd`: a batch of one method. */
export interface FashionBatchLogs extends TransferBatch {
  /** The method being trained. */
  method: FashionMethodResult['method'];
}

/** Progress of {@link runFashionTransferExperiment}. */
export type FashionTransferProgress =
  | { stage: 'data'; message: string }
  | { stage: 'train'; method: FashionMethodResult['method']; epoch: TransferEpoch }
  | { stage: 'evaluate'; method: FashionMethodResult['method']; testAccuracy: number };

/** Options of {@link runFashionTransferExperiment}. */
export interface FashionTransferOptions extends EpochCallbacks<FashionEpochLogs, FashionBatchLogs>, StopSignal {
  /**
   * Training images per class (of 6, 7, 8, 9); the book's setting is 100 (800 images over 8 classes).
   * @defaultValue `100`
   */
  trainPerClass?: number;
  /**
   * Epoch budget of every method (fine-tuning: half head-only, half everything at a lower rate).
   * @defaultValue `20`
   */
  epochs?: number;
  /**
   * Seed of the sample choice, initialisers, dropout and shuffling.
   * @defaultValue `1`
   */
  seed?: number;
  /**
   * Mini-batch size.
   * @defaultValue `32`
   */
  batchSize?: number;
  /**
   * `'auto'` uses the full Fashion-MNIST when found (Debian's files, `$TFKIT_FASHION_MNIST_DIR`,
   * the cache) and else the embedded subset of `@tfkit/datasets`; `'embedded'` forces the subset.
   * @defaultValue `'auto'`
   */
  data?: 'auto' | 'embedded';
  /**
   * Evaluate on at most this many test images (all of them by default).
   * @defaultValue all
   */
  maxTestImages?: number;
  /**
   * Where the backbone is cut: `'block3_pool'` (the last conv block, 3x3x32 features) or `'fc1'`
   * (its pretrained 128-unit dense embedding). The new head (Dense 128 relu, Dropout 0.3, Dense 4
   * softmax) goes on top; from-scratch uses the same network with random weights.
   * @defaultValue `'block3_pool'`
   */
  featureLayer?: 'block3_pool' | 'fc1';
  /**
   * Directory of another pretrained backbone of the same architecture (written by
   * `scripts/pretrain-backbone.mjs --out <directory>`).
   * @defaultValue the backbone shipped in `assets/fashion-backbone/`
   */
  backboneDirectory?: string;
  /** Progress callback: the data used, each epoch, each method's test accuracy. */
  onProgress?: (progress: FashionTransferProgress) => void;
  /**
   * Called after each epoch of each method with `(epoch, logs)`; `epoch` counts from 0 over the
   * whole experiment. May return a promise (awaited).
   */
  onEpochEnd?: EpochCallbacks<FashionEpochLogs, FashionBatchLogs>['onEpochEnd'];
  /** Called after each batch with `(batch, logs)`; `batch` counts from 0 over the whole experiment. */
  onBatchEnd?: EpochCallbacks<FashionEpochLogs, FashionBatchLogs>['onBatchEnd'];
  /** When it aborts, the experiment stops after the current batch and returns `stopped: true`. */
  signal?: AbortSignal | undefined;
}

async function loadSplit(split: 'train' | 'test', data: 'auto' | 'embedded'): Promise<IdxDataset> {
  if (data === 'embedded') return loadFashionMnist({ split, source: 'embedded' });
  try {
    return await loadFashionMnist({ split });
  } catch (error) {
    if ((error as Error).name !== 'Tfkit_DatasetNotFoundError') throw error;
    return loadFashionMnist({ split, source: 'embedded' });
  }
}

function toTensors(dataset: IdxDataset, classes: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const xs = tf.div(tf.tensor4d(dataset.images, [dataset.count, dataset.rows, dataset.cols, 1], 'float32'), 255);
    const ys = tf.oneHot(tf.tensor1d(dataset.labels, 'int32'), classes);
    return { xs: xs as tf.Tensor4D, ys: ys as tf.Tensor2D };
  });
}

function evaluate(model: tf.LayersModel, xs: tf.Tensor, labels: Uint8Array, classes: number) {
  const probabilities = predictInBatches(model, xs, 256);
  const predicted = tf.tidy(() => tf.argMax(probabilities, 1).dataSync() as Int32Array);
  probabilities.dispose();
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  labels.forEach((label, index) => {
    confusion[label]![predicted[index]!]!++;
    if (label === predicted[index]) correct++;
  });
  return { testAccuracy: correct / labels.length, confusion };
}

/**
 * The offline transfer-learning experiment: the shipped backbone (pretrained on Fashion-MNIST
 * classes 0-5) is transferred to classes 6-9 with only `trainPerClass` images per class, and
 * compared with the same network trained from scratch, on every test image of classes 6-9, with
 * the same epoch budget and seeds: from scratch (all layers, random init), frozen backbone (new
 * head on the frozen conv blocks, bottleneck caching) and fine-tuned (half the epochs head-only,
 * then everything at a tenth of the learning rate).
 *
 * @param options - images per class, epochs, seed, data source, progress
 * @returns which data was used, the accuracy and confusion matrix of each method
 * @throws `TfkitOptionError` (from `@tfkit/core`) for a bad budget
 * @throws {@link WeightsLoadError} when the shipped backbone is damaged
 * @example
 * ```ts
 * const report = await runFashionTransferExperiment({ trainPerClass: 100, seed: 1 });
 * console.log(report.data.description);
 * for (const r of report.results) console.log(r.method, (100 * r.testAccuracy).toFixed(1));
 * ```
 */
export async function runFashionTransferExperiment(
  options: FashionTransferOptions = {},
): Promise<FashionTransferReport> {
  const trainPerClass = options.trainPerClass ?? 100;
  const epochs = options.epochs ?? 20;
  const seed = options.seed ?? 1;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(trainPerClass) || trainPerClass < 1) {
    throw optionError('trainPerClass', `must be a positive integer; got ${trainPerClass}.`);
  }
  if (!Number.isInteger(epochs) || epochs < 2) throw optionError('epochs', `must be an integer >= 2; got ${epochs}.`);
  const featureLayer = options.featureLayer ?? 'block3_pool';
  if (featureLayer !== 'block3_pool' && featureLayer !== 'fc1') {
    throw optionError('featureLayer', `must be 'block3_pool' or 'fc1'; got ${JSON.stringify(featureLayer)}.`);
  }
  const progress = options.onProgress ?? (() => {});

  const [trainAll, testAll] = await Promise.all([
    loadSplit('train', options.data ?? 'auto'),
    loadSplit('test', options.data ?? 'auto'),
  ]);
  const train = filterClasses(trainAll, transferClasses, { relabel: true });
  const rng = createRng(seed);
  const chosen: number[] = [];
  for (let label = 0; label < transferClasses.length; label++) {
    const indices: number[] = [];
    train.labels.forEach((value, index) => {
      if (value === label) indices.push(index);
    });
    if (indices.length < trainPerClass) {
      throw optionError(
        'trainPerClass',
        `only ${indices.length} training images of class ${transferClasses[label]} in the ${train.origin} data; lower trainPerClass.`,
      );
    }
    const order = rng.permutation(indices.length);
    for (let index = 0; index < trainPerClass; index++) chosen.push(indices[order[index]!]!);
  }
  const trainSet = selectExamples(train, chosen);
  let testSet = filterClasses(testAll, transferClasses, { relabel: true });
  if (options.maxTestImages !== undefined && options.maxTestImages < testSet.count) {
    const order = permutation(testSet.count, deriveSeed(seed, 1));
    testSet = selectExamples(testSet, Array.from(order.subarray(0, options.maxTestImages)));
  }
  const data: FashionDataUsed = {
    origin: trainAll.origin,
    directory: trainAll.directory,
    trainImages: trainSet.count,
    testImages: testSet.count,
    description:
      trainAll.origin === 'embedded'
        ? `embedded Fashion-MNIST subset of @tfkit/datasets (${trainSet.count} training and ${testSet.count} test images of classes 6-9; ${options.data === 'embedded' ? 'requested' : 'the full dataset was not found'})`
        : `Fashion-MNIST from ${trainAll.directory} (${trainSet.count} training images, all ${testSet.count} test images of classes 6-9)`,
  };
  progress({ stage: 'data', message: data.description });

  const train4 = toTensors(trainSet, transferClasses.length);
  const test4 = toTensors(testSet, transferClasses.length);
  const results: FashionMethodResult[] = [];
  let stopped = false;
  let epochIndex = 0;
  let batchIndex = 0;
  try {
    const methods: FashionMethodResult['method'][] = ['fromScratch', 'frozenBackbone', 'fineTuned'];
    for (const method of methods) {
      if (shouldStop(options.signal)) {
        stopped = true;
        break;
      }
      const source =
        method === 'fromScratch'
          ? buildFashionBackbone({ classes: 6, seed })
          : await loadFashionBackbone(options.backboneDirectory);
      const base = tf.model({
        inputs: source.inputs,
        outputs: source.getLayer(featureLayer).output as tf.SymbolicTensor,
      });
      const transfer = createTransferModel({
        base,
        numClasses: transferClasses.length,
        head: 'book',
        hiddenUnits: 128,
        dropout: 0.3,
        freeze: method === 'fromScratch' ? 0 : 'base',
        seed,
      });
      const started = performance.now();
      try {
        const schedule =
          method === 'fromScratch'
            ? { headEpochs: epochs, fineTuneEpochs: 0 }
            : method === 'frozenBackbone'
              ? { headEpochs: epochs, fineTuneEpochs: 0 }
              : { headEpochs: Math.ceil(epochs / 2), fineTuneEpochs: Math.floor(epochs / 2) };
        const trained = await trainTransferModel(transfer, train4.xs, train4.ys, {
          ...schedule,
          batchSize,
          seed,
          learningRate: 1e-3,
          signal: options.signal,
          onEpochEnd: async (_, epoch) => {
            progress({ stage: 'train', method, epoch });
            await invokeCallback(options.onEpochEnd, epochIndex++, { ...epoch, method });
          },
          ...(options.onBatchEnd === undefined
            ? {}
            : {
                onBatchEnd: (_: number, batch: TransferBatch) =>
                  invokeCallback(options.onBatchEnd, batchIndex++, { ...batch, method }),
              }),
        });
        if (trained.stopped) {
          stopped = true;
          break;
        }
        const trainSeconds = (performance.now() - started) / 1000;
        const { testAccuracy, confusion } = evaluate(transfer.model, test4.xs, testSet.labels, transferClasses.length);
        progress({ stage: 'evaluate', method, testAccuracy });
        results.push({ method, testAccuracy, confusion, trainSeconds, epochs: trained.epochs });
      } finally {
        transfer.dispose();
        releaseLayers(source.layers);
      }
    }
  } finally {
    tf.dispose([train4.xs, train4.ys, test4.xs, test4.ys]);
  }
  return {
    data,
    classNames: transferClasses.map((label) => trainAll.classNames[label]!),
    results,
    settings: { trainPerClass, epochs, seed, batchSize, featureLayer },
    backend: tf.getBackend(),
    stopped,
  };
}
