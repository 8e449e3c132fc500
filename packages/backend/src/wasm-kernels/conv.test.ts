import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../ensure-backend.js';
import { expectNoTensorLeak, maxRelativeError, seededRandom as random } from '../testing.js';
import { registerConvKernels } from './conv.js';
import { convTuning } from './conv-gradients.js';
import { depthwiseTuning } from './depthwise-gradients.js';
import { WasmKernelError } from './wasm-heap.js';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

const kernelNames = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
];

function integer(next: () => number, low: number, high: number): number {
  return low + Math.floor(next() * (high - low + 1));
}

function values(next: () => number, shape: number[]): Float32Array {
  const data = new Float32Array(shape.reduce((product, size) => product * size, 1));
  for (let i = 0; i < data.length; i++) data[i] = next() * 2 - 1;
  return data;
}

/** Runs `compute` on a backend and returns the values of its outputs (all tensors disposed). */
async function on(backend: 'cpu' | 'wasm', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => compute().map((tensor) => tensor.dataSync() as Float32Array));
}

async function expectSameOnBothBackends(label: string, compute: () => tf.Tensor[]): Promise<void> {
  const expected = await on('cpu', compute);
  const actual = await on('wasm', compute);
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = maxRelativeError(actual[i] as Float32Array, expected[i] as Float32Array);
    expect(error, `${label} output ${i}: relative error ${error}`).toBeLessThanOrEqual(1e-5);
  }
}

interface ConvCase {
  label: string;
  x: Float32Array;
  xShape: Shape4;
  filter: Float32Array;
  filterShape: Shape4;
  dy: Float32Array;
  dyShape: Shape4;
  strides: [number, number];
  pad: Pad;
}

const strideChoices: Array<[number, number]> = [
  [1, 1],
  [2, 2],
  [2, 1],
  [1, 2],
];
const padChoices: Pad[] = [
  'same',
  'valid',
  1,
  [
    [0, 0],
    [1, 0],
    [2, 1],
    [0, 0],
  ],
];

/**
 * Random convolution cases; `depthwise` makes the filter [fh, fw, C, multiplier]. Input channels
 * 1-4 by default; `wide` uses 8-10 (Conv2DBackpropInput switches algorithms at 8).
 */
function convCases(seed: number, count: number, depthwise: boolean, wide = false): ConvCase[] {
  const next = random(seed);
  const cases: ConvCase[] = [];
  for (let index = 0; index < count; index++) {
    const batch = integer(next, 1, 3);
    const height = integer(next, 1, 10);
    const width = integer(next, 1, 10);
    const inChannels = wide ? integer(next, 8, 10) : integer(next, 1, 4);
    const outChannels = depthwise ? ([1, 1, 2, 3][integer(next, 0, 3)] as number) : integer(next, 1, 8);
    const strides = strideChoices[index % strideChoices.length] as [number, number];
    const pad = padChoices[Math.floor(index / strideChoices.length) % padChoices.length] as Pad;
    const filterHeight = integer(next, 1, pad === 'valid' ? Math.min(5, height) : 5);
    const filterWidth = integer(next, 1, pad === 'valid' ? Math.min(5, width) : 5);
    const xShape: Shape4 = [batch, height, width, inChannels];
    const filterShape: Shape4 = [filterHeight, filterWidth, inChannels, outChannels];
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, undefined, depthwise);
    if (info.outHeight <= 0 || info.outWidth <= 0) {
      index--;
      continue;
    }
    const dyShape: Shape4 = [batch, info.outHeight, info.outWidth, info.outChannels];
    cases.push({
      label: `x[${xShape}] filter[${filterShape}] strides[${strides}] pad ${JSON.stringify(pad)}`,
      x: values(next, xShape),
      xShape,
      filter: values(next, filterShape),
      filterShape,
      dy: values(next, dyShape),
      dyShape,
      strides,
      pad,
    });
  }
  return cases;
}

beforeAll(async () => {
  const info = await ensureBackend({ prefer: ['wasm'], log: false, env: {} });
  expect(info.name).toBe('wasm');
});

describe('registerConvKernels', () => {
  it('registers all four kernels for wasm once', () => {
    expect(registerConvKernels()).toEqual([]);
    for (const name of kernelNames) {
      const kernel = tf.getKernel(name, 'wasm');
      expect(kernel, name).toBeDefined();
      // The stock Conv2DBackpropInput has a setupFunc; ours needs none.
      expect(kernel?.setupFunc, name).toBeUndefined();
    }
  });

  it('replaces the kernels again after someone else re-registered one', () => {
    const ours = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: () => ({}) as never });
    expect(registerConvKernels()).toEqual(['Conv2DBackpropFilter']);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(ours?.kernelFunc);
  });
});

describe('forward convolutions on wasm with same or numeric padding', () => {
  it('match cpu for a filter dimension of 1 at stride 2 (stock wasm returns zeros)', async () => {
    const next = random(3);
    const x = values(next, [1, 10, 10, 2]);
    const filter = values(next, [4, 1, 2, 1]);
    await expectSameOnBothBackends('[4,1] filter, strides [1,2]', () => {
      const input = tf.tensor4d(x, [1, 10, 10, 2]);
      const weights = tf.tensor4d(filter, [4, 1, 2, 1]);
      return [
        tf.conv2d(input, weights, [1, 2], 'same'),
        tf.fused.conv2d({ x: input, filter: weights, strides: [1, 2], pad: 'same', bias: tf.ones([1]) }),
        tf.depthwiseConv2d(input, weights, [2, 1], 'same'),
        tf.fused.depthwiseConv2d({ x: input, filter: weights, strides: [1, 2], pad: 'same', activation: 'relu' }),
      ];
    });
  });

  it('match cpu when the stride skips the last columns (negative TensorFlow padding, 2-wide filter at stride 3)', async () => {
    const next = random(5);
    const x = values(next, [2, 7, 6, 2]);
    const filter = values(next, [2, 2, 2, 1]);
    await expectSameOnBothBackends('[2,2] filter, strides [1,3], width 6', () => {
      const input = tf.tensor4d(x, [2, 7, 6, 2]);
      const weights = tf.tensor4d(filter, [2, 2, 2, 1]);
      return [
        tf.conv2d(input, weights, [1, 3], 'same'),
        tf.fused.conv2d({ x: input, filter: weights, strides: [2, 3], pad: 'same', bias: tf.ones([1]) }),
        tf.depthwiseConv2d(input, weights, [3, 3], 'same'),
        tf.fused.depthwiseConv2d({ x: input, filter: weights, strides: [1, 3], pad: 'same', activation: 'relu' }),
        // The common case goes straight to the stock kernel.
        tf.conv2d(input, weights, 1, 'same'),
        tf.depthwiseConv2d(input, weights, 2, 'same'),
      ];
    });
  });

  it('match cpu for numeric padding with a square filter and unequal strides', async () => {
    const next = random(6);
    const x = values(next, [1, 9, 8, 2]);
    const filter = values(next, [3, 3, 2, 2]);
    await expectSameOnBothBackends('numeric padding, strides [1,2]', () => {
      const input = tf.tensor4d(x, [1, 9, 8, 2]);
      const weights = tf.tensor4d(filter, [3, 3, 2, 2]);
      return [
        tf.conv2d(input, weights, [1, 2], 1),
        tf.conv2d(input, weights, 2, 1),
        tf.depthwiseConv2d(input, weights, 1, 2),
      ];
    });
  });

  it('match cpu for numeric padding with non-square filters (stock wasm writes past its output)', async () => {
    const next = random(4);
    const x = values(next, [2, 5, 8, 2]);
    const tall = values(next, [5, 1, 2, 3]);
    const wide = values(next, [2, 5, 2, 3]);
    await expectSameOnBothBackends('numeric padding', () => {
      const input = tf.tensor4d(x, [2, 5, 8, 2]);
      return [
        tf.conv2d(input, tf.tensor4d(tall, [5, 1, 2, 3]), 1, 1),
        tf.conv2d(input, tf.tensor4d(wide, [2, 5, 2, 3]), [2, 1], 2),
        tf.depthwiseConv2d(input, tf.tensor4d(tall, [5, 1, 2, 3]), 1, 1),
      ];
    });
  });
});

describe('Conv2D gradients on wasm match cpu', () => {
  const cases = [...convCases(2024, 36, false), ...convCases(99, 12, false, true)];

  it.each(cases.map((testCase) => [testCase.label, testCase] as const))('kernels: %s', async (_label, testCase) => {
    await expectSameOnBothBackends(testCase.label, () => {
      const x = tf.tensor4d(testCase.x, testCase.xShape);
      const filter = tf.tensor4d(testCase.filter, testCase.filterShape);
      const dy = tf.tensor4d(testCase.dy, testCase.dyShape);
      const attrs = { strides: testCase.strides, pad: testCase.pad, dataFormat: 'NHWC' };
      const dFilter = tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        {
          ...attrs,
          filterShape: testCase.filterShape,
        },
      ) as tf.Tensor;
      const dx = tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy, filter },
        {
          ...attrs,
          inputShape: testCase.xShape,
        },
      ) as tf.Tensor;
      return [dFilter, dx];
    });
  });

  it('kernels in several im2col blocks (stride-1 filter gradients on im2col too)', async () => {
    const saved = convTuning.blockFloats;
    const savedTaps = convTuning.minTapsForConvolution;
    convTuning.blockFloats = 97;
    convTuning.minTapsForConvolution = Number.POSITIVE_INFINITY;
    try {
      for (const testCase of cases.slice(0, 12)) {
        await expectSameOnBothBackends(`${testCase.label} in blocks`, () => {
          const x = tf.tensor4d(testCase.x, testCase.xShape);
          const filter = tf.tensor4d(testCase.filter, testCase.filterShape);
          const dy = tf.tensor4d(testCase.dy, testCase.dyShape);
          const attrs = { strides: testCase.strides, pad: testCase.pad, dataFormat: 'NHWC' };
          return [
            tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: testCase.filterShape }),
            tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: testCase.xShape }),
          ] as tf.Tensor[];
        });
      }
    } finally {
      convTuning.blockFloats = saved;
      convTuning.minTapsForConvolution = savedTaps;
    }
  });

  it('Conv2DBackpropFilter as one convolution at stride 1 and as a dilated one at strides 2 and 3', async () => {
    const saved = convTuning.minTapsForStridedConvolution;
    convTuning.minTapsForStridedConvolution = 4;
    try {
      for (const [xShape, filterShape, pad, strides] of [
        [[3, 10, 10, 6], [5, 5, 6, 4], 'same', 1],
        [[2, 9, 7, 3], [3, 3, 3, 5], 'valid', 1],
        [[3, 28, 28, 1], [4, 4, 1, 6], 'same', 2],
        [[2, 14, 14, 5], [4, 4, 5, 3], 'same', 2],
        [[2, 11, 9, 3], [3, 2, 3, 4], 'valid', 3],
        [[2, 12, 13, 2], [2, 3, 2, 3], 2, [3, 2]],
        [[1, 9, 9, 2], [2, 2, 2, 2], 'same', 3],
        [
          [2, 8, 8, 4],
          [3, 2, 4, 3],
          [
            [0, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
          1,
        ],
        [
          [2, 9, 8, 4],
          [4, 4, 4, 3],
          [
            [0, 0],
            [2, 0],
            [1, 2],
            [0, 0],
          ],
          2,
        ],
      ] as Array<[Shape4, Shape4, Pad, number | [number, number]]>) {
        const next = random(xShape[1] * 100 + filterShape[0]);
        const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad as 'same');
        const dyShape: Shape4 = [xShape[0], info.outHeight, info.outWidth, filterShape[3]];
        const xValues = values(next, xShape);
        const dyValues = values(next, dyShape);
        await expectSameOnBothBackends(`${xShape} ${filterShape} ${JSON.stringify(pad)} /${strides}`, () => {
          const x = tf.tensor4d(xValues, xShape);
          const dy = tf.tensor4d(dyValues, dyShape);
          return [
            tf
              .engine()
              .runKernel(
                'Conv2DBackpropFilter',
                { x, dy },
                { strides, pad, dataFormat: 'NHWC', filterShape },
              ) as tf.Tensor,
          ];
        });
      }
    } finally {
      convTuning.minTapsForStridedConvolution = saved;
    }
  });

  it.each(cases.map((testCase) => [testCase.label, testCase] as const))('tf.grads: %s', async (_label, testCase) => {
    await expectSameOnBothBackends(testCase.label, () => {
      const x = tf.tensor4d(testCase.x, testCase.xShape);
      const filter = tf.tensor4d(testCase.filter, testCase.filterShape);
      const dy = tf.tensor4d(testCase.dy, testCase.dyShape);
      const conv = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, testCase.strides, testCase.pad);
      const convGrads = tf.grads(conv)([x, filter], dy);
      const fused = tf.fused.conv2d({
        x,
        filter,
        strides: testCase.strides,
        pad: testCase.pad,
        bias: tf.ones([testCase.filterShape[3]]),
        activation: 'relu',
      });
      // conv2dTranspose: its forward pass is Conv2DBackpropInput, its gradient Conv2D + Conv2DBackpropFilter.
      const pad = typeof testCase.pad === 'string' ? testCase.pad : 'same';
      const transposed = (value: tf.Tensor, weights: tf.Tensor) =>
        tf.conv2dTranspose(value as tf.Tensor4D, weights as tf.Tensor4D, testCase.xShape, testCase.strides, pad);
      const outputShape = tf.backend_util.computeConv2DInfo(
        testCase.xShape,
        testCase.filterShape,
        testCase.strides,
        1,
        pad,
      ).outShape;
      const dyOfTranspose = tf.tensor4d(values(random(testCase.x.length), outputShape), outputShape as Shape4);
      const forward = transposed(dyOfTranspose, filter);
      const transposeGrads = tf.grads(transposed)([dyOfTranspose, filter], x);
      return [conv(x, filter), fused, ...convGrads, forward, ...transposeGrads];
    });
  });
});

describe('depthwise gradients on wasm match cpu', () => {
  const cases = convCases(77, 36, true);

  it.each(cases.map((testCase) => [testCase.label, testCase] as const))(
    'kernels and tf.grads: %s',
    async (_label, testCase) => {
      await expectSameOnBothBackends(testCase.label, () => {
        const x = tf.tensor4d(testCase.x, testCase.xShape);
        const filter = tf.tensor4d(testCase.filter, testCase.filterShape);
        const dy = tf.tensor4d(testCase.dy, testCase.dyShape);
        const attrs = { strides: testCase.strides, pad: testCase.pad, dilations: [1, 1] };
        const dFilter = tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x, dy },
          {
            ...attrs,
            filterShape: testCase.filterShape,
          },
        ) as tf.Tensor;
        const dx = tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter },
          {
            ...attrs,
            inputShape: testCase.xShape,
          },
        ) as tf.Tensor;
        const depthwise = (a: tf.Tensor, b: tf.Tensor) =>
          tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, testCase.strides, testCase.pad);
        const grads = tf.grads(depthwise)([x, filter], dy);
        return [depthwise(x, filter), dFilter, dx, ...grads];
      });
    },
  );

  it('backprop filter: both algorithms for multiplier 1 match cpu at every stride', async () => {
    const saved = depthwiseTuning.filterAlgorithm;
    try {
      for (const algorithm of ['products', 'loop'] as const) {
        depthwiseTuning.filterAlgorithm = algorithm;
        for (const testCase of cases.filter((candidate) => candidate.filterShape[3] === 1).slice(0, 10)) {
          await expectSameOnBothBackends(`${testCase.label} ${algorithm}`, () => {
            const x = tf.tensor4d(testCase.x, testCase.xShape);
            const dy = tf.tensor4d(testCase.dy, testCase.dyShape);
            const attrs = { strides: testCase.strides, pad: testCase.pad, dilations: [1, 1] };
            const kernelAttrs = { ...attrs, filterShape: testCase.filterShape };
            return [tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, kernelAttrs) as tf.Tensor];
          });
        }
      }
    } finally {
      depthwiseTuning.filterAlgorithm = saved;
    }
  });

  it('rejects dilations other than 1 with a typed error', async () => {
    await tf.setBackend('wasm');
    const error = (() => {
      try {
        tf.tidy(() =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropFilter',
              { x: tf.zeros([1, 5, 5, 1]), dy: tf.zeros([1, 5, 5, 1]) },
              { strides: 1, pad: 'same', dilations: [2, 2], filterShape: [3, 3, 1, 1] },
            ),
        );
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(WasmKernelError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/dilations \[2, 2\] are not supported/);
  });
});

describe('wasm convolution training', () => {
  it('leaves no tensors or data buffers behind on any algorithm path', async () => {
    await tf.setBackend('wasm');
    const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const gradients = (
      op: (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor,
      xShape: Shape4,
      filterShape: Shape4,
    ): void => {
      const x = tf.randomUniform(xShape, -1, 1, 'float32', 1);
      const filter = tf.randomUniform(filterShape, -1, 1, 'float32', 2);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        op(a as tf.Tensor4D, b as tf.Tensor4D)
          .square()
          .sum(),
      )([x, filter]);
      for (const grad of grads) grad.dataSync();
    };
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        // Conv2DBackpropInput: col2im (< 8 channels), padded convolution (stride 1), phases (stride 2).
        gradients((x, filter) => tf.conv2d(x, filter, 2, 'same'), [2, 7, 6, 3], [3, 3, 3, 4]);
        gradients((x, filter) => tf.conv2d(x, filter, 1, 'valid'), [2, 7, 6, 8], [3, 2, 8, 4]);
        gradients((x, filter) => tf.conv2d(x, filter, [2, 1], 'same'), [2, 7, 6, 8], [3, 3, 8, 4]);
        // Depthwise: multiplier 1 at stride 1 and 2 (XNNPACK paths), multiplier 2 (loops).
        gradients((x, filter) => tf.depthwiseConv2d(x, filter, 1, 'same'), [2, 7, 6, 3], [3, 3, 3, 1]);
        gradients((x, filter) => tf.depthwiseConv2d(x, filter, 2, 'same'), [2, 7, 6, 3], [3, 3, 3, 1]);
        gradients((x, filter) => tf.depthwiseConv2d(x, filter, 2, 'valid'), [2, 7, 6, 3], [3, 3, 3, 2]);
      });
    });
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
  });

  it('trains a conv + depthwise + batchnorm + dense net with decreasing loss', async () => {
    await tf.setBackend('wasm');
    const next = random(11);
    const xs = tf.tensor4d(values(next, [16, 12, 12, 2]), [16, 12, 12, 2]);
    const labels = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const initializer = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [12, 12, 2],
          filters: 6,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          kernelInitializer: initializer(1),
        }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.depthwiseConv2d({
          kernelSize: 3,
          depthMultiplier: 2,
          padding: 'same',
          depthwiseInitializer: initializer(2),
        }),
        tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'relu', kernelInitializer: initializer(3) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: initializer(4) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    // The first step creates the optimizer's slots; later steps must not add tensors.
    const first = await model.fit(xs, labels, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    const before = tf.memory().numTensors;
    const history = await model.fit(xs, labels, { epochs: 6, batchSize: 16, shuffle: false, verbose: 0 });
    const losses = [...(first.history.loss as number[]), ...(history.history.loss as number[])];
    expect(tf.getBackend()).toBe('wasm');
    expect(losses.every(Number.isFinite)).toBe(true);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1] as number);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    xs.dispose();
    labels.dispose();
  });
});
