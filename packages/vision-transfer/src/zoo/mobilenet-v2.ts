import * as tf from '@tensorflow/tfjs';
import { apply, channels, type LayerBuilder } from './builder.js';
import { type ArchitectureOptions, applyPooling } from './heads.js';

/** Keras's `_make_divisible`: rounds channel counts to a multiple of `divisor`, never more than 10% down. */
export function makeDivisible(value: number, divisor: number, minValue = divisor): number {
  let next = Math.max(minValue, Math.trunc((value + divisor / 2) / divisor) * divisor);
  if (next < 0.9 * value) next += divisor;
  return next;
}

/** MobileNetV2 with width multiplier `alpha`, names as keras.applications (`block_1_expand`, ...). */
export function buildMobileNetV2(
  builder: LayerBuilder,
  input: tf.SymbolicTensor,
  options: ArchitectureOptions,
): tf.SymbolicTensor {
  const { alpha } = options;
  const bn = (name: string) => builder.batchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });

  const invertedResidual = (
    inputs: tf.SymbolicTensor,
    expansion: number,
    stride: 1 | 2,
    filters: number,
    blockId: number,
  ) => {
    const inChannels = channels(inputs);
    const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
    let x = inputs;
    let prefix = `block_${blockId}_`;
    if (blockId) {
      x = apply(
        builder.conv2d({
          filters: expansion * inChannels,
          kernelSize: 1,
          padding: 'same',
          useBias: false,
          name: `${prefix}expand`,
        }),
        x,
      );
      x = apply(bn(`${prefix}expand_BN`), x);
      x = apply(builder.relu6(`${prefix}expand_relu`), x);
    } else {
      prefix = 'expanded_conv_';
    }
    if (stride === 2) {
      // imagenet_utils.correct_pad for a 3x3 kernel
      const rows = x.shape[1] as number;
      const cols = x.shape[2] as number;
      x = apply(
        tf.layers.zeroPadding2d({
          padding: [
            [1 - (1 - (rows % 2)), 1],
            [1 - (1 - (cols % 2)), 1],
          ],
          name: `${prefix}pad`,
        }),
        x,
      );
    }
    x = apply(
      builder.depthwiseConv2d({
        kernelSize: 3,
        strides: stride,
        useBias: false,
        padding: stride === 1 ? 'same' : 'valid',
        name: `${prefix}depthwise`,
      }),
      x,
    );
    x = apply(bn(`${prefix}depthwise_BN`), x);
    x = apply(builder.relu6(`${prefix}depthwise_relu`), x);
    x = apply(
      builder.conv2d({
        filters: pointwiseFilters,
        kernelSize: 1,
        padding: 'same',
        useBias: false,
        name: `${prefix}project`,
      }),
      x,
    );
    x = apply(bn(`${prefix}project_BN`), x);
    if (inChannels === pointwiseFilters && stride === 1) {
      return apply(tf.layers.add({ name: `${prefix}add` }), [inputs, x]);
    }
    return x;
  };

  let x = apply(
    builder.conv2d({
      filters: makeDivisible(32 * alpha, 8),
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      name: 'Conv1',
    }),
    input,
  );
  x = apply(bn('bn_Conv1'), x);
  x = apply(builder.relu6('Conv1_relu'), x);

  const plan: Array<[filters: number, stride: 1 | 2, expansion: number]> = [
    [16, 1, 1],
    [24, 2, 6],
    [24, 1, 6],
    [32, 2, 6],
    [32, 1, 6],
    [32, 1, 6],
    [64, 2, 6],
    [64, 1, 6],
    [64, 1, 6],
    [64, 1, 6],
    [96, 1, 6],
    [96, 1, 6],
    [96, 1, 6],
    [160, 2, 6],
    [160, 1, 6],
    [160, 1, 6],
    [320, 1, 6],
  ];
  plan.forEach(([filters, stride, expansion], blockId) => {
    x = invertedResidual(x, expansion, stride, filters, blockId);
  });

  const lastFilters = alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = apply(builder.conv2d({ filters: lastFilters, kernelSize: 1, useBias: false, name: 'Conv_1' }), x);
  x = apply(bn('Conv_1_bn'), x);
  x = apply(builder.relu6('out_relu'), x);

  if (!options.includeTop) {
    return applyPooling(x, options.pooling, { avg: 'global_average_pooling2d_1', max: 'global_max_pooling2d_1' });
  }
  x = apply(tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' }), x);
  return apply(
    builder.dense({ units: options.classes, activation: options.classifierActivation, name: 'predictions' }),
    x,
  );
}
