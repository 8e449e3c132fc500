// Child process of wasm-threads.test.ts: computes gradients and a few seeded training steps on
// the wasm backend with TFKIT_WASM_THREADS threads (set by the parent) and prints them as JSON.
// Uses the built package (dist), like any consumer.
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '../../dist/index.js';
import { seededRandom } from '../../dist/testing.js';

const info = await ensureBackend({ prefer: ['wasm'], log: false });
const backend = tf.backend();
const runningWorkers = backend.wasm.PThread?.runningWorkers.length ?? 0;

function tensor(shape, seed) {
  const random = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => random() * 2 - 1), shape);
}

const results = {};
function record(name, tensors) {
  results[name] = tensors.map((t) => Array.from(t.dataSync()));
}

tf.tidy(() => {
  // Big enough that XNNPACK splits the work into several tiles (tiny enough to be fast).
  const x = tensor([2, 12, 12, 8], 1);
  const filter = tensor([3, 3, 8, 16], 2);
  const conv = tf.grads((input, kernel) => tf.conv2d(input, kernel, 1, 'same').relu().square().sum());
  record('conv2d', conv([x, filter]));
  const strided = tf.grads((input, kernel) => tf.conv2d(input, kernel, 2, 'same').sum());
  record('conv2d stride 2', strided([x, filter]));

  const depthFilter = tensor([3, 3, 8, 2], 3);
  const depthwise = tf.grads((input, kernel) => tf.depthwiseConv2d(input, kernel, 1, 'same').square().sum());
  record('depthwiseConv2d', depthwise([x, depthFilter]));

  const a = tensor([48, 64], 4);
  const b = tensor([64, 40], 5);
  const bias = tensor([40], 6);
  const matmul = tf.grads((left, right) => tf.matMul(left, right).square().sum());
  record('matMul', matmul([a, b]));
  const transposed = tf.grads((left, right) => tf.matMul(left, right, true, true).sum());
  record('matMul transposed', transposed([tensor([64, 48], 7), tensor([40, 64], 8)]));
  const fused = tf.grads((left, right, offset) =>
    tf.fused.matMul({ a: left, b: right, bias: offset, activation: 'relu' }).square().sum(),
  );
  record('fused matMul', fused([a, b, bias]));
});

/** Sets every weight of `model` from a seeded generator, so both processes start alike. */
function seedWeights(model, seed) {
  const random = seededRandom(seed);
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tensor(Float32Array.from({ length: w.size }, () => (random() * 2 - 1) * 0.2), w.shape),
    ),
  );
}

// A dense GAN, as in @tfkit/gan's dense models (tiny): generator and discriminator, Adam, 3 steps.
{
  const generator = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [16], units: 64 }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.dense({ units: 64, activation: 'tanh' }),
    ],
  });
  const discriminator = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [64], units: 48 }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  seedWeights(generator, 11);
  seedWeights(discriminator, 12);
  const gOptimizer = tf.train.adam(2e-4, 0.5);
  const dOptimizer = tf.train.adam(2e-4, 0.5);
  const losses = [];
  for (let step = 0; step < 3; step++) {
    const real = tensor([32, 64], 100 + step);
    const noise = tensor([32, 16], 200 + step);
    const dLoss = dOptimizer.minimize(
      () => {
        const realLogits = discriminator.apply(real, { training: true });
        const fakeLogits = discriminator.apply(generator.apply(noise, { training: true }), { training: true });
        return tf.add(
          tf.losses.sigmoidCrossEntropy(tf.onesLike(realLogits), realLogits),
          tf.losses.sigmoidCrossEntropy(tf.zerosLike(fakeLogits), fakeLogits),
        );
      },
      true,
      discriminator.trainableWeights.map((w) => w.val),
    );
    const gLoss = gOptimizer.minimize(
      () => {
        const logits = discriminator.apply(generator.apply(noise, { training: true }), { training: true });
        return tf.losses.sigmoidCrossEntropy(tf.onesLike(logits), logits);
      },
      true,
      generator.trainableWeights.map((w) => w.val),
    );
    losses.push(dLoss.dataSync()[0], gLoss.dataSync()[0]);
    tf.dispose([real, noise, dLoss, gLoss]);
  }
  results['gan losses'] = [losses];
}

// A transfer step, as in @tfkit/vision-transfer (tiny): a frozen conv/depthwise/batch-norm base
// and a trainable dense head, fitted with Adam.
{
  const base = [
    tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, strides: 2, padding: 'same' }),
    tf.layers.batchNormalization(),
    tf.layers.reLU({ maxValue: 6 }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }),
    tf.layers.reLU({ maxValue: 6 }),
    tf.layers.conv2d({ filters: 16, kernelSize: 1 }),
    tf.layers.globalAveragePooling2d({}),
  ];
  const model = tf.sequential({ layers: [...base, tf.layers.dense({ units: 4, activation: 'softmax' })] });
  seedWeights(model, 21);
  for (const layer of base.slice(0, 3)) layer.trainable = false;
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const xs = tensor([8, 16, 16, 3], 300);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4).toFloat();
  const history = await model.fit(xs, labels, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
  results['transfer losses'] = [history.history.loss.map(Number)];
  tf.dispose([xs, labels]);
  model.dispose();
}

process.stdout.write(`${JSON.stringify({ threads: info.threads, runningWorkers, results })}\n`);
