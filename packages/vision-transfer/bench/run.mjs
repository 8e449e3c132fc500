#!/usr/bin/env node
// pnpm bench (node bench/run.mjs) over the built dist: inference images/s of MobileNet 1.0 @224,
// VGG16 @224 and InceptionV3 @299 (random weights, batch 1), then one transfer-training epoch with
// and without bottleneck caching. Figures are compared within this run (ratios); the machine is
// shared, so absolute numbers are noisy.  Options: --quick (fewer repetitions), --backend cpu|wasm.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { buildModel, createTransferModel, trainTransferModel } from '../dist/index.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, backend: { type: 'string' } } });
const info = await ensureBackend(values.backend ? { prefer: [values.backend] } : {});
const repeat = values.quick ? 1 : 3;

async function inference(name, options, size, images) {
  const built = performance.now();
  const model = buildModel(name, { ...options, inputShape: [size, size, 3], seed: 1 });
  const buildSeconds = (performance.now() - built) / 1000;
  const input = tf.randomUniform([1, size, size, 3], -1, 1, 'float32', 1);
  tf.tidy(() => model.predict(input).dataSync()); // warm-up
  const started = performance.now();
  for (let index = 0; index < images; index++) tf.tidy(() => model.predict(input).dataSync());
  const seconds = (performance.now() - started) / 1000;
  input.dispose();
  model.dispose();
  return {
    label: `${{ mobilenet: `MobileNet ${(options.alpha ?? 1).toFixed(1)}`, vgg16: 'VGG16', inceptionV3: 'InceptionV3' }[name]} @${size}`,
    imagesPerSecond: images / seconds,
    buildSeconds,
  };
}

console.log(`# @tfkit/vision-transfer bench on ${info.name}${values.quick ? ' (--quick)' : ''}`);
const rows = [
  await inference('mobilenet', { alpha: 1 }, 224, 5 * repeat),
  await inference('vgg16', {}, 224, repeat),
  await inference('inceptionV3', {}, 299, repeat),
];
const baseline = rows[0].imagesPerSecond;
console.log('\n| model | images/s (batch 1) | vs MobileNet 1.0 | build (random init) |\n|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.label} | ${row.imagesPerSecond.toFixed(2)} | ${(row.imagesPerSecond / baseline).toFixed(3)}x | ${row.buildSeconds.toFixed(1)} s |`,
  );
}

// Transfer-training epoch: MobileNet 0.25 @128 base (frozen) + global-average-pooling head, 64 images.
const count = 64;
const xs = tf.randomUniform([count, 128, 128, 3], -1, 1, 'float32', 2);
const ys = tf.tidy(() =>
  tf.oneHot(
    tf.tensor1d(
      Array.from({ length: count }, (_, i) => i % 4),
      'int32',
    ),
    4,
  ),
);
async function epochs(bottleneck) {
  const base = buildModel('mobilenet', { alpha: 0.25, includeTop: false, inputShape: [128, 128, 3], seed: 3 });
  const transfer = createTransferModel({ base, numClasses: 4, head: 'globalAveragePooling', freeze: 'base' });
  const epochCount = 1 + repeat;
  const started = performance.now();
  const result = await trainTransferModel(transfer, xs, ys, { headEpochs: epochCount, batchSize: 16, bottleneck });
  const total = (performance.now() - started) / 1000;
  transfer.dispose();
  const steady = result.epochs.slice(1).map((epoch) => epoch.seconds);
  return {
    perEpoch: steady.reduce((a, b) => a + b, 0) / steady.length,
    featureSeconds: result.featureSeconds,
    total,
    epochCount,
  };
}
const plain = await epochs(false);
const cached = await epochs(true);
console.log(
  `\n| transfer epoch (MobileNet 0.25 @128 frozen + GAP head, ${count} images) | seconds/epoch | speed-up |\n|---|---|---|`,
);
console.log(`| without bottleneck caching | ${plain.perEpoch.toFixed(3)} | 1.00x |`);
console.log(
  `| with bottleneck caching | ${cached.perEpoch.toFixed(3)} | ${(plain.perEpoch / cached.perEpoch).toFixed(1)}x |`,
);
console.log(
  `\none-time feature extraction: ${cached.featureSeconds.toFixed(2)} s; ${cached.epochCount} epochs in all: ${plain.total.toFixed(2)} s without vs ${cached.total.toFixed(2)} s with caching (${(plain.total / cached.total).toFixed(1)}x)`,
);
tf.dispose([xs, ys]);
