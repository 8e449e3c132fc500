import * as tf from '@tensorflow/tfjs';
import { apply } from './builder.js';

/** Pooling applied to the last feature map when the classifier is left out. */
export type Pooling = 'avg' | 'max' | null;

/** The architecture options every zoo builder receives. */
export interface ArchitectureOptions {
  includeTop: boolean;
  pooling: Pooling;
  classes: number;
  classifierActivation: 'softmax' | 'linear';
  alpha: number;
  dropout: number;
}

/** Keras's `pooling` for models without top, with the names Keras gives the layers. */
export function applyPooling(
  x: tf.SymbolicTensor,
  pooling: Pooling,
  names: { avg: string; max: string },
): tf.SymbolicTensor {
  if (pooling === 'avg') return apply(tf.layers.globalAveragePooling2d({ name: names.avg }), x);
  if (pooling === 'max') return apply(tf.layers.globalMaxPooling2d({ name: names.max }), x);
  return x;
}
