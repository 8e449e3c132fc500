#!/usr/bin/env node
// Trains the small Fashion-MNIST classifier that @tfkit/gan scores images with (FID on its
// penultimate layer, class coverage) and writes it, in tfjs layers format, to assets/classifier/.
//
//   node scripts/train-classifier.mjs [--epochs 6] [--seed 1]
//   node scripts/train-classifier.mjs --continue --epochs 3 --lr 1e-4 --seed 2   # more epochs from the shipped weights
//
// Needs the full Fashion-MNIST (Debian: apt-get install dataset-fashion-mnist). Deterministic for
// a seed: seeded initialisers, seeded shuffling, no dropout.
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { loadFashionMnist } from '@tfkit/datasets';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const epochs = option('epochs', 6);
const continuing = args.includes('--continue');
const fixedRate = option('lr', 0);
const seed = option('seed', 1);
const batchSize = 100;
const outDir = path.resolve(import.meta.dirname, '..', 'assets', 'classifier');

const backend = await ensureBackend();
const train = await loadFashionMnist({ split: 'train' });
const test = await loadFashionMnist({ split: 'test' });
console.log(`train ${train.count} (${train.origin}), test ${test.count}, backend ${backend.name}`);

function mulberry32(state) {
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const init = (index) => tf.initializers.glorotUniform({ seed: seed * 100 + index });
const model = tf.sequential({
  name: 'fashion_mnist_scorer',
  layers: [
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 5,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(0),
      name: 'conv_0',
    }),
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(1),
      name: 'conv_1',
    }),
    tf.layers.flatten({ name: 'flatten' }),
    tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(2), name: 'features' }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3), name: 'classes' }),
  ],
});
let previous;
if (continuing) {
  const { readFile } = await import('node:fs/promises');
  previous = JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8'));
  const topology = JSON.parse(await readFile(path.join(outDir, 'model.json'), 'utf8'));
  const weightData = new Uint8Array(await readFile(path.join(outDir, 'weights.bin'))).buffer;
  const loaded = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: topology.modelTopology,
      weightSpecs: topology.weightsManifest[0].weights,
      weightData,
    }),
  );
  model.setWeights(loaded.getWeights());
  loaded.dispose();
  console.log(`continuing from the shipped weights (test accuracy ${previous.testAccuracy})`);
}
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
model.summary();

function batchTensors(split, indices) {
  const x = new Float32Array(indices.length * 784);
  const y = new Float32Array(indices.length);
  indices.forEach((image, row) => {
    for (let p = 0; p < 784; p++) x[row * 784 + p] = split.images[image * 784 + p] / 255;
    y[row] = split.labels[image];
  });
  return [tf.tensor4d(x, [indices.length, 28, 28, 1]), tf.tensor1d(y)];
}

function accuracy(split) {
  let correct = 0;
  for (let start = 0; start < split.count; start += 1000) {
    const indices = Array.from({ length: Math.min(1000, split.count - start) }, (_, i) => start + i);
    const [x, y] = batchTensors(split, indices);
    const predicted = tf.tidy(() => model.predict(x).argMax(1).dataSync());
    const labels = y.dataSync();
    for (let i = 0; i < indices.length; i++) if (predicted[i] === labels[i]) correct++;
    tf.dispose([x, y]);
  }
  return correct / split.count;
}

const started = Date.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  const random = mulberry32(seed * 7919 + epoch);
  const order = Array.from({ length: train.count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  if (fixedRate > 0) model.optimizer.learningRate = fixedRate;
  else if (epoch === Math.floor(epochs * 0.7)) model.optimizer.learningRate = 3e-4;
  let loss = 0;
  const batches = Math.floor(train.count / batchSize);
  for (let b = 0; b < batches; b++) {
    const [x, y] = batchTensors(train, order.slice(b * batchSize, (b + 1) * batchSize));
    const [batchLoss] = await model.trainOnBatch(x, y);
    loss += batchLoss;
    tf.dispose([x, y]);
  }
  console.log(
    `epoch ${epoch + 1}/${epochs} loss ${(loss / batches).toFixed(4)} test accuracy ${accuracy(test).toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
}
const testAccuracy = accuracy(test);
const trainAccuracy = accuracy(train);
console.log(`final: train accuracy ${trainAccuracy.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)}`);

let artifacts;
await model.save(
  tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }),
);
const weights = new Uint8Array(artifacts.weightData);
const modelJson = JSON.stringify({
  format: 'layers-model',
  generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
  convertedBy: null,
  modelTopology: artifacts.modelTopology,
  weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
});
const files = { 'model.json': new TextEncoder().encode(modelJson), 'weights.bin': weights };
await mkdir(outDir, { recursive: true });
const manifest = {
  testAccuracy,
  trainAccuracy,
  featureSize: 64,
  featureLayer: 'features',
  files: {},
  training: {
    script: 'scripts/train-classifier.mjs',
    runs: [
      ...(continuing
        ? (previous.training.runs ?? [{ ...previous.training, testAccuracy: previous.testAccuracy }])
        : []),
      {
        command: `node scripts/train-classifier.mjs ${args.join(' ')}`.trim(),
        epochs,
        seed,
        batchSize,
        optimizer: fixedRate > 0 ? `adam ${fixedRate}` : 'adam 1e-3, then 3e-4 for the last 30% of epochs',
        testAccuracy,
      },
    ],
    backend: backend.name,
    data: 'Fashion-MNIST 60,000 train / 10,000 test (Debian dataset-fashion-mnist)',
  },
};
for (const [name, bytes] of Object.entries(files)) {
  manifest.files[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  await writeFile(path.join(outDir, `${name}.tmp`), bytes);
  await rename(path.join(outDir, `${name}.tmp`), path.join(outDir, name));
}
await writeFile(path.join(outDir, 'manifest.json.tmp'), `${JSON.stringify(manifest, null, 2)}\n`);
await rename(path.join(outDir, 'manifest.json.tmp'), path.join(outDir, 'manifest.json'));
console.log(`wrote ${outDir} (${weights.length} bytes of weights)`);
