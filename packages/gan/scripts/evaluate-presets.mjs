#!/usr/bin/env node
// Trains each preset for a few epochs on the embedded 2,000-image Fashion-MNIST subset and prints
// the quality score (FID against the embedded 1,000-image test subset, class entropy) per epoch,
// with the real-vs-real and noise scores to read them against. Grids go to --out.
//
//   pnpm build && node scripts/evaluate-presets.mjs [--presets dense-tuned,dcgan-tuned] [--epochs 5] [--batch 50]
//     [--max-batches N] [--score-count 1000] [--out gan-eval]
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureBackend } from '@tfkit/backend';
import { loadFashionMnist } from '@tfkit/datasets';
import { quickRun } from '../dist/quick.js';

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const presets = value('presets', 'dense-tuned,dcgan-tuned,conditional,dense,dcgan').split(',');
const epochs = Number(value('epochs', 5));
const batchSize = Number(value('batch', 50));
const scoreCount = Number(value('score-count', 1000));
const maxBatches = Number(value('max-batches', 0));
const out = path.resolve(value('out', 'gan-eval'));
const info = await ensureBackend({ log: false });
console.log(info.reason);
const data = await loadFashionMnist({ source: 'embedded', split: 'train' });
const rows = [];
for (const preset of presets) {
  const started = performance.now();
  const run = await quickRun({
    preset,
    epochs,
    batchSize,
    seed: 1,
    data,
    scoreCount,
    ...(maxBatches > 0 ? { maxBatchesPerEpoch: maxBatches } : {}),
    onEpochEnd: async (epoch) => {
      const file = path.join(out, `${preset}-epoch-${String(epoch.epoch + 1).padStart(2, '0')}.png`);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(out, { recursive: true });
      await writeFile(file, epoch.grid);
      console.log(
        `${preset} ${epoch.line} FID ${epoch.score?.fid.toFixed(2)} entropy ${epoch.score?.classEntropy.toFixed(2)} bits (${epoch.seconds.toFixed(0)} s) ${file}`,
      );
    },
  });
  if (rows.length === 0) {
    console.log(
      `real (train subset) vs test subset: FID ${run.realScore.fid.toFixed(2)}, entropy ${run.realScore.classEntropy.toFixed(2)}`,
    );
    console.log(
      `uniform noise vs test subset: FID ${run.noiseScore.fid.toFixed(2)}, entropy ${run.noiseScore.classEntropy.toFixed(2)}`,
    );
    rows.push({ preset: 'real (train subset)', fids: [run.realScore.fid], entropy: run.realScore.classEntropy });
    rows.push({ preset: 'uniform noise', fids: [run.noiseScore.fid], entropy: run.noiseScore.classEntropy });
  }
  rows.push({
    preset,
    fids: run.epochs.map((epoch) => epoch.score?.fid ?? Number.NaN),
    entropy: run.epochs.at(-1)?.score?.classEntropy ?? Number.NaN,
    seconds: (performance.now() - started) / 1000,
  });
}
console.log(`\n| preset | FID per epoch (1..${epochs}) | class entropy (last) |`);
console.log('|---|---|---|');
for (const row of rows)
  console.log(`| ${row.preset} | ${row.fids.map((fid) => fid.toFixed(1)).join(' / ')} | ${row.entropy.toFixed(2)} |`);
