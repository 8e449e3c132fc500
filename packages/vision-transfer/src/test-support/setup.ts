import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';

/**
 * Tests run on the backend `ensureBackend()` picks (wasm with tfkit's training kernels here) with
 * tiny shapes; `TFKIT_BACKEND=cpu` forces the pure-JS backend.
 */
export async function useTestBackend(): Promise<void> {
  await ensureBackend({ prefer: ['wasm', 'cpu'], log: false });
}

/** Largest absolute difference between two tensors' values. */
export function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Gives every weight of a model seeded random values (positive for variances), so loaders are really tested. */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  model.weights.forEach((weight, index) => {
    const value = tf.tidy(() => {
      const random = tf.randomUniform(weight.shape as number[], -0.5, 0.5, 'float32', seed * 7919 + index);
      return weight.originalName.endsWith('moving_variance') ? tf.add(tf.abs(random), 0.5) : random;
    });
    weight.write(value);
    value.dispose();
  });
}

/** A tiny image batch, seeded. Caller disposes. */
export function randomImages(count: number, size: number, seed = 1): tf.Tensor4D {
  return tf.randomUniform([count, size, size, 3], -1, 1, 'float32', seed) as tf.Tensor4D;
}
