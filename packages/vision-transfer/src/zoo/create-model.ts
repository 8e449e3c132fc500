import * as tf from '@tensorflow/tfjs';
import { optionError } from '../errors.js';
import { fetchImagenetWeights, type ImagenetFetchOptions, resolveImagenetWeights } from '../weights/imagenet.js';
import { loadWeights } from '../weights/load-weights.js';
import { type Initialization, LayerBuilder } from './builder.js';
import type { ArchitectureOptions, Pooling } from './heads.js';
import { buildInceptionV3 } from './inception-v3.js';
import { buildMobileNet } from './mobilenet.js';
import { buildMobileNetV2 } from './mobilenet-v2.js';
import { buildResNet50 } from './resnet50.js';
import { buildVgg } from './vgg.js';

/** The architectures of the model zoo. */
export type ModelName = 'vgg16' | 'vgg19' | 'inceptionV3' | 'resnet50' | 'mobilenet' | 'mobilenetV2';

/** How a model family expects its input pixels (see `preprocessInput` of `@tfkit/datasets`). */
export type PreprocessingMode = 'caffe' | 'tf';

/** Facts about one architecture of the zoo. */
export interface ModelInfo {
  /** Zoo name. */
  name: ModelName;
  /** Name Keras gives the model (alpha and size filled in for MobileNets). */
  kerasName: string;
  /** Side of the square input the ImageNet weights were trained at. */
  defaultSize: number;
  /** Smallest input side the architecture accepts. */
  minSize: number;
  /** Pixel preprocessing the ImageNet weights expect. */
  preprocessing: PreprocessingMode;
}

const zoo: Record<ModelName, Omit<ModelInfo, 'name'>> = {
  vgg16: { kerasName: 'vgg16', defaultSize: 224, minSize: 32, preprocessing: 'caffe' },
  vgg19: { kerasName: 'vgg19', defaultSize: 224, minSize: 32, preprocessing: 'caffe' },
  resnet50: { kerasName: 'resnet50', defaultSize: 224, minSize: 32, preprocessing: 'caffe' },
  inceptionV3: { kerasName: 'inception_v3', defaultSize: 299, minSize: 75, preprocessing: 'tf' },
  mobilenet: { kerasName: 'mobilenet', defaultSize: 224, minSize: 32, preprocessing: 'tf' },
  mobilenetV2: { kerasName: 'mobilenetv2', defaultSize: 224, minSize: 32, preprocessing: 'tf' },
};

/** Names accepted by {@link createModel}. */
export const modelNames: readonly ModelName[] = Object.keys(zoo) as ModelName[];

/**
 * Facts about an architecture: default input size, preprocessing, Keras's model name.
 *
 * @param name - a zoo name such as `'vgg16'`
 * @returns its {@link ModelInfo}
 * @throws `TfkitOptionError` (from `@tfkit/core`) for an unknown name
 * @example
 * ```ts
 * modelInfo('inceptionV3').defaultSize; // 299
 * ```
 */
export function modelInfo(name: ModelName): ModelInfo {
  const info = zoo[name];
  if (!info) throw optionError('name', `unknown model "${String(name)}"; use one of ${modelNames.join(', ')}.`);
  return { name, ...info };
}

/** Options every architecture of {@link createModel} takes. */
export interface CommonModelOptions extends ImagenetFetchOptions {
  /**
   * Keep the ImageNet classifier on top.
   * @defaultValue `true`
   */
  includeTop?: boolean;
  /**
   * `[height, width, 3]` of the input images.
   * @defaultValue `[224, 224, 3]` (`[299, 299, 3]` for InceptionV3)
   */
  inputShape?: [number, number, number];
  /**
   * Global pooling after the last convolution when `includeTop` is false.
   * @defaultValue `null` (the 4-D feature map)
   */
  pooling?: Pooling;
  /**
   * Number of classes of the classifier.
   * @defaultValue `1000`
   */
  classes?: number;
  /**
   * Activation of the classifier.
   * @defaultValue `'softmax'`
   */
  classifierActivation?: 'softmax' | 'linear';
  /**
   * Weights to load after building: `'imagenet'` (the file keras.applications publishes for this
   * architecture and these options, downloaded once into the cache and checked, see
   * `imagenetWeightsFile`), a Keras `.h5` file, a tfjs `model.json` (path or http(s) URL), or a
   * directory holding `model.json`. Matched by layer name (see {@link loadWeights}).
   * @defaultValue `null` (initialised weights)
   */
  weights?: 'imagenet' | (string & {}) | URL | null;
  /**
   * How new weights start: `'random'` (Keras's Glorot uniform, seeded) or `'zeros'` (fast, for
   * weights loaded afterwards or architectures only inspected).
   * @defaultValue `'zeros'` when `weights` is given, else `'random'`
   */
  initialization?: Initialization;
  /**
   * Seed of the random initialisers.
   * @defaultValue `0`
   */
  seed?: number;
}

/** Options of MobileNet v1: the common ones plus the width multiplier and the classifier dropout. */
export interface MobileNetOptions extends CommonModelOptions {
  /**
   * Width multiplier (0.25, 0.5, 0.75, 1.0 for the published weights).
   * @defaultValue `1`
   */
  alpha?: number;
  /**
   * Dropout rate before the classifier.
   * @defaultValue `0.001`
   */
  dropout?: number;
}

/** Options of MobileNetV2: the common ones plus the width multiplier. */
export interface MobileNetV2Options extends CommonModelOptions {
  /**
   * Width multiplier (0.35, 0.5, 0.75, 1.0, 1.3, 1.4 for the published weights).
   * @defaultValue `1`
   */
  alpha?: number;
}

/** The options each architecture takes, by zoo name. */
export interface ModelOptionsByName {
  vgg16: CommonModelOptions;
  vgg19: CommonModelOptions;
  inceptionV3: CommonModelOptions;
  resnet50: CommonModelOptions;
  mobilenet: MobileNetOptions;
  mobilenetV2: MobileNetV2Options;
}

/**
 * Options of {@link createModel} for the architecture `Name` (for the union of every name, options
 * any architecture takes): `alpha` only for the MobileNets, `dropout` only for MobileNet v1.
 */
export type CreateModelOptions<Name extends ModelName = ModelName> = ModelOptionsByName[Name];

type AnyModelOptions = CommonModelOptions & MobileNetOptions & MobileNetV2Options;

/**
 * Builds a keras.applications architecture as a `tf.LayersModel`, layer for layer: same layer
 * names, order and weight shapes as Keras, so Keras weights load by name and the parameter totals
 * equal Keras's. BatchNormalization layers follow Keras semantics (see `KerasBatchNormalization`).
 *
 * @param name - `'vgg16' | 'vgg19' | 'inceptionV3' | 'resnet50' | 'mobilenet' | 'mobilenetV2'`
 * @param options - see {@link CreateModelOptions}
 * @returns the model; the caller owns it and calls `model.dispose()`
 * @throws `TfkitOptionError` (from `@tfkit/core`) for an unknown name or an input shape the architecture cannot take
 * @throws {@link WeightsLoadError} when `weights` cannot be read or does not fit
 * @example
 * ```ts
 * const model = await createModel('vgg16', { includeTop: false, inputShape: [224, 224, 3] });
 * model.countParams(); // 14714688
 * ```
 */
export async function createModel<Name extends ModelName>(
  name: Name,
  options: CreateModelOptions<Name> = {},
): Promise<tf.LayersModel> {
  const all: AnyModelOptions = options;
  let source = options.weights;
  if (source === 'imagenet') {
    // Keras' rules first, then the file (downloaded or cached), then the architecture.
    const entry = resolveImagenetWeights(name, {
      includeTop: all.includeTop,
      alpha: all.alpha,
      inputShape: all.inputShape,
      classes: all.classes,
    });
    checkOptions(name, all); // rejects bad options before any download
    source = await fetchImagenetWeights(entry, options);
  }
  const model = buildModel(name, options);
  if (source != null) {
    try {
      await loadWeights(model, source, options);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  return model;
}

/** Validates the options of an architecture and resolves their defaults (no tensors made). */
function checkOptions(
  name: ModelName,
  options: AnyModelOptions,
): { info: ModelInfo; inputShape: [number, number, number]; architecture: ArchitectureOptions } {
  const info = modelInfo(name);
  const includeTop = options.includeTop ?? true;
  const alpha = options.alpha ?? 1;
  const inputShape = options.inputShape ?? [info.defaultSize, info.defaultSize, 3];
  if (
    inputShape.length !== 3 ||
    inputShape[2] !== 3 ||
    !inputShape.every((size) => Number.isInteger(size) && size > 0)
  ) {
    throw optionError(
      'inputShape',
      `must be [height, width, 3] with positive integers; got ${JSON.stringify(inputShape)}.`,
    );
  }
  if (inputShape[0] < info.minSize || inputShape[1] < info.minSize) {
    throw optionError(
      'inputShape',
      `${name} needs inputs of at least ${info.minSize}x${info.minSize}; got ${inputShape[0]}x${inputShape[1]}. Resize the images or pick another model.`,
    );
  }
  if (!(alpha > 0)) throw optionError('alpha', `must be positive; got ${alpha}.`);
  const classes = options.classes ?? 1000;
  if (!Number.isInteger(classes) || classes < 1) {
    throw optionError('classes', `must be a positive integer; got ${classes}.`);
  }
  const pooling = options.pooling ?? null;
  if (pooling !== null && pooling !== 'avg' && pooling !== 'max') {
    throw optionError('pooling', `must be 'avg', 'max' or null; got ${JSON.stringify(pooling)}.`);
  }
  const architecture: ArchitectureOptions = {
    includeTop,
    pooling,
    classes,
    classifierActivation: options.classifierActivation ?? 'softmax',
    alpha,
    dropout: options.dropout ?? 1e-3,
  };
  return { info, inputShape, architecture };
}

/**
 * Synchronous part of {@link createModel}: the architecture without loading weights.
 *
 * @param name - a zoo name
 * @param options - see {@link CreateModelOptions}; `weights` is not loaded here
 * @returns the model; the caller owns it and calls `model.dispose()`
 * @throws `TfkitOptionError` (from `@tfkit/core`) for an unknown name or an input shape the architecture cannot take
 * @example
 * ```ts
 * buildModel('mobilenet', { alpha: 0.25, inputShape: [128, 128, 3] }).countParams(); // 475544 (Keras: MobileNet 0.25 with top)
 * ```
 */
export function buildModel<Name extends ModelName>(
  name: Name,
  givenOptions: CreateModelOptions<Name> = {},
): tf.LayersModel {
  const options: AnyModelOptions = givenOptions;
  const { info, inputShape, architecture } = checkOptions(name, options);
  const initialization = options.initialization ?? (options.weights != null ? 'zeros' : 'random');
  const builder = new LayerBuilder(initialization, options.seed ?? 0);
  const input = tf.input({ shape: inputShape, name: 'input_1' });
  let output: tf.SymbolicTensor;
  let kerasName = info.kerasName;
  switch (name) {
    case 'vgg16':
    case 'vgg19':
      output = buildVgg(builder, input, name === 'vgg16' ? 16 : 19, architecture);
      break;
    case 'inceptionV3':
      output = buildInceptionV3(builder, input, architecture);
      break;
    case 'resnet50':
      output = buildResNet50(builder, input, architecture);
      break;
    case 'mobilenet':
      output = buildMobileNet(builder, input, architecture);
      kerasName = `mobilenet_${architecture.alpha.toFixed(2)}_${inputShape[0]}`;
      break;
    case 'mobilenetV2':
      output = buildMobileNetV2(builder, input, architecture);
      kerasName = `mobilenetv2_${architecture.alpha.toFixed(2)}_${inputShape[0]}`;
      break;
  }
  return tf.model({ inputs: input, outputs: output, name: kerasName });
}

/**
 * Pixel preprocessing a model expects, from its Keras name: `'caffe'` for VGG and ResNet, `'tf'`
 * for Inception and MobileNet (and anything else, which is what tfjs-hosted models use).
 *
 * @param model - a model of the zoo, or one loaded from weight files
 * @returns the preprocessing mode
 * @example
 * ```ts
 * preprocessingFor(await createModel('vgg16')); // 'caffe'
 * ```
 */
export function preprocessingFor(model: tf.LayersModel): PreprocessingMode {
  return /^(vgg|resnet)/i.test(model.name) ? 'caffe' : 'tf';
}
