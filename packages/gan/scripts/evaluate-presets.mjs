#!/usr/bin/env node
// Compares GAN presets and training options at equal budgets (issue 16): for each budget, variant
// and seed it trains on Fashion-MNIST until the budget is spent, then scores 1,000 samples with the
// package's scorer (FID against the test set, class entropy) and checks that the samples are not
// copies of training images (nearest-neighbour distances against those of real test images). It
// prints and writes a markdown table (mean ± std over seeds) and a 10x10 grid per run. For a
// conditional variant it also reports the label agreement: the share of samples the scorer's
// classifier puts in the class asked for (its accuracy on real test images is the ceiling).
//
//   pnpm build && node scripts/evaluate-presets.mjs [--budgets 2,5,15] [--unit wall|cpu]
//     [--budget-seconds 60,120] [--seeds 1,2,3] [--variants dcgan-r1,dcgan,...] [--data full|embedded]
//     [--batch N (overrides every variant's)] [--score-count 1000] [--out gan-eval] [--list]
//     [--samples ema,raw,ema@0.8,ema+best4] [--save checkpoints-dir] [--from checkpoints-dir]
//
// --budgets are minutes; --budget-seconds overrides them (for scaled-down runs). --unit cpu budgets
// by this process's CPU time (process.cpuUsage) instead of wall time: on a shared, loaded machine
// wall time measures the other jobs, CPU time measures the training. Scoring is outside the budget.
// --samples scores each trained GAN more than once, from the same training run: `ema` (the EMA
// weights where the GAN keeps them, the default), `raw` (the trained weights), and either with
// `@t`, the truncation trick at factor t (`sample(n, { truncation: t })`), and `+bestK`, discriminator
// rejection (`sample(n, { bestOf: K })`: the best of K candidates per image, by the discriminator).
// --save writes each trained GAN as a checkpoint (DIR/<budget>s-<variant>-seed<seed>, with its
// timings); --from scores those checkpoints again (other --samples) without training.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureBackend } from '@tfkit/backend';
import { createRng } from '@tfkit/core';
import { loadFashionMnist } from '@tfkit/datasets';
import { createGan, encodeGrid, loadCheckpoint, Scorer, saveCheckpoint, trainGan } from '../dist/index.js';

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};

const adam = (learningRate) => ({ kind: 'adam', learningRate, beta1: 0.5 });
const lr = (generator, discriminator = generator) => ({
  generatorOptimizer: adam(generator),
  discriminatorOptimizer: adam(discriminator),
});
/** `dcgan-tuned` as round 1 shipped it (the CLI's `--model dcgan` before issue 16): Adam 2e-4, no EMA. */
const round1 = { ema: 0, ...lr(2e-4) };
/**
 * Each variant: a preset, createGan options and a batch size (the preset's when absent and no --batch);
 * `decayOverRun` / `noiseOverRun` options are filled from the run's estimated iterations. The
 * screening variants (batch 64) start from round 1's settings and change one or two things.
 */
const variants = {
  'dcgan-r1': {
    preset: 'dcgan-tuned',
    options: round1,
    batchSize: 100,
    note: "round 1's `tfkit gan train --model dcgan`: Adam 2e-4, batch 100, no EMA",
  },
  dcgan: {
    preset: 'dcgan-tuned',
    options: {},
    note: 'dcgan-tuned with its defaults now: Adam 8e-4, batch 32, EMA 0.999',
  },
  'dcgan-cond': {
    preset: 'dcgan-conditional',
    options: {},
    note: 'dcgan-conditional (dcgan-tuned with class labels, projection discriminator), same defaults; samples cycle through the classes',
  },
  'dcgan-cond+late-decay': {
    preset: 'dcgan-conditional',
    options: {},
    lateDecay: true,
    note: 'dcgan-cond, both learning rates decaying linearly to 0.1x over the last third of the run',
  },
  'dcgan@64': { preset: 'dcgan-tuned', options: round1, batchSize: 64 },
  'dcgan+ema': { preset: 'dcgan-tuned', options: { ...round1, ema: 0.999 }, batchSize: 64 },
  'dcgan+ema+hinge': { preset: 'dcgan-tuned', options: { ...round1, ema: 0.999, loss: 'hinge' }, batchSize: 64 },
  'dcgan+ema@32': { preset: 'dcgan-tuned', options: { ...round1, ema: 0.999 }, batchSize: 32 },
  'dcgan+ema+lr4': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(4e-4) }, batchSize: 64 },
  'dcgan+ema+lr4@32': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(4e-4) }, batchSize: 32 },
  'dcgan+ema+lr4+d8': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(4e-4, 8e-4) }, batchSize: 64 },
  'dcgan+ema+lr8': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(8e-4) }, batchSize: 64 },
  'dcgan+ema+lr8@32': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(8e-4) }, batchSize: 32 },
  'dcgan+ema+lr8@16': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(8e-4) }, batchSize: 16 },
  'dcgan+ema+lr16': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(1.6e-3) }, batchSize: 64 },
  'dcgan+ema+lr16@32': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(1.6e-3) }, batchSize: 32 },
  'dcgan+ttur': { preset: 'dcgan-tuned', options: { ...round1, ...lr(1e-4, 4e-4) }, batchSize: 64 },
  'dcgan+ema+ttur': { preset: 'dcgan-tuned', options: { ema: 0.999, ...lr(1e-4, 4e-4) }, batchSize: 64 },
  'dcgan+hinge': { preset: 'dcgan-tuned', options: { ...round1, loss: 'hinge' }, batchSize: 64 },
  'dcgan+smooth': { preset: 'dcgan-tuned', options: { ...round1, labelSmoothing: 0.1 }, batchSize: 64 },
  'dcgan+noise': {
    preset: 'dcgan-tuned',
    options: { ...round1, instanceNoise: 0.1 },
    batchSize: 64,
    noiseOverRun: true,
  },
  'dcgan+lr-decay': { preset: 'dcgan-tuned', options: round1, batchSize: 64, decayOverRun: true },
  // The `-now` variants add one option to dcgan-tuned's current defaults (Adam 8e-4, EMA, batch 32).
  'dcgan+lr-decay-now': { preset: 'dcgan-tuned', options: {}, decayOverRun: true },
  'dcgan+late-decay-now': {
    preset: 'dcgan-tuned',
    options: {},
    lateDecay: true,
    note: 'the defaults, both learning rates decaying linearly to 0.1x over the last third of the run',
  },
  'dcgan-no-ema-now': { preset: 'dcgan-tuned', options: { ema: 0 } },
  'dcgan+hinge-now': { preset: 'dcgan-tuned', options: { loss: 'hinge' } },
  'dcgan+smooth-now': { preset: 'dcgan-tuned', options: { labelSmoothing: 0.1 } },
  'dcgan+noise-now': { preset: 'dcgan-tuned', options: { instanceNoise: 0.1 }, noiseOverRun: true },
  'dcgan-wide': { preset: 'dcgan-wide', options: { ema: 0 }, batchSize: 64 },
  'dcgan-wide-now': {
    preset: 'dcgan-wide',
    options: { ema: 0.999, ...lr(8e-4) },
    batchSize: 32,
    note: "dcgan-wide with dcgan-tuned's defaults: Adam 8e-4, EMA 0.999, batch 32",
  },
  'dcgan-wide+ema': { preset: 'dcgan-wide', options: { ema: 0.999 }, batchSize: 64 },
  'dcgan-wide+ema+lr4': { preset: 'dcgan-wide', options: { ema: 0.999, ...lr(4e-4) }, batchSize: 64 },
  'dense-tuned': { preset: 'dense-tuned', options: { ema: 0 }, batchSize: 64 },
  'dense-tuned+ema': { preset: 'dense-tuned', options: { ema: 0.999 }, batchSize: 64 },
};

if (args.includes('--list')) {
  for (const [name, variant] of Object.entries(variants))
    console.log(`${name}: ${variant.preset} batch ${variant.batchSize ?? 'preset'} ${JSON.stringify(variant.options)}`);
  process.exit(0);
}

const unit = value('unit', 'wall');
if (unit !== 'wall' && unit !== 'cpu') throw new Error(`--unit must be wall or cpu, got ${unit}`);
const budgets = value('budget-seconds', undefined)
  ? value('budget-seconds').split(',').map(Number)
  : value('budgets', '2,5,15')
      .split(',')
      .map((minutes) => Number(minutes) * 60);
const seeds = value('seeds', '1,2,3').split(',').map(Number);
const names = value('variants', 'dcgan-r1,dcgan').split(',');
for (const name of names) if (!variants[name]) throw new Error(`unknown variant ${name}; --list shows them`);
const batchOverride = value('batch', undefined) === undefined ? undefined : Number(value('batch'));
const scoreCount = Number(value('score-count', 1000));
const dataSource = value('data', 'full');
const out = path.resolve(value('out', 'gan-eval'));
const samplings = value('samples', 'ema')
  .split(',')
  .map((label) => {
    const match = /^(ema|raw)(?:@([0-9.]+))?(?:\+best([0-9]+))?$/.exec(label);
    if (!match) throw new Error(`--samples takes ema, raw, ema@0.8, raw+best4 or ema@0.8+best4, got ${label}`);
    const [, weights, truncation, bestOf] = match;
    return {
      label,
      weights,
      truncation: truncation === undefined ? 1 : Number(truncation),
      bestOf: bestOf === undefined ? 1 : Number(bestOf),
    };
  });

const info = await ensureBackend({ log: false });
const startLoad = os.loadavg();
console.log(`${info.reason}`);
console.log(
  `budgets ${budgets.map((seconds) => `${seconds} s`).join(', ')} of ${unit === 'cpu' ? 'process CPU time' : 'wall time'}; seeds ${seeds.join(', ')}; batch ${batchOverride ?? "each variant's"}; data ${dataSource}; load average ${startLoad.map((load) => load.toFixed(2)).join(' ')}`,
);

const train = await loadFashionMnist(
  dataSource === 'embedded' ? { source: 'embedded', split: 'train' } : { split: 'train' },
);
const test = await loadFashionMnist(
  dataSource === 'embedded' ? { source: 'embedded', split: 'test' } : { split: 'test' },
);
const scorer = await Scorer.load();
const referenceStats = scorer.stats(test.images);
const trainCount = train.images.length / 784;
const realScore = scorer.compare(train.images.subarray(0, scoreCount * 784), referenceStats);
const noiseRandom = createRng(12345);
const noise = Uint8Array.from({ length: scoreCount * 784 }, () => noiseRandom.nextUint32() >>> 24);
const noiseScore = scorer.compare(noise, referenceStats);

// Nearest-neighbour check against up to 10,000 training images, in pixel space scaled to [0, 1].
const neighbourPool = train.images.subarray(0, Math.min(trainCount, 10_000) * 784);
function nearestDistances(images, count) {
  const distances = [];
  const poolCount = neighbourPool.length / 784;
  for (let index = 0; index < count; index++) {
    const offset = index * 784;
    let best = Number.POSITIVE_INFINITY;
    for (let other = 0; other < poolCount; other++) {
      const base = other * 784;
      let sum = 0;
      for (let pixel = 0; pixel < 784 && sum < best; pixel++) {
        const difference = (images[offset + pixel] - neighbourPool[base + pixel]) / 255;
        sum += difference * difference;
      }
      if (sum < best) best = sum;
    }
    distances.push(Math.sqrt(best));
  }
  return distances.sort((a, b) => a - b);
}
const median = (values) => values[Math.floor(values.length / 2)];
/** Fraction of images the scorer's classifier puts in class `labelOf(index)`. */
function agreement(images, labelOf) {
  const predicted = scorer.classify(images);
  let hits = 0;
  for (let index = 0; index < predicted.length; index++) if (predicted[index] === labelOf(index)) hits++;
  return hits / predicted.length;
}
// The classifier's accuracy on real test images: the ceiling of a conditional GAN's label agreement.
const realAgreement = agreement(test.images.subarray(0, scoreCount * 784), (index) => test.labels[index]);
const neighbourSamples = 100;
const realNeighbour = median(nearestDistances(test.images, neighbourSamples));
console.log(
  `real (train ${scoreCount}) vs test: FID ${realScore.fid.toFixed(2)}, entropy ${realScore.classEntropy.toFixed(2)}, classifier accuracy on test ${(realAgreement * 100).toFixed(1)}%; uniform noise: FID ${noiseScore.fid.toFixed(2)}, entropy ${noiseScore.classEntropy.toFixed(2)}; median nearest-train distance of test images ${realNeighbour.toFixed(3)}`,
);

const cpuNow = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};

/** The batch size `trainGan` picks for a preset (`gan.batchSize`). */
function presetBatchSize(preset) {
  const gan = createGan({ preset });
  const { batchSize } = gan;
  gan.dispose();
  return batchSize;
}

const saveDir = value('save', undefined);
const fromDir = value('from', undefined);
const checkpointDir = (dir, name, budget, seed) => path.resolve(dir, `${budget}s-${name}-seed${seed}`);

/** A GAN trained by an earlier `--save` run, with that run's timings. */
async function loadTrained(name, budget, seed) {
  const variant = variants[name];
  const directory = checkpointDir(fromDir, name, budget, seed);
  const gan = createGan({ preset: variant.preset, seed, ...variant.options });
  const meta = await loadCheckpoint(directory, gan);
  if (!meta) throw new Error(`no checkpoint in ${directory}; train it with --save ${fromDir}`);
  const timings = JSON.parse(await readFile(path.join(directory, 'timings.json'), 'utf8'));
  return { gan, batchSize: meta.batchSize, ...timings };
}

async function runOnce(name, budget, seed) {
  const variant = variants[name];
  const options = { ...variant.options };
  const batchSize = batchOverride ?? variant.batchSize ?? presetBatchSize(variant.preset);
  if (fromDir) return scoreRun(name, budget, seed, await loadTrained(name, budget, seed));
  // Estimate the run's iterations from a short timing (for the schedules that span the run).
  if (variant.decayOverRun || variant.noiseOverRun || variant.lateDecay) {
    const probe = createGan({ preset: variant.preset, seed, ...options });
    const clock = () => (unit === 'cpu' ? cpuNow() : performance.now() / 1000);
    let started = clock();
    const probeBatches = 23;
    await trainGan(probe, train, {
      epochs: 1,
      batchSize,
      maxBatchesPerEpoch: probeBatches,
      seed,
      log: false,
      onBatchEnd: (batch) => {
        if (batch === 2) started = clock(); // time the last 20, after the warm-up
      },
    });
    const perIteration = (clock() - started) / (probeBatches - 3);
    probe.dispose();
    const iterations = Math.max(10, Math.round(budget / perIteration));
    console.log(`  probe: ${(perIteration * 1000).toFixed(0)} ms per iteration, about ${iterations} iterations`);
    if (variant.decayOverRun) options.learningRateSchedule = { steps: iterations, final: 0.1 };
    if (variant.lateDecay) {
      const start = Math.round((iterations * 2) / 3);
      options.learningRateSchedule = { start, steps: Math.max(1, iterations - start), final: 0.1 };
    }
    if (variant.noiseOverRun) options.instanceNoiseSteps = Math.max(1, Math.round(iterations / 2));
  }
  const gan = createGan({ preset: variant.preset, seed, ...options });
  const controller = new AbortController();
  const startCpu = cpuNow();
  const startWall = performance.now();
  const spent = () => (unit === 'cpu' ? cpuNow() - startCpu : (performance.now() - startWall) / 1000);
  await trainGan(gan, train, {
    epochs: 10_000,
    batchSize,
    seed,
    log: false,
    signal: controller.signal,
    onBatchEnd: () => {
      if (spent() >= budget) controller.abort();
    },
  });
  const cpuSeconds = cpuNow() - startCpu;
  const wallSeconds = (performance.now() - startWall) / 1000;
  if (saveDir) {
    const directory = checkpointDir(saveDir, name, budget, seed);
    await saveCheckpoint(directory, gan, {
      preset: gan.preset,
      style: gan.style,
      epoch: 0,
      seed,
      batchSize,
      history: [],
      iteration: gan.iteration,
    });
    await writeFile(path.join(directory, 'timings.json'), JSON.stringify({ cpuSeconds, wallSeconds }));
  }
  return scoreRun(name, budget, seed, { gan, batchSize, cpuSeconds, wallSeconds });
}

async function scoreRun(name, budget, seed, { gan, batchSize, cpuSeconds, wallSeconds }) {
  const results = [];
  for (const sampling of samplings) {
    const samples = gan.sample(scoreCount, {
      seed: 1000 + seed,
      weights: sampling.weights,
      truncation: sampling.truncation,
      bestOf: sampling.bestOf,
    });
    const score = scorer.compare(samples, referenceStats);
    const neighbour = median(nearestDistances(samples, neighbourSamples));
    // A conditional GAN's sample(n) cycles through the classes: image i is of class i % classes.
    const labelAgreement = gan.classes > 0 ? agreement(samples, (index) => index % gan.classes) : undefined;
    const grid = await encodeGrid(samples.subarray(0, 100 * 784), { columns: 10 });
    const suffix = sampling.label === 'ema' ? '' : `-${sampling.label}`;
    const file = path.join(out, `${budget}s`, `${name}${suffix}-seed${seed}.png`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, grid);
    const result = {
      name,
      sampling: sampling.label,
      budget,
      seed,
      batchSize,
      iterations: gan.iteration,
      fid: score.fid,
      classEntropy: score.classEntropy,
      neighbourRatio: neighbour / realNeighbour,
      labelAgreement,
      cpuSeconds,
      wallSeconds,
      grid: file,
    };
    console.log(
      `${budget}s ${name} [${sampling.label}] seed ${seed}: ${result.iterations} iterations, FID ${result.fid.toFixed(2)}, entropy ${result.classEntropy.toFixed(2)}, NN ratio ${result.neighbourRatio.toFixed(2)}${labelAgreement === undefined ? '' : `, label agreement ${(labelAgreement * 100).toFixed(1)}%`}, CPU ${cpuSeconds.toFixed(0)} s, wall ${wallSeconds.toFixed(0)} s, load ${os
        .loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}`,
    );
    results.push(result);
  }
  gan.dispose();
  return results;
}

const meanStd = (values) => {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const std =
    values.length > 1
      ? Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1))
      : Number.NaN;
  return { mean, std };
};
const format = ({ mean, std }, digits = 1) =>
  Number.isNaN(std) ? mean.toFixed(digits) : `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;

const results = [];
for (const budget of budgets) {
  for (const name of names) {
    for (const seed of seeds) results.push(...(await runOnce(name, budget, seed)));
  }
}
const endLoad = os.loadavg();
const lines = [
  `Budget: ${unit === 'cpu' ? 'process CPU seconds of training' : 'wall-clock seconds of training'}; batch as in the table; ${dataSource === 'full' ? 'full Fashion-MNIST (60,000 train, FID against the 10,000 test images)' : 'embedded subset (2,000 train, 1,000 test)'}; ${scoreCount} samples per score; seeds ${seeds.join(', ')}; backend ${info.name}. Load average at start ${startLoad.map((load) => load.toFixed(2)).join(' ')}, at end ${endLoad.map((load) => load.toFixed(2)).join(' ')}.`,
  '',
  '| budget | variant | batch | FID (mean ± std) | class entropy (bits) | NN distance / real NN distance | label agreement (%) | iterations | CPU s | wall s |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  `| | real images (train vs test) | | ${realScore.fid.toFixed(1)} | ${realScore.classEntropy.toFixed(2)} | 1.00 | ${(realAgreement * 100).toFixed(1)} (test accuracy) | | | |`,
  `| | uniform noise | | ${noiseScore.fid.toFixed(1)} | ${noiseScore.classEntropy.toFixed(2)} | | | | | |`,
];
for (const budget of budgets) {
  for (const name of names) {
    for (const { label } of samplings) {
      const runs = results.filter(
        (result) => result.budget === budget && result.name === name && result.sampling === label,
      );
      const pick = (key) => meanStd(runs.map((run) => run[key]));
      const agreements = runs.filter((run) => run.labelAgreement !== undefined).map((run) => run.labelAgreement * 100);
      const agreementCell = agreements.length > 0 ? format(meanStd(agreements)) : '';
      lines.push(
        `| ${budget} s | ${name}${samplings.length > 1 || label !== 'ema' ? ` [${label}]` : ''} | ${runs[0]?.batchSize} | ${format(pick('fid'))} | ${format(pick('classEntropy'), 2)} | ${format(pick('neighbourRatio'), 2)} | ${agreementCell} | ${format(pick('iterations'), 0)} | ${format(pick('cpuSeconds'), 0)} | ${format(pick('wallSeconds'), 0)} |`,
      );
    }
  }
}
const table = lines.join('\n');
console.log(`\n${table}`);
await mkdir(out, { recursive: true });
await writeFile(path.join(out, 'results.md'), `${table}\n`);
await writeFile(
  path.join(out, 'results.json'),
  JSON.stringify(
    { unit, budgets, seeds, batchOverride, samplings, realScore, noiseScore, realNeighbour, realAgreement, results },
    null,
    2,
  ),
);
scorer.dispose();
