import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickRun } from './quick.js';

beforeAll(async () => {
  await ensureBackend({ log: false });
});

describe('quality of a short tuned run', () => {
  it('beats uniform noise by a wide margin after 150 steps of the tuned DCGAN (seed-fixed)', async () => {
    const before = tf.memory().numTensors;
    const grids: Buffer[] = [];
    const run = await quickRun({
      preset: 'dcgan-tuned',
      epochs: 6,
      batchSize: 32,
      maxBatchesPerEpoch: 25,
      seed: 1,
      scoreCount: 500,
      scoreEveryEpoch: false,
      onEpochEnd: (_, logs) => void grids.push(logs.grid),
    });
    expect(run.epochs).toHaveLength(6);
    expect(grids.every((grid) => grid.subarray(1, 4).toString() === 'PNG')).toBe(true);
    expect(run.epochs.slice(0, -1).every((epoch) => epoch.score === undefined)).toBe(true);
    const score = run.epochs.at(-1)!.score!;
    // Real images score near 0, uniform noise far away; the GAN must land far closer to the real images.
    expect(run.realScore.fid).toBeLessThan(5);
    expect(score.fid).toBeLessThan(run.noiseScore.fid / 2);
    expect(score.classEntropy).toBeGreaterThan(2);
    expect(run.noiseScore.classEntropy).toBeLessThan(1);
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
