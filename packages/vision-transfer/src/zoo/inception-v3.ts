import * as tf from '@tensorflow/tfjs';
import { apply, type LayerBuilder } from './builder.js';
import { type ArchitectureOptions, applyPooling } from './heads.js';

/**
 * InceptionV3 as keras.applications builds it. Unnamed layers get Keras 2's automatic names
 * (`conv2d_1`, `batch_normalization_1`, `activation_1`, ...), those of the published `.h5` files.
 */
export function buildInceptionV3(
  builder: LayerBuilder,
  input: tf.SymbolicTensor,
  options: ArchitectureOptions,
): tf.SymbolicTensor {
  const conv2dBn = (
    x: tf.SymbolicTensor,
    filters: number,
    rows: number,
    cols: number,
    padding: 'same' | 'valid' = 'same',
    strides: [number, number] = [1, 1],
  ): tf.SymbolicTensor => {
    let y = apply(builder.conv2d({ filters, kernelSize: [rows, cols], strides, padding, useBias: false }), x);
    y = apply(builder.batchNormalization({ axis: 3, scale: false }), y);
    return apply(builder.activation('relu'), y);
  };
  const averagePool = (x: tf.SymbolicTensor) =>
    apply(
      tf.layers.averagePooling2d({
        poolSize: 3,
        strides: 1,
        padding: 'same',
        name: builder.autoName('average_pooling2d'),
      }),
      x,
    );
  const maxPool = (x: tf.SymbolicTensor) =>
    apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: builder.autoName('max_pooling2d') }), x);
  const concat = (tensors: tf.SymbolicTensor[], name?: string) =>
    apply(tf.layers.concatenate({ axis: 3, name: name ?? builder.autoName('concatenate') }), tensors);

  let x = conv2dBn(input, 32, 3, 3, 'valid', [2, 2]);
  x = conv2dBn(x, 32, 3, 3, 'valid');
  x = conv2dBn(x, 64, 3, 3);
  x = maxPool(x);
  x = conv2dBn(x, 80, 1, 1, 'valid');
  x = conv2dBn(x, 192, 3, 3, 'valid');
  x = maxPool(x);

  // mixed 0, 1, 2: 35 x 35 x 256/288/288
  for (const [index, poolFilters] of [32, 64, 64].entries()) {
    const branch1x1 = conv2dBn(x, 64, 1, 1);
    let branch5x5 = conv2dBn(x, 48, 1, 1);
    branch5x5 = conv2dBn(branch5x5, 64, 5, 5);
    let branch3x3dbl = conv2dBn(x, 64, 1, 1);
    branch3x3dbl = conv2dBn(branch3x3dbl, 96, 3, 3);
    branch3x3dbl = conv2dBn(branch3x3dbl, 96, 3, 3);
    const branchPool = conv2dBn(averagePool(x), poolFilters, 1, 1);
    x = concat([branch1x1, branch5x5, branch3x3dbl, branchPool], `mixed${index}`);
  }

  // mixed 3: 17 x 17 x 768
  {
    const branch3x3 = conv2dBn(x, 384, 3, 3, 'valid', [2, 2]);
    let branch3x3dbl = conv2dBn(x, 64, 1, 1);
    branch3x3dbl = conv2dBn(branch3x3dbl, 96, 3, 3);
    branch3x3dbl = conv2dBn(branch3x3dbl, 96, 3, 3, 'valid', [2, 2]);
    const branchPool = maxPool(x);
    x = concat([branch3x3, branch3x3dbl, branchPool], 'mixed3');
  }

  // mixed 4, 5, 6, 7: 17 x 17 x 768
  for (const [index, width] of [128, 160, 160, 192].entries()) {
    const branch1x1 = conv2dBn(x, 192, 1, 1);
    let branch7x7 = conv2dBn(x, width, 1, 1);
    branch7x7 = conv2dBn(branch7x7, width, 1, 7);
    branch7x7 = conv2dBn(branch7x7, 192, 7, 1);
    let branch7x7dbl = conv2dBn(x, width, 1, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, width, 7, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, width, 1, 7);
    branch7x7dbl = conv2dBn(branch7x7dbl, width, 7, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, 192, 1, 7);
    const branchPool = conv2dBn(averagePool(x), 192, 1, 1);
    x = concat([branch1x1, branch7x7, branch7x7dbl, branchPool], `mixed${4 + index}`);
  }

  // mixed 8: 8 x 8 x 1280
  {
    let branch3x3 = conv2dBn(x, 192, 1, 1);
    branch3x3 = conv2dBn(branch3x3, 320, 3, 3, 'valid', [2, 2]);
    let branch7x7x3 = conv2dBn(x, 192, 1, 1);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 1, 7);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 7, 1);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 3, 3, 'valid', [2, 2]);
    const branchPool = maxPool(x);
    x = concat([branch3x3, branch7x7x3, branchPool], 'mixed8');
  }

  // mixed 9, 10: 8 x 8 x 2048
  for (let index = 0; index < 2; index++) {
    const branch1x1 = conv2dBn(x, 320, 1, 1);
    let branch3x3 = conv2dBn(x, 384, 1, 1);
    const branch3x3a = conv2dBn(branch3x3, 384, 1, 3);
    const branch3x3b = conv2dBn(branch3x3, 384, 3, 1);
    branch3x3 = concat([branch3x3a, branch3x3b], `mixed9_${index}`);
    let branch3x3dbl = conv2dBn(x, 448, 1, 1);
    branch3x3dbl = conv2dBn(branch3x3dbl, 384, 3, 3);
    const branch3x3dblA = conv2dBn(branch3x3dbl, 384, 1, 3);
    const branch3x3dblB = conv2dBn(branch3x3dbl, 384, 3, 1);
    branch3x3dbl = concat([branch3x3dblA, branch3x3dblB]);
    const branchPool = conv2dBn(averagePool(x), 192, 1, 1);
    x = concat([branch1x1, branch3x3, branch3x3dbl, branchPool], `mixed${9 + index}`);
  }

  if (!options.includeTop) {
    return applyPooling(x, options.pooling, { avg: 'global_average_pooling2d_1', max: 'global_max_pooling2d_1' });
  }
  x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  return apply(
    builder.dense({ units: options.classes, activation: options.classifierActivation, name: 'predictions' }),
    x,
  );
}
