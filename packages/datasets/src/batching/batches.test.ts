import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST, type IdxDataset } from '../idx/idx-datasets.js';
import { patternImages } from '../test-support/idx-fixtures.js';
import { type BatchSource, batches, batchIndices, idxBatchSource, toTfDataset } from './batches.js';
import { epochOrder } from './random.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A source whose xs are the example indices, recording every read. */
function indexSource(size: number, log: string[] = []): BatchSource {
  return {
    size,
    read: async (indices) => {
      log.push(`read ${indices.join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return {
        xs: tf.tensor1d(indices.slice(), 'int32'),
        ys: tf.tensor1d(
          indices.map((index) => index % 2),
          'int32',
        ),
      };
    },
  };
}

async function collect(source: BatchSource, options: Parameters<typeof batches>[1]): Promise<number[][]> {
  const out: number[][] = [];
  for await (const { xs, ys } of batches(source, options)) {
    out.push(Array.from(await xs.data()));
    tf.dispose([xs, ys]);
  }
  return out;
}

describe('batch plans', () => {
  it('splits in order, keeps or drops the remainder, repeats epochs', () => {
    expect([...batchIndices(5, { batchSize: 2 })]).toEqual([[0, 1], [2, 3], [4]]);
    expect([...batchIndices(5, { batchSize: 2, dropRemainder: true })]).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect([...batchIndices(3, { batchSize: 3, epochs: 2 })]).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect([...batchIndices(0, { batchSize: 3 })]).toEqual([]);
  });

  it('shuffles deterministically: same seed same order, other seed or epoch another order', () => {
    const a = epochOrder(50, true, 7, 0);
    expect(epochOrder(50, true, 7, 0)).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect(epochOrder(50, true, 8, 0)).not.toEqual(a);
    expect(epochOrder(50, true, 7, 1)).not.toEqual(a);
    const plan = [...batchIndices(50, { batchSize: 50, shuffle: true, seed: 7, epochs: 2 })];
    expect(plan[0]).toEqual(a);
    expect(plan[1]).toEqual(epochOrder(50, true, 7, 1));
  });

  it('rejects bad options with typed errors', () => {
    expect(() => [...batchIndices(5, { batchSize: 0 })]).toThrow(TfkitOptionError);
    expect(() => [...batchIndices(5, { epochs: 0 })]).toThrow(/epochs/);
    expect(() => [...batchIndices(5, { seed: 0.5 })]).toThrow(/seed/);
  });
});

describe('batches()', () => {
  it('yields tensors in the planned order, same seed same batches', async () => {
    await expectNoTensorLeak(async () => {
      const options = { batchSize: 4, shuffle: true, seed: 3, epochs: 2 };
      const first = await collect(indexSource(10), options);
      const second = await collect(indexSource(10), options);
      expect(first).toEqual(second);
      expect(first).toEqual([...batchIndices(10, options)]);
      expect(first.flat().sort((x, y) => x - y)).toEqual(
        [...Array(10).keys(), ...Array(10).keys()].sort((x, y) => x - y),
      );
    });
  });

  it('starts decoding the next batch before handing over the current one', async () => {
    const log: string[] = [];
    await expectNoTensorLeak(async () => {
      for await (const { xs, ys } of batches(indexSource(6, log), { batchSize: 2 })) {
        log.push(`got ${Array.from(await xs.data()).join(',')}`);
        tf.dispose([xs, ys]);
      }
    });
    expect(log).toEqual(['read 0,1', 'read 2,3', 'got 0,1', 'read 4,5', 'got 2,3', 'got 4,5']);
    const unbuffered: string[] = [];
    for await (const { xs, ys } of batches(indexSource(4, unbuffered), { batchSize: 2, prefetch: 0 })) {
      unbuffered.push('got');
      tf.dispose([xs, ys]);
    }
    expect(unbuffered).toEqual(['read 0,1', 'got', 'read 2,3', 'got']);
  });

  it('disposes batches decoded ahead when the loop stops early', async () => {
    await expectNoTensorLeak(async () => {
      for await (const { xs, ys } of batches(indexSource(20), { batchSize: 2, prefetch: 3 })) {
        tf.dispose([xs, ys]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the in-flight reads settle and be disposed
    });
  });

  it('passes read errors through', async () => {
    const failing: BatchSource = {
      size: 4,
      read: (indices) => {
        if (indices[0] === 2) throw new Error('disk on fire');
        return { xs: tf.zeros([indices.length]), ys: tf.zeros([indices.length]) };
      },
    };
    await expectNoTensorLeak(async () => {
      await expect(collect(failing, { batchSize: 2 })).rejects.toThrow('disk on fire');
    });
  });
});

describe('IDX sources and the tf.data adapter', () => {
  const dataset: IdxDataset = {
    name: 'fashion-mnist',
    split: 'train',
    classNames: FASHION_MNIST.classNames,
    origin: 'dir',
    directory: '/nowhere',
    rows: 2,
    cols: 2,
    count: 12,
    images: patternImages(12, 2, 2),
    labels: Uint8Array.from({ length: 12 }, (_, index) => index % 10),
  };

  it('idxBatchSource makes per-batch tensors', async () => {
    await expectNoTensorLeak(async () => {
      const source = idxBatchSource(dataset, { layout: 'flat', scale: 'none' });
      const { xs, ys } = await source.read([3, 1]);
      expect(xs.shape).toEqual([2, 4]);
      expect(Array.from(await xs.data())).toEqual([21, 22, 23, 24, 7, 8, 9, 10]);
      expect(ys.shape).toEqual([2, 10]);
      tf.dispose([xs, ys]);
    });
  });

  it('toTfDataset gives the same epochs as batches() and trains with fitDataset without leaks', async () => {
    const source = idxBatchSource(dataset, { layout: 'flat' });
    const options = { batchSize: 5, shuffle: true, seed: 11 };
    const expected = [...batchIndices(12, { ...options, epochs: 2 })];
    const data = toTfDataset(source, options);
    const seen: number[][] = [];
    await expectNoTensorLeak(async () => {
      for (let epoch = 0; epoch < 2; epoch++) {
        await data.forEachAsync((batch) => {
          const { xs, ys } = batch as { xs: tf.Tensor; ys: tf.Tensor };
          const labels = ys.argMax(-1);
          seen.push(Array.from(labels.dataSync()));
          tf.dispose([xs, ys, labels]);
        });
      }
    });
    expect(seen).toEqual(expected.map((batch) => batch.map((index) => index % 10)));

    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 10, activation: 'softmax' })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const before = tf.memory().numTensors;
    const history = await model.fitDataset(toTfDataset(source, options), { epochs: 2, verbose: 0 });
    expect(history.history['loss']).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
