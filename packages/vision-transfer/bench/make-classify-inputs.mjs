#!/usr/bin/env node
// Makes the inputs of the README's classify speed figure: MobileNet 1.0 @224 with random weights
// (seed 1) saved in the tfjs layers format, and 32 seeded 640x480 JPEGs (smooth colour fields with
// noise, so that JPEG decoding does real work). The speed does not depend on the weights' values.
//   node bench/make-classify-inputs.mjs [DIR]   (default /tmp/vision-bench; after pnpm build)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureBackend } from '@tfkit/backend';
import { createRng } from '@tfkit/core';
import sharp from 'sharp';
import { buildModel, saveLayersModel } from '../dist/index.js';

const directory = path.resolve(process.argv[2] ?? '/tmp/vision-bench');
mkdirSync(directory, { recursive: true });
await ensureBackend({ log: false });
const model = buildModel('mobilenet', { alpha: 1, inputShape: [224, 224, 3], seed: 1 });
const { modelJsonPath } = await saveLayersModel(model, path.join(directory, 'mobilenet_1.0_224'));
model.dispose();

const rng = createRng(1);
const width = 640;
const height = 480;
for (let index = 0; index < 32; index++) {
  const pixels = Buffer.alloc(width * height * 3);
  const base = [rng.integers(256), rng.integers(256), rng.integers(256)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const wave = 60 * Math.sin((x * (channel + 1)) / 90 + (y * (3 - channel)) / 70 + index);
        pixels[offset + channel] = Math.max(0, Math.min(255, base[channel] + wave + rng.integers(-20, 21)));
      }
    }
  }
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toFile(path.join(directory, `photo-${index}.jpg`));
}
console.log(`wrote ${modelJsonPath} and 32 photos in ${directory}`);
