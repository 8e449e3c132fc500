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
//   node bench/ab.mjs batchnorm [rounds]  MobileNet train step, all tfkit kernels, with the stock vs
//                                         tfkit FusedBatchNorm gradient
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '../dist/index.js';
import {
  denseGenerator,
  inferenceWorkload,
  median,
  mobileNetV1,
  randomTensor,
  setUpBackend,
  trainStep,
  vgg16,
} from './workloads.mjs';

const workload = process.argv[2] ?? 'vgg';
const rounds = Number(process.argv[3] ?? 5);

const kernelNames =
  workload === 'vgg'
    ? ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'BatchMatMul', '_FusedMatMul']
    : workload === 'batchnorm'
      ? []
      : ['Identity', 'Cast', 'TfkitActivationGrad'];
const gradientNames =
  workload === 'vgg' ? [] : workload === 'batchnorm' ? ['FusedBatchNorm'] : ['Relu6', 'ClipByValue'];
const snapshot = () => ({
  kernels: new Map(kernelNames.map((name) => [name, tf.getKernel(name, 'wasm')])),
  gradients: new Map(gradientNames.map((name) => [name, tf.getGradient(name)])),
});

await setUpBackend({ prefer: 'wasm', wasmKernels: false });
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
    return inferenceWorkload({ model: vgg16(tf), xs: randomTensor(tf, [1, 224, 224, 3], 9) }).step;
  }
  if (workload === 'mobilenet' || workload === 'batchnorm') {
    const model = mobileNetV1(tf, { alpha: 0.25, size: 128, classes: 1000 });
    const optimizer = tf.train.adam(1e-3);
    const xs = randomTensor(tf, [16, 128, 128, 3], 7);
    const labels = [...Array(16).keys()].map((i) => (i * 37) % 1000);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 1000).toFloat());
    return trainStep(model, optimizer, xs, ys, tf.losses.softmaxCrossEntropy);
  }
  const model = denseGenerator(tf);
  const optimizer = tf.train.adam(2e-4, 0.5);
  const xs = randomTensor(tf, [100, 256], 3);
  const ys = randomTensor(tf, [100, 784], 4);
  return trainStep(model, optimizer, xs, ys, tf.losses.meanSquaredError);
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
