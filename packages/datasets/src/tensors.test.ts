import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST, type IdxDataset } from './idx/idx-datasets.js';
import { datasetToTensors, imagesToTensor, labelsToTensor, normalizePixels, oneHot } from './tensors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const dataset: IdxDataset = {
  name: 'fashion-mnist',
  split: 'test',
  classNames: FASHION_MNIST.classNames,
  origin: 'dir',
  directory: '/nowhere',
  rows: 2,
  cols: 2,
  count: 2,
  images: Uint8Array.from([0, 51, 127.5, 255, 255, 0, 102, 204]),
  labels: Uint8Array.from([9, 2]),
};

describe('normalizePixels', () => {
  it('maps 0..255 to [0, 1], [-1, 1] or keeps it', () => {
    const pixels = Uint8Array.from([0, 51, 255]);
    expect(Array.from(normalizePixels(pixels, 'zeroToOne'))).toEqual([0, Math.fround(0.2), 1]);
    const signed = normalizePixels(pixels, 'minusOneToOne');
    expect(signed[0]).toBe(-1);
    expect(signed[1]).toBeCloseTo(51 / 127.5 - 1, 6);
    expect(signed[2]).toBe(1);
    expect(Array.from(normalizePixels(pixels, 'none'))).toEqual([0, 51, 255]);
    expect(() => normalizePixels(pixels, 'bytes' as 'none')).toThrow(TfkitOptionError);
  });
});

describe('tensor helpers', () => {
  it('makes NHWC and flat image tensors without leaking', async () => {
    await expectNoTensorLeak(async () => {
      const nhwc = imagesToTensor(dataset);
      expect(nhwc.shape).toEqual([2, 2, 2, 1]);
      expect(nhwc.dtype).toBe('float32');
      const values = await nhwc.data();
      expect(values[3]).toBe(1);
      expect(values[1]).toBeCloseTo(0.2, 6);
      const flat = imagesToTensor(dataset, { layout: 'flat', scale: 'minusOneToOne', indices: [1] });
      expect(flat.shape).toEqual([1, 4]);
      expect(Array.from(await flat.data())).toEqual([
        1,
        -1,
        Math.fround(102 / 127.5 - 1),
        Math.fround(204 / 127.5 - 1),
      ]);
      tf.dispose([nhwc, flat]);
    });
  });

  it('one-hot encodes labels and rejects out-of-range ones', async () => {
    await expectNoTensorLeak(async () => {
      const encoded = oneHot([2, 0], 3);
      expect(encoded.arraySync()).toEqual([
        [0, 0, 1],
        [1, 0, 0],
      ]);
      const indices = labelsToTensor(dataset.labels, { oneHot: false });
      expect(indices.dtype).toBe('int32');
      expect(Array.from(await indices.data())).toEqual([9, 2]);
      tf.dispose([encoded, indices]);
      expect(() => oneHot([3], 3)).toThrow(/label 3 at row 0 is outside \[0, 3\)/);
      expect(() => oneHot([0], 0)).toThrow(TfkitOptionError);
    });
  });

  it('makes { xs, ys } for a dataset, disposing xs when ys fails', async () => {
    await expectNoTensorLeak(() => {
      const { xs, ys } = datasetToTensors(dataset, { layout: 'flat' });
      expect(xs.shape).toEqual([2, 4]);
      expect(ys.shape).toEqual([2, 10]);
      expect((ys.arraySync() as number[][])[0]![9]).toBe(1);
      tf.dispose([xs, ys]);
      expect(() => datasetToTensors(dataset, { numClasses: 5 })).toThrow(/label 9/);
    });
  });
});
