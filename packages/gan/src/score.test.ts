import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { loadFashionMnist } from '@tfkit/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeatureStats, GanAssetError, GanError, Scorer } from './index.js';

let scorer: Scorer;
let train: Uint8Array;
let testStats: FeatureStats;

beforeAll(async () => {
  await ensureBackend({ log: false });
  scorer = await Scorer.load();
  train = (await loadFashionMnist({ source: 'embedded', split: 'train' })).images;
  testStats = scorer.stats((await loadFashionMnist({ source: 'embedded', split: 'test' })).images);
});

afterAll(() => {
  scorer.dispose();
});

describe('Scorer', () => {
  it('ships a classifier with at least 90% Fashion-MNIST test accuracy', async () => {
    expect(scorer.manifest.testAccuracy).toBeGreaterThanOrEqual(0.9);
    // The embedded test subset is part of the full test set: the classifier must agree.
    const subset = await loadFashionMnist({ source: 'embedded', split: 'test' });
    const predicted = scorer.classify(subset.images);
    const correct = predicted.reduce((sum, label, index) => sum + (label === subset.labels[index] ? 1 : 0), 0);
    expect(correct / subset.count).toBeGreaterThan(0.85);
  });

  it('scores real images close to real images and noise far away', () => {
    const before = tf.memory().numTensors;
    const real = scorer.compare(train, testStats);
    const random = new Uint8Array(1000 * 784);
    let state = 12345;
    for (let index = 0; index < random.length; index++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      random[index] = state >>> 24;
    }
    const noise = scorer.compare(random, testStats);
    const blank = scorer.compare(new Uint8Array(100 * 784), testStats);
    expect(real.classEntropy).toBeGreaterThan(3.2);
    expect(real.classesCovered).toBe(10);
    expect(noise.fid).toBeGreaterThan(10 * real.fid);
    expect(blank.classesCovered).toBe(1);
    expect(blank.classEntropy).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a damaged classifier file', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'tfkit-gan-scorer-'));
    const packaged = fileURLToPath(new URL('../assets/classifier/', import.meta.url));
    await cp(packaged, directory, { recursive: true });
    const weights = path.join(directory, 'weights.bin');
    const bytes = await readFile(weights);
    bytes[10] = bytes[10]! ^ 1;
    await writeFile(weights, bytes);
    const error = await Scorer.load({ directory: pathToFileURL(`${directory}/`) }).catch((caught: unknown) => caught);
    expect(GanAssetError.isInstance(error)).toBe(true);
    expect(GanError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/weights.bin is damaged .*; reinstall @tfkit\/gan\.$/);
    await rm(directory, { recursive: true, force: true });
  });

  it('rejects too few images', () => {
    expect(() => scorer.stats(new Uint8Array(784))).toThrow(/n >= 2/);
  });
});
