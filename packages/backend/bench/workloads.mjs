// Shared pieces of the @tfkit/backend benchmark scripts (run.mjs, kernels.mjs, ab.mjs, conv-kernels.mjs):
// deterministic data, the bench models, the train-step setup, backend setup in a child process,
// child-process plumbing and table printing. Not a benchmark itself.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRng } from '@tfkit/core';

/** Uniform numbers in [0, 1) from @tfkit/core's seeded Rng, for deterministic data. */
export function generator(seed) {
  const rng = createRng(seed >>> 0);
  return () => rng.random();
}

/** A tensor of `shape` with values uniform in [-1, 1) drawn from `generator(seed)`. */
export function randomTensor(tf, shape, seed) {
  const random = generator(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return tf.tensor(values, shape);
}

/** `batch` one-hot float rows of `classes` columns with labels drawn from `generator(seed)`. */
export function oneHot(tf, batch, classes, seed) {
  const random = generator(seed);
  const labels = Array.from({ length: batch }, () => Math.floor(random() * classes));
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat());
}

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A train step of `model` on (xs, ys) with `optimizer`; reads the loss back so the step has finished. */
export function trainStep(model, optimizer, xs, ys, loss) {
  return async () => {
    const value = optimizer.minimize(() => loss(ys, model.apply(xs, { training: true })), true);
    await value.data();
    value.dispose();
  };
}

/** `{ step, dispose }` of a train step; `dispose` frees the data, the optimizer and the model. */
export function trainWorkload({ tf, model, optimizer, xs, ys, loss }) {
  return {
    step: trainStep(model, optimizer, xs, ys, loss),
    dispose: () => {
      tf.dispose([xs, ys]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** `{ step, dispose }` of one `model.predict(xs)` that reads the output back; `dispose` frees xs and the model. */
export function inferenceWorkload({ model, xs }) {
  return {
    step: async () => {
      const y = model.predict(xs);
      await y.data();
      y.dispose();
    },
    dispose: () => {
      xs.dispose();
      model.dispose();
    },
  };
}

/** A seeded 1024x1024 matMul (`a` transposed or not): `{ step, dispose, flops }`. */
export function matMulWorkload(tf, transposeA = false) {
  const a = randomTensor(tf, [1024, 1024], 1);
  const b = randomTensor(tf, [1024, 1024], 2);
  return {
    flops: 2 * 1024 ** 3,
    step: async () => {
      const c = tf.matMul(a, b, transposeA, false);
      await c.data();
      c.dispose();
    },
    dispose: () => tf.dispose([a, b]),
  };
}

/** MobileNet v1 0.25 @128, batch 16, one Adam train step on seeded data (`seed`, `seed + 1`). */
export function mobileNetTrainWorkload(tf, seed = 3) {
  return trainWorkload({
    tf,
    model: mobileNetV1(tf, { alpha: 0.25, size: 128, classes: 1000 }),
    optimizer: tf.train.adam(1e-3),
    xs: randomTensor(tf, [16, 128, 128, 3], seed),
    ys: oneHot(tf, 16, 1000, seed + 1),
    loss: (ys, predictions) => tf.losses.softmaxCrossEntropy(ys, predictions),
  });
}

/** The dense generator (256-256-512-1024-784), batch 100, one Adam train step on seeded data. */
export function denseTrainWorkload(tf, optimizer = tf.train.adam(1e-3), seed = 3) {
  return trainWorkload({
    tf,
    model: denseGenerator(tf),
    optimizer,
    xs: randomTensor(tf, [100, 256], seed),
    ys: randomTensor(tf, [100, 784], seed + 1),
    loss: (ys, predictions) => tf.losses.meanSquaredError(ys, predictions),
  });
}

/** VGG16 @224, batch 1, one inference on seeded data. */
export function vgg16InferenceWorkload(tf, seed = 5) {
  return inferenceWorkload({ model: vgg16(tf), xs: randomTensor(tf, [1, 224, 224, 3], seed) });
}

/**
 * One `@tfkit/gan` training iteration (`Gan.trainStep`: a discriminator step on 100 real + 100
 * generated images, a generator step on 100) of `preset`, from packages/gan/dist (build it first).
 *
 * @returns `{ step, dispose }`
 */
export async function ganWorkload(tf, preset) {
  const dist = new URL('../../gan/dist/index.js', import.meta.url);
  if (!existsSync(dist)) throw new Error('packages/gan/dist is missing: run `pnpm build` first');
  const { createGan } = await import(dist.href);
  const gan = createGan({ preset, seed: 1 });
  const real = tf.tidy(() => tf.randomUniform([100, 784], -1, 1, 'float32', 7));
  let seed = 0;
  return {
    step: async () => {
      gan.trainStep(real, undefined, seed++);
    },
    dispose: () => {
      real.dispose();
      gan.dispose();
    },
  };
}

/** The DCGAN-style dense generator 256-256-512-1024-784 (relu, tanh output). */
export function denseGenerator(tf) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [256], units: 256, activation: 'relu' }),
      tf.layers.dense({ units: 512, activation: 'relu' }),
      tf.layers.dense({ units: 1024, activation: 'relu' }),
      tf.layers.dense({ units: 784, activation: 'tanh' }),
    ],
  });
}

/** Keras MobileNet v1 layer stack (conv/bn/relu6/depthwise), 'same' padding throughout. */
export function mobileNetV1(tf, { alpha, size, classes }) {
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
export function vgg16(tf) {
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

/**
 * Loads tfjs and the built @tfkit/backend and selects the backend of `configuration`
 * (`{ prefer, wasmKernels, wasmThreads? }`; one thread unless `wasmThreads` says otherwise),
 * quietly and ignoring TFKIT_BACKEND and TFKIT_WASM_THREADS.
 *
 * @returns `{ tf, info }` with `info` from ensureBackend
 */
export async function setUpBackend({ prefer, wasmKernels, wasmThreads }) {
  const tf = await import('@tensorflow/tfjs');
  const { ensureBackend } = await import('../dist/index.js');
  const info = await ensureBackend({
    prefer: [prefer],
    wasmKernels,
    wasmThreads: wasmThreads ?? 1,
    log: false,
    env: {},
  });
  return { tf, info };
}

/** Prefix of the line a child process prints its JSON result on. */
const resultPrefix = '@@result ';

/** Prints `result` as the child's result line, for `runChild` in the parent. */
export function reportResult(result) {
  process.stdout.write(`${resultPrefix}${JSON.stringify(result)}\n`);
}

/**
 * Runs `node script ...argumentsList` (stderr passed through) and parses its result line.
 *
 * @returns `{ result, status, stdout }`; `result` is undefined when the child printed none
 */
export function runChild(script, argumentsList) {
  const run = spawnSync(process.execPath, [script, ...argumentsList], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = run.stdout.split('\n').find((candidate) => candidate.startsWith(resultPrefix));
  return {
    result: line ? JSON.parse(line.slice(resultPrefix.length)) : undefined,
    status: run.status,
    stdout: run.stdout,
  };
}

/** Prints a Markdown table with columns padded to their widest cell. */
export function printTable(header, rows) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
