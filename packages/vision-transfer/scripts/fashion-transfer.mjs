#!/usr/bin/env node
// Runs the offline transfer experiment (runFashionTransferExperiment) and prints its table:
//   node packages/vision-transfer/scripts/fashion-transfer.mjs [--per-class 100] [--epochs 20] [--seed 1] [--embedded] [--backbone dir]
//        [--feature-layer block3_pool|fc1]
import { parseArgs } from 'node:util';
import { ensureBackend } from '@tfkit/backend';
import { runFashionTransferExperiment } from '../dist/fashion.js';

const { values } = parseArgs({
  options: {
    'per-class': { type: 'string', default: '100' },
    epochs: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    embedded: { type: 'boolean', default: false },
    backbone: { type: 'string' },
    'feature-layer': { type: 'string', default: 'block3_pool' },
  },
});
await ensureBackend();
const report = await runFashionTransferExperiment({
  trainPerClass: Number(values['per-class']),
  epochs: Number(values.epochs),
  seed: Number(values.seed),
  data: values.embedded ? 'embedded' : 'auto',
  featureLayer: values['feature-layer'],
  ...(values.backbone === undefined ? {} : { backboneDirectory: values.backbone }),
  onProgress: (event) => {
    if (event.stage === 'data') console.log(`data: ${event.message}`);
    if (event.stage === 'evaluate')
      console.log(`${event.method}: test accuracy ${(100 * event.testAccuracy).toFixed(2)}%`);
  },
});
const { settings } = report;
console.log(
  `\nFashion-MNIST 6-9 (${report.classNames.join(', ')}), ${settings.trainPerClass} training images per class, ${settings.epochs} epochs, seed ${settings.seed}, cut at ${settings.featureLayer}, ${report.backend}`,
);
console.log('\n| method | test accuracy | train seconds |\n|---|---|---|');
for (const result of report.results) {
  console.log(`| ${result.method} | ${(100 * result.testAccuracy).toFixed(2)}% | ${result.trainSeconds.toFixed(1)} |`);
}
for (const result of report.results) {
  console.log(`\nconfusion (${result.method}; rows true, columns predicted: ${report.classNames.join(' / ')})`);
  for (const row of result.confusion) console.log(row.map((value) => String(value).padStart(5)).join(''));
}
