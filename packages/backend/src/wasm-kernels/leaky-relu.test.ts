import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelNames, randomValues, valuesOn } from '../__fixtures__/compare-backends.js';
import { ensureBackend } from '../ensure-backend.js';
import { expectNoTensorLeak } from '../testing.js';
import { registerLeakyReluGradient, stockLeakyReluGradient } from './leaky-relu.js';
import { registerMathKernels } from './math.js';

/** Asserts bit-identical float32 values (signed zeros and NaN included). */
function expectIdentical(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, index) => {
    expect(Object.is(value, expected[index]), `${label}[${index}]: ${value} vs ${expected[index]}`).toBe(true);
  });
}

const special = [Number.NaN, -Infinity, -1e30, -3, -1, -1e-45, -0, 0, 1e-45, 0.5, 7, 1e30, Infinity];

beforeAll(async () => {
  await ensureBackend({ prefer: ['wasm'], log: false, env: {} });
});

describe('LeakyRelu on wasm', () => {
  it('is registered once, forward kernel and gradient', async () => {
    await tf.setBackend('wasm');
    expect(registerMathKernels()).toEqual([]);
    expect(registerLeakyReluGradient()).toEqual([]);
    expect(stockLeakyReluGradient()).toBeDefined();
  });

  it.each([0.2, 0.01, 1.5])(
    'gives x or the float32 product x * alpha at alpha %s (NaN, infinities, signed zeros)',
    async (alpha) => {
      const size = 3 * 7 * 5 * 4;
      const values = Float32Array.from([...special, ...randomValues(11, size - special.length, 4)]);
      // Stock wasm multiplies by alpha as a float32, like this; the cpu backend by the double alpha.
      const expected = values.map((value) => (value < 0 ? Math.fround(alpha) * value : value));
      const [actual] = await valuesOn('wasm', () => [tf.leakyRelu(tf.tensor(values, [3, 7, 5, 4]), alpha)]);
      expectIdentical(actual as Float32Array, expected, `alpha ${alpha}`);
    },
  );

  it('gives bit-identical gradients to the stock gradient on cpu except at NaN inputs', async () => {
    const size = 4 * 9 * 9 * 3;
    const x = Float32Array.from([...special.slice(1), ...randomValues(12, size - special.length + 1, 3)]);
    const dy = randomValues(13, size, 2);
    dy[0] = Number.NaN;
    dy[1] = -0;
    dy[2] = Infinity;
    const compute = () => {
      const upstream = tf.tensor(dy, [4, 9, 9, 3]);
      const [gradient] = tf.grads((v: tf.Tensor) => tf.leakyRelu(v, 0.2).mul(upstream))([tf.tensor(x, [4, 9, 9, 3])]);
      return [gradient as tf.Tensor];
    };
    const [expected] = await valuesOn('cpu', compute);
    const [actual] = await valuesOn('wasm', compute);
    expectIdentical(actual as Float32Array, expected as Float32Array, 'gradient');
  });

  it('runs Step and Multiply on wasm, the stock kernels on cpu', async () => {
    const x = randomValues(14, 64, 2);
    const forward = () => tf.leakyRelu(tf.tensor(x), 0.3);
    const backward = () => tf.grad((v: tf.Tensor) => tf.leakyRelu(v, 0.3))(tf.tensor(x));
    await tf.setBackend('wasm');
    expect(await kernelNames(forward)).toEqual(['LeakyRelu']);
    const wasmBackward = await kernelNames(backward);
    expect(wasmBackward).toContain('Step');
    expect(wasmBackward).not.toContain('Greater');
    expect(wasmBackward).not.toContain('Select');
    await tf.setBackend('cpu');
    expect(await kernelNames(backward)).toEqual(expect.arrayContaining(['Greater', 'Select']));
    await tf.setBackend('wasm');
  });

  it('keeps int32 on the stock kernel and has a second-order gradient', async () => {
    await tf.setBackend('wasm');
    const ints = tf.tensor1d([-3, 0, 4], 'int32');
    expect(Array.from(tf.leakyRelu(ints, 0.5).dataSync())).toEqual([-1.5, 0, 4]);
    ints.dispose();
    const x = tf.tensor1d([-2, -0.5, 0.5, 2]);
    // d/dx of the gradient sum(dy * step(x)) is zero almost everywhere, like the stock composition.
    const second = tf.grad((v: tf.Tensor) =>
      tf
        .grad((w: tf.Tensor) => tf.leakyRelu(w, 0.2).square().sum())(v)
        .sum(),
    )(x);
    const values = Array.from(second.dataSync());
    for (const [index, want] of [0.08, 0.08, 2, 2].entries()) expect(values[index]).toBeCloseTo(want, 6);
    x.dispose();
    second.dispose();
  });

  it('leaves no tensors behind, forward and backward', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomValues(15, 512, 3), [8, 64]);
    tf.tidy(() => tf.grad((v: tf.Tensor) => tf.leakyRelu(v).sum())(x)).dispose();
    const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    await expectNoTensorLeak(() => {
      tf.leakyRelu(x, 0.1).dispose();
      tf.grad((v: tf.Tensor) => tf.leakyRelu(v, 0.1).sum())(x).dispose();
    });
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
    x.dispose();
  });
});
