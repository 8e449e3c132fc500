#!/usr/bin/env node
// Benchmarks of @tfkit/backend (run `pnpm build` first; `pnpm bench` at the root does).
//
// One child process per backend configuration (cpu, stock wasm, wasm with tfkit's kernels) so that
// each starts from a clean kernel registry; the parent prints one table with the ratio of tfkit's
// wasm to stock wasm. Figures are wall-clock medians on whatever this machine is doing right now.
//
//   node bench/run.mjs                 all configurations and workloads
//   node bench/run.mjs --only dense    workloads whose name contains "dense"
//   node bench/run.mjs --skip-cpu      leave the (slow) cpu backend out
//   node bench/run.mjs --threads 4     add a column for ensureBackend({ wasmThreads: 4 })
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const configurations = [
  { id: 'cpu', label: 'cpu', prefer: 'cpu', wasmKernels: false },
  { id: 'wasm-stock', label: 'wasm (stock)', prefer: 'wasm', wasmKernels: false },
  { id: 'wasm-tfkit', label: 'wasm + tfkit kernels', prefer: 'wasm', wasmKernels: true },
];

/** @typedef {{ name: string, unit: 'GFLOP/s' | 'ms', target?: string, cpu?: { warmup: number, timed: number } | 'skip', run: (tf: any) => Promise<{ step: () => Promise<void>, flops?: number, dispose: () => void }> }} Workload */

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

function randomTensor(tf, shape, seed) {
  const random = generator(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return tf.tensor(values, shape);
}

function oneHot(tf, batch, classes, seed) {
  const random = generator(seed);
  const labels = Array.from({ length: batch }, () => Math.floor(random() * classes));
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat());
}

/** A train step of `model` on (xs, ys) with `optimizer`; reads the loss back so the step has finished. */
function trainStep(model, optimizer, xs, ys, loss) {
  return async () => {
    const value = optimizer.minimize(() => loss(ys, model.apply(xs, { training: true })), true);
    await value.data();
    value.dispose();
  };
}

/** Keras MobileNet v1 layer stack (conv/bn/relu6/depthwise), 'same' padding throughout. */
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

/** @type {Workload[]} */
const workloads = [
  {
    name: 'matmul 1024^2',
    unit: 'GFLOP/s',
    target: '',
    cpu: { warmup: 1, timed: 1 },
    run: async (tf) => {
      const a = randomTensor(tf, [1024, 1024], 1);
      const b = randomTensor(tf, [1024, 1024], 2);
      return {
        flops: 2 * 1024 ** 3,
        step: async () => {
          const c = tf.matMul(a, b);
          await c.data();
          c.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  },
  {
    name: 'matmul 1024^2, transposeA',
    unit: 'GFLOP/s',
    target: '',
    cpu: { warmup: 1, timed: 1 },
    run: async (tf) => {
      const a = randomTensor(tf, [1024, 1024], 1);
      const b = randomTensor(tf, [1024, 1024], 2);
      return {
        flops: 2 * 1024 ** 3,
        step: async () => {
          const c = tf.matMul(a, b, true, false);
          await c.data();
          c.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  },
  {
    name: 'dense G train step (256-256-512-1024-784, b100, Adam)',
    unit: 'ms',
    target: '<= 100 ms',
    cpu: { warmup: 1, timed: 2 },
    run: async (tf) => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [256], units: 256, activation: 'relu' }),
          tf.layers.dense({ units: 512, activation: 'relu' }),
          tf.layers.dense({ units: 1024, activation: 'relu' }),
          tf.layers.dense({ units: 784, activation: 'tanh' }),
        ],
      });
      const optimizer = tf.train.adam(2e-4, 0.5);
      const xs = randomTensor(tf, [100, 256], 3);
      const ys = randomTensor(tf, [100, 784], 4);
      return {
        step: trainStep(model, optimizer, xs, ys, tf.losses.meanSquaredError),
        dispose: () => {
          tf.dispose([xs, ys]);
          optimizer.dispose();
          model.dispose();
        },
      };
    },
  },
  {
    name: 'conv train step (Conv2D 64 5x5 same, [64,28,28,1], maxpool, dense)',
    unit: 'ms',
    target: '<= 200 ms',
    cpu: { warmup: 0, timed: 1 },
    run: async (tf) => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [28, 28, 1],
            filters: 64,
            kernelSize: 5,
            padding: 'same',
            activation: 'relu',
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      const optimizer = tf.train.adam(1e-3);
      const xs = randomTensor(tf, [64, 28, 28, 1], 5);
      const ys = oneHot(tf, 64, 10, 6);
      return {
        step: trainStep(model, optimizer, xs, ys, tf.losses.softmaxCrossEntropy),
        dispose: () => {
          tf.dispose([xs, ys]);
          optimizer.dispose();
          model.dispose();
        },
      };
    },
  },
  {
    name: 'MobileNet v1 0.25 @128 train step (b16)',
    unit: 'ms',
    target: '<= 1000 ms',
    cpu: { warmup: 0, timed: 1 },
    run: async (tf) => {
      const model = mobileNetV1(tf, { alpha: 0.25, size: 128, classes: 1000 });
      const optimizer = tf.train.adam(1e-3);
      const xs = randomTensor(tf, [16, 128, 128, 3], 7);
      const ys = oneHot(tf, 16, 1000, 8);
      return {
        step: trainStep(model, optimizer, xs, ys, tf.losses.softmaxCrossEntropy),
        dispose: () => {
          tf.dispose([xs, ys]);
          optimizer.dispose();
          model.dispose();
        },
      };
    },
  },
  {
    name: 'VGG16 @224 inference (b1)',
    unit: 'ms',
    target: '<= 1200 ms',
    cpu: 'skip',
    run: async (tf) => {
      const model = vgg16(tf);
      const xs = randomTensor(tf, [1, 224, 224, 3], 9);
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
    },
  },
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function threadsArgument(argumentsList) {
  const index = argumentsList.indexOf('--threads');
  return index >= 0 ? Number(argumentsList[index + 1]) : undefined;
}

function allConfigurations(argumentsList) {
  const threads = threadsArgument(argumentsList);
  if (threads === undefined) return configurations;
  return [
    ...configurations,
    {
      id: 'wasm-threads',
      label: `wasm + tfkit, wasmThreads ${threads}`,
      prefer: 'wasm',
      wasmKernels: true,
      wasmThreads: threads,
    },
  ];
}

async function child(configurationId, filter) {
  const configuration = allConfigurations(process.argv).find((candidate) => candidate.id === configurationId);
  const tf = await import('@tensorflow/tfjs');
  const { ensureBackend } = await import('../dist/index.js');
  const info = await ensureBackend({
    prefer: [configuration.prefer],
    wasmKernels: configuration.wasmKernels,
    ...(configuration.wasmThreads ? { wasmThreads: configuration.wasmThreads } : {}),
    log: false,
    env: {},
  });
  const results = {};
  for (const workload of workloads) {
    if (filter && !workload.name.includes(filter)) continue;
    if (configuration.id === 'cpu' && workload.cpu === 'skip') {
      results[workload.name] = { note: 'skipped (too slow)' };
      continue;
    }
    const repetitions = configuration.id === 'cpu' ? workload.cpu : { warmup: 2, timed: 5 };
    let prepared;
    try {
      prepared = await workload.run(tf);
      for (let i = 0; i < repetitions.warmup; i++) await prepared.step();
      const times = [];
      const cpuTimes = [];
      for (let i = 0; i < repetitions.timed; i++) {
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        await prepared.step();
        const cpu = process.cpuUsage(cpuStart);
        times.push(performance.now() - start);
        cpuTimes.push((cpu.user + cpu.system) / 1000);
      }
      const ms = median(times);
      const cpuMs = median(cpuTimes);
      results[workload.name] =
        workload.unit === 'GFLOP/s'
          ? { value: prepared.flops / ms / 1e6, cpuValue: prepared.flops / cpuMs / 1e6, ms, cpuMs }
          : { value: ms, cpuValue: cpuMs, ms, cpuMs };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const missing = /kernel '?([A-Za-z0-9_]+)'? not registered|'([A-Za-z0-9_]+)' not registered/i.exec(message);
      results[workload.name] = {
        note: missing ? `n/a (missing kernel ${missing[1] ?? missing[2]})` : `error: ${message.slice(0, 80)}`,
      };
    } finally {
      prepared?.dispose();
    }
    process.stderr.write(`  ${configuration.label}: ${workload.name} done\n`);
  }
  process.stdout.write(
    `@@result ${JSON.stringify({ id: configuration.id, kernels: info.kernels, threads: info.threads, results })}\n`,
  );
}

function format(result, unit) {
  if (!result) return '';
  if (result.note) return result.note;
  const round = (value) => value.toFixed(value < 100 ? 1 : 0);
  return unit === 'GFLOP/s'
    ? `${result.value.toFixed(2)} GFLOP/s (CPU ${result.cpuValue.toFixed(2)})`
    : `${round(result.value)} ms (CPU ${round(result.cpuValue)})`;
}

function ratio(tfkit, stock, unit) {
  if (!tfkit || tfkit.note) return '';
  if (!stock || stock.note) return 'n/a (stock cannot run it)';
  const factor = unit === 'GFLOP/s' ? tfkit.value / stock.value : stock.value / tfkit.value;
  const cpuFactor = unit === 'GFLOP/s' ? tfkit.cpuValue / stock.cpuValue : stock.cpuValue / tfkit.cpuValue;
  return `${factor.toFixed(2)}x (CPU ${cpuFactor.toFixed(2)}x)`;
}

async function parent() {
  const argumentsList = process.argv.slice(2);
  const onlyIndex = argumentsList.indexOf('--only');
  const filter = onlyIndex >= 0 ? argumentsList[onlyIndex + 1] : undefined;
  const chosen = allConfigurations(argumentsList).filter(
    (configuration) => !(argumentsList.includes('--skip-cpu') && configuration.id === 'cpu'),
  );
  const script = fileURLToPath(import.meta.url);
  const outcomes = {};
  console.log(
    `@tfkit/backend bench: node ${process.version}, ${(await import('node:os')).availableParallelism()} CPUs`,
  );
  for (const configuration of chosen) {
    process.stderr.write(`${configuration.label}...\n`);
    const run = spawnSync(
      process.execPath,
      [
        script,
        '--child',
        configuration.id,
        ...(filter ? ['--only', filter] : []),
        ...(threadsArgument(argumentsList) ? ['--threads', String(threadsArgument(argumentsList))] : []),
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const line = run.stdout.split('\n').find((candidate) => candidate.startsWith('@@result '));
    if (!line) {
      console.error(`${configuration.label} failed (exit ${run.status}):\n${run.stdout}`);
      continue;
    }
    outcomes[configuration.id] = JSON.parse(line.slice('@@result '.length));
  }
  const tfkitKernels = outcomes['wasm-tfkit']?.kernels ?? [];
  console.log(`tfkit kernels registered: ${tfkitKernels.join(', ') || 'none'}`);
  if (outcomes['wasm-threads']) console.log(`wasmThreads: tfjs granted ${outcomes['wasm-threads'].threads} thread(s)`);
  const header = ['workload', ...chosen.map((configuration) => configuration.label), 'tfkit vs stock wasm', 'target'];
  const rows = workloads
    .filter((workload) => !filter || workload.name.includes(filter))
    .map((workload) => [
      workload.name,
      ...chosen.map((configuration) => format(outcomes[configuration.id]?.results[workload.name], workload.unit)),
      ratio(
        outcomes['wasm-tfkit']?.results[workload.name],
        outcomes['wasm-stock']?.results[workload.name],
        workload.unit,
      ),
      workload.target ?? '',
    ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log(
    'cpu: 1 warm-up + 1-2 timed steps, conv and MobileNet a single step without warm-up, VGG16 skipped (minutes per image); wasm: 2 warm-up + median of 5.',
  );
  console.log(
    'Wall-clock medians; "CPU" is the process CPU time of the same steps (user + system): on a busy machine it is the better guide to idle-machine wall time. Ratios: stock time / tfkit time (>1 = tfkit faster).',
  );
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  const onlyIndex = process.argv.indexOf('--only');
  await child(process.argv[childIndex + 1], onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined);
} else {
  await parent();
}
