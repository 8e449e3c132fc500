// Shared by the kernel tests (not shipped: __fixtures__ is left out of the package).
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { expectNoTensorLeak, seededRandom as generator, maxRelativeError } from '../testing.js';

/** Runs `fn` on `backend` without tensor leaks and returns its outputs' values. */
export async function valuesOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return expectNoTensorLeak(async () => {
    const outputs = tf.tidy(fn);
    const values = await Promise.all(outputs.map(async (output) => (await output.data()) as Float32Array));
    tf.dispose(outputs);
    return values;
  });
}

/** Expects every output of `fn` on wasm within 1e-5 relative error of cpu's. */
export async function expectWasmMatchesCpu(fn: () => tf.Tensor[]): Promise<void> {
  const expected = await valuesOn('cpu', fn);
  const actual = await valuesOn('wasm', fn);
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, index) => {
    expect(maxRelativeError(values, expected[index] as Float32Array), `output ${index}`).toBeLessThanOrEqual(1e-5);
  });
}

/** `size` seeded uniform values in [-scale, scale). */
export function randomValues(seed: number, size: number, scale: number): Float32Array {
  const random = generator(seed);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (random() * 2 - 1) * scale;
  return values;
}

/** The wasm backend's count of live data ids (tensor buffers on the heap). */
export function wasmDataIds(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

/** Kernel names run by `fn` on the active backend (its result read and disposed). */
export async function kernelNames(fn: () => tf.Tensor): Promise<string[]> {
  const profile = await tf.profile(() => {
    const result = fn();
    result.dataSync();
    result.dispose();
  });
  return profile.kernels.map((kernel) => kernel.name);
}
