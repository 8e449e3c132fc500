import * as tf from '@tensorflow/tfjs';

/** Arguments of tfjs's `tf.layers.batchNormalization`, which {@link KerasBatchNormalization} takes too. */
export type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

type BatchNormalizationLayer = ReturnType<typeof tf.layers.batchNormalization>;

/** Private state of tfjs's BatchNormalization that the subclass reads. */
interface BatchNormalizationState {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

// tfjs does not export the class itself, only its factory: take the constructor from an instance.
const BatchNormalizationBase = Object.getPrototypeOf(tf.layers.batchNormalization({ name: 'tfkit_probe_bn' }))
  .constructor as new (
  args?: BatchNormalizationArgs,
) => BatchNormalizationLayer;

/**
 * BatchNormalization with Keras semantics, fixing two tfjs-layers differences.
 *
 * 1. A frozen layer (`trainable = false`) runs in inference mode, also inside `fit()`: it
 *    normalises with its moving statistics and never updates them (Keras >= 2.1.3). Stock
 *    tfjs-layers uses batch statistics and keeps updating the moving averages of frozen layers.
 * 2. `scale: false` (and `center: false`) trains: stock tfjs-layers reads the missing gamma and
 *    throws in training mode (tensorflow/tfjs#2868). All of InceptionV3 uses `scale: false`.
 *
 * It serialises as a plain `BatchNormalization`, so saved models load in stock tfjs and Keras; the
 * loaders of this package deserialise it back into this class.
 */
export class KerasBatchNormalization extends BatchNormalizationBase {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const training = kwargs['training'] === true && this.trainable;
    if (!training) return super.call(inputs, { ...kwargs, training: false });
    const state = this as unknown as BatchNormalizationState;
    return tf.tidy(() => {
      const input = Array.isArray(inputs) ? inputs[0]! : inputs;
      const rank = input.rank;
      const axis = state.axis >= 0 ? state.axis : state.axis + rank;
      const reductionAxes: number[] = [];
      for (let index = 0; index < rank; index++) if (index !== axis) reductionAxes.push(index);
      const broadcastShape = input.shape.map((size, index) => (index === axis ? size : 1));
      const { mean, variance } = tf.moments(input, reductionAxes, true);
      let output = tf.mul(tf.sub(input, mean), tf.rsqrt(tf.add(variance, state.epsilon)));
      if (state.gamma) output = tf.mul(output, tf.reshape(state.gamma.read(), broadcastShape));
      if (state.beta) output = tf.add(output, tf.reshape(state.beta.read(), broadcastShape));
      const decay = 1 - state.momentum;
      const update = (variable: tf.LayerVariable, value: tf.Tensor) => {
        const old = variable.read();
        variable.write(tf.sub(old, tf.mul(tf.sub(old, tf.reshape(value, old.shape)), decay)));
      };
      update(state.movingMean, mean);
      update(state.movingVariance, variance);
      return output;
    });
  }
}

/** Custom objects that make tfjs deserialise `BatchNormalization` as {@link KerasBatchNormalization}. */
export function kerasCustomObjects(): tf.serialization.ConfigDict {
  return {
    BatchNormalization: [
      KerasBatchNormalization,
      (KerasBatchNormalization as unknown as { fromConfig: unknown }).fromConfig,
    ] as unknown as tf.serialization.ConfigDictValue,
  };
}
