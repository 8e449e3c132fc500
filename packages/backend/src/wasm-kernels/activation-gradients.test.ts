import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectWasmMatchesCpu,
  kernelNames,
  randomValues,
  valuesOn,
  wasmDataIds,
} from '../__fixtures__/compare-backends.js';
import { ensureBackend } from '../ensure-backend.js';
import { expectNoTensorLeak } from '../testing.js';
import { activationGradKernelName, registerActivationGradients } from './activation-gradients.js';

beforeAll(async () => {
  await ensureBackend({ prefer: ['wasm'], log: false, env: {} });
});

describe('Relu6 / ClipByValue gradients', () => {
  it('are registered once', async () => {
    await tf.setBackend('wasm');
    expect(registerActivationGradients()).toEqual([]);
    expect(tf.getKernel(activationGradKernelName, 'wasm')).toBeDefined();
    expect(tf.getKernel(activationGradKernelName, 'cpu')).toBeUndefined();
  });

  it.each([
    { label: 'odd shape', shape: [3, 5, 7, 2], scale: 8 },
    { label: 'even shape', shape: [2, 8, 8, 4], scale: 8 },
    { label: 'vector', shape: [1001], scale: 3 },
  ])('match cpu values and tf.grads ($label)', async ({ shape, scale }) => {
    const size = tf.util.sizeFromShape(shape);
    const x = randomValues(size, size, scale);
    const dy = randomValues(size + 1, size, 1);
    await expectWasmMatchesCpu(() => {
      const input = tf.tensor(x, shape);
      const upstream = tf.tensor(dy, shape);
      const [relu6] = tf.grads((v: tf.Tensor) => tf.relu6(v).mul(upstream))([input]);
      const [clip] = tf.grads((v: tf.Tensor) => tf.clipByValue(v, -0.5, 0.75).mul(upstream))([input]);
      const [keras] = tf.grads((v: tf.Tensor) => tf.clipByValue(tf.relu(v), 0, 6).mul(upstream))([input]);
      return [relu6 as tf.Tensor, clip as tf.Tensor, keras as tf.Tensor];
    });
  });

  it('match cpu exactly on NaN, infinities, signed zeros and the bounds', async () => {
    const x = [Number.NaN, -Infinity, -1, -0, 0, 1e-45, 3, 6, 6.0000005, Infinity, 0.75, -0.5];
    const dy = [1, -2, Infinity, Number.NaN, -0, 3, -1, 2, 5, -Infinity, 4, -3];
    const compute = () => {
      const input = tf.tensor1d(x);
      const upstream = tf.tensor1d(dy);
      const [relu6] = tf.grads((v: tf.Tensor) => tf.relu6(v).mul(upstream))([input]);
      const [clip] = tf.grads((v: tf.Tensor) => tf.clipByValue(v, -0.5, 0.75).mul(upstream))([input]);
      return [relu6 as tf.Tensor, clip as tf.Tensor];
    };
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    for (let output = 0; output < expected.length; output++) {
      const want = Array.from(expected[output] as Float32Array);
      const got = Array.from(actual[output] as Float32Array);
      got.forEach((value, index) => {
        expect(Object.is(value, want[index]), `output ${output}[${index}]: ${value} vs ${want[index]}`).toBe(true);
      });
    }
  });

  it('run as one tfkit kernel on wasm and as the stock composition on cpu', async () => {
    const gradient = () =>
      tf.tidy(() => {
        const x = tf.tensor2d([
          [-1, 2, 7],
          [0.5, 6, -3],
        ]);
        return tf
          .grad((v: tf.Tensor) => tf.clipByValue(v, 0, 6).sum())(x)
          .add(tf.grad((v: tf.Tensor) => tf.relu6(v).sum())(x));
      });
    await tf.setBackend('wasm');
    const onWasm = await kernelNames(gradient);
    expect(onWasm.filter((name) => name === activationGradKernelName)).toHaveLength(2);
    expect(onWasm).not.toContain('LogicalAnd');
    await tf.setBackend('cpu');
    const onCpu = await kernelNames(gradient);
    expect(onCpu).not.toContain(activationGradKernelName);
    expect(onCpu).toContain('LogicalAnd');
  });

  it('have a second-order gradient on wasm (linear in dy, zero in x; stock has none: LogicalAnd)', async () => {
    await tf.setBackend('wasm');
    const x = Array.from(randomValues(7, 24, 8));
    const values = await expectNoTensorLeak(async () => {
      const input = tf.tensor2d(x, [4, 6]);
      // d/dv sum(v * d/dv sum(clip(v)^2)) = 4v inside [-2, 3], 0 outside.
      const outer = tf.grad((v: tf.Tensor) => {
        const inner = tf.grad((w: tf.Tensor) => tf.clipByValue(w, -2, 3).square().sum())(v);
        return inner.mul(v).sum();
      })(input);
      const result = Array.from(await outer.data());
      tf.dispose([input, outer]);
      return result;
    });
    values.forEach((value, index) => {
      const v = x[index] as number;
      expect(value).toBeCloseTo(v >= -2 && v <= 3 ? 4 * v : 0, 5);
    });
  });

  it('free every intermediate on the wasm heap', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomValues(9, 512, 8), [8, 64]);
    tf.tidy(() => tf.grad((v: tf.Tensor) => tf.relu6(v).sum())(x)).dispose();
    const before = wasmDataIds();
    await expectNoTensorLeak(() => {
      const gradient = tf.grad((v: tf.Tensor) => tf.clipByValue(tf.relu6(v), 1, 2).sum())(x);
      gradient.dispose();
    });
    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});

describe('Identity / Cast on wasm', () => {
  it('share data instead of copying, and the copy outlives the original', async () => {
    await tf.setBackend('wasm');
    const before = wasmDataIds();
    const original = tf.tensor1d([1, -2, 3.5]);
    const clone = tf.clone(original);
    const same = tf.cast(original, 'float32');
    expect(wasmDataIds()).toBe(before + 1);
    original.dispose();
    expect(Array.from(await clone.data())).toEqual([1, -2, 3.5]);
    same.dispose();
    expect(Array.from(clone.dataSync())).toEqual([1, -2, 3.5]);
    clone.dispose();
    expect(wasmDataIds()).toBe(before);
  });

  it('still converts between dtypes', async () => {
    await tf.setBackend('wasm');
    await expectNoTensorLeak(async () => {
      const x = tf.tensor1d([1.7, -2.2, 0]);
      const asInt = tf.cast(x, 'int32');
      const back = tf.cast(asInt, 'float32');
      expect(asInt.dtype).toBe('int32');
      expect(Array.from(await asInt.data())).toEqual([1, -2, 0]);
      expect(back.dtype).toBe('float32');
      expect(Array.from(await back.data())).toEqual([1, -2, 0]);
      tf.dispose([x, asInt, back]);
    });
  });
});
