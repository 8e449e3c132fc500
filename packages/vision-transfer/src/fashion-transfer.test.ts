import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeightsLoadError } from './errors.js';
import {
  buildFashionBackbone,
  fashionBackboneUrl,
  loadFashionBackbone,
  runFashionTransferExperiment,
} from './fashion-transfer.js';
import { useTestBackend } from './test-support/setup.js';

beforeAll(useTestBackend);

describe('Fashion-MNIST transfer experiment', () => {
  it('ships a checksummed backbone of the documented architecture, under 2 MB', async () => {
    const backbone = await loadFashionBackbone();
    const fresh = buildFashionBackbone();
    expect(backbone.layers.map((layer) => layer.name)).toEqual(fresh.layers.map((layer) => layer.name));
    expect(backbone.countParams()).toBe(51_814);
    expect(backbone.countParams() * 4).toBeLessThan(2_000_000);
    // pretrained, not initial: the first kernel differs from a fresh seeded one
    expect(Array.from(backbone.getLayer('block1_conv1').getWeights()[0]!.dataSync())).not.toEqual(
      Array.from(fresh.getLayer('block1_conv1').getWeights()[0]!.dataSync()),
    );
    backbone.dispose();
    fresh.dispose();
  });

  it('loads a backbone from another directory and names the directory when it is missing', async () => {
    const shipped = fileURLToPath(fashionBackboneUrl);
    const backbone = await loadFashionBackbone(shipped.replace(/\/$/, ''));
    expect(backbone.countParams()).toBe(51_814);
    backbone.dispose();
    const missing = join(tmpdir(), 'tfkit-no-such-backbone');
    const error = await loadFashionBackbone(missing).catch((caught: unknown) => caught);
    expect(WeightsLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`${missing}/`);
  });

  it('runs the three methods on the embedded subset and says which data it used', async () => {
    const stages: string[] = [];
    const before = tf.memory().numTensors;
    const report = await runFashionTransferExperiment({
      data: 'embedded',
      trainPerClass: 10,
      epochs: 2,
      maxTestImages: 120,
      seed: 3,
      onProgress: (event) => stages.push(event.stage),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.data.origin).toBe('embedded');
    expect(report.data.description).toMatch(/embedded Fashion-MNIST subset/);
    expect(report.data.trainImages).toBe(40);
    expect(report.classNames).toEqual(['Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(report.results.map((result) => result.method)).toEqual(['fromScratch', 'frozenBackbone', 'fineTuned']);
    for (const result of report.results) {
      expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(120);
      const correct = result.confusion.reduce((sum, row, index) => sum + row[index]!, 0);
      expect(result.testAccuracy).toBeCloseTo(correct / 120, 10);
    }
    const fineTuned = report.results[2]!;
    expect(fineTuned.epochs.map((epoch) => epoch.phase)).toEqual(['head', 'fineTune']);
    // pretrained features separate shoes, bags and shirts far above chance (25%) even with 10 images per class
    expect(report.results[1]!.testAccuracy).toBeGreaterThan(0.6);
    expect(stages[0]).toBe('data');
  });

  it('rejects a budget it cannot meet', async () => {
    await expect(runFashionTransferExperiment({ data: 'embedded', trainPerClass: 500 })).rejects.toThrow(
      /only 200 training images of class 6/,
    );
    await expect(runFashionTransferExperiment({ epochs: 1 })).rejects.toThrow(TfkitOptionError);
    await expect(
      runFashionTransferExperiment({ featureLayer: 'block2_pool' as 'fc1', data: 'embedded' }),
    ).rejects.toThrow(/`featureLayer`: must be 'block3_pool' or 'fc1'/);
  });
});
