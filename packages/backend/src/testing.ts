/**
 * Test helpers shared by every tfkit package. Runner-agnostic: failures throw plain errors.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Runs `fn` and throws if it leaves tensors or backend data behind.
 *
 * `fn` must dispose everything it creates (including its own outputs). Works for sync and async
 * functions. Compares `tf.memory().numTensors` and `numDataBuffers` before and after.
 *
 * @param fn - the code under test
 * @returns whatever `fn` returns (it must not be a tensor that is still alive)
 * @throws Error naming how many tensors or data buffers leaked
 * @example
 * ```ts
 * await expectNoTensorLeak(() => tf.tidy(() => tf.ones([2]).add(1)).dispose());
 * ```
 */
export async function expectNoTensorLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory();
  const result = await fn();
  const after = tf.memory();
  const tensors = after.numTensors - before.numTensors;
  const buffers = after.numDataBuffers - before.numDataBuffers;
  if (tensors !== 0 || buffers !== 0) {
    throw new Error(
      `expectNoTensorLeak: ${tensors} tensor(s) and ${buffers} data buffer(s) leaked ` +
        `(numTensors ${before.numTensors} -> ${after.numTensors}, numDataBuffers ${before.numDataBuffers} -> ${after.numDataBuffers})`,
    );
  }
  return result;
}
