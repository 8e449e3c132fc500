#!/usr/bin/env node
// Same-process A/B of tfkit's wasm kernels against the stock ones (run `pnpm build` first).
//
// Rounds alternate between the two kernel sets in one process, so machine load hits both alike;
// each round times one step after an untimed one. Prints wall-clock and process CPU medians.
//
//   node bench/ab.mjs vgg [rounds]        VGG16 @224 b1 inference: stock forward convolutions and
//                                         matmuls vs tfkit's (padding-fix wrappers, matmul kernels)
//   node bench/ab.mjs mobilenet [rounds]  MobileNet v1 0.25 @128 b16 train step and
//   node bench/ab.mjs dense [rounds]      dense generator train step, all tfkit kernels, with the
//                                         stock vs tfkit Identity / Cast kernels and Relu6 /
//                                         ClipByValue gradients (stock wasm cannot train CNNs)
import * as tf from '@tensorflow/tfjs';
import { ensureBackend, registerWasmTrainingKernels } from '../dist/index.js';

const workload = process.argv[2] ?? 'vgg';
const rounds = Number(process.argv[3] ?? 5);

/** mulberry32 for deterministic data. */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTensor(shape, seed) {
  const random = generator(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return tf.tensor(values, shape);
}

function mobileNetV1(tf, { alpha, size, classes }) {
  const filters = (count) => Math.max(8, Math.round(count * alpha));
  const input = tf.input({ shape: [size, size, 3] });
  let x = tf.layers
    .conv2d({ filters: filters(32), kernelSize: 3, strides: 2, padding: 'same', useBias: false })
    .apply(input);
  x = tf.layers.batchNormalization().apply(x);
  x = tf.layers.reLU({ maxValue: 6 }).apply(x);
  const blocks = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  for (const [pointwise, stride] of blocks) {
    x = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false }).apply(x);
    x = tf.layers.batchNormalization().apply(x);
    x = tf.layers.reLU({ maxValue: 6 }).apply(x);
    x = tf.layers.conv2d({ filters: filters(pointwise), kernelSize: 1, padding: 'same', useBias: false }).apply(x);
    x = tf.layers.batchNormalization().apply(x);
    x = tf.layers.reLU({ maxValue: 6 }).apply(x);
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x);
  x = tf.layers.dense({ units: classes, activation: 'softmax' }).apply(x);
  return tf.model({ inputs: input, outputs: x });
}

/** Keras VGG16 (include_top) with random weights. */
function vgg16(tf) {
  const model = tf.sequential();
  const stages = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  let first = true;
  for (const [filters, count] of stages) {
    for (let i = 0; i < count; i++) {
      model.add(
        tf.layers.conv2d({
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          ...(first ? { inputShape: [224, 224, 3] } : {}),
        }),
      );
      first = false;
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 4096, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 4096, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1000, activation: 'softmax' }));
  return model;
}

const kernelNames =
  workload === 'vgg'
    ? ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'BatchMatMul', '_FusedMatMul']
    : ['Identity', 'Cast', 'TfkitActivationGrad'];
const gradientNames = workload === 'vgg' ? [] : ['Relu6', 'ClipByValue'];
const snapshot = () => ({
  kernels: new Map(kernelNames.map((name) => [name, tf.getKernel(name, 'wasm')])),
  gradients: new Map(gradientNames.map((name) => [name, tf.getGradient(name)])),
});

await ensureBackend({ prefer: ['wasm'], wasmKernels: false, log: false, env: {} });
const stock = snapshot();
registerWasmTrainingKernels();
const tfkit = snapshot();

/** Makes `set` the registered kernels and gradients for the names under test. */
function use(set) {
  for (const [name, config] of set.kernels) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    if (config) tf.registerKernel(config);
  }
  for (const [, config] of set.gradients) if (config) tf.registerGradient(config);
}

async function prepare() {
  if (workload === 'vgg') {
    const model = vgg16(tf);
    const xs = randomTensor([1, 224, 224, 3], 9);
    return async () => {
      const y = model.predict(xs);
      await y.data();
      y.dispose();
    };
  }
  let model;
  let optimizer;
  let xs;
  let ys;
  let loss;
  if (workload === 'mobilenet') {
    model = mobileNetV1(tf, { alpha: 0.25, size: 128, classes: 1000 });
    optimizer = tf.train.adam(1e-3);
    xs = randomTensor([16, 128, 128, 3], 7);
    ys = tf.tidy(() =>
      tf
        .oneHot(
          tf.tensor1d(
            [...Array(16).keys()].map((i) => (i * 37) % 1000),
            'int32',
          ),
          1000,
        )
        .toFloat(),
    );
    loss = tf.losses.softmaxCrossEntropy;
  } else {
    model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [256], units: 256, activation: 'relu' }),
        tf.layers.dense({ units: 512, activation: 'relu' }),
        tf.layers.dense({ units: 1024, activation: 'relu' }),
        tf.layers.dense({ units: 784, activation: 'tanh' }),
      ],
    });
    optimizer = tf.train.adam(2e-4, 0.5);
    xs = randomTensor([100, 256], 3);
    ys = randomTensor([100, 784], 4);
    loss = tf.losses.meanSquaredError;
  }
  return async () => {
    const value = optimizer.minimize(() => loss(ys, model.apply(xs, { training: true })), true);
    await value.data();
    value.dispose();
  };
}

const step = await prepare();
const sets = { stock, tfkit };
for (const set of Object.values(sets)) {
  use(set);
  await step();
}
const times = { stock: [], tfkit: [] };
for (let round = 0; round < rounds; round++) {
  for (const [label, set] of Object.entries(sets)) {
    use(set);
    await step();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await step();
    const cpu = process.cpuUsage(cpuStart);
    times[label].push([performance.now() - start, (cpu.user + cpu.system) / 1000]);
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
console.log(
  `${workload}: ${rounds} alternating rounds in one process (kernels swapped: ${kernelNames.join(', ')}${gradientNames.length ? `; gradients: ${gradientNames.join(', ')}` : ''})`,
);
for (const label of ['stock', 'tfkit']) {
  const wall = median(times[label].map(([ms]) => ms));
  const cpu = median(times[label].map(([, ms]) => ms));
  console.log(
    `${label.padEnd(5)}  ${wall.toFixed(0)} ms (CPU ${cpu.toFixed(0)} ms)   rounds: ${times[label].map(([ms, c]) => `${ms.toFixed(0)}/${c.toFixed(0)}`).join(' ')}`,
  );
}
