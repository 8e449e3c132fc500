import * as tf from '@tensorflow/tfjs';
import { apply, type LayerBuilder } from './builder.js';
import { type ArchitectureOptions, applyPooling } from './heads.js';

/** ResNet50 (v1, biased convolutions) with keras.applications' `resnet.py` names (`conv2_block1_1_conv`, ...). */
export function buildResNet50(
  builder: LayerBuilder,
  input: tf.SymbolicTensor,
  options: ArchitectureOptions,
): tf.SymbolicTensor {
  const epsilon = 1.001e-5;
  const block = (x: tf.SymbolicTensor, filters: number, stride: number, convShortcut: boolean, name: string) => {
    let shortcut = x;
    if (convShortcut) {
      shortcut = apply(
        builder.conv2d({ filters: 4 * filters, kernelSize: 1, strides: stride, name: `${name}_0_conv` }),
        x,
      );
      shortcut = apply(builder.batchNormalization({ axis: 3, epsilon, name: `${name}_0_bn` }), shortcut);
    }
    let y = apply(builder.conv2d({ filters, kernelSize: 1, strides: stride, name: `${name}_1_conv` }), x);
    y = apply(builder.batchNormalization({ axis: 3, epsilon, name: `${name}_1_bn` }), y);
    y = apply(builder.activation('relu', `${name}_1_relu`), y);
    y = apply(builder.conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_2_conv` }), y);
    y = apply(builder.batchNormalization({ axis: 3, epsilon, name: `${name}_2_bn` }), y);
    y = apply(builder.activation('relu', `${name}_2_relu`), y);
    y = apply(builder.conv2d({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }), y);
    y = apply(builder.batchNormalization({ axis: 3, epsilon, name: `${name}_3_bn` }), y);
    y = apply(tf.layers.add({ name: `${name}_add` }), [shortcut, y]);
    return apply(builder.activation('relu', `${name}_out`), y);
  };
  const stack = (x: tf.SymbolicTensor, filters: number, blocks: number, stride: number, name: string) => {
    let y = block(x, filters, stride, true, `${name}_block1`);
    for (let index = 2; index <= blocks; index++) y = block(y, filters, 1, false, `${name}_block${index}`);
    return y;
  };

  let x = apply(
    tf.layers.zeroPadding2d({
      padding: [
        [3, 3],
        [3, 3],
      ],
      name: 'conv1_pad',
    }),
    input,
  );
  x = apply(builder.conv2d({ filters: 64, kernelSize: 7, strides: 2, name: 'conv1_conv' }), x);
  x = apply(builder.batchNormalization({ axis: 3, epsilon, name: 'conv1_bn' }), x);
  x = apply(builder.activation('relu', 'conv1_relu'), x);
  x = apply(
    tf.layers.zeroPadding2d({
      padding: [
        [1, 1],
        [1, 1],
      ],
      name: 'pool1_pad',
    }),
    x,
  );
  x = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }), x);
  x = stack(x, 64, 3, 1, 'conv2');
  x = stack(x, 128, 4, 2, 'conv3');
  x = stack(x, 256, 6, 2, 'conv4');
  x = stack(x, 512, 3, 2, 'conv5');

  if (!options.includeTop) return applyPooling(x, options.pooling, { avg: 'avg_pool', max: 'max_pool' });
  x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  return apply(
    builder.dense({ units: options.classes, activation: options.classifierActivation, name: 'predictions' }),
    x,
  );
}
