import * as tf from '@tensorflow/tfjs';
import { apply, channels, type LayerBuilder } from './builder.js';
import { type ArchitectureOptions, applyPooling } from './heads.js';

/** MobileNet v1 with width multiplier `alpha`, names as keras.applications (`conv_dw_1`, `conv_pw_1_bn`, ...). */
export function buildMobileNet(
  builder: LayerBuilder,
  input: tf.SymbolicTensor,
  options: ArchitectureOptions,
): tf.SymbolicTensor {
  const { alpha } = options;
  let x = apply(
    builder.conv2d({
      filters: Math.trunc(32 * alpha),
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      strides: 2,
      name: 'conv1',
    }),
    input,
  );
  x = apply(builder.batchNormalization({ axis: -1, name: 'conv1_bn' }), x);
  x = apply(builder.relu6('conv1_relu'), x);

  const depthwiseBlock = (y: tf.SymbolicTensor, pointwiseFilters: number, stride: 1 | 2, id: number) => {
    if (stride === 2) {
      y = apply(
        tf.layers.zeroPadding2d({
          padding: [
            [0, 1],
            [0, 1],
          ],
          name: `conv_pad_${id}`,
        }),
        y,
      );
    }
    y = apply(
      builder.depthwiseConv2d({
        kernelSize: 3,
        padding: stride === 1 ? 'same' : 'valid',
        depthMultiplier: 1,
        strides: stride,
        useBias: false,
        name: `conv_dw_${id}`,
      }),
      y,
    );
    y = apply(builder.batchNormalization({ axis: -1, name: `conv_dw_${id}_bn` }), y);
    y = apply(builder.relu6(`conv_dw_${id}_relu`), y);
    y = apply(
      builder.conv2d({
        filters: Math.trunc(pointwiseFilters * alpha),
        kernelSize: 1,
        padding: 'same',
        useBias: false,
        strides: 1,
        name: `conv_pw_${id}`,
      }),
      y,
    );
    y = apply(builder.batchNormalization({ axis: -1, name: `conv_pw_${id}_bn` }), y);
    return apply(builder.relu6(`conv_pw_${id}_relu`), y);
  };

  const plan: Array<[number, 1 | 2]> = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  plan.forEach(([filters, stride], index) => {
    x = depthwiseBlock(x, filters, stride, index + 1);
  });

  if (!options.includeTop) {
    return applyPooling(x, options.pooling, { avg: 'global_average_pooling2d_1', max: 'global_max_pooling2d_1' });
  }
  const width = channels(x);
  x = apply(tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' }), x);
  x = apply(tf.layers.reshape({ targetShape: [1, 1, width], name: 'reshape_1' }), x);
  x = apply(tf.layers.dropout({ rate: options.dropout, name: 'dropout' }), x);
  x = apply(builder.conv2d({ filters: options.classes, kernelSize: 1, padding: 'same', name: 'conv_preds' }), x);
  x = apply(tf.layers.reshape({ targetShape: [options.classes], name: 'reshape_2' }), x);
  return apply(builder.activation(options.classifierActivation, 'predictions'), x);
}
