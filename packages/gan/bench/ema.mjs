#!/usr/bin/env node
// Extra CPU time per training iteration of the generator-weights EMA (issue 16's "< 3%" target):
// the same preset trained with and without `ema`, alternating blocks in one process, timed by
// process CPU time (meaningful on a loaded machine) and wall time.
//
//   pnpm build && node bench/ema.mjs [--presets dcgan-tuned,dense-tuned] [--batch 64] [--blocks 4] [--steps 5] [--decay 0.999] [--interval 10]
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { createGan } from '../dist/index.js';

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const presets = value('presets', 'dcgan-tuned,dense-tuned').split(',');
const batch = Number(value('batch', 64));
const blocks = Number(value('blocks', 4));
const steps = Number(value('steps', 5));
const interval = Number(value('interval', 10));
const decay = Number(value('decay', 0.999)); // --decay 0 gives an A/A run: the noise floor of this measurement
const info = await ensureBackend({ log: false });
console.log(`${info.reason}; batch ${batch}, ${blocks} blocks x ${steps} steps per variant`);
const cpuSeconds = (start) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};
for (const preset of presets) {
  const real = tf.tidy(() => tf.randomUniform([batch, 784], -1, 1, 'float32', 7));
  const gans = {
    raw: createGan({ preset, seed: 1, ema: 0 }),
    ema: createGan({ preset, seed: 1, ema: decay, emaInterval: interval }),
  };
  const totals = { raw: { cpu: 0, wall: 0 }, ema: { cpu: 0, wall: 0 } };
  let seed = 0;
  for (const gan of Object.values(gans)) gan.trainStep(real, undefined, seed++); // warm-up
  for (let block = 0; block < blocks; block++) {
    for (const name of block % 2 === 0 ? ['raw', 'ema'] : ['ema', 'raw']) {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      for (let step = 0; step < steps; step++) gans[name].trainStep(real, undefined, seed++);
      totals[name].cpu += cpuSeconds(cpu);
      totals[name].wall += (performance.now() - wall) / 1000;
    }
  }
  const iterations = blocks * steps;
  const perIteration = (name, key) => (1000 * totals[name][key]) / iterations;
  console.log(
    `${preset}: CPU ms/iteration raw ${perIteration('raw', 'cpu').toFixed(1)}, ema ${perIteration('ema', 'cpu').toFixed(1)} (${((totals.ema.cpu / totals.raw.cpu - 1) * 100).toFixed(1)}%); wall ${perIteration('raw', 'wall').toFixed(1)} / ${perIteration('ema', 'wall').toFixed(1)} (${((totals.ema.wall / totals.raw.wall - 1) * 100).toFixed(1)}%)`,
  );
  for (const gan of Object.values(gans)) gan.dispose();
  real.dispose();
}
