import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { createRng } from '@tfkit/core';
import { loadFashionMnist } from '@tfkit/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BatchProgress,
  CHECKPOINT_FILE,
  createGan,
  type EpochLog,
  type Gan,
  type GanBatchLogs,
  GanCheckpointError,
  type GanData,
  type GanEpochLogs,
  GanError,
  trainGan,
} from './index.js';

let data: GanData & { count: number };
let directory: string;

beforeAll(async () => {
  await ensureBackend({ log: false });
  const subset = await loadFashionMnist({ source: 'embedded', split: 'train' });
  // 200 images keep these tests fast; the quality test uses all 2,000.
  data = { images: subset.images.slice(0, 200 * 784), labels: subset.labels.slice(0, 200), count: 200 };
  directory = await mkdtemp(path.join(tmpdir(), 'tfkit-gan-train-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** SHA-256 of all weights: comparing digests is fast, deep-equal on 1.7M floats is not. */
function weightsDigest(gan: Gan): string {
  const hash = createHash('sha256');
  for (const weight of gan.getState().weights)
    hash.update(new Uint8Array(weight.buffer, weight.byteOffset, weight.byteLength));
  return hash.digest('hex');
}

describe('trainGan', () => {
  it("logs the book's line per epoch, with D(x) and D(G(z)), and reports progress per batch", async () => {
    const gan = createGan({ preset: 'dense', seed: 1 });
    const lines: string[] = [];
    const batches: [number, GanBatchLogs][] = [];
    const epochs: [number, GanEpochLogs][] = [];
    const result = await trainGan(gan, data, {
      epochs: 2,
      batchSize: 10,
      seed: 2,
      maxBatchesPerEpoch: 3,
      log: (line) => lines.push(line),
      onBatchEnd: (batch, logs) => void batches.push([batch, logs]),
      onEpochEnd: async (epoch, logs) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        epochs.push([epoch, logs]);
      },
    });
    expect(batches.map(([batch]) => batch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches.map(([, logs]) => [logs.epoch, logs.batchInEpoch, logs.batchesPerEpoch])).toEqual([
      [0, 0, 3],
      [0, 1, 3],
      [0, 2, 3],
      [1, 0, 3],
      [1, 1, 3],
      [1, 2, 3],
    ]);
    expect(Object.keys(batches[0]![1]).sort()).toEqual(
      ['batchInEpoch', 'batchesPerEpoch', 'dFake', 'dLoss', 'dReal', 'epoch', 'gLoss', 'iteration'].sort(),
    );
    // The epoch logs average the batch logs.
    const mean = batches.slice(0, 3).reduce((sum, [, logs]) => sum + logs.dLoss, 0) / 3;
    expect(epochs.map(([epoch]) => epoch)).toEqual([0, 1]);
    expect(epochs[0]![1].dLoss).toBeCloseTo(mean, 10);
    expect(epochs[0]![1].line).toBe(lines[0]);
    expect(result.stopped).toBe(false);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^epoch: 0000 d_loss = \d+\.\d{6} g_loss = \d+\.\d{6} D\(x\) = 0\.\d{4} D\(G\(z\)\) = 0\.\d{4}$/,
    );
    expect(lines[1]).toMatch(/^epoch: 0001 /);
    expect(result.history.map((entry) => entry.epoch)).toEqual([0, 1]);
    // Before any training D outputs about 0.5, so the split-style D loss is about 2 ln 2.
    expect(result.history[0]!.dLoss).toBeGreaterThan(0.5);
    expect(result.history[0]!.dLoss).toBeLessThan(2.5);
    gan.dispose();
  });

  it('still calls the deprecated nested callbacks with their old arguments', async () => {
    const gan = createGan({ preset: 'dense', seed: 1 });
    const progress: BatchProgress[] = [];
    const ends: number[] = [];
    const topLevel: number[] = [];
    await trainGan(gan, data, {
      epochs: 2,
      batchSize: 10,
      maxBatchesPerEpoch: 2,
      log: false,
      onBatchEnd: (batch) => void topLevel.push(batch),
      callbacks: { onBatchEnd: (entry) => void progress.push(entry), onEpochEnd: (end) => void ends.push(end.epoch) },
    });
    expect(progress.map(({ epoch, batch, batches }) => [epoch, batch, batches])).toEqual([
      [0, 0, 2],
      [0, 1, 2],
      [1, 0, 2],
      [1, 1, 2],
    ]);
    expect(Number.isFinite(progress[0]!.metrics.dLoss)).toBe(true);
    expect(ends).toEqual([0, 1]);
    expect(topLevel).toEqual([0, 1, 2, 3]);
    gan.dispose();
  });

  it('stops at the next batch when the signal aborts, returns what it has, and resumes byte-identically', async () => {
    for (const style of ['split', 'stacked'] as const) {
      const options = { batchSize: 5, maxBatchesPerEpoch: 3, seed: 7, log: false as const };
      const straight = createGan({ preset: 'dense', style, seed: 3 });
      const full = await trainGan(straight, data, { ...options, epochs: 3 });
      expect(full.stopped).toBe(false);

      // Killed in the middle of the second epoch: the checkpoint holds epoch 1 only.
      const checkpointDir = path.join(directory, `killed-${style}`);
      const controller = new AbortController();
      const first = createGan({ preset: 'dense', style, seed: 3 });
      const seen: number[] = [];
      const partial = await trainGan(first, data, {
        ...options,
        epochs: 3,
        checkpointDir,
        signal: controller.signal,
        onBatchEnd: (batch) => {
          seen.push(batch);
          if (batch === 4) controller.abort();
        },
      });
      first.dispose();
      expect(partial.stopped).toBe(true);
      expect(seen).toEqual([0, 1, 2, 3, 4]);
      expect(partial.history).toEqual(full.history.slice(0, 1));
      expect(JSON.parse(await readFile(path.join(checkpointDir, CHECKPOINT_FILE), 'utf8')).epoch).toBe(1);

      // A fresh GAN with another init seed: everything must come from the checkpoint.
      const resumed = createGan({ preset: 'dense', style, seed: 99 });
      const resumedBatches: number[] = [];
      const rest = await trainGan(resumed, data, {
        ...options,
        epochs: 3,
        checkpointDir,
        resume: true,
        onBatchEnd: (batch) => void resumedBatches.push(batch),
      });
      expect(rest.startEpoch).toBe(1);
      expect(resumedBatches).toEqual([3, 4, 5, 6, 7, 8]);
      expect(rest.history).toEqual(full.history);
      expect(weightsDigest(resumed)).toEqual(weightsDigest(straight));
      straight.dispose();
      resumed.dispose();
    }
  });

  it('leaks no tensors across epochs (split and stacked, dense and conditional)', async () => {
    for (const [preset, style] of [
      ['dense', 'split'],
      ['dense', 'stacked'],
      ['conditional', 'split'],
      ['dcgan-conditional', 'split'],
    ] as const) {
      const gan = createGan({ preset, style, seed: 1 });
      const counts: number[] = [];
      await expectNoTensorLeak(() =>
        trainGan(gan, data, {
          epochs: 3,
          batchSize: 5,
          maxBatchesPerEpoch: 1,
          log: false,
          onEpochEnd: () => void counts.push(tf.memory().numTensors),
        }),
      );
      expect(new Set(counts).size).toBe(1);
      gan.dispose();
    }
  });

  it('gives the same weights for the same seed and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const gan = createGan({ preset: 'dense', seed: 4 });
      await trainGan(gan, data, { epochs: 1, batchSize: 5, maxBatchesPerEpoch: 1, seed, log: false });
      const weights = weightsDigest(gan);
      gan.dispose();
      return weights;
    };
    const first = await run(1);
    expect(await run(1)).toEqual(first);
    expect(await run(2)).not.toEqual(first);
  });

  it('composes trainStep from discriminatorStep(style) and generatorStep', async () => {
    const real = tf.tensor2d(
      Float32Array.from(data.images.subarray(0, 4 * 784), (value) => value / 127.5 - 1),
      [4, 784],
    );
    const whole = createGan({ preset: 'dense-tuned', seed: 2 });
    const parts = createGan({ preset: 'dense-tuned', seed: 2 });
    const stacked = createGan({ preset: 'dense-tuned', seed: 2 });
    await expectNoTensorLeak(() => {
      const metrics = whole.trainStep(real, undefined, 11);
      const random = createRng(11);
      const discriminator = parts.discriminatorStep(real, undefined, random, 'split');
      const generator = parts.generatorStep(4, random);
      expect({ ...discriminator, ...generator }).toEqual(metrics);
      expect(weightsDigest(parts)).toBe(weightsDigest(whole));
      const other = stacked.discriminatorStep(real, undefined, createRng(11), 'stacked');
      expect(other.dLoss).not.toBe(discriminator.dLoss);
      expect(() => parts.generatorStep(0, random)).toThrow(/batchSize/);
    });
    real.dispose();
    for (const gan of [whole, parts, stacked]) gan.dispose();
  });

  it('writes checkpoints atomically and rejects a damaged or foreign one', async () => {
    const checkpointDir = path.join(directory, 'damaged');
    const gan = createGan({ preset: 'dense', seed: 1 });
    await trainGan(gan, data, { epochs: 2, batchSize: 10, maxBatchesPerEpoch: 1, checkpointDir, log: false });
    const files = (await readdir(checkpointDir)).sort();
    expect(files).toEqual(['gan-checkpoint-0002.bin', CHECKPOINT_FILE]);
    const other = createGan({ preset: 'dense-tuned', seed: 1 });
    await expect(
      trainGan(other, data, { epochs: 3, batchSize: 10, checkpointDir, resume: true, log: false }),
    ).rejects.toThrow(/preset 'dense' \(split\), not 'dense-tuned'/);
    await expect(
      trainGan(gan, data, { epochs: 3, batchSize: 50, checkpointDir, resume: true, log: false }),
    ).rejects.toThrow(/seed 0 and batchSize 10;/);
    const bin = path.join(checkpointDir, 'gan-checkpoint-0002.bin');
    const bytes = await readFile(bin);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(bin, bytes);
    const error = await trainGan(gan, data, {
      epochs: 3,
      batchSize: 10,
      checkpointDir,
      resume: true,
      log: false,
    }).catch((caught: unknown) => caught);
    expect(GanCheckpointError.isInstance(error)).toBe(true);
    expect(GanError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/corrupt/);
    gan.dispose();
    other.dispose();
  });

  it('writes fixed-noise PNG grids every N epochs and after the last', async () => {
    const sampleDir = path.join(directory, 'grids');
    const gan = createGan({ preset: 'dense-tuned', seed: 1 });
    const grids: Buffer[] = [];
    const result = await trainGan(gan, data, {
      epochs: 3,
      batchSize: 10,
      maxBatchesPerEpoch: 1,
      sampleEvery: 2,
      sampleDir,
      log: false,
      onEpochEnd: (_, logs) => void (logs.grid && grids.push(logs.grid)),
    });
    expect(result.gridFiles.map((file) => path.basename(file))).toEqual(['epoch-0002.png', 'epoch-0003.png']);
    expect(grids).toHaveLength(2);
    const sharp = (await import('sharp')).default;
    const meta = await sharp(await readFile(result.gridFiles[0]!)).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([10 * 56 + 11 * 2, 10 * 56 + 11 * 2, 'png']);
    expect(grids[0]!.equals(grids[1]!)).toBe(false);
    gan.dispose();
  });

  it('validates its inputs', async () => {
    const gan = createGan({ preset: 'conditional' });
    await expect(trainGan(gan, { images: data.images }, { epochs: 1 })).rejects.toThrow(/data.labels/);
    await expect(trainGan(gan, { images: new Uint8Array(100) }, { epochs: 1 })).rejects.toThrow(/multiple of 784/);
    await expect(trainGan(gan, data, { epochs: 1, batchSize: 201 })).rejects.toThrow(/batchSize/);
    await expect(trainGan(gan, data, { epochs: 1, resume: true })).rejects.toThrow(/resume needs checkpointDir/);
    gan.dispose();
  });

  it('runs the book DCGAN and the tuned DCGAN (convolution gradients)', async () => {
    for (const preset of ['dcgan-tuned', 'dcgan'] as const) {
      const gan = createGan({ preset, seed: 1 });
      const history: EpochLog[] = (
        await trainGan(gan, data, { epochs: 1, batchSize: 4, maxBatchesPerEpoch: 1, log: false })
      ).history;
      expect(Number.isFinite(history[0]!.dLoss)).toBe(true);
      gan.dispose();
    }
  });
});
