import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '@tfkit/core';

/** Per-call settings of a forward pass. */
export interface ForwardContext {
  /** Training mode: dropout active, batch norm on batch statistics (and moving averages updated). */
  training: boolean;
  /** Next seed for a dropout mask; called once per dropout layer, in order. */
  nextSeed: () => number;
}

/**
 * A network: a `tf.LayersModel` (for `summary()`, weights and parameter counts) plus a forward
 * function over the same layers that seeds every dropout mask explicitly.
 */
export interface Network {
  /** The Keras-style model; its last layer may be a final activation the forward pass skips. */
  readonly model: tf.LayersModel;
  /**
   * Runs the layers on `input` (optionally with one-hot `labels` concatenated first). For the
   * discriminator the result is the logit (the sigmoid layer is skipped).
   */
  forward(input: tf.Tensor, labels: tf.Tensor | undefined, context: ForwardContext): tf.Tensor;
}

/** Settings shared by the layer factories of one network. */
export class LayerFactory {
  private index = 0;

  /**
   * @param seed - base seed of the weight initialisers
   * @param prefix - layer name prefix, `g` or `d`
   */
  constructor(
    private readonly seed: number,
    readonly prefix: string,
  ) {}

  /** A seeded Glorot-uniform initialiser, different for every layer. */
  kernel(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, this.index++) });
  }
}

/**
 * Builds a {@link Network} from a list of layers, optionally preceded by concatenating one-hot
 * labels to the input (conditional GAN).
 *
 * @param name - model name
 * @param inputSize - size of the flat input (without labels)
 * @param classes - number of label classes to concatenate, or 0
 * @param layers - the trunk
 * @param skipLast - skip the last layer in {@link Network.forward} (the discriminator's sigmoid)
 */
export function buildNetwork(
  name: string,
  inputSize: number,
  classes: number,
  layers: tf.layers.Layer[],
  skipLast: boolean,
): Network {
  let model: tf.LayersModel;
  let concat: tf.layers.Layer | undefined;
  if (classes > 0) {
    const input = tf.input({ shape: [inputSize], name: `${name}_input` });
    const labels = tf.input({ shape: [classes], name: `${name}_labels` });
    concat = tf.layers.concatenate({ name: `${name}_concat_labels` });
    let output = concat.apply([input, labels]) as tf.SymbolicTensor;
    for (const layer of layers) output = layer.apply(output) as tf.SymbolicTensor;
    model = tf.model({ inputs: [input, labels], outputs: output, name });
  } else {
    const input = tf.input({ shape: [inputSize], name: `${name}_input` });
    let output: tf.SymbolicTensor = input;
    for (const layer of layers) output = layer.apply(output) as tf.SymbolicTensor;
    model = tf.model({ inputs: input, outputs: output, name });
  }
  const trunk = skipLast ? layers.slice(0, -1) : layers;
  const dropoutRates = trunk.map((layer) =>
    layer.getClassName() === 'Dropout' ? (layer.getConfig() as { rate: number }).rate : 0,
  );
  return {
    model,
    forward(input, labels, context) {
      let x = concat && labels ? tf.concat([input, labels], 1) : input;
      for (let index = 0; index < trunk.length; index++) {
        const rate = dropoutRates[index]!;
        if (rate > 0) {
          if (context.training) x = tf.dropout(x, rate, undefined, context.nextSeed());
          continue;
        }
        x = trunk[index]!.apply(x, { training: context.training }) as tf.Tensor;
      }
      return x;
    },
  };
}

/** Trainable variables of a model, in `model.trainableWeights` order. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/** Number of parameters (trainable and not) of a model. */
export function countParameters(model: tf.LayersModel): number {
  return model.weights.reduce((sum, weight) => sum + weight.shape.reduce((a, b) => (a ?? 1) * (b ?? 1), 1)!, 0);
}
