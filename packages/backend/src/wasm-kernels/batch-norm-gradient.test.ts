import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu } from '../__fixtures__/compare-backends.js';
import { ensureBackend } from '../ensure-backend.js';
import { expectNoTensorLeak, maxRelativeError, seededRandom } from '../testing.js';
import { batchNormGradKernelName, registerBatchNormGradient, stockBatchNormGradient } from './batch-norm-gradient.js';

function tensor(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  const random = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => (random() * 2 - 1) * scale + shift),
    shape,
  );
}

async function kernelNames(fn: () => void): Promise<string[]> {
  const profile = await tf.profile(() => tf.tidy(fn));
  return profile.kernels.map((kernel) => kernel.name);
}

beforeAll(async () => {
  await ensureBackend({ prefer: ['wasm'], log: false, env: {} });
});

describe('FusedBatchNorm gradient', () => {
  it('is registered once, for wasm only, and replaces the stock gradient', async () => {
    expect(registerBatchNormGradient()).toEqual([]);
    expect(tf.getKernel(batchNormGradKernelName, 'wasm')).toBeDefined();
    expect(tf.getKernel(batchNormGradKernelName, 'cpu')).toBeUndefined();
    expect(stockBatchNormGradient()).toBeDefined();
    await tf.setBackend('wasm');
    const names = await kernelNames(() => {
      const x = tensor([2, 4, 4, 3], 1);
      // tfjs's tape needs offset and scale whenever gradients are taken (stock gradient included).
      tf.grad((input: tf.Tensor) =>
        tf.batchNorm(input, tf.zeros([3]), tf.ones([3]), tf.zeros([3]), tf.ones([3])).sum(),
      )(x);
    });
    expect(names).toContain(batchNormGradKernelName);
    expect(names).not.toContain('Tile');
  });

  it('matches cpu for every input, statistics from tf.moments as in Keras training (NHWC and 2-D)', async () => {
    for (const [shape, seed] of [
      [[4, 6, 5, 8], 10],
      [[3, 7, 7, 5], 20],
      [[16, 12], 30],
    ] as Array<[number[], number]>) {
      const channels = shape[shape.length - 1] as number;
      await expectWasmMatchesCpu(() => {
        const x = tensor(shape, seed, 2, 0.5);
        const offset = tensor([channels], seed + 1);
        const scale = tensor([channels], seed + 2, 1, 1);
        const weights = tensor(shape, seed + 3);
        const axes = shape.slice(0, -1).map((_, index) => index);
        const f = (input: tf.Tensor, beta: tf.Tensor, gamma: tf.Tensor) => {
          const { mean, variance } = tf.moments(input, axes);
          const normed = tf.batchNorm(input, mean, variance, beta, gamma, 1e-3);
          return normed.mul(weights).sum();
        };
        return tf.grads(f)([x, offset, scale]);
      });
    }
  });

  it('matches cpu for fixed statistics (the mean and variance gradients themselves)', async () => {
    await expectWasmMatchesCpu(() => {
      const x = tensor([2, 5, 5, 4], 40);
      const mean = tensor([4], 41, 0.2);
      const variance = tensor([4], 42, 0.5, 1);
      const offset = tensor([4], 43);
      const scale = tensor([4], 44, 1, 1);
      const dy = tensor([2, 5, 5, 4], 45);
      return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, e: tf.Tensor) =>
        tf.batchNorm(a, b, c, d, e, 1e-3).mul(dy).sum(),
      )([x, mean, variance, offset, scale]);
    });
  });

  it('trains a Keras BatchNormalization layer like cpu, without leaks', async () => {
    const run = async (backend: 'cpu' | 'wasm'): Promise<number[]> => {
      await tf.setBackend(backend);
      return expectNoTensorLeak(async () => {
        const model = tf.sequential({
          layers: [
            tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same' }),
            tf.layers.batchNormalization(),
            tf.layers.reLU(),
            tf.layers.flatten(),
            tf.layers.dense({ units: 1 }),
          ],
        });
        const random = seededRandom(7);
        const initial = model.getWeights().map((w) =>
          tf.tensor(
            Float32Array.from({ length: w.size }, () => random() - 0.5),
            w.shape,
          ),
        );
        model.setWeights(initial);
        tf.dispose(initial);
        const optimizer = tf.train.sgd(0.05);
        const xs = tensor([8, 6, 6, 2], 50);
        const ys = tensor([8, 1], 51);
        const losses: number[] = [];
        for (let step = 0; step < 3; step++) {
          const loss = optimizer.minimize(
            () => tf.losses.meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor),
            true,
          ) as tf.Scalar;
          losses.push((await loss.data())[0] as number);
          loss.dispose();
        }
        tf.dispose([xs, ys]);
        optimizer.dispose();
        model.dispose();
        return losses;
      });
    };
    const expected = await run('cpu');
    const actual = await run('wasm');
    expect(maxRelativeError(actual, expected)).toBeLessThanOrEqual(1e-5);
    expect(actual[2] as number).toBeLessThan(actual[0] as number);
  });
});
