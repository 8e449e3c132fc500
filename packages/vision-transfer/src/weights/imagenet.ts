import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hashFile, writeFileAtomic } from '@tfkit/core/node';
import { optionError } from '../errors.js';
import type { ModelName } from '../zoo/create-model.js';
import { fetchIntoCache } from './cache.js';
import { defaultCacheDirectory, exists } from './files.js';
import type { FetchOptions } from './tfjs-format.js';

/** Where keras.applications downloads its ImageNet weights from. */
export const KERAS_WEIGHTS_BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/';

/** One ImageNet weights file published for keras.applications. */
export interface ImagenetWeightsEntry {
  /** The zoo architecture. */
  readonly model: ModelName;
  /** With the 1000-class classifier (`include_top=True`) or without. */
  readonly includeTop: boolean;
  /** MobileNet width multiplier; absent for the other architectures. */
  readonly alpha?: number;
  /** MobileNet input side the weights were trained at; absent for the other architectures. */
  readonly size?: number;
  /** Path below the base URL ({@link KERAS_WEIGHTS_BASE_URL} or a mirror), e.g. `vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5`. */
  readonly path: string;
  /**
   * The md5 Keras' application source checks the file against (`file_hash=`), or `null` where
   * Keras publishes none (MobileNet and MobileNetV2: tfkit then records the SHA-256 of the first
   * download and checks the cached file against it).
   */
  readonly md5: string | null;
}

/**
 * Every ImageNet weights file keras.applications publishes for the zoo's architectures, with the
 * URLs and hashes of Keras' sources (`keras/src/applications/{vgg16,vgg19,resnet,inception_v3,
 * mobilenet,mobilenet_v2}.py`): VGG16, VGG19, ResNet50 and InceptionV3 with and without top;
 * MobileNet for alpha 0.25, 0.5, 0.75, 1.0 at 128, 160, 192, 224; MobileNetV2 for alpha 0.35,
 * 0.5, 0.75, 1.0 at 96, 128, 160, 192, 224 and alpha 1.3, 1.4 at 224 (the published checkpoints).
 */
export const imagenetWeights: readonly ImagenetWeightsEntry[] = [
  {
    model: 'vgg16',
    includeTop: true,
    path: 'vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5',
    md5: '64373286793e3c8b2b4e3219cbf3544b',
  },
  {
    model: 'vgg16',
    includeTop: false,
    path: 'vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
    md5: '6d6bbae143d832006294945121d1f1fc',
  },
  {
    model: 'vgg19',
    includeTop: true,
    path: 'vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5',
    md5: 'cbe5617147190e668d6c5d5026f83318',
  },
  {
    model: 'vgg19',
    includeTop: false,
    path: 'vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
    md5: '253f8cb515780f3b799900260a226db6',
  },
  {
    model: 'resnet50',
    includeTop: true,
    path: 'resnet/resnet50_weights_tf_dim_ordering_tf_kernels.h5',
    md5: '2cb95161c43110f7111970584f804107',
  },
  {
    model: 'resnet50',
    includeTop: false,
    path: 'resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5',
    md5: '4d473c1dd8becc155b73f8504c6f6626',
  },
  {
    model: 'inceptionV3',
    includeTop: true,
    path: 'inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5',
    md5: '9a0d58056eeedaa3f26cb7ebd46da564',
  },
  {
    model: 'inceptionV3',
    includeTop: false,
    path: 'inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
    md5: 'bcbd6486424b2319ff4ef7d526e38f63',
  },
  {
    model: 'mobilenet',
    includeTop: true,
    alpha: 0.25,
    size: 128,
    path: 'mobilenet/mobilenet_2_5_128_tf.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.25,
    size: 128,
    path: 'mobilenet/mobilenet_2_5_128_tf_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: true,
    alpha: 0.25,
    size: 160,
    path: 'mobilenet/mobilenet_2_5_160_tf.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.25,
    size: 160,
    path: 'mobilenet/mobilenet_2_5_160_tf_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: true,
    alpha: 0.25,
    size: 192,
    path: 'mobilenet/mobilenet_2_5_192_tf.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.25,
    size: 192,
    path: 'mobilenet/mobilenet_2_5_192_tf_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: true,
    alpha: 0.25,
    size: 224,
    path: 'mobilenet/mobilenet_2_5_224_tf.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.25,
    size: 224,
    path: 'mobilenet/mobilenet_2_5_224_tf_no_top.h5',
    md5: null,
  },
  { model: 'mobilenet', includeTop: true, alpha: 0.5, size: 128, path: 'mobilenet/mobilenet_5_0_128_tf.h5', md5: null },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.5,
    size: 128,
    path: 'mobilenet/mobilenet_5_0_128_tf_no_top.h5',
    md5: null,
  },
  { model: 'mobilenet', includeTop: true, alpha: 0.5, size: 160, path: 'mobilenet/mobilenet_5_0_160_tf.h5', md5: null },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.5,
    size: 160,
    path: 'mobilenet/mobilenet_5_0_160_tf_no_top.h5',
    md5: null,
  },
  { model: 'mobilenet', includeTop: true, alpha: 0.5, size: 192, path: 'mobilenet/mobilenet_5_0_192_tf.h5', md5: null },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.5,
    size: 192,
    path: 'mobilenet/mobilenet_5_0_192_tf_no_top.h5',
    md5: null,
  },
  { model: 'mobilenet', includeTop: true, alpha: 0.5, size: 224, path: 'mobilenet/mobilenet_5_0_224_tf.h5', md5: null },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.5,
    size: 224,
    path: 'mobilenet/mobilenet_5_0_224_tf_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: true,
    alpha: 0.75,
    size: 128,
    path: 'mobilenet/mobilenet_7_5_128_tf.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.75,
    size: 128,
    path: 'mobilenet/mobilenet_7_5_128_tf_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: true,
    alpha: 0.75,
    size: 160,
    path: 'mobilenet/mobilenet_7_5_160_tf.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.75,
    size: 160,
    path: 'mobilenet/mobilenet_7_5_160_tf_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: true,
    alpha: 0.75,
    size: 192,
    path: 'mobilenet/mobilenet_7_5_192_tf.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.75,
    size: 192,
    path: 'mobilenet/mobilenet_7_5_192_tf_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: true,
    alpha: 0.75,
    size: 224,
    path: 'mobilenet/mobilenet_7_5_224_tf.h5',
    md5: null,
  },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.75,
    size: 224,
    path: 'mobilenet/mobilenet_7_5_224_tf_no_top.h5',
    md5: null,
  },
  { model: 'mobilenet', includeTop: true, alpha: 1.0, size: 128, path: 'mobilenet/mobilenet_1_0_128_tf.h5', md5: null },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 1.0,
    size: 128,
    path: 'mobilenet/mobilenet_1_0_128_tf_no_top.h5',
    md5: null,
  },
  { model: 'mobilenet', includeTop: true, alpha: 1.0, size: 160, path: 'mobilenet/mobilenet_1_0_160_tf.h5', md5: null },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 1.0,
    size: 160,
    path: 'mobilenet/mobilenet_1_0_160_tf_no_top.h5',
    md5: null,
  },
  { model: 'mobilenet', includeTop: true, alpha: 1.0, size: 192, path: 'mobilenet/mobilenet_1_0_192_tf.h5', md5: null },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 1.0,
    size: 192,
    path: 'mobilenet/mobilenet_1_0_192_tf_no_top.h5',
    md5: null,
  },
  { model: 'mobilenet', includeTop: true, alpha: 1.0, size: 224, path: 'mobilenet/mobilenet_1_0_224_tf.h5', md5: null },
  {
    model: 'mobilenet',
    includeTop: false,
    alpha: 1.0,
    size: 224,
    path: 'mobilenet/mobilenet_1_0_224_tf_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.35,
    size: 96,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.35,
    size: 96,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.35,
    size: 128,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_128.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.35,
    size: 128,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_128_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.35,
    size: 160,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_160.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.35,
    size: 160,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_160_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.35,
    size: 192,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_192.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.35,
    size: 192,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_192_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.35,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.35,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.5,
    size: 96,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_96.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.5,
    size: 96,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_96_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.5,
    size: 128,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_128.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.5,
    size: 128,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_128_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.5,
    size: 160,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_160.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.5,
    size: 160,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_160_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.5,
    size: 192,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_192.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.5,
    size: 192,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_192_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.5,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_224.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.5,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_224_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.75,
    size: 96,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_96.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.75,
    size: 96,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_96_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.75,
    size: 128,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_128.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.75,
    size: 128,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_128_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.75,
    size: 160,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_160.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.75,
    size: 160,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_160_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.75,
    size: 192,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_192.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.75,
    size: 192,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_192_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 0.75,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_224.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 0.75,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_224_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 1.0,
    size: 96,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 1.0,
    size: 96,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 1.0,
    size: 128,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_128.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 1.0,
    size: 128,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_128_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 1.0,
    size: 160,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 1.0,
    size: 160,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 1.0,
    size: 192,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_192.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 1.0,
    size: 192,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_192_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 1.0,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 1.0,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 1.3,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_224.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 1.3,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_224_no_top.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: true,
    alpha: 1.4,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224.h5',
    md5: null,
  },
  {
    model: 'mobilenetV2',
    includeTop: false,
    alpha: 1.4,
    size: 224,
    path: 'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224_no_top.h5',
    md5: null,
  },
];

/** What {@link resolveImagenetWeights} needs to know about the model being built. */
export interface ImagenetRequest {
  /** @defaultValue `true` */
  includeTop?: boolean | undefined;
  /** @defaultValue `1` */
  alpha?: number | undefined;
  /** @defaultValue the architecture's default (224, 299 for InceptionV3) */
  inputShape?: readonly number[] | undefined;
  /** @defaultValue `1000` */
  classes?: number | undefined;
}

const defaultSizes: Record<ModelName, number> = {
  vgg16: 224,
  vgg19: 224,
  resnet50: 224,
  inceptionV3: 299,
  mobilenet: 224,
  mobilenetV2: 224,
};

const mobilenetSizes: Partial<Record<ModelName, readonly number[]>> = {
  mobilenet: [128, 160, 192, 224],
  mobilenetV2: [96, 128, 160, 192, 224],
};

const mobilenetAlphas: Partial<Record<ModelName, readonly number[]>> = {
  mobilenet: [0.25, 0.5, 0.75, 1],
  mobilenetV2: [0.35, 0.5, 0.75, 1, 1.3, 1.4],
};

const shape = (values: readonly number[]): string => `[${values.join(', ')}]`;
const pythonFloat = (value: number): string => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/**
 * The published weights file for a model, with Keras' own rules: `classes` must be 1000 with the
 * top; with the top the input must be the size the weights were trained at; MobileNet alphas are
 * 0.25/0.5/0.75/1.0 (MobileNetV2: 0.35/0.5/0.75/1.0/1.3/1.4); a MobileNet without top whose input
 * is not square or not a published size gets the 224 weights (as Keras does, with its warning).
 *
 * @param name - the zoo architecture
 * @param request - the options the model is built with
 * @returns the registry entry
 * @throws `TfkitOptionError` (from `@tfkit/core`) with Keras' message for a combination that has no
 *   published weights
 * @example
 * ```ts
 * resolveImagenetWeights('mobilenet', { alpha: 0.25, inputShape: [128, 128, 3] }).path;
 * // 'mobilenet/mobilenet_2_5_128_tf.h5'
 * ```
 */
export function resolveImagenetWeights(name: ModelName, request: ImagenetRequest = {}): ImagenetWeightsEntry {
  const includeTop = request.includeTop ?? true;
  const classes = request.classes ?? 1000;
  const alpha = request.alpha ?? 1;
  if (includeTop && classes !== 1000) {
    throw optionError(
      'classes',
      `If using \`weights: 'imagenet'\` with \`includeTop: true\`, \`classes\` should be 1000. Received classes=${classes}. Pass includeTop: false to put your own classifier on top.`,
      classes,
    );
  }
  const sizes = mobilenetSizes[name];
  const given = request.inputShape;
  const rows = given?.[0];
  const square = given !== undefined && given[0] === given[1];
  let defaultSize = defaultSizes[name];
  if (sizes && square && rows !== undefined && sizes.includes(rows)) defaultSize = rows;
  const defaultShape = [defaultSize, defaultSize, 3];
  if (includeTop && given !== undefined && shape(given) !== shape(defaultShape)) {
    throw optionError(
      'inputShape',
      `When setting \`includeTop: true\` and loading \`imagenet\` weights, \`inputShape\` should be ${shape(defaultShape)}. Received: inputShape=${shape(given)}. Pass includeTop: false for other sizes.`,
      given,
    );
  }
  const alphas = mobilenetAlphas[name];
  if (alphas) {
    if (!alphas.includes(alpha)) {
      throw optionError(
        'alpha',
        name === 'mobilenet'
          ? `If imagenet weights are being loaded, alpha can be one of \`0.25\`, \`0.50\`, \`0.75\` or \`1.0\` only. Received alpha=${alpha}`
          : `If imagenet weights are being loaded, alpha must be one of \`0.35\`, \`0.50\`, \`0.75\`, \`1.0\`, \`1.3\` or \`1.4\` only; Received \`alpha=${alpha}\``,
        alpha,
      );
    }
    const size = sizes && square && rows !== undefined && sizes.includes(rows) ? rows : 224;
    if (alpha > 1 && size !== 224) {
      throw optionError(
        'inputShape',
        `MobileNetV2 imagenet weights for alpha=${pythonFloat(alpha)} are published for 224x224 inputs only. Received: inputShape=${shape(given ?? defaultShape)}. Use inputShape [224, 224, 3] or alpha <= 1.`,
        given,
      );
    }
    return find(name, includeTop, (entry) => entry.alpha === alpha && entry.size === size);
  }
  return find(name, includeTop, () => true);
}

function find(
  name: ModelName,
  includeTop: boolean,
  matches: (entry: ImagenetWeightsEntry) => boolean,
): ImagenetWeightsEntry {
  const entry = imagenetWeights.find(
    (candidate) => candidate.model === name && candidate.includeTop === includeTop && matches(candidate),
  );
  if (!entry)
    throw optionError('weights', `keras.applications publishes no ImageNet weights for ${name} with these options.`);
  return entry;
}

/** Where and how ImageNet weights are fetched; see {@link imagenetWeightsFile}. */
export interface ImagenetFetchOptions extends FetchOptions {
  /**
   * Base URL of a mirror of Keras' weights, holding the same paths
   * (`<base>/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5`, ...).
   * @defaultValue `$TFKIT_WEIGHTS_BASE_URL`, else {@link KERAS_WEIGHTS_BASE_URL}
   */
  weightsBaseUrl?: string | undefined;
  /**
   * Use a verified copy from Keras' own cache (`$KERAS_HOME/models`, else `~/.keras/models`) when
   * tfkit's cache has none, instead of downloading it again.
   * @defaultValue `true`
   */
  kerasCache?: boolean | undefined;
}

/** Keras' cache directory of application weights: `$KERAS_HOME/models`, else `~/.keras/models`. */
function kerasModelsDirectory(): string {
  return path.join(process.env['KERAS_HOME'] || path.join(os.homedir(), '.keras'), 'models');
}

/**
 * The URL an entry is downloaded from: `weightsBaseUrl`, else `$TFKIT_WEIGHTS_BASE_URL`, else Keras'.
 *
 * @param entry - a registry entry
 * @param options - the mirror override
 * @returns the URL
 */
export function imagenetWeightsUrl(entry: ImagenetWeightsEntry, options: ImagenetFetchOptions = {}): string {
  const base = options.weightsBaseUrl ?? process.env['TFKIT_WEIGHTS_BASE_URL'] ?? KERAS_WEIGHTS_BASE_URL;
  return `${base.endsWith('/') ? base : `${base}/`}${entry.path}`;
}

/**
 * Where an entry's file lives in the cache (`<cacheDir>/<file name>`, as Keras keeps it in
 * `~/.keras/models/`): also where a user can place it by hand when offline.
 *
 * @param entry - a registry entry
 * @param options - `cacheDir`
 * @returns the absolute path
 */
export function imagenetWeightsPath(entry: ImagenetWeightsEntry, options: FetchOptions = {}): string {
  return path.resolve(options.cacheDir ?? defaultCacheDirectory(), path.posix.basename(entry.path));
}

/**
 * The local path of an entry's weights file, downloading it into the cache first when needed:
 * through `download` of `@tfkit/core/node` (retries with back-off, a stall timeout, HTTP Range
 * resume of a partial `.part` file, restart when the server ignores Range, the md5 check of Keras'
 * sources, an atomic rename, a lock shared by concurrent processes). A cached file is checked
 * again on every use (md5, or the SHA-256 recorded at download time where Keras publishes no hash)
 * and fetched again when it was corrupted. A file Keras itself downloaded (`~/.keras/models`) is
 * used in place when its md5 matches.
 *
 * @param entry - a registry entry, e.g. from {@link resolveImagenetWeights}
 * @param options - cache directory, mirror, retry policy, progress, fetch
 * @returns the local path
 * @throws {@link WeightsOfflineError} offline with nothing cached: names the URL, the expected hash
 *   and the exact path to place the file at
 * @throws {@link WeightsLoadError} when the server answers with an error or a file that fails the hash check
 * @example
 * ```ts
 * const file = await fetchImagenetWeights(resolveImagenetWeights('vgg16', { includeTop: false }));
 * ```
 */
export async function fetchImagenetWeights(
  entry: ImagenetWeightsEntry,
  options: ImagenetFetchOptions = {},
): Promise<string> {
  const file = imagenetWeightsPath(entry, options);
  const directory = path.dirname(file);
  const name = path.basename(file);
  const recorded = `${file}.sha256`;
  if (entry.md5 === null && (await exists(file))) {
    const expected = await readFile(recorded, 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    );
    // Placed by hand (no record): trusted as is. Recorded at download time: checked.
    if (expected === undefined || expected === (await hashFile(file, 'sha256'))) return file;
    await rm(file, { force: true });
  }
  if (options.kerasCache !== false && !(await exists(file))) {
    // A file Keras downloaded before (same name, same published md5) is used where it is.
    const keras = path.join(kerasModelsDirectory(), name);
    if (entry.md5 !== null && (await exists(keras)) && (await hashFile(keras, 'md5')) === entry.md5) return keras;
  }
  const url = imagenetWeightsUrl(entry, options);
  await fetchIntoCache({
    url,
    file,
    directory,
    hash: entry.md5 ?? undefined,
    reuse: true,
    advice:
      (entry.md5 === null ? ' (Keras publishes no hash for this file)' : '') +
      ', or set TFKIT_WEIGHTS_BASE_URL (or pass weightsBaseUrl) to a mirror that has it',
    options,
    onBytes: (bytes, total) =>
      options.onProgress?.({ file: name, filesDone: 0, filesTotal: 1, bytes, totalBytes: total }),
  });
  if (entry.md5 === null) await writeFileAtomic(recorded, `${await hashFile(file, 'sha256')}\n`);
  return file;
}

/**
 * Resolves and fetches the ImageNet weights of a model in one call: {@link resolveImagenetWeights}
 * then {@link fetchImagenetWeights}.
 *
 * @param name - the zoo architecture
 * @param options - the model's options (`includeTop`, `alpha`, `inputShape`, `classes`) and where to fetch
 * @returns the local path of the `.h5` file
 * @throws `TfkitOptionError` for a combination Keras publishes no weights for
 * @throws {@link WeightsOfflineError} offline with nothing cached
 * @throws {@link WeightsLoadError} for a server error or a file that fails its hash check
 * @example
 * ```ts
 * await imagenetWeightsFile('mobilenet', { alpha: 0.25, inputShape: [128, 128, 3] });
 * // '/home/me/.cache/tfkit/models/mobilenet_2_5_128_tf.h5'
 * ```
 */
export async function imagenetWeightsFile(
  name: ModelName,
  options: ImagenetRequest & ImagenetFetchOptions = {},
): Promise<string> {
  return fetchImagenetWeights(resolveImagenetWeights(name, options), options);
}
