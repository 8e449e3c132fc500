import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';

/**
 * Tests run on the cpu backend with tiny shapes: deterministic and independent of the wasm
 * training kernels. `TFKIT_BACKEND` still overrides.
 */
export async function useTestBackend(): Promise<void> {
  await ensureBackend({ prefer: ['cpu'], log: false });
  tf.env().set('IS_TEST', true);
}

/** Largest absolute difference between two tensors' values. */
export function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
