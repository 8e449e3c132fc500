import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '@tfkit/core';

type DropoutLayer = ReturnType<typeof tf.layers.dropout>;
type DropoutArgs = Parameters<typeof tf.layers.dropout>[0];

const DropoutBase = Object.getPrototypeOf(tf.layers.dropout({ rate: 0.5, name: 'tfkit_probe_dropout' }))
  .constructor as new (
  args: DropoutArgs,
) => DropoutLayer;

/**
 * Dropout that is seeded and still draws a new mask at every training step. tfjs's own `seed`
 * option re-creates the generator on every call, so a seeded tfjs Dropout drops the same units
 * at every step (the units it drops never train). This layer derives the seed of step `n` from
 * `seed` and `n` (`deriveSeed(seed, n)` of `@tfkit/core`). It serialises as a plain `Dropout`.
 */
export class SeededDropout extends DropoutBase {
  private readonly baseSeed: number;
  private step = 0;

  constructor(args: Omit<DropoutArgs, 'seed'> & { seed: number }) {
    const { seed, ...rest } = args;
    super(rest);
    this.baseSeed = seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const rate = (this as unknown as { rate: number }).rate;
    if (kwargs['training'] !== true || rate <= 0) return super.call(inputs, kwargs);
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    const seed = deriveSeed(this.baseSeed, this.step++);
    return tf.tidy(() => tf.dropout(input, rate, undefined, seed));
  }
}
