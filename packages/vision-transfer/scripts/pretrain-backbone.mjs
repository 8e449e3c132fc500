#!/usr/bin/env node
// Pretrains the small Fashion-MNIST backbone shipped in assets/fashion-backbone/ on EVERY training
// image of classes 0-5 (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal; 36,000 images), then
// saves it in the tfjs layers format with checksums. Classes 6-9 are never seen: they are the
// transfer experiment's target (see runFashionTransferExperiment).
//
//   pnpm --filter @tfkit/vision-transfer build
//   node packages/vision-transfer/scripts/pretrain-backbone.mjs [--epochs 4] [--seed 1] [--batch 64]
//        [--lr 0.001] [--final-lr 0.0001] [--shift 0] [--out dir]
//
// The learning rate follows a cosine from --lr down to --final-lr over the epochs. --shift N moves
// every training image by a random offset of up to N pixels each way, drawn from the seeded
// generator every epoch (zero padding), as light augmentation.
//
// Needs the full Fashion-MNIST (Debian package dataset-fashion-mnist, or $TFKIT_FASHION_MNIST_DIR).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { filterClasses, loadFashionMnist } from '@tfkit/datasets';
import { backboneClasses, buildFashionBackbone, fashionBackboneUrl } from '../dist/fashion.js';
import { saveLayersModel } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.001' },
    'final-lr': { type: 'string' },
    shift: { type: 'string', default: '0' },
    out: { type: 'string' },
  },
});
const epochs = Number(values.epochs);
const seed = Number(values.seed);
const batchSize = Number(values.batch);
const learningRate = Number(values.lr);
const finalLearningRate = values['final-lr'] === undefined ? learningRate : Number(values['final-lr']);
const shift = Number(values.shift);
const out = values.out ?? new URL(fashionBackboneUrl).pathname;

const info = await ensureBackend();
const load = async (split) => filterClasses(await loadFashionMnist({ split }), backboneClasses, { relabel: true });
const [train, test] = await Promise.all([load('train'), load('test')]);
console.log(
  `data: ${train.count} train / ${test.count} test images of classes 0-5 from ${train.directory} (${train.origin})`,
);
if (train.origin === 'embedded') throw new Error('the full Fashion-MNIST is needed; install dataset-fashion-mnist');

const toTensors = (set) =>
  tf.tidy(() => ({
    xs: tf.div(tf.tensor4d(set.images, [set.count, 28, 28, 1], 'float32'), 255),
    ys: tf.oneHot(tf.tensor1d(set.labels, 'int32'), backboneClasses.length),
  }));
const trainT = toTensors(train);
const testT = toTensors(test);

// seeded shuffling (mulberry32 + Fisher-Yates), fit() with shuffle: false
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const model = buildFashionBackbone({ classes: backboneClasses.length, seed });
const optimizer = tf.train.adam(learningRate);
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const order = Array.from({ length: train.count }, (_, index) => index);
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other], order[index]];
  }
  const indices = tf.tensor1d(order, 'int32');
  // cosine schedule from --lr to --final-lr (the Adam optimizer reads learningRate at every step)
  const progress = epochs === 1 ? 0 : (epoch - 1) / (epochs - 1);
  optimizer.learningRate =
    finalLearningRate + 0.5 * (learningRate - finalLearningRate) * (1 + Math.cos(Math.PI * progress));
  let xs = tf.gather(trainT.xs, indices);
  if (shift > 0) {
    // random translations: pad by `shift`, crop 28x28 at a seeded offset per image
    const boxes = new Float32Array(train.count * 4);
    const size = 28 + 2 * shift - 1;
    for (let index = 0; index < train.count; index++) {
      const dy = Math.floor(random() * (2 * shift + 1));
      const dx = Math.floor(random() * (2 * shift + 1));
      boxes.set([dy / size, dx / size, (dy + 27) / size, (dx + 27) / size], index * 4);
    }
    const shifted = tf.tidy(() =>
      tf.image.cropAndResize(
        tf.pad(xs, [
          [0, 0],
          [shift, shift],
          [shift, shift],
          [0, 0],
        ]),
        tf.tensor2d(boxes, [train.count, 4]),
        tf.range(0, train.count, 1, 'int32'),
        [28, 28],
      ),
    );
    xs.dispose();
    xs = shifted;
  }
  const ys = tf.gather(trainT.ys, indices);
  const epochStart = performance.now();
  const history = await model.fit(xs, ys, {
    epochs: 1,
    batchSize,
    shuffle: false,
    verbose: 0,
    callbacks: {
      onBatchEnd: (batch) => {
        if (batch % 100 === 0) process.stdout.write(`  epoch ${epoch} batch ${batch}\r`);
      },
    },
  });
  tf.dispose([indices, xs, ys]);
  const [loss, accuracy] = model.evaluate(testT.xs, testT.ys, { batchSize: 500 }).map((t) => t.dataSync()[0]);
  console.log(
    `epoch ${epoch}/${epochs} (lr ${optimizer.learningRate.toExponential(2)}): train loss ${history.history.loss[0].toFixed(4)} acc ${history.history.acc[0].toFixed(4)}; test (classes 0-5) loss ${loss.toFixed(4)} acc ${accuracy.toFixed(4)}; ${((performance.now() - epochStart) / 1000).toFixed(0)} s`,
  );
}
const { files } = await saveLayersModel(model, out);
const bytes = Object.values(files).reduce((sum, file) => sum + file.size, 0);
console.log(
  `saved ${out} (${(bytes / 1024).toFixed(0)} KiB, ${model.countParams()} parameters) after ${((performance.now() - started) / 1000).toFixed(0)} s on ${info.name}`,
);
