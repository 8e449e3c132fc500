#!/usr/bin/env node
// `pnpm bench` of @tfkit/backend (run `pnpm build` first; `pnpm bench` at the root does): every
// workload on wasm with tfkit's kernels at threads = 1 and threads = auto (every available core, at
// most 8), each in its own child process, the two runs of a workload one after the other so that
// load changes hit both alike; then the same shapes in PyTorch (bench/torch-baseline.py with
// Debian's python3-torch, reference BLAS) at 1 and 2 threads. Prints one table: median wall ms
// (and process CPU ms) per step, the speed-up of auto over 1 thread, peak RSS, and tfkit ÷ PyTorch.
//
//   node bench/run.mjs                         everything (~3-5 min on an idle 2-core machine)
//   node bench/run.mjs --only gan              workloads whose id contains "gan"
//   node bench/run.mjs --threads 4             a fixed count instead of auto
//   node bench/run.mjs --skip-torch            leave PyTorch out
//   node bench/run.mjs --repeats 3             timed steps per workload (default: per workload)
//
// The GAN iterations are @tfkit/gan's own `Gan.trainStep` (one discriminator step on 100 real + 100
// generated images, one generator step on 100), loaded from packages/gan/dist (build it first).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ganWorkload,
  matMulWorkload,
  median,
  mobileNetTrainWorkload,
  printTable,
  reportResult,
  runChild,
  setUpBackend,
  vgg16InferenceWorkload,
} from './workloads.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Workloads: `make(tf)` returns `{ step, dispose, flops? }`; `repeats` timed steps after one warm-up. */
const workloads = [
  {
    id: 'matmul',
    label: 'matmul 1024² (GFLOP/s)',
    repeats: 10,
    make: (tf) => matMulWorkload(tf),
  },
  ...[
    ['dense-gan', 'dense GAN iteration (book, batch 100)', 'dense', 5],
    ['dcgan-tuned', 'tuned DCGAN iteration (batch 100)', 'dcgan-tuned', 5],
    ['dcgan', 'book DCGAN iteration (batch 100)', 'dcgan', 3],
  ].map(([id, label, preset, repeats]) => ({
    id,
    label,
    repeats,
    make: (tf) => ganWorkload(tf, preset),
  })),
  {
    id: 'mobilenet',
    label: 'MobileNet v1 0.25 @128 train step (b16, Adam)',
    repeats: 5,
    make: (tf) => mobileNetTrainWorkload(tf),
  },
  {
    id: 'vgg16',
    label: 'VGG16 @224 inference (b1)',
    repeats: 3,
    make: (tf) => vgg16InferenceWorkload(tf),
  },
];

/** CPU time (user + system, ms) of every thread of this process, by thread id (Linux only). */
function threadCpu() {
  const result = new Map();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      result.set(tid, (ticks * 1000) / 100);
    }
  } catch {
    // Not Linux: no per-thread split.
  }
  return result;
}

async function child(id, threads) {
  const workload = workloads.find((candidate) => candidate.id === id);
  const { tf, info } = await setUpBackend({
    prefer: 'wasm',
    wasmKernels: true,
    wasmThreads: threads === 'auto' ? 'auto' : Number(threads),
  });
  const repeats = Number(option('repeats', 0)) || workload.repeats;
  const built = await workload.make(tf);
  await built.step(); // warm-up: kernels compiled, operators and buffers made
  const walls = [];
  const cpus = [];
  const before = threadCpu();
  for (let index = 0; index < repeats; index++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await built.step();
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const after = threadCpu();
  built.dispose();
  // Share of the timed steps' CPU time spent outside the main thread (XNNPACK's pthread workers;
  // also V8's GC and compiler helpers): evidence that the work is split, whatever the load.
  let total = 0;
  let main = 0;
  for (const [tid, ms] of after) {
    const delta = ms - (before.get(tid) ?? 0);
    total += delta;
    if (tid === String(process.pid)) main += delta;
  }
  reportResult({
    threads: info.threads,
    medianMs: median(walls),
    bestMs: Math.min(...walls),
    cpuMs: median(cpus),
    flops: built.flops,
    otherThreadsCpuShare: total > 0 ? 1 - main / total : undefined,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  });
  process.exit(0);
}

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

function formatStep(result, workload) {
  if (!result) return 'failed';
  if (result.error) return `error: ${result.error}`;
  if (workload.id === 'matmul' && result.flops) {
    const rate = (ms) => (result.flops / (ms * 1e6)).toFixed(1);
    return `${rate(result.medianMs)} GFLOP/s (${result.medianMs.toFixed(1)} ms, CPU ${result.cpuMs.toFixed(1)})`;
  }
  return `${result.medianMs.toFixed(0)} ms (CPU ${result.cpuMs.toFixed(0)})`;
}

function runWorkload(id, threads) {
  const run = runChild(fileURLToPath(import.meta.url), [
    '--child',
    id,
    '--threads',
    String(threads),
    ...(option('repeats') ? ['--repeats', option('repeats')] : []),
  ]);
  return run.result ?? { error: `exit ${run.status}` };
}

function runTorch(id) {
  const script = path.join(here, 'torch-baseline.py');
  const run = spawnSync('/usr/bin/python3', [script, '--only', id, '--threads', '1,2'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = run.stdout?.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    return { error: (run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n').pop() };
  }
}

async function main() {
  const threads = option('threads', 'auto');
  const only = option('only');
  const selected = workloads.filter((workload) => !only || workload.id.includes(only));
  const skipTorch = process.argv.includes('--skip-torch');
  const load = () =>
    os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ');
  console.log(
    `@tfkit/backend bench: wasm with tfkit's kernels at threads = 1 and threads = ${threads} (${os.availableParallelism()} available cores), ${new Date().toISOString()}, load average ${load()}`,
  );
  const rows = [];
  let torchInfo;
  const started = performance.now();
  for (const workload of selected) {
    const one = runWorkload(workload.id, 1);
    const many = runWorkload(workload.id, threads);
    const torch = skipTorch ? undefined : runTorch(workload.id);
    if (torch && !torch.error) torchInfo = torch;
    const torchResult = torch?.results?.[workload.id];
    console.error(`  ${workload.id}: ${JSON.stringify({ one, many, torch: torchResult ?? torch?.error })}`);
    const speedUp = one.medianMs && many.medianMs ? `${(one.medianMs / many.medianMs).toFixed(2)}x` : 'n/a';
    const cpuRatio = one.cpuMs && many.cpuMs ? `${(many.cpuMs / one.cpuMs).toFixed(2)}x` : 'n/a';
    const torchCell = (count) => {
      const result = torchResult?.[count];
      return result ? `${result.medianMs.toFixed(workload.id === 'matmul' ? 1 : 0)} ms` : 'n/a';
    };
    const ratio = (ours, count) => {
      const theirs = torchResult?.[count]?.medianMs;
      return ours?.medianMs && theirs ? `${(ours.medianMs / theirs).toFixed(2)}` : 'n/a';
    };
    const share = (result) =>
      result.otherThreadsCpuShare === undefined ? '' : ` / ${(100 * result.otherThreadsCpuShare).toFixed(0)}%`;
    rows.push([
      workload.label,
      formatStep(one, workload),
      `${formatStep(many, workload)} [${many.threads ?? '?'} thr]`,
      speedUp,
      cpuRatio,
      `${(one.peakRssMb ?? 0).toFixed(0)} / ${(many.peakRssMb ?? 0).toFixed(0)} MB`,
      `${share(one).slice(3) || 'n/a'} / ${share(many).slice(3) || 'n/a'}`,
      `${torchCell('1')} / ${torchCell('2')}`,
      `${ratio(one, '1')} / ${ratio(many, '2')}`,
    ]);
  }
  console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${load()}\n`);
  printTable(
    [
      'workload',
      'tfkit, 1 thread: median (CPU) ms',
      `tfkit, threads = ${threads}`,
      'speed-up (wall)',
      'CPU time ratio',
      'peak RSS 1 / N',
      'CPU outside main thread 1 / N',
      `PyTorch 1 / 2 thr${torchInfo ? ` (${torchInfo.torch}, ${torchInfo.blas})` : ''}`,
      'tfkit ÷ PyTorch (1 thr / N vs 2 thr)',
    ],
    rows,
  );
  console.log(
    '\nMedians of wall time per step after one warm-up; CPU = process CPU time (all threads) per step. ' +
      "PyTorch is Debian's python3-torch: reference BLAS (no OpenBLAS/MKL), so its matrix products are slow; " +
      'its convolutions use oneDNN.',
  );
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  const id = process.argv[childIndex + 1];
  try {
    await child(id, option('threads', 'auto'));
  } catch (error) {
    reportResult({
      error: String(error?.message ?? error)
        .split('\n')[0]
        .slice(0, 120),
    });
    process.exit(1);
  }
} else {
  await main();
}
