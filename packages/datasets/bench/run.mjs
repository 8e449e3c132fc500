#!/usr/bin/env node
// @tfkit/datasets benchmarks (run after `pnpm build`; `pnpm bench` at the root does both).
//
// 1. IDX decode: Fashion-MNIST train split (Debian's files when present, else the embedded subset)
//    through readIdxPair, against node:zlib gunzip alone on the same files (the floor).
// 2. Image folder decode + resize to 224x224 (aspect-preserving resize, centre crop): sharp through
//    imageFolder().decode() at concurrency 1 and 2, against the pure-JS route (jpeg-js decode plus a
//    JS bilinear resize and crop), on JPEGs generated here with sharp. Printed as ratios of the same run.
//
// Options: --images N (default 200), --repeats N (default 3, best run kept).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import sharp from 'sharp';
import { embeddedFashionMnistDir, imageFolder, readIdxPair } from '../dist/index.js';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const imageCount = argument('images', 200);
const repeats = argument('repeats', 3);

/** Runs the functions in turns (a, b, a, b, ...) so machine noise hits them alike; best time of each. */
async function interleaved(...fns) {
  const fastest = fns.map(() => Number.POSITIVE_INFINITY);
  const results = [];
  for (let run = 0; run < repeats; run++) {
    for (const [index, fn] of fns.entries()) {
      const start = performance.now();
      results[index] = await fn();
      fastest[index] = Math.min(fastest[index], performance.now() - start);
    }
  }
  return fns.map((_, index) => ({ ms: fastest[index], result: results[index] }));
}

console.log(`@tfkit/datasets bench — node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}`);
console.log(`sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}, libvips threads ${sharp.concurrency()})`);

// 1. IDX decode
const debian = '/usr/share/datasets/fashion-mnist';
const idxDir = existsSync(join(debian, 'train-images-idx3-ubyte.gz')) ? debian : embeddedFashionMnistDir();
const imagesPath = join(idxDir, 'train-images-idx3-ubyte.gz');
const labelsPath = join(idxDir, 'train-labels-idx1-ubyte.gz');
const compressedBytes = statSync(imagesPath).size + statSync(labelsPath).size;
const [floor, ours] = await interleaved(
  () => [gunzipSync(readFileSync(imagesPath)), gunzipSync(readFileSync(labelsPath))],
  () => readIdxPair(imagesPath, labelsPath),
);
const rawBytes = ours.result.images.length + ours.result.labels.length;
const mbps = (bytes, ms) => (bytes / 1e6 / (ms / 1000)).toFixed(1);
console.log(
  `\nIDX decode: ${idxDir} (${ours.result.count} images, ${(compressedBytes / 1e6).toFixed(1)} MB gz -> ${(rawBytes / 1e6).toFixed(1)} MB)`,
);
console.log(
  `  readIdxPair (read + gunzip + validate): ${ours.ms.toFixed(0)} ms, ${mbps(rawBytes, ours.ms)} MB/s decoded, ${mbps(compressedBytes, ours.ms)} MB/s of .gz`,
);
console.log(
  `  baseline readFileSync + gunzipSync:     ${floor.ms.toFixed(0)} ms, ${mbps(rawBytes, floor.ms)} MB/s decoded`,
);
console.log(`  ratio readIdxPair / baseline throughput: ${(floor.ms / ours.ms).toFixed(2)}x`);

// 2. Image folder
const root = mkdtempSync(join(tmpdir(), 'tfkit-bench-images-'));
try {
  const classes = ['bear', 'zebra'];
  for (const name of classes) mkdirSync(join(root, name));
  const width = 500;
  const height = 375;
  for (let index = 0; index < imageCount; index++) {
    // photo-like content: a smooth gradient plus noise, compressed as a typical camera JPEG
    await sharp({
      create: {
        width,
        height,
        channels: 3,
        background: { r: 90, g: 120, b: 60 },
        noise: { type: 'gaussian', mean: 120, sigma: 30 },
      },
    })
      .blur(1.2)
      .modulate({ hue: (index * 37) % 360 })
      .jpeg({ quality: 85 })
      .toFile(join(root, classes[index % 2], `image-${String(index).padStart(4, '0')}.jpg`));
  }
  const size = 224;
  const folder1 = await imageFolder(root, { size, concurrency: 1 });
  const folder2 = await imageFolder(root, { size, concurrency: 2 });
  const all = folder1.files.map((_, index) => index);
  await folder1.decode(all.slice(0, 4)); // load sharp, warm up

  // the pure-JS route: jpeg-js decode to RGB, JS bilinear resize so the shorter side is 224, centre crop
  const bilinearCover = (rgb, sourceWidth, sourceHeight, target) => {
    const scale = target / Math.min(sourceWidth, sourceHeight);
    const scaledWidth = Math.round(sourceWidth * scale);
    const scaledHeight = Math.round(sourceHeight * scale);
    const left = Math.floor((scaledWidth - target) / 2);
    const top = Math.floor((scaledHeight - target) / 2);
    const out = new Uint8Array(target * target * 3);
    for (let y = 0; y < target; y++) {
      const sourceY = Math.min(Math.max((y + top + 0.5) / scale - 0.5, 0), sourceHeight - 1);
      const y0 = Math.floor(sourceY);
      const y1 = Math.min(y0 + 1, sourceHeight - 1);
      const fy = sourceY - y0;
      for (let x = 0; x < target; x++) {
        const sourceX = Math.min(Math.max((x + left + 0.5) / scale - 0.5, 0), sourceWidth - 1);
        const x0 = Math.floor(sourceX);
        const x1 = Math.min(x0 + 1, sourceWidth - 1);
        const fx = sourceX - x0;
        for (let channel = 0; channel < 3; channel++) {
          const a = rgb[(y0 * sourceWidth + x0) * 3 + channel];
          const b = rgb[(y0 * sourceWidth + x1) * 3 + channel];
          const c = rgb[(y1 * sourceWidth + x0) * 3 + channel];
          const d = rgb[(y1 * sourceWidth + x1) * 3 + channel];
          out[(y * target + x) * 3 + channel] = Math.round(
            (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy,
          );
        }
      }
    }
    return out;
  };
  const [pureJs, sharp1, sharp2] = await interleaved(
    () =>
      folder1.files.map((file) => {
        const decoded = jpeg.decode(readFileSync(file.path), { useTArray: true, formatAsRGBA: false });
        return bilinearCover(decoded.data, decoded.width, decoded.height, size);
      }),
    () => folder1.decode(all),
    () => folder2.decode(all),
  );
  const rate = (ms) => (imageCount / (ms / 1000)).toFixed(1);
  console.log(
    `\nImage folder: ${imageCount} JPEGs ${width}x${height} (quality 85) -> ${size}x${size} RGB, best of ${repeats}`,
  );
  console.log(`  pure JS (jpeg-js + JS bilinear): ${rate(pureJs.ms)} images/s (baseline)`);
  console.log(
    `  sharp, concurrency 1:            ${rate(sharp1.ms)} images/s, ${(pureJs.ms / sharp1.ms).toFixed(1)}x pure JS`,
  );
  console.log(
    `  sharp, concurrency 2:            ${rate(sharp2.ms)} images/s, ${(pureJs.ms / sharp2.ms).toFixed(1)}x pure JS, ${(sharp1.ms / sharp2.ms).toFixed(2)}x concurrency 1`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
