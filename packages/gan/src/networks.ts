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

/**
 * Builds a projection discriminator (Miyato & Koyama, "cGANs with Projection Discriminator", 2018):
 * the trunk maps the image to features `h`, and the logit is `head(h) + <embed(y), h>`, where
 * `embed` is a bias-free dense layer applied to the one-hot label `y`. A label thus moves the
 * logit by how well the image's features match that class, instead of being concatenated to the
 * pixels (which a convolutional trunk cannot take).
 *
 * @param name - model name
 * @param inputSize - size of the flat image input
 * @param classes - number of label classes
 * @param trunk - layers from the image to the flat features (no dropout)
 * @param head - the unconditional logit, a dense layer with one unit
 * @param embed - bias-free dense layer from the one-hot label to the feature size
 * @param sigmoid - final activation, in the model only ({@link Network.forward} returns the logit)
 */
export function buildProjectionDiscriminator(
  name: string,
  inputSize: number,
  classes: number,
  trunk: tf.layers.Layer[],
  head: tf.layers.Layer,
  embed: tf.layers.Layer,
  sigmoid: tf.layers.Layer,
): Network {
  const input = tf.input({ shape: [inputSize], name: `${name}_input` });
  const labels = tf.input({ shape: [classes], name: `${name}_labels` });
  let features: tf.SymbolicTensor = input;
  for (const layer of trunk) features = layer.apply(features) as tf.SymbolicTensor;
  const projection = tf.layers
    .dot({ axes: -1, name: `${name}_projection` })
    .apply([features, embed.apply(labels) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const logit = tf.layers
    .add({ name: `${name}_logit` })
    .apply([head.apply(features) as tf.SymbolicTensor, projection]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [input, labels], outputs: sigmoid.apply(logit) as tf.SymbolicTensor, name });
  return {
    model,
    forward(x, oneHot, context) {
      let h = x;
      for (const layer of trunk) h = layer.apply(h, { training: context.training }) as tf.Tensor;
      const unconditional = head.apply(h) as tf.Tensor;
      if (!oneHot) return unconditional;
      const e = embed.apply(oneHot) as tf.Tensor;
      return tf.add(unconditional, tf.sum(tf.mul(h, e), 1, true));
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
