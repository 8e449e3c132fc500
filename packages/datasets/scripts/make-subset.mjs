#!/usr/bin/env node
// Builds the embedded Fashion-MNIST subset shipped in assets/fashion-mnist-subset/: a balanced,
// seeded sample of the real data (200 train and 100 test images per class), written as IDX .gz
// files plus checksums.json (sizes, SHA-256, and the source index of every kept image).
//
//   node scripts/make-subset.mjs [sourceDir]   (default /usr/share/datasets/fashion-mnist)
//
// Deterministic: the same source files give byte-identical output (gzip header time is zero).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const sourceDir = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const outDir = path.resolve(import.meta.dirname, '../assets/fashion-mnist-subset');
const seed = 20170825; // Fashion-MNIST's arXiv date
const perClass = { train: 200, test: 100 };
const prefixes = { train: 'train', test: 't10k' };

function mulberry32(state) {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readIdx(file) {
  const bytes = gunzipSync(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = view.getUint32(0) & 0xff;
  const dims = Array.from({ length: rank }, (_, axis) => view.getUint32(4 + 4 * axis));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

function encodeIdx(dims, data) {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x800 | dims.length);
  dims.forEach((dim, axis) => {
    view.setUint32(4 + 4 * axis, dim);
  });
  out.set(data, 4 + 4 * dims.length);
  return gzipSync(out, { level: 9 });
}

mkdirSync(outDir, { recursive: true });
const random = mulberry32(seed);
const manifest = {
  description:
    'Balanced seeded subset of Fashion-MNIST (Zalando Research, MIT licence): 200 train and 100 test images per class.',
  source: 'https://github.com/zalandoresearch/fashion-mnist',
  seed,
  perClass,
  files: {},
  sourceIndices: {},
};
for (const split of ['train', 'test']) {
  const prefix = prefixes[split];
  const images = readIdx(path.join(sourceDir, `${prefix}-images-idx3-ubyte.gz`));
  const labels = readIdx(path.join(sourceDir, `${prefix}-labels-idx1-ubyte.gz`));
  const [, rows, cols] = images.dims;
  const byClass = Array.from({ length: 10 }, () => []);
  labels.data.forEach((label, index) => {
    byClass[label].push(index);
  });
  const kept = [];
  for (const indices of byClass) {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    kept.push(...indices.slice(0, perClass[split]));
  }
  kept.sort((a, b) => a - b); // keep the source order, classes interleaved as in the original
  const pixels = new Uint8Array(kept.length * rows * cols);
  const keptLabels = new Uint8Array(kept.length);
  kept.forEach((source, target) => {
    pixels.set(images.data.subarray(source * rows * cols, (source + 1) * rows * cols), target * rows * cols);
    keptLabels[target] = labels.data[source];
  });
  for (const [kind, dims, data] of [
    ['images-idx3', [kept.length, rows, cols], pixels],
    ['labels-idx1', [kept.length], keptLabels],
  ]) {
    const name = `${prefix}-${kind}-ubyte.gz`;
    const gz = encodeIdx(dims, data);
    writeFileSync(path.join(outDir, name), gz);
    manifest.files[name] = { bytes: gz.length, sha256: createHash('sha256').update(gz).digest('hex') };
  }
  manifest.sourceIndices[split] = kept;
}
writeFileSync(path.join(outDir, 'checksums.json'), `${JSON.stringify(manifest)}\n`);
writeFileSync(
  path.join(outDir, 'LICENSE'),
  `The images and labels in this directory are a subset of Fashion-MNIST
(https://github.com/zalandoresearch/fashion-mnist), selected by
packages/datasets/scripts/make-subset.mjs. Fashion-MNIST is distributed under the
following licence:

The MIT License (MIT) Copyright © [2017] Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the “Software”), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED “AS IS”, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`,
);
for (const [name, { bytes }] of Object.entries(manifest.files)) console.log(`${name}\t${bytes} bytes`);
