import * as tf from '@tensorflow/tfjs';
import { apply, type LayerBuilder } from './builder.js';
import { type ArchitectureOptions, applyPooling } from './heads.js';

/** VGG16 (`[2, 2, 3, 3, 3]` convolutions per block) or VGG19 (`[2, 2, 4, 4, 4]`), as keras.applications. */
export function buildVgg(
  builder: LayerBuilder,
  input: tf.SymbolicTensor,
  depth: 16 | 19,
  options: ArchitectureOptions,
): tf.SymbolicTensor {
  const convolutions = depth === 16 ? [2, 2, 3, 3, 3] : [2, 2, 4, 4, 4];
  const filters = [64, 128, 256, 512, 512];
  let x = input;
  convolutions.forEach((count, blockIndex) => {
    const block = blockIndex + 1;
    for (let index = 1; index <= count; index++) {
      const conv = builder.conv2d({
        filters: filters[blockIndex]!,
        kernelSize: 3,
        activation: 'relu',
        padding: 'same',
        name: `block${block}_conv${index}`,
      });
      x = apply(conv, x);
    }
    x = apply(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${block}_pool` }), x);
  });
  if (!options.includeTop) {
    return applyPooling(x, options.pooling, { avg: 'global_average_pooling2d_1', max: 'global_max_pooling2d_1' });
  }
  x = apply(tf.layers.flatten({ name: 'flatten' }), x);
  x = apply(builder.dense({ units: 4096, activation: 'relu', name: 'fc1' }), x);
  x = apply(builder.dense({ units: 4096, activation: 'relu', name: 'fc2' }), x);
  return apply(
    builder.dense({ units: options.classes, activation: options.classifierActivation, name: 'predictions' }),
    x,
  );
}
