import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../ensure-backend.js';
import { expectNoTensorLeak, seededRandom as generator, maxRelativeError } from '../testing.js';
import { mathKernelNames, registerMathKernels } from './math.js';

interface Input {
  shape: number[];
  values: Float32Array;
}

function randomInput(random: () => number, shape: number[]): Input {
  const values = new Float32Array(tf.util.sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return { shape, values };
}

/** Runs `fn` on fresh tensors made from `inputs` on `backend` and returns its outputs' values. */
async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: Input[],
  fn: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return expectNoTensorLeak(async () => {
    const tensors = inputs.map((input) => tf.tensor(input.values, input.shape));
    const result = tf.tidy(() => fn(...tensors));
    const outputs = Array.isArray(result) ? result : [result];
    const values = await Promise.all(outputs.map(async (output) => (await output.data()) as Float32Array));
    tf.dispose([...tensors, ...outputs]);
    return values;
  });
}

/** Asserts wasm (with tfkit's kernels) and cpu agree on `fn` within `tolerance`. */
async function expectWasmMatchesCpu(
  inputs: Input[],
  fn: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tolerance = 1e-5,
  reference = fn,
): Promise<void> {
  const expected = await runOn('cpu', inputs, reference);
  const actual = await runOn('wasm', inputs, fn);
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, index) => {
    const error = maxRelativeError(values, expected[index] as Float32Array);
    expect(error, `output ${index}`).toBeLessThanOrEqual(tolerance);
  });
}

beforeAll(async () => {
  await ensureBackend({ prefer: ['wasm'], log: false, env: {} });
});

describe('registerMathKernels', () => {
  it('replaces the stock wasm kernels once and keeps cpu untouched', async () => {
    await tf.setBackend('wasm');
    expect(registerMathKernels()).toEqual([]);
    for (const name of mathKernelNames) {
      const kernel = tf.getKernel(name, 'wasm');
      expect(kernel, name).toBeDefined();
      expect(
        ((kernel?.kernelFunc ?? {}) as unknown as Record<symbol, unknown>)[Symbol.for('tfkit.wasmMathKernel')],
      ).toBe(true);
    }
    const cpuKernel = tf.getKernel('BatchMatMul', 'cpu');
    expect(cpuKernel).toBeDefined();
    expect(
      ((cpuKernel?.kernelFunc ?? {}) as unknown as Record<symbol, unknown>)[Symbol.for('tfkit.wasmMathKernel')],
    ).toBeUndefined();
  });
});

describe('BatchMatMul / _FusedMatMul on wasm', () => {
  const random = generator(42);
  const shapes = (
    transposeA: boolean,
    transposeB: boolean,
    aOuter: number[],
    bOuter: number[],
    m: number,
    k: number,
    n: number,
  ) => [
    [...aOuter, ...(transposeA ? [k, m] : [m, k])],
    [...bOuter, ...(transposeB ? [n, k] : [k, n])],
  ];
  const batches: Array<[string, number[], number[]]> = [
    ['no batch', [], []],
    ['batch 3', [3], [3]],
    ['broadcast b', [2, 3], []],
    ['broadcast a', [], [4]],
    ['broadcast both', [2, 1], [1, 3]],
  ];
  for (const [label, aOuter, bOuter] of batches) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matMul ${label}, transposeA=${transposeA}, transposeB=${transposeB}: values and gradients`, async () => {
          const [aShape, bShape] = shapes(transposeA, transposeB, aOuter, bOuter, 7, 33, 5);
          const inputs = [randomInput(random, aShape as number[]), randomInput(random, bShape as number[])];
          const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
          const full = (x: tf.Tensor) => tf.broadcastTo(x, [...outOuter, ...x.shape.slice(-2)]);
          // tfjs's BatchMatMul gradient does not reduce broadcast batches, so the gradient goes
          // through an explicit broadcastTo; the forward product runs the broadcast kernel itself.
          const product = (a: tf.Tensor, b: tf.Tensor, broadcastFirst: boolean) => {
            const value = broadcastFirst
              ? tf.matMul(full(a), full(b), transposeA, transposeB)
              : tf.matMul(a, b, transposeA, transposeB);
            const [gradA, gradB] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
              tf.matMul(full(x), full(y), transposeA, transposeB).square().sum(),
            )([a, b]);
            return [value, gradA as tf.Tensor, gradB as tf.Tensor];
          };
          await expectWasmMatchesCpu(
            inputs,
            (a, b) => product(a as tf.Tensor, b as tf.Tensor, false),
            1e-5,
            (a, b) => product(a as tf.Tensor, b as tf.Tensor, true),
          );
        });
      }
    }
  }

  for (const activation of ['linear', 'relu', 'leakyrelu', 'relu6', 'elu', 'sigmoid', 'prelu'] as const) {
    it(`fused matMul with bias + ${activation}, every transpose combination, values and gradients`, async () => {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const [aShape, bShape] = shapes(transposeA, transposeB, [], [], 16, 24, 9);
          const inputs = [
            randomInput(random, aShape as number[]),
            randomInput(random, bShape as number[]),
            randomInput(random, [9]),
            randomInput(random, [9]),
          ];
          await expectWasmMatchesCpu(inputs, (a, b, bias, alpha) => {
            const run = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
              tf.fused.matMul({
                a: x as tf.Tensor2D,
                b: y as tf.Tensor2D,
                transposeA,
                transposeB,
                bias: z,
                activation,
                preluActivationWeights: activation === 'prelu' ? alpha : undefined,
                leakyreluAlpha: 0.15,
              });
            const product = run(a as tf.Tensor, b as tf.Tensor, bias as tf.Tensor);
            const gradients = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => run(x, y, z).square().sum())([
              a as tf.Tensor,
              b as tf.Tensor,
              bias as tf.Tensor,
            ]);
            return [product, ...gradients];
          });
        }
      }
    });
  }

  it('fused matMul with a batch, a broadcast bias matrix and relu', async () => {
    const inputs = [randomInput(random, [3, 6, 10]), randomInput(random, [3, 10, 4]), randomInput(random, [6, 4])];
    await expectWasmMatchesCpu(inputs, (a, b, bias) =>
      tf.fused.matMul({ a: a as tf.Tensor3D, b: b as tf.Tensor3D, bias, activation: 'relu', transposeB: false }),
    );
  });

  it('matches cpu on dense-layer gradient shapes (both strategies: transposed operands, swapped product)', async () => {
    // x^T @ dy materialises x^T; dy @ W^T is computed as (W @ dy^T)^T so W is never re-packed.
    const inputs = [
      randomInput(random, [100, 256]),
      randomInput(random, [100, 384]),
      randomInput(random, [256, 384]),
      randomInput(random, [300, 20]),
      randomInput(random, [64, 300]),
    ];
    await expectWasmMatchesCpu(inputs, (x, dy, w, u, p) => [
      tf.matMul(x as tf.Tensor, dy as tf.Tensor, true, false),
      tf.matMul(dy as tf.Tensor, w as tf.Tensor, false, true),
      tf.matMul(u as tf.Tensor, p as tf.Tensor, true, true),
    ]);
  });

  it('applies bias and activation after a swapped product', async () => {
    const inputs = [randomInput(random, [20, 64]), randomInput(random, [48, 64]), randomInput(random, [48])];
    await expectWasmMatchesCpu(inputs, (a, b, bias) =>
      tf.fused.matMul({
        a: a as tf.Tensor2D,
        b: b as tf.Tensor2D,
        transposeB: true,
        bias,
        activation: 'leakyrelu',
        leakyreluAlpha: 0.2,
      }),
    );
  });

  it('rejects mismatched inner dimensions like tfjs does', async () => {
    await tf.setBackend('wasm');
    await expectNoTensorLeak(() => {
      const a = tf.ones([2, 3]);
      const b = tf.ones([4, 5]);
      expect(() => tf.matMul(a, b, true, false)).toThrow(/inner shapes/);
      tf.dispose([a, b]);
    });
  });
});

describe('Tile on wasm', () => {
  const random = generator(7);
  const cases: Array<[number[], number[]]> = [
    [
      [100, 78],
      [4, 2],
    ],
    [
      [5, 1, 3],
      [2, 40, 1],
    ],
    [
      [64, 1],
      [1, 300],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 2, 2],
    ],
    [[17], [9]],
    [
      [1, 1],
      [1, 1],
    ],
  ];
  for (const [shape, reps] of cases) {
    it(`tiles [${shape}] by [${reps}] like cpu (and its gradient)`, async () => {
      await expectWasmMatchesCpu(
        [randomInput(random, shape)],
        (x) => [
          tf.tile(x as tf.Tensor, reps),
          tf.grad((v: tf.Tensor) => tf.tile(v, reps).square().sum())(x as tf.Tensor),
        ],
        0,
      );
    });
  }

  it('tiles int32 and bool tensors exactly', async () => {
    await tf.setBackend('wasm');
    await expectNoTensorLeak(async () => {
      const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
      const flags = tf.tensor1d([true, false, true], 'bool');
      const tiledInts = tf.tile(ints, [2, 2]);
      const tiledFlags = tf.tile(flags, [3]);
      expect(Array.from(await tiledInts.data())).toEqual([
        1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6,
      ]);
      expect(Array.from(await tiledFlags.data())).toEqual([1, 0, 1, 1, 0, 1, 1, 0, 1]);
      tf.dispose([ints, flags, tiledInts, tiledFlags]);
    });
  });
});

describe('Sum / Mean on wasm', () => {
  const random = generator(11);
  const cases: Array<[number[], number | number[], boolean]> = [
    [[512, 64], 0, false],
    [[16, 14, 14, 24], [0, 1, 2], false],
    [[16, 14, 14, 24], [0, 1, 2], true],
    [[8, 40, 30], [0, 2], false],
    [[30, 40, 8], 1, true],
    [[6, 50, 7, 4], [1, 3], false],
    [[64, 100], 1, false],
    [[4096], 0, false],
    [[20, 30], [0, 1], false],
    [[13, 9, 8, 5], [0, 1], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    it(`sum and mean of [${shape}] over ${JSON.stringify(axis)} (keepDims ${keepDims}) like cpu`, async () => {
      await expectWasmMatchesCpu([randomInput(random, shape)], (x) => [
        tf.sum(x as tf.Tensor, axis, keepDims),
        tf.mean(x as tf.Tensor, axis, keepDims),
      ]);
    });
  }

  it('keeps the output shape of keepDims', async () => {
    await tf.setBackend('wasm');
    await expectNoTensorLeak(() => {
      const x = tf.ones([64, 8, 16]);
      const total = tf.sum(x, [0, 2], true);
      expect(total.shape).toEqual([1, 8, 1]);
      expect(Array.from(total.dataSync())).toEqual(new Array(8).fill(1024));
      tf.dispose([x, total]);
    });
  });
});

describe('MaxPoolGrad on wasm', () => {
  it('routes the gradient to the maximum of a window whose values are all negative', async () => {
    await tf.setBackend('wasm');
    await expectNoTensorLeak(async () => {
      const x = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
      const gradient = tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').sum())(x);
      expect(Array.from(await gradient.data())).toEqual([0, 1, 0, 0]);
      tf.dispose([x, gradient]);
    });
  });

  it('breaks ties like cpu: the first maximum in row-major window order', async () => {
    const input: Input = { shape: [1, 3, 3, 2], values: new Float32Array(18).fill(-0.5) };
    await expectWasmMatchesCpu([input], (x) =>
      tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 1, 'valid').sum())(x as tf.Tensor4D),
    );
  });

  const random = generator(3);
  for (const filter of [2, 3]) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        it(`matches cpu for ${filter}x${filter} windows, stride ${stride}, ${pad} padding`, async () => {
          const inputs = [randomInput(random, [2, 9, 8, 3])];
          await expectWasmMatchesCpu(inputs, (x) =>
            tf.grad((v: tf.Tensor) =>
              tf
                .maxPool(v as tf.Tensor4D, filter, stride, pad)
                .mul(tf.range(1, 4))
                .sum(),
            )(x as tf.Tensor4D),
          );
        });
      }
    }
  }
});

describe('training on wasm', () => {
  it('trains a small dense net with decreasing loss, like cpu, without leaks', async () => {
    const random = generator(5);
    const features = randomInput(random, [64, 12]);
    const targets = randomInput(random, [64, 3]);
    const train = async (backend: 'cpu' | 'wasm'): Promise<number[]> => {
      await tf.setBackend(backend);
      return expectNoTensorLeak(async () => {
        const model = tf.sequential({
          layers: [
            tf.layers.dense({
              inputShape: [12],
              units: 32,
              activation: 'relu',
              kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
            }),
            tf.layers.dense({
              units: 16,
              activation: 'tanh',
              kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
            }),
            tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
          ],
        });
        const optimizer = tf.train.adam(0.01);
        const xs = tf.tensor(features.values, features.shape);
        const ys = tf.tensor(targets.values, targets.shape);
        const losses: number[] = [];
        for (let step = 0; step < 30; step++) {
          const loss = optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor), true);
          losses.push((await loss?.data())?.[0] ?? Number.NaN);
          loss?.dispose();
        }
        tf.dispose([xs, ys]);
        optimizer.dispose();
        model.dispose();
        return losses;
      });
    };
    const onCpu = await train('cpu');
    const onWasm = await train('wasm');
    expect(onWasm[29]).toBeLessThan((onWasm[0] as number) * 0.7);
    for (let step = 0; step < 30; step++) expect(onWasm[step]).toBeCloseTo(onCpu[step] as number, 4);
  });
});
