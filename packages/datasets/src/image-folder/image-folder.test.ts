import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { batches } from '../batching/batches.js';
import { ImageDataError } from '../errors.js';
import { temporaryDir } from '../test-support/idx-fixtures.js';
import { COCO_ANIMALS_CLASSES, cocoAnimals, imageFolder } from './image-folder.js';

const red = { r: 255, g: 0, b: 0 };
const blue = { r: 0, g: 0, b: 255 };

function solid(width: number, height: number, colour: { r: number; g: number; b: number }, channels: 3 | 4 = 3) {
  return sharp({
    create: { width, height, channels, background: channels === 4 ? { ...colour, alpha: 0.5 } : colour },
  });
}

/** A 20x10 JPEG, left half red and right half blue, tagged with EXIF orientation 6 (rotate 90° clockwise). */
async function orientedJpeg(): Promise<Buffer> {
  const raw = Buffer.alloc(20 * 10 * 3);
  for (let y = 0; y < 10; y++) {
    for (let x = 0; x < 20; x++) raw.set(x < 10 ? [255, 0, 0] : [0, 0, 255], (y * 20 + x) * 3);
  }
  return sharp(raw, { raw: { width: 20, height: 10, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

let root = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = temporaryDir('tfkit-image-folder-');
  const cat = join(root, 'good', 'cat');
  const dog = join(root, 'good', 'dog');
  mkdirSync(cat, { recursive: true });
  mkdirSync(dog, { recursive: true });
  await solid(40, 30, red).jpeg({ quality: 95 }).toFile(join(cat, 'a-red.jpg'));
  await solid(16, 16, { r: 128, g: 128, b: 128 }).greyscale().png().toFile(join(cat, 'b-grey.png'));
  await solid(16, 16, red, 4).png().toFile(join(cat, 'c-alpha.png'));
  await solid(16, 16, blue).webp({ lossless: true }).toFile(join(dog, 'x-blue.webp'));
  await solid(16, 16, blue).gif().toFile(join(dog, 'y-blue.gif'));
  writeFileSync(join(dog, 'notes.txt'), 'not listed');
  writeFileSync(join(root, 'good', 'README'), 'a file, not a class');
  const oriented = join(root, 'oriented', 'only');
  mkdirSync(oriented, { recursive: true });
  writeFileSync(join(oriented, 'rotated.jpg'), await orientedJpeg());
});

describe('imageFolder listing', () => {
  it('lists class folders sorted, files sorted, with labels', async () => {
    const folder = await imageFolder(join(root, 'good'), { size: 8 });
    expect(folder.classNames).toEqual(['cat', 'dog']);
    expect(folder.size).toBe(5);
    expect(folder.files.map((file) => [file.path.split('/').slice(-1)[0], file.label])).toEqual([
      ['a-red.jpg', 0],
      ['b-grey.png', 0],
      ['c-alpha.png', 0],
      ['x-blue.webp', 1],
      ['y-blue.gif', 1],
    ]);
    const chosen = await imageFolder(join(root, 'good'), { classes: ['dog', 'cat'], extensions: ['.PNG', '.webp'] });
    expect(chosen.files.map((file) => file.label)).toEqual([0, 1, 1]);
    expect(chosen.classNames).toEqual(['dog', 'cat']);
    await expect(imageFolder(join(root, 'good'), { classes: ['dog', 'cat'], extensions: ['.webp'] })).rejects.toThrow(
      /cat: class folder has no images/,
    );
  });

  it('rejects an empty class folder, a folder without classes, and an unknown class', async () => {
    const dir = temporaryDir();
    await expect(imageFolder(dir)).rejects.toSatisfy(
      (error: unknown) => ImageDataError.isInstance(error) && error.problem === 'no-classes',
    );
    mkdirSync(join(dir, 'zebra'));
    writeFileSync(join(dir, 'zebra', 'readme.txt'), 'no images here');
    const empty = await imageFolder(dir).catch((error: unknown) => error as ImageDataError);
    expect(ImageDataError.isInstance(empty)).toBe(true);
    expect(empty).toMatchObject({ problem: 'empty-class', file: join(dir, 'zebra') });
    const unknown = await imageFolder(join(root, 'good'), { classes: ['cat', 'horse'] }).catch(
      (error: unknown) => error as ImageDataError,
    );
    expect(unknown).toMatchObject({ problem: 'unknown-class' });
    expect((unknown as Error).message).toContain('found: cat, dog');
  });
});

describe('imageFolder decoding through sharp', () => {
  it('decodes jpeg, png, webp and gif to 3-channel RGB at the requested size', async () => {
    const folder = await imageFolder(join(root, 'good'), { size: [6, 8] });
    const images = await folder.decode([0, 1, 2, 3, 4]);
    expect(images).toMatchObject({ count: 5, height: 6, width: 8 });
    expect(images.pixels.length).toBe(5 * 6 * 8 * 3);
    const pixel = (image: number) => Array.from(images.pixels.subarray(image * 144, image * 144 + 3));
    const [r, g, b] = pixel(0);
    expect(r).toBeGreaterThan(240);
    expect(g! + b!).toBeLessThan(20);
    expect(pixel(1)).toEqual([128, 128, 128]); // greyscale expanded to 3 equal channels
    expect(pixel(2)[0]).toBeGreaterThan(240); // alpha dropped, colour kept (as PIL's convert('RGB'))
    expect(pixel(3)).toEqual([0, 0, 255]);
    expect(pixel(4)[2]).toBeGreaterThan(240);
    expect(Array.from(images.labels)).toEqual([0, 0, 0, 1, 1]);
  });

  it('applies the EXIF orientation', async () => {
    const folder = await imageFolder(join(root, 'oriented'), { size: [20, 10], fit: 'fill' });
    const { pixels } = await folder.decode([0]);
    const at = (x: number, y: number) => Array.from(pixels.subarray((y * 10 + x) * 3, (y * 10 + x) * 3 + 3));
    // rotated 90° clockwise: the left (red) half is now on top, the right (blue) half at the bottom
    expect(at(5, 2)[0]).toBeGreaterThan(200);
    expect(at(5, 2)[2]).toBeLessThan(60);
    expect(at(5, 17)[2]).toBeGreaterThan(200);
    expect(at(5, 17)[0]).toBeLessThan(60);
  });

  it('names a non-image file and a corrupt JPEG, or skips them with a report', async () => {
    const dir = temporaryDir();
    mkdirSync(join(dir, 'bird'));
    await solid(32, 32, red)
      .jpeg()
      .toFile(join(dir, 'bird', 'a-good.jpg'));
    writeFileSync(join(dir, 'bird', 'b-text.jpg'), 'this is not an image at all');
    const big = await sharp({
      create: {
        width: 256,
        height: 256,
        channels: 3,
        background: red,
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    writeFileSync(join(dir, 'bird', 'c-truncated.jpg'), big.subarray(0, Math.floor(big.length / 2)));
    const strict = await imageFolder(dir, { size: 8 });
    const notImage = await strict.decode([1]).catch((error: unknown) => error as ImageDataError);
    expect(ImageDataError.isInstance(notImage)).toBe(true);
    expect(notImage).toMatchObject({ problem: 'not-an-image', file: join(dir, 'bird', 'b-text.jpg') });
    expect((notImage as Error).message).toContain("{ onError: 'skip' }");
    const corrupt = await strict.decode([2]).catch((error: unknown) => error as ImageDataError);
    expect(corrupt).toMatchObject({ problem: 'corrupt', file: join(dir, 'bird', 'c-truncated.jpg') });
    expect((corrupt as Error).message).toMatch(/premature end|corrupt|truncat/i);

    const lenient = await imageFolder(dir, { size: 8, onError: 'skip' });
    await expectNoTensorLeak(async () => {
      const { xs, ys } = await lenient.read([0, 1, 2]);
      expect(xs.shape).toEqual([1, 8, 8, 3]);
      expect(ys.shape).toEqual([1, 1]);
      tf.dispose([xs, ys]);
    });
    expect(lenient.skipped.map((entry) => [entry.path.split('/').pop(), entry.problem])).toEqual([
      ['b-text.jpg', 'not-an-image'],
      ['c-truncated.jpg', 'corrupt'],
    ]);
  });

  it('reads batches as preprocessed tensors with one-hot or index labels', async () => {
    const folder = await imageFolder(join(root, 'good'), { size: 4, scale: 'caffe' });
    await expectNoTensorLeak(async () => {
      const { xs, ys } = await folder.read([3, 0]);
      expect(xs.shape).toEqual([2, 4, 4, 3]);
      const first = Array.from((await xs.data()).subarray(0, 3));
      // blue RGB [0, 0, 255] -> BGR [255, 0, 0] minus the caffe means
      expect(first[0]).toBeCloseTo(255 - 103.939, 3);
      expect(first[1]).toBeCloseTo(-116.779, 3);
      expect(first[2]).toBeCloseTo(-123.68, 3);
      expect(ys.arraySync()).toEqual([
        [0, 1],
        [1, 0],
      ]);
      tf.dispose([xs, ys]);
    });
    const indexLabels = await imageFolder(join(root, 'good'), { size: 4, labels: 'index', scale: 'zeroToOne' });
    await expectNoTensorLeak(async () => {
      let seen = 0;
      for await (const { xs, ys } of batches(indexLabels, { batchSize: 2 })) {
        expect(ys.dtype).toBe('int32');
        expect(Math.max(...(await xs.data()))).toBeLessThanOrEqual(1);
        seen += xs.shape[0]!;
        tf.dispose([xs, ys]);
      }
      expect(seen).toBe(5);
    });
  });
});

describe('cocoAnimals', () => {
  it('opens <dir>/<split> with the 8 book classes in order', async () => {
    const dir = temporaryDir();
    const png = await solid(8, 8, red).png().toBuffer();
    for (const name of COCO_ANIMALS_CLASSES) {
      mkdirSync(join(dir, 'val', name), { recursive: true });
      writeFileSync(join(dir, 'val', name, `${name}-1.png`), png);
    }
    const val = await cocoAnimals({ dir, split: 'val', size: 8 });
    expect(val.classNames).toEqual(['bear', 'bird', 'cat', 'dog', 'giraffe', 'horse', 'sheep', 'zebra']);
    expect(val.files.map((file) => file.label)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await expect(cocoAnimals({ dir })).rejects.toSatisfy(ImageDataError.isInstance);
    expect(readFileSync(join(dir, 'val', 'zebra', 'zebra-1.png')).length).toBe(png.length);
  });
});
