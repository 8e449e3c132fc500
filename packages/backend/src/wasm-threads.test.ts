import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { ensureBackend, resetBackendChoice } from './index.js';
import { expectNoTensorLeak } from './testing.js';

// Own file (own process): the threaded binary must be chosen before wasm first starts.
describe('ensureBackend({ wasmThreads })', () => {
  it('runs the threaded SIMD binary on worker_threads with the threads tfjs grants', async () => {
    const info = await ensureBackend({ prefer: ['wasm'], wasmThreads: 2, log: false, env: {} });
    expect(info.name).toBe('wasm');
    // tfjs's C++ caps the pool at half the logical CPUs, at least 1 and at most 8.
    const granted = Math.min(2, Math.max(1, Math.floor(os.cpus().length / 2)), 8);
    expect(info.threads).toBe(granted);
    expect(info.kernels).toContain('BatchMatMul');
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    expect(backend.wasm.HEAPU8.buffer).toBeInstanceOf(SharedArrayBuffer);

    const values = Array.from({ length: 64 * 48 }, (_, index) => Math.sin(index));
    const product = async (): Promise<Float32Array> =>
      expectNoTensorLeak(async () => {
        const a = tf.tensor2d(values, [64, 48]);
        const result = tf.tidy(() => tf.matMul(a, a, true, false).relu());
        const data = (await result.data()) as Float32Array;
        tf.dispose([a, result]);
        return data;
      });
    const onWasm = await product();
    await tf.setBackend('cpu');
    const onCpu = await product();
    let difference = 0;
    let scale = 0;
    onCpu.forEach((value, index) => {
      difference = Math.max(difference, Math.abs(value - (onWasm[index] as number)));
      scale = Math.max(scale, Math.abs(value));
    });
    expect(difference / scale).toBeLessThanOrEqual(1e-5);
  });

  it('refuses to switch binaries once wasm has started', async () => {
    resetBackendChoice();
    const error = await Promise.resolve()
      .then(() => ensureBackend({ prefer: ['wasm', 'cpu'], wasmThreads: 4, log: false, env: {} }))
      .catch((caught: unknown) => caught);
    expect(TfkitOptionError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain('before the wasm backend starts');
  });
});
