#!/usr/bin/env node
// Kernel benchmarks of @tfkit/backend (run `pnpm build` first): tfkit's wasm kernels against stock
// wasm and cpu, on one thread unless --threads is given. `pnpm bench` runs bench/run.mjs (threads).
//
// One child process per backend configuration (cpu, stock wasm, wasm with tfkit's kernels) so that
// each starts from a clean kernel registry; the parent prints one table with the ratio of tfkit's
// wasm to stock wasm. Figures are wall-clock medians on whatever this machine is doing right now.
//
//   node bench/kernels.mjs                 all configurations and workloads
//   node bench/kernels.mjs --only dense    workloads whose name contains "dense"
//   node bench/kernels.mjs --skip-cpu      leave the (slow) cpu backend out
//   node bench/kernels.mjs --threads 4     add a column for ensureBackend({ wasmThreads: 4 })
import { fileURLToPath } from 'node:url';
import {
  denseTrainWorkload,
  matMulWorkload,
  median,
  mobileNetTrainWorkload,
  oneHot,
  printTable,
  randomTensor,
  reportResult,
  runChild,
  setUpBackend,
  trainWorkload,
  vgg16InferenceWorkload,
} from './workloads.mjs';

const configurations = [
  { id: 'cpu', label: 'cpu', prefer: 'cpu', wasmKernels: false },
  { id: 'wasm-stock', label: 'wasm (stock)', prefer: 'wasm', wasmKernels: false },
  { id: 'wasm-tfkit', label: 'wasm + tfkit kernels', prefer: 'wasm', wasmKernels: true },
];

/** @typedef {{ name: string, unit: 'GFLOP/s' | 'ms', target?: string, cpu?: { warmup: number, timed: number } | 'skip', run: (tf: any) => Promise<{ step: () => Promise<void>, flops?: number, dispose: () => void }> }} Workload */

/** A matMul of two seeded 1024x1024 matrices, `a` transposed or not. */
function matMulEntry(name, transposeA) {
  return {
    name,
    unit: 'GFLOP/s',
    target: '',
    cpu: { warmup: 1, timed: 1 },
    run: async (tf) => matMulWorkload(tf, transposeA),
  };
}

/** @type {Workload[]} */
const workloads = [
  matMulEntry('matmul 1024^2', false),
  matMulEntry('matmul 1024^2, transposeA', true),
  {
    name: 'dense G train step (256-256-512-1024-784, b100, Adam)',
    unit: 'ms',
    target: '<= 100 ms',
    cpu: { warmup: 1, timed: 2 },
    run: async (tf) => denseTrainWorkload(tf, tf.train.adam(2e-4, 0.5)),
  },
  {
    name: 'conv train step (Conv2D 64 5x5 same, [64,28,28,1], maxpool, dense)',
    unit: 'ms',
    target: '<= 200 ms',
    cpu: { warmup: 0, timed: 1 },
    run: async (tf) =>
      trainWorkload({
        tf,
        model: tf.sequential({
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
        }),
        optimizer: tf.train.adam(1e-3),
        xs: randomTensor(tf, [64, 28, 28, 1], 5),
        ys: oneHot(tf, 64, 10, 6),
        loss: tf.losses.softmaxCrossEntropy,
      }),
  },
  {
    name: 'MobileNet v1 0.25 @128 train step (b16)',
    unit: 'ms',
    target: '<= 1000 ms',
    cpu: { warmup: 0, timed: 1 },
    run: async (tf) => mobileNetTrainWorkload(tf, 7),
  },
  {
    name: 'VGG16 @224 inference (b1)',
    unit: 'ms',
    target: '<= 1200 ms',
    cpu: 'skip',
    run: async (tf) => vgg16InferenceWorkload(tf, 9),
  },
];

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
  const { tf, info } = await setUpBackend(configuration);
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
  reportResult({ id: configuration.id, kernels: info.kernels, threads: info.threads, results });
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
    const { result, status, stdout } = runChild(script, [
      '--child',
      configuration.id,
      ...(filter ? ['--only', filter] : []),
      ...(threadsArgument(argumentsList) ? ['--threads', String(threadsArgument(argumentsList))] : []),
    ]);
    if (!result) {
      console.error(`${configuration.label} failed (exit ${status}):\n${stdout}`);
      continue;
    }
    outcomes[configuration.id] = result;
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
  printTable(header, rows);
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
