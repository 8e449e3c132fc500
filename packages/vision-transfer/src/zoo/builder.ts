import * as tf from '@tensorflow/tfjs';
import { type BatchNormalizationArgs, KerasBatchNormalization } from '../layers/keras-batch-normalization.js';

/** How new weights are filled when a model is built. */
export type Initialization = 'random' | 'zeros';

type ConvArgs = Parameters<typeof tf.layers.conv2d>[0];
type DepthwiseArgs = Parameters<typeof tf.layers.depthwiseConv2d>[0];
type DenseArgs = Parameters<typeof tf.layers.dense>[0];

/**
 * Builds layers with Keras's initialisers (Glorot uniform kernels, zero biases), seeded per layer,
 * and Keras 2's automatic names (`conv2d_1`, `batch_normalization_1`, ...) for unnamed layers.
 * With `initialization: 'zeros'` every weight starts at zero: fast, for architectures whose
 * weights are loaded right after or that are only inspected.
 */
export class LayerBuilder {
  private readonly counters = new Map<string, number>();
  private layerIndex = 0;

  constructor(
    readonly initialization: Initialization,
    readonly seed: number,
  ) {}

  /** Keras 2's automatic layer name: `<kind>_<n>`, counting from 1 per kind. */
  autoName(kind: string): string {
    const next = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, next);
    return `${kind}_${next}`;
  }

  private kernelInitializer(): ReturnType<typeof tf.initializers.glorotUniform> | 'zeros' {
    const seed = this.seed * 1009 + this.layerIndex++;
    return this.initialization === 'zeros' ? 'zeros' : tf.initializers.glorotUniform({ seed });
  }

  conv2d(args: ConvArgs & { name?: string }): tf.layers.Layer {
    return tf.layers.conv2d({
      ...args,
      name: args.name ?? this.autoName('conv2d'),
      kernelInitializer: this.kernelInitializer(),
      biasInitializer: 'zeros',
    });
  }

  depthwiseConv2d(args: DepthwiseArgs & { name: string }): tf.layers.Layer {
    return tf.layers.depthwiseConv2d({
      ...args,
      depthwiseInitializer: this.kernelInitializer(),
      biasInitializer: 'zeros',
    });
  }

  dense(args: DenseArgs & { name: string }): tf.layers.Layer {
    return tf.layers.dense({ ...args, kernelInitializer: this.kernelInitializer(), biasInitializer: 'zeros' });
  }

  batchNormalization(args: BatchNormalizationArgs = {}): tf.layers.Layer {
    return new KerasBatchNormalization({ ...args, name: args.name ?? this.autoName('batch_normalization') });
  }

  activation(activation: 'relu' | 'softmax' | 'linear', name?: string): tf.layers.Layer {
    return tf.layers.activation({ activation, name: name ?? this.autoName('activation') });
  }

  relu6(name: string): tf.layers.Layer {
    return tf.layers.reLU({ maxValue: 6, name });
  }
}

/** Applies a layer to one symbolic tensor. */
export function apply(layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(input) as tf.SymbolicTensor;
}

/** Channel count (last axis) of a symbolic tensor. */
export function channels(tensor: tf.SymbolicTensor): number {
  return tensor.shape[tensor.shape.length - 1] as number;
}
