import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { TfkitOptionError } from '@tfkit/core';
import { loadFashionMnist } from '@tfkit/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BEST_CHECKPOINT_DIRECTORY,
  CHECKPOINT_FILE,
  createGan,
  type FidLog,
  type Gan,
  type GanData,
  loadCheckpoint,
  Scorer,
  trainGan,
} from './index.js';

let data: GanData;
let reference: Uint8Array;
let scorer: Scorer;
let directory: string;

beforeAll(async () => {
  await ensureBackend({ log: false });
  const subset = await loadFashionMnist({ source: 'embedded', split: 'train' });
  data = { images: subset.images.slice(0, 60 * 784) };
  reference = subset.images.slice(1000 * 784, 1100 * 784);
  scorer = await Scorer.load();
  directory = await mkdtemp(path.join(tmpdir(), 'tfkit-gan-options-'));
});

afterAll(async () => {
  scorer.dispose();
  await rm(directory, { recursive: true, force: true });
});

function digest(arrays: readonly Float32Array[]): string {
  const hash = createHash('sha256');
  for (const array of arrays) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return hash.digest('hex');
}

function generatorWeights(gan: Gan): Float32Array[] {
  return gan.getState().weights.slice(0, gan.generator.model.weights.length);
}

function batch(count: number): tf.Tensor2D {
  return tf.tensor2d(
    Float32Array.from(data.images.subarray(0, count * 784), (value) => value / 127.5 - 1),
    [count, 784],
  );
}

describe('EMA of the generator weights', () => {
  it('follows ema = d * ema + (1 - d) * w with the warm-up d = min(decay, (1 + t) / (10 + t))', () => {
    const real = batch(4);
    const gan = createGan({ preset: 'dense-tuned', seed: 1, ema: 0.9, emaInterval: 1 });
    expect(gan.hasEma).toBe(true);
    let expected = generatorWeights(gan).map((weights) => Float64Array.from(weights));
    expect(digest(gan.emaState()!)).toBe(digest(generatorWeights(gan)));
    for (let step = 1; step <= 3; step++) {
      gan.trainStep(real, undefined, step);
      const decay = Math.min(0.9, (1 + step) / (10 + step));
      expect(decay).toBeLessThan(0.9); // the warm-up is what acts in the first steps
      const raw = generatorWeights(gan);
      expected = expected.map((average, index) =>
        average.map((value, i) => decay * value + (1 - decay) * raw[index]![i]!),
      );
      const ema = gan.emaState()!;
      let worst = 0;
      ema.forEach((weights, index) => {
        for (let i = 0; i < weights.length; i++) worst = Math.max(worst, Math.abs(weights[i]! - expected[index]![i]!));
      });
      expect(worst).toBeLessThan(1e-6);
      expect(gan.iteration).toBe(step);
    }
    // The EMA differs from the raw weights after training.
    expect(digest(gan.emaState()!)).not.toBe(digest(generatorWeights(gan)));
    real.dispose();
    gan.dispose();
  });

  it('updates every emaInterval steps with the decay and the warm-up raised to that power', () => {
    const real = batch(4);
    const gan = createGan({ preset: 'dense-tuned', seed: 1, ema: 0.5, emaInterval: 3 });
    const initial = digest(gan.emaState()!);
    gan.trainStep(real, undefined, 1);
    gan.trainStep(real, undefined, 2);
    expect(digest(gan.emaState()!)).toBe(initial);
    const before = gan.emaState()!;
    gan.trainStep(real, undefined, 3);
    const decay = Math.min(0.5, 4 / 13) ** 3;
    const raw = generatorWeights(gan);
    const ema = gan.emaState()!;
    let worst = 0;
    ema.forEach((weights, index) => {
      for (let i = 0; i < weights.length; i++)
        worst = Math.max(worst, Math.abs(weights[i]! - (decay * before[index]![i]! + (1 - decay) * raw[index]![i]!)));
    });
    expect(worst).toBeLessThan(1e-6);
    real.dispose();
    gan.dispose();
  });

  it('keeps the raw weights for training and samples with the EMA weights by default', async () => {
    const real = batch(4);
    const gan = createGan({ preset: 'dense-tuned', seed: 2, ema: 0.99 });
    for (let step = 0; step < 3; step++) gan.trainStep(real, undefined, step);
    const rawBefore = digest(gan.getState().weights);
    await expectNoTensorLeak(() => {
      const ema = gan.sample(3, { seed: 4 });
      const raw = gan.sample(3, { seed: 4, weights: 'raw' });
      expect(ema).not.toEqual(raw);
      // Sampling swapped the EMA in and the raw weights back: training state unchanged.
      expect(digest(gan.getState().weights)).toBe(rawBefore);

      // The same images from a GAN without EMA whose generator holds the averaged weights.
      const state = gan.getState();
      const plain = createGan({ preset: 'dense-tuned', seed: 2 });
      const generatorCount = gan.generator.model.weights.length;
      plain.setState({
        weights: [...state.ema!, ...state.weights.slice(generatorCount)],
        generatorOptimizer: state.generatorOptimizer,
        discriminatorOptimizer: state.discriminatorOptimizer,
      });
      expect(plain.sample(3, { seed: 4 })).toEqual(ema);
      expect(() => plain.setState(state)).toThrow(/same ema option/);
      plain.dispose();
    });
    real.dispose();
    gan.dispose();
  });

  it('is checkpointed beside the raw weights and resumes exactly after a run killed mid-epoch', async () => {
    const options = { batchSize: 10, maxBatchesPerEpoch: 3, seed: 5, log: false as const };
    const straight = createGan({ preset: 'dense-tuned', seed: 3, ema: 0.95 });
    const full = await trainGan(straight, data, { ...options, epochs: 3 });

    const checkpointDir = path.join(directory, 'ema-resume');
    const controller = new AbortController();
    const first = createGan({ preset: 'dense-tuned', seed: 3, ema: 0.95 });
    const partial = await trainGan(first, data, {
      ...options,
      epochs: 3,
      checkpointDir,
      signal: controller.signal,
      onBatchEnd: (index) => {
        if (index === 4) controller.abort();
      },
    });
    expect(partial.stopped).toBe(true);
    first.dispose();
    const manifest = JSON.parse(await readFile(path.join(checkpointDir, CHECKPOINT_FILE), 'utf8'));
    expect(manifest.layout.ema.length).toBe(straight.generator.model.weights.length);
    expect(manifest.iteration).toBe(3);

    const resumed = createGan({ preset: 'dense-tuned', seed: 77, ema: 0.95 });
    const rest = await trainGan(resumed, data, { ...options, epochs: 3, checkpointDir, resume: true });
    expect(rest.history).toEqual(full.history);
    expect(resumed.iteration).toBe(9);
    expect(digest(resumed.getState().weights)).toBe(digest(straight.getState().weights));
    expect(digest(resumed.emaState()!)).toBe(digest(straight.emaState()!));
    expect(resumed.sample(2, { seed: 1 })).toEqual(straight.sample(2, { seed: 1 }));

    // A GAN without EMA cannot take this checkpoint.
    const without = createGan({ preset: 'dense-tuned', seed: 3 });
    await expect(loadCheckpoint(checkpointDir, without)).rejects.toThrow(/another ema setting/);
    for (const gan of [straight, resumed, without]) gan.dispose();
  });
});

describe('the truncation trick', () => {
  it('pulls samples toward the image of z = 0: less spread as the factor falls; 1 is no truncation', async () => {
    const gan = createGan({ preset: 'dense-tuned', seed: 3 });
    await expectNoTensorLeak(() => {
      /** Mean absolute difference (grey levels) of each sample from the first. */
      const spread = (images: Uint8Array) => {
        let sum = 0;
        for (let index = 784; index < images.length; index++) sum += Math.abs(images[index]! - images[index % 784]!);
        return sum / (images.length - 784);
      };
      const full = gan.sample(8, { seed: 5 });
      expect(gan.sample(8, { seed: 5, truncation: 1 })).toEqual(full);
      const half = spread(gan.sample(8, { seed: 5, truncation: 0.5 }));
      const tiny = spread(gan.sample(8, { seed: 5, truncation: 1e-4 }));
      expect(half).toBeLessThan(spread(full));
      expect(tiny).toBeLessThan(half);
      expect(tiny).toBeLessThan(0.5);
    });
    for (const truncation of [0, -0.5, 1.5, Number.NaN]) {
      expect(() => gan.sample(2, { truncation })).toThrow(/truncation in \(0, 1\]/);
    }
    gan.dispose();
  });
});

describe('discriminator rejection (bestOf)', () => {
  it('keeps, for each image, the candidate the discriminator rates highest; 1 is no rejection', async () => {
    const gan = createGan({ preset: 'dense-tuned', seed: 3 });
    await expectNoTensorLeak(() => {
      const n = 6;
      const plain = gan.sample(n, { seed: 5 });
      expect(gan.sample(n, { seed: 5, bestOf: 1 })).toEqual(plain);
      const chosen = gan.sample(n, { seed: 5, bestOf: 3 });
      // The candidates are the images of one draw of 3n from the same noise stream: round r, image j
      // is candidate r * n + j.
      const candidates = gan.sample(3 * n, { seed: 5 });
      const realness = (images: Uint8Array) =>
        tf.tidy(() => {
          const x = tf.tensor2d(
            Float32Array.from(images, (value) => value / 127.5 - 1),
            [images.length / 784, 784],
          );
          return Array.from(gan.discriminate(x).dataSync());
        });
      const candidateScores = realness(candidates);
      const chosenScores = realness(chosen);
      let replaced = 0;
      for (let j = 0; j < n; j++) {
        const image = chosen.subarray(j * 784, (j + 1) * 784);
        const match = [0, 1, 2].find((round) =>
          candidates.subarray((round * n + j) * 784, (round * n + j + 1) * 784).every((value, i) => value === image[i]),
        );
        expect(match).toBeDefined();
        if (match !== 0) replaced++;
        const best = Math.max(...[0, 1, 2].map((round) => candidateScores[round * n + j]!));
        // Scores of the 8-bit images; the choice was made on the float ones.
        expect(chosenScores[j]).toBeGreaterThan(best - 1e-2);
      }
      expect(replaced).toBeGreaterThan(0);
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      expect(mean(chosenScores)).toBeGreaterThan(mean(realness(plain)));
    });
    for (const bestOf of [0, 1.5, -1, 65, Number.NaN]) {
      expect(() => gan.sample(2, { bestOf })).toThrow(/bestOf as an integer 1\.\.64/);
    }
    gan.dispose();
  });

  it("keeps each image's class in a conditional GAN", async () => {
    const gan = createGan({ preset: 'conditional', seed: 2 });
    await expectNoTensorLeak(() => {
      const labels = [7, 7, 1, 9];
      const chosen = gan.sample(4, { seed: 8, labels, bestOf: 2 });
      // Candidates: one draw of 8 with the labels repeated, so candidate r * 4 + j has image j's class.
      const candidates = gan.sample(8, { seed: 8, labels: [...labels, ...labels] });
      for (let j = 0; j < 4; j++) {
        const image = chosen.subarray(j * 784, (j + 1) * 784);
        const same = (index: number) =>
          candidates.subarray(index * 784, (index + 1) * 784).every((value, i) => value === image[i]);
        expect(same(j) || same(4 + j)).toBe(true);
      }
    });
    gan.dispose();
  });
});

describe('FID during training', () => {
  it('measures FID every N iterations, logs it, and keeps the best checkpoint in best/', async () => {
    const checkpointDir = path.join(directory, 'fid');
    const gan = createGan({ preset: 'dense-tuned', seed: 1, ema: 0.9 });
    const logged: [number, FidLog | undefined][] = [];
    const result = await trainGan(gan, data, {
      epochs: 2,
      batchSize: 10,
      maxBatchesPerEpoch: 3,
      seed: 1,
      log: false,
      checkpointDir,
      fid: { scorer, reference, every: 2, count: 50 },
      onBatchEnd: (_, logs) => void logged.push([logs.iteration, logs.fid]),
    });
    expect(logged.map(([iteration]) => iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(logged.filter(([, fid]) => fid).map(([iteration]) => iteration)).toEqual([2, 4, 6]);
    expect(result.fidHistory.map((entry) => entry.iteration)).toEqual([2, 4, 6]);
    expect(result.fidHistory.map((entry) => entry.epoch)).toEqual([0, 1, 1]);
    for (const entry of result.fidHistory) {
      expect(entry.fid).toBeGreaterThan(0);
      expect(entry.cpuSeconds).toBeGreaterThan(0);
    }
    const best = result.fidHistory.reduce((a, b) => (b.fid < a.fid ? b : a));
    expect(result.bestFid).toBe(best.fid);

    // best/ holds the weights of the lowest FID: scoring them again gives that FID.
    const bestManifest = JSON.parse(
      await readFile(path.join(checkpointDir, BEST_CHECKPOINT_DIRECTORY, CHECKPOINT_FILE), 'utf8'),
    );
    expect(bestManifest.bestFid).toBe(best.fid);
    expect(bestManifest.iteration).toBe(best.iteration);
    const restored = createGan({ preset: 'dense-tuned', seed: 9, ema: 0.9 });
    const meta = await loadCheckpoint(path.join(checkpointDir, BEST_CHECKPOINT_DIRECTORY), restored);
    expect(meta?.iteration).toBe(best.iteration);
    const { deriveSeed } = await import('@tfkit/core');
    const again = scorer.compare(restored.sample(50, { seed: deriveSeed(1, 0xf1d) }), reference);
    expect(again.fid).toBeCloseTo(best.fid, 6);
    // The latest checkpoint carries the FID history for a resumed run.
    const latest = JSON.parse(await readFile(path.join(checkpointDir, CHECKPOINT_FILE), 'utf8'));
    expect(latest.fidHistory.map((entry: FidLog) => entry.iteration)).toEqual([2, 4, 6]);
    expect(latest.bestFid).toBe(best.fid);
    restored.dispose();
    gan.dispose();
  });

  it('rejects a bad cadence', async () => {
    const gan = createGan({ preset: 'dense-tuned' });
    await expect(trainGan(gan, data, { epochs: 1, fid: { scorer, reference, every: 0 } })).rejects.toThrow(
      TfkitOptionError,
    );
    gan.dispose();
  });
});

describe('loss variants, smoothing, instance noise and the learning-rate schedule', () => {
  it('train with finite losses and change the result', () => {
    const real = batch(4);
    const run = (options: Parameters<typeof createGan>[0]) => {
      const gan = createGan({ preset: 'dense-tuned', seed: 1, ...options });
      const metrics = gan.trainStep(real, undefined, 3);
      gan.dispose();
      return metrics;
    };
    const base = run({});
    for (const options of [{ loss: 'hinge' as const }, { labelSmoothing: 0.1 }, { instanceNoise: 0.2 }]) {
      const metrics = run(options);
      expect(Number.isFinite(metrics.dLoss) && Number.isFinite(metrics.gLoss)).toBe(true);
      expect(metrics.dLoss).not.toBe(base.dLoss);
    }
    real.dispose();
  });

  it('scales the learning rates: a factor of 0 freezes the discriminator after the schedule ends', () => {
    const real = batch(4);
    const gan = createGan({ preset: 'dense-tuned', seed: 1, learningRateSchedule: { steps: 1, final: 0 } });
    const discriminatorWeights = () => digest(gan.getState().weights.slice(gan.generator.model.weights.length));
    const initial = discriminatorWeights();
    gan.trainStep(real, undefined, 1); // iteration 0: factor 1
    const afterFirst = discriminatorWeights();
    expect(afterFirst).not.toBe(initial);
    gan.trainStep(real, undefined, 2); // iteration 1: factor 0
    expect(discriminatorWeights()).toBe(afterFirst);
    real.dispose();
    gan.dispose();
  });

  it('starts the decay at `start`: the factor stays 1 until then', () => {
    const real = batch(4);
    const discriminatorWeights = (gan: ReturnType<typeof createGan>) =>
      digest(gan.getState().weights.slice(gan.generator.model.weights.length));
    const late = createGan({ preset: 'dense-tuned', seed: 1, learningRateSchedule: { start: 2, steps: 1, final: 0 } });
    const constant = createGan({ preset: 'dense-tuned', seed: 1 });
    for (const step of [1, 2]) {
      late.trainStep(real, undefined, step); // iterations 0 and 1: factor 1, as without a schedule
      constant.trainStep(real, undefined, step);
    }
    expect(discriminatorWeights(late)).toBe(discriminatorWeights(constant));
    const beforeEnd = discriminatorWeights(late);
    late.trainStep(real, undefined, 3); // iteration 2: factor 1 (the decay's first step)
    const afterThird = discriminatorWeights(late);
    expect(afterThird).not.toBe(beforeEnd);
    late.trainStep(real, undefined, 4); // iteration 3: factor 0
    expect(discriminatorWeights(late)).toBe(afterThird);
    real.dispose();
    late.dispose();
    constant.dispose();
  });

  it('validates the options', () => {
    expect(() => createGan({ learningRateSchedule: { start: -1, steps: 10, final: 0.1 } })).toThrow(/start >= 0/);
    expect(() => createGan({ ema: 1 })).toThrow(TfkitOptionError);
    expect(() => createGan({ loss: 'wasserstein' as 'hinge' })).toThrow(/unknown loss 'wasserstein'/);
    expect(() => createGan({ labelSmoothing: -0.1 })).toThrow(/labelSmoothing/);
    expect(() => createGan({ learningRateSchedule: { steps: 0, final: 0.1 } })).toThrow(/learningRateSchedule/);
  });
});

describe("the tuned DCGAN's defaults (the best combination at equal wall time)", () => {
  it('trains with Adam 8e-4 (beta1 0.5) on both networks and keeps an EMA of 0.999', () => {
    const real = batch(4);
    const adam = (learningRate: number) => ({ kind: 'adam' as const, learningRate, beta1: 0.5 });
    const weightsAfterStep = (options: Parameters<typeof createGan>[0]) => {
      const gan = createGan({ preset: 'dcgan-tuned', seed: 3, ...options });
      gan.trainStep(real, undefined, 4);
      const result = { weights: digest(gan.getState().weights), ema: gan.settings.ema };
      gan.dispose();
      return result;
    };
    const defaults = weightsAfterStep({});
    expect(defaults.ema).toBe(0.999);
    expect(weightsAfterStep({ generatorOptimizer: adam(8e-4), discriminatorOptimizer: adam(8e-4) })).toEqual(defaults);
    expect(weightsAfterStep({ generatorOptimizer: adam(2e-4), discriminatorOptimizer: adam(2e-4) }).weights).not.toBe(
      defaults.weights,
    );
    real.dispose();
  });

  it("lets trainGan use the preset's batch size when the options name none (32 here, 100 for the others)", async () => {
    const tuned = createGan({ preset: 'dcgan-tuned', seed: 1 });
    const dense = createGan({ preset: 'dense-tuned', seed: 1 });
    expect([tuned.batchSize, dense.batchSize]).toEqual([32, 100]);
    const perEpoch: number[] = [];
    await trainGan(tuned, data, {
      epochs: 1,
      log: false,
      onBatchEnd: (_, logs) => void perEpoch.push(logs.batchesPerEpoch),
    });
    expect(perEpoch).toEqual([1]); // 60 images in batches of 32
    // 60 images cannot fill dense-tuned's default batch of 100.
    await expect(trainGan(dense, data, { epochs: 1, log: false })).rejects.toThrow(
      /got 100 \(the preset's default, gan\.batchSize\)\. Pass e\.g\. 32\./,
    );
    tuned.dispose();
    dense.dispose();
  });
});
