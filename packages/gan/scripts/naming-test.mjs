#!/usr/bin/env node
// The blind naming test of issue 16 ("a person names the garment in 9 of 10 cases").
//
// 1. Grid: 100 samples of a saved checkpoint (the same ones evaluate-presets scores first:
//    `sample(100, { seed: 1000 + seed })`), in a seeded random order, magnified to 760 px, and an
//    answer key (the class each cell was asked for; -1 for an unconditional GAN). The rater names
//    every cell from the picture alone, without the key.
//      node scripts/naming-test.mjs --checkpoint DIR --preset dcgan-conditional --seed 1 --out rate-seed1
// 2. Score: compares the rater's 100 names (class numbers 0-9 row by row, `?` for "cannot name")
//    with the key. A cell counts as named when the name is the class asked for, or when both are
//    long-sleeved tops (pullover, coat, shirt) or T-shirt and shirt, which Fashion-MNIST itself
//    confuses.
//      node scripts/naming-test.mjs --score rate-seed1.key.json --answers "0 4 5 1 ..."
import { readFile, writeFile } from 'node:fs/promises';
import { ensureBackend } from '@tfkit/backend';
import { createRng } from '@tfkit/core';
import sharp from 'sharp';
import { createGan, encodeGrid, loadCheckpoint } from '../dist/index.js';

const args = process.argv.slice(2);
const value = (name) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const classNames = [
  'T-shirt',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle boot',
];

if (value('score')) {
  const key = JSON.parse(await readFile(value('score'), 'utf8'));
  const answers = (value('answers') ?? '').trim().split(/\s+/);
  if (answers.length !== key.length) throw new Error(`--answers needs ${key.length} names, got ${answers.length}`);
  const longSleeves = new Set([2, 4, 6]);
  let exact = 0;
  let named = 0;
  const misses = [];
  answers.forEach((answer, cell) => {
    const asked = key[cell];
    const given = answer === '?' ? undefined : Number(answer);
    const same = given === asked;
    const close =
      given !== undefined &&
      ((longSleeves.has(given) && longSleeves.has(asked)) || (given + asked === 6 && given * asked === 0));
    if (same) exact++;
    if (same || close) named++;
    else
      misses.push(
        `row ${Math.floor(cell / 10) + 1} col ${(cell % 10) + 1}: asked ${classNames[asked] ?? '-'}, named ${given === undefined ? '?' : classNames[given]}`,
      );
  });
  console.log(`named ${named} of ${key.length} (exact class ${exact})`);
  for (const miss of misses) console.log(`  ${miss}`);
  process.exit(0);
}

const checkpoint = value('checkpoint');
const preset = value('preset') ?? 'dcgan-conditional';
const seed = Number(value('seed') ?? 1);
const out = value('out') ?? `naming-seed${seed}`;
if (!checkpoint) throw new Error('--checkpoint DIR is required (a directory evaluate-presets --save wrote)');
await ensureBackend({ log: false });
const gan = createGan({ preset, seed });
if (!(await loadCheckpoint(checkpoint, gan))) throw new Error(`no checkpoint in ${checkpoint}`);
const samples = gan.sample(100, { seed: 1000 + seed });
const order = Array.from({ length: 100 }, (_, index) => index);
const random = createRng(777 + seed);
for (let index = order.length - 1; index > 0; index--) {
  const other = random.integers(index + 1);
  [order[index], order[other]] = [order[other], order[index]];
}
const shuffled = new Uint8Array(100 * 784);
order.forEach((from, to) => {
  shuffled.set(samples.subarray(from * 784, (from + 1) * 784), to * 784);
});
const grid = await sharp(await encodeGrid(shuffled, { columns: 10 }))
  .resize({ width: 760, kernel: 'nearest' })
  .png()
  .toBuffer();
await writeFile(`${out}.png`, grid);
// sample(n) gives a conditional GAN's image i the class i % classes.
await writeFile(`${out}.key.json`, JSON.stringify(order.map((from) => (gan.classes ? from % gan.classes : -1))));
console.log(`wrote ${out}.png and ${out}.key.json`);
gan.dispose();
