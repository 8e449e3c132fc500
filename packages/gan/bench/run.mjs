#!/usr/bin/env node
// Benchmarks of @tfkit/gan (figures, not tests): milliseconds per training iteration (one
// discriminator step on 100 real + 100 generated images, one generator step on 100) for the
// book's dense GAN, the book's DCGAN and the tuned DCGAN, on the backend ensureBackend() picks and
// on stock wasm (ensureBackend({ wasmKernels: false }) in a child process), with ratios to the
// PyTorch figures of REFERENCE.md; then one epoch (600 iterations) of the tuned dense GAN on the
// full Fashion-MNIST.
//
//   node bench/run.mjs [--iterations 5] [--skip-epoch] [--only dense,dcgan,dcgan-tuned]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { createGan } from '../dist/index.js';

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const iterations = Number(value('iterations', 5));
const only = value('only', 'dense,dcgan,dcgan-tuned').split(',');
const child = args.includes('--child-stock');

const pytorch = {
  dense: { reference: 440, openblas: 16 },
  dcgan: { reference: 5600, openblas: 400 },
  'dcgan-tuned': { reference: undefined, openblas: undefined },
};
const targets = { dense: 150, dcgan: 1500, 'dcgan-tuned': 500 };

async function measure(preset) {
  const gan = createGan({ preset, seed: 1 });
  const real = tf.tidy(() => tf.randomUniform([100, 784], -1, 1, 'float32', 7));
  try {
    gan.trainStep(real, undefined, 0); // warm-up: kernels compiled, buffers allocated
    const times = [];
    for (let i = 1; i <= iterations; i++) {
      const start = performance.now();
      gan.trainStep(real, undefined, i);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)], best: times[0] };
  } catch (error) {
    return {
      error: String(error.message ?? error)
        .split('\n')[0]
        .slice(0, 90),
    };
  } finally {
    real.dispose();
    gan.dispose();
  }
}

if (child) {
  await ensureBackend({ prefer: ['wasm'], wasmKernels: false, log: false });
  const results = {};
  for (const preset of only) results[preset] = await measure(preset);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}

const info = await ensureBackend({ log: false });
console.log(`@tfkit/gan bench: ${info.reason}`);
console.log(
  `iterations: ${iterations} timed after 1 warm-up; median (best) ms per iteration = D step on 100 real + 100 fake, G step on 100\n`,
);
const ours = {};
for (const preset of only) {
  ours[preset] = await measure(preset);
  console.error(`  measured ${preset} on ${info.name}: ${JSON.stringify(ours[preset])}`);
}
let stock = {};
if (info.name === 'wasm') {
  const run = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--child-stock', '--iterations', String(iterations), '--only', only.join(',')],
    {
      encoding: 'utf8',
      env: { ...process.env, TFKIT_BACKEND: '' },
      maxBuffer: 1 << 24,
    },
  );
  try {
    stock = JSON.parse(run.stdout.trim().split('\n').pop());
  } catch {
    console.error(`stock wasm child failed: ${run.stderr.slice(-500)}`);
  }
}
const fmt = (result) =>
  result === undefined
    ? 'n/a'
    : result.error
      ? `fails (${result.error.slice(0, 40)})`
      : `${result.median.toFixed(0)} (${result.best.toFixed(0)})`;
const ratio = (a, b) => (a?.median && b ? `${(a.median / b).toFixed(2)}x` : 'n/a');
console.log(
  `| model | ${info.name}${info.name === 'wasm' ? ' + tfkit kernels' : ''} ms | stock wasm ms | speed-up | target ms | vs PyTorch ref BLAS | vs PyTorch OpenBLAS |`,
);
console.log('|---|---|---|---|---|---|---|');
for (const preset of only) {
  const mine = ours[preset];
  const base = stock[preset];
  const speedUp = mine?.median && base?.median ? `${(base.median / mine.median).toFixed(1)}x` : 'n/a';
  const meets = mine?.median ? (mine.median <= targets[preset] ? ' (met)' : ' (missed)') : '';
  console.log(
    `| ${preset} | ${fmt(mine)} | ${fmt(base)} | ${speedUp} | ${targets[preset]}${meets} | ${ratio(mine, pytorch[preset].reference)} | ${ratio(mine, pytorch[preset].openblas)} |`,
  );
}
console.log(
  '\n(ratios: our time / PyTorch time; below 1x is faster. PyTorch: 0.44 s / 5.6 s reference BLAS, 16 ms / 0.4 s OpenBLAS, 2 threads; ours is 1 thread.)',
);

if (!args.includes('--skip-epoch')) {
  const { loadFashionMnist } = await import('@tfkit/datasets');
  const { trainGan } = await import('../dist/index.js');
  let data;
  try {
    data = await loadFashionMnist({ split: 'train' });
  } catch (error) {
    console.log(`\nfull epoch skipped: ${error.message.split('\n')[0]}`);
  }
  if (data) {
    const gan = createGan({ preset: 'dense-tuned', seed: 1 });
    const start = performance.now();
    const result = await trainGan(gan, data, { epochs: 1, batchSize: 100, seed: 1, log: false });
    const seconds = (performance.now() - start) / 1000;
    gan.dispose();
    const [entry] = result.history;
    console.log(
      `\none epoch of dense-tuned on full Fashion-MNIST (${data.count} images, 600 iterations of batch 100): ${seconds.toFixed(1)} s (target < 120 s${seconds < 120 ? ', met' : ', missed'}); d_loss ${entry.dLoss.toFixed(4)} g_loss ${entry.gLoss.toFixed(4)}`,
    );
  }
}
