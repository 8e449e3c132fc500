import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePredictions, imagenetClasses } from './imagenet.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function row(width: number, hot: Record<number, number>): number[] {
  const values = new Array<number>(width).fill(0);
  for (const [index, value] of Object.entries(hot)) values[Number(index)] = value;
  return values;
}

describe('imagenetClasses', () => {
  it('lists the 1000 Keras classes in order and the 1001 TF-slim variant', () => {
    const classes = imagenetClasses();
    expect(classes).toHaveLength(1000);
    expect(classes[0]).toEqual({ index: 0, wnid: 'n01440764', label: 'tench' });
    expect(classes[386]).toEqual({ index: 386, wnid: 'n02504458', label: 'African elephant' });
    expect(classes[999]).toEqual({ index: 999, wnid: 'n15075141', label: 'toilet tissue' });
    expect(new Set(classes.map((entry) => entry.wnid)).size).toBe(1000);
    const slim = imagenetClasses(1001);
    expect(slim[0]).toEqual({ index: 0, wnid: 'background', label: 'background' });
    expect(slim[387]).toEqual({ index: 387, wnid: 'n02504458', label: 'African elephant' });
    expect(() => imagenetClasses(10 as 1000)).toThrow(TfkitOptionError);
  });
});

describe('decodePredictions', () => {
  it('returns the top-k of each row of a tensor, best first, without touching the tensor', async () => {
    await expectNoTensorLeak(async () => {
      const probabilities = tf.tensor2d([row(1000, { 1: 0.1, 386: 0.7, 999: 0.2 }), row(1000, { 0: 0.9 })]);
      const decoded = await decodePredictions(probabilities, { topK: 3 });
      expect(probabilities.isDisposed).toBe(false);
      probabilities.dispose();
      expect(decoded).toHaveLength(2);
      expect(decoded[0]!.map((entry) => [entry.index, entry.label])).toEqual([
        [386, 'African elephant'],
        [999, 'toilet tissue'],
        [1, 'goldfish'],
      ]);
      expect(decoded[0]![0]!.probability).toBeCloseTo(0.7, 6);
      expect(decoded[0]![0]!.wnid).toBe('n02504458');
      // ties (all zeros after the first) go to the lowest index
      expect(decoded[1]!.map((entry) => entry.index)).toEqual([0, 1, 2]);
    });
  });

  it('decodes 1001-wide TF-slim rows with background at 0', async () => {
    const [top] = await decodePredictions([row(1001, { 0: 0.5, 387: 0.4 })], { topK: 2 });
    expect(top!.map((entry) => entry.label)).toEqual(['background', 'African elephant']);
    expect(top![1]!.index).toBe(387);
  });

  it('defaults to the top 5', async () => {
    const [top] = await decodePredictions([new Float32Array(1000).fill(0.001)]);
    expect(top).toHaveLength(5);
  });

  it('rejects other widths, non-batches, ragged rows and a bad topK with typed errors', async () => {
    const reject = (promise: Promise<unknown>) => expect(promise).rejects.toSatisfy(TfkitOptionError.isInstance);
    await reject(decodePredictions([row(10, {})]));
    await reject(decodePredictions([row(1000, {}), row(999, {})]));
    await reject(decodePredictions([row(1000, {})], { topK: 0 }));
    await reject(decodePredictions(5 as unknown as number[][]));
    await expectNoTensorLeak(async () => {
      const single = tf.zeros([1000]);
      await expect(decodePredictions(single)).rejects.toThrow(/Wrap a single row/);
      const wide = tf.zeros([1, 8]);
      await expect(decodePredictions(wide)).rejects.toThrow(/got 8/);
      tf.dispose([single, wide]);
    });
  });
});
