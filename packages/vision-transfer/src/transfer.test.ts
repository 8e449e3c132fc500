import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { KerasBatchNormalization } from './layers/keras-batch-normalization.js';
import { SeededDropout } from './layers/seeded-dropout.js';
import { useTestBackend } from './test-support/setup.js';
import { createTransferModel, splitAtFrozenPrefix, trainTransferModel } from './transfer.js';
import { buildModel } from './zoo/create-model.js';

beforeAll(useTestBackend);

/** A tiny conv base (12x12x1, two conv + pool blocks of 4 filters): cheap on the cpu backend. */
function smallBase(seed = 1): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 1], name: 'input_1' });
  let x = input;
  for (const block of [1, 2]) {
    x = tf.layers
      .conv2d({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        name: `block${block}_conv1`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 10 + block }),
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `block${block}_pool` }).apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x });
}

function smallData(count = 24): { xs: tf.Tensor; ys: tf.Tensor } {
  return tf.tidy(() => ({
    xs: tf.randomUniform([count, 12, 12, 1], 0, 1, 'float32', 5),
    ys: tf.oneHot(
      tf.tensor1d(
        Array.from({ length: count }, (_, index) => index % 3),
        'int32',
      ),
      3,
    ),
  }));
}

const weightsOf = (layer: tf.layers.Layer) => layer.getWeights().map((weight) => Array.from(weight.dataSync()));

describe('createTransferModel', () => {
  it("head 'book' on VGG16 with 8 classes prints the book's three numbers", () => {
    const base = buildModel('vgg16', { includeTop: false, inputShape: [224, 224, 3], initialization: 'zeros' });
    const transfer = createTransferModel({ base, numClasses: 8, head: 'book' });
    const lines: string[] = [];
    const counts = transfer.summary((line) => lines.push(line));
    expect(lines).toContain('Total params: 21,139,528');
    expect(lines).toContain('Trainable params: 13,504,264');
    expect(lines).toContain('Non-trainable params: 7,635,264');
    expect(counts).toEqual({ total: 21_139_528, trainable: 13_504_264, nonTrainable: 7_635_264 });
    expect(transfer.frozenLayers()).toHaveLength(15);
    expect(transfer.frozenLayers().at(-1)).toBe('block4_pool');
    expect(lines.some((line) => line.startsWith('dense_1 (Dense)') && line.includes('(None, 256)'))).toBe(true);
    expect(transfer.model.layers.slice(transfer.headStart).map((layer) => layer.name)).toEqual([
      'flatten',
      'dense_1',
      'dropout_1',
      'dense_2',
    ]);
    transfer.dispose();
  });

  it('global-average-pooling head, freezing by count, by layer name and the whole base', () => {
    const base = smallBase();
    const transfer = createTransferModel({ base, numClasses: 3, head: 'globalAveragePooling' });
    expect(transfer.model.layers.slice(transfer.headStart).map((layer) => layer.getClassName())).toEqual([
      'GlobalAveragePooling2D',
      'Dropout',
      'Dense',
    ]);
    expect(transfer.summary(() => {}).trainable).toBe(4 * 3 + 3);
    expect(transfer.frozenLayers()).toEqual(base.layers.map((layer) => layer.name));
    expect(transfer.freeze('block1_pool')).toBe(3);
    expect(transfer.frozenLayers().at(-1)).toBe('block1_pool');
    expect(transfer.freeze(2)).toBe(2);
    expect(transfer.model.getLayer('block1_pool').trainable).toBe(true);
    expect(() => transfer.freeze('nope')).toThrow(/Invalid option `freeze`: names layer "nope"/);
    expect(() => transfer.freeze(99)).toThrow(TfkitOptionError);
    expect(() => createTransferModel({ base, numClasses: 1 })).toThrow(/`numClasses`: must be an integer >= 2/);
    transfer.dispose();
  });
});

describe('trainTransferModel', () => {
  it('head phase with bottleneck caching trains exactly like the full model and leaves the base untouched', async () => {
    const run = async (bottleneck: boolean) => {
      const transfer = createTransferModel({
        base: smallBase(3),
        numClasses: 3,
        head: 'book',
        hiddenUnits: 16,
        dropout: 0,
        seed: 2,
        freeze: 'base',
      });
      const { xs, ys } = smallData();
      const baseBefore = weightsOf(transfer.model.getLayer('block2_conv1'));
      const result = await trainTransferModel(transfer, xs, ys, { headEpochs: 2, batchSize: 8, bottleneck, seed: 4 });
      expect(weightsOf(transfer.model.getLayer('block2_conv1'))).toEqual(baseBefore);
      const head = weightsOf(transfer.model.getLayer('dense_2'));
      tf.dispose([xs, ys]);
      transfer.dispose();
      return { result, head };
    };
    const cached = await run(true);
    const plain = await run(false);
    expect(cached.result.bottleneckAt).toBe('block2_pool');
    expect(plain.result.bottleneckAt).toBeUndefined();
    expect(cached.result.epochs.map((epoch) => epoch.phase)).toEqual(['head', 'head']);
    const a = cached.head.flat();
    const b = plain.head.flat();
    a.forEach((value, index) => {
      expect(value).toBeCloseTo(b[index]!, 4);
    });
  });

  it("the book's schedule: head epochs, then every layer at a lower learning rate, without leaking tensors", async () => {
    const transfer = createTransferModel({
      base: smallBase(5),
      numClasses: 3,
      head: 'book',
      hiddenUnits: 8,
      freeze: 'base',
    });
    const { xs, ys } = smallData(16);
    const baseBefore = weightsOf(transfer.model.getLayer('block1_conv1'));
    const seen: string[] = [];
    await trainTransferModel(transfer, xs, ys, { headEpochs: 1, batchSize: 8 }); // warm-up of tfjs internals
    await expectNoTensorLeak(async () => {
      transfer.freeze('base');
      const result = await trainTransferModel(transfer, xs, ys, {
        headEpochs: 1,
        fineTuneEpochs: 2,
        batchSize: 8,
        onEpoch: (epoch) => seen.push(`${epoch.phase}${epoch.epoch}`),
      });
      expect(result.epochs.every((epoch) => Number.isFinite(epoch.loss))).toBe(true);
    });
    expect(seen).toEqual(['head1', 'fineTune1', 'fineTune2']);
    expect(transfer.frozenLayers()).toEqual([]);
    expect(weightsOf(transfer.model.getLayer('block1_conv1'))).not.toEqual(baseBefore);
    tf.dispose([xs, ys]);
    transfer.dispose();
  });

  it('follows the training-loop contract: onEpochEnd/onBatchEnd (awaited), deprecated onEpoch, signal stops cleanly', async () => {
    const transfer = createTransferModel({ base: smallBase(6), numClasses: 3, hiddenUnits: 4, freeze: 'base' });
    const { xs, ys } = smallData(16);
    const epochs: string[] = [];
    const batches: string[] = [];
    const legacy: number[] = [];
    let awaited = 0;
    const result = await trainTransferModel(transfer, xs, ys, {
      headEpochs: 2,
      fineTuneEpochs: 1,
      batchSize: 8,
      onEpochEnd: async (epoch, logs) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        awaited++;
        epochs.push(`${epoch}:${logs.phase}${logs.epoch}`);
      },
      onBatchEnd: (batch, logs) => {
        batches.push(`${batch}:${logs.phase}${logs.epoch}.${logs.batch}`);
        expect(Number.isFinite(logs.loss)).toBe(true);
      },
      onEpoch: (epoch) => legacy.push(epoch.epoch),
    });
    expect(epochs).toEqual(['0:head1', '1:head2', '2:fineTune1']);
    expect(awaited).toBe(3);
    expect(legacy).toEqual([1, 2, 1]);
    expect(batches).toEqual(['0:head1.0', '1:head1.1', '2:head2.0', '3:head2.1', '4:fineTune1.0', '5:fineTune1.1']);
    expect(result.stopped).toBe(false);

    const controller = new AbortController();
    let seenBatches = 0;
    transfer.freeze('base');
    const stopped = await trainTransferModel(transfer, xs, ys, {
      headEpochs: 3,
      fineTuneEpochs: 2,
      batchSize: 4,
      signal: controller.signal,
      onBatchEnd: (batch) => {
        seenBatches = batch + 1;
        if (batch === 5) controller.abort();
      },
    });
    expect(stopped.stopped).toBe(true);
    expect(seenBatches).toBe(6); // stopped right after the batch that aborted
    expect(stopped.epochs.map((epoch) => epoch.epoch)).toEqual([1]); // epoch 2 was cut short
    const aborted = await trainTransferModel(transfer, xs, ys, { headEpochs: 1, signal: AbortSignal.abort() });
    expect(aborted).toMatchObject({ stopped: true, epochs: [] });
    tf.dispose([xs, ys]);
    const before = tf.memory().numTensors;
    transfer[Symbol.dispose]();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it('frozen BatchNormalization inside a transfer model keeps its statistics through fit', async () => {
    const base = buildModel('mobilenet', { alpha: 0.25, includeTop: false, inputShape: [32, 32, 3], seed: 1 });
    const transfer = createTransferModel({ base, numClasses: 2, head: 'globalAveragePooling', freeze: 'base' });
    expect(transfer.model.getLayer('conv1_bn')).toBeInstanceOf(KerasBatchNormalization);
    const before = weightsOf(transfer.model.getLayer('conv_pw_13_bn'));
    const xs = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', 2);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2));
    await trainTransferModel(transfer, xs, ys, { headEpochs: 1, batchSize: 2, bottleneck: false });
    expect(weightsOf(transfer.model.getLayer('conv_pw_13_bn'))).toEqual(before);
    tf.dispose([xs, ys]);
    transfer.dispose();
  });

  it('splitAtFrozenPrefix returns nothing when nothing is frozen, and rejects mismatched data', async () => {
    const transfer = createTransferModel({ base: smallBase(), numClasses: 3, freeze: 0 });
    expect(splitAtFrozenPrefix(transfer.model)).toBeUndefined();
    const { xs, ys } = smallData(4);
    const fewer = tf.slice(ys, 0, 3);
    await expect(trainTransferModel(transfer, xs, fewer)).rejects.toThrow(/xs has 4 examples but ys has 3/);
    tf.dispose([xs, ys, fewer]);
    transfer.dispose();
  });
});

describe('SeededDropout', () => {
  it('draws a new mask each training step, reproducibly from its seed, and is the identity in inference', () => {
    const masks = (seed: number) => {
      const layer = new SeededDropout({ rate: 0.5, seed });
      const ones = tf.ones([1, 64]);
      const steps = [0, 1].map(() => {
        const out = layer.apply(ones, { training: true }) as tf.Tensor;
        const values = Array.from(out.dataSync());
        out.dispose();
        return values;
      });
      const inference = layer.apply(ones) as tf.Tensor;
      expect(Array.from(inference.dataSync())).toEqual(new Array(64).fill(1));
      tf.dispose([ones, inference]);
      return steps;
    };
    const [first, second] = masks(7);
    expect(first).not.toEqual(second); // stock tfjs with a seed repeats the same mask
    expect(masks(7)).toEqual([first, second]);
    const stock = tf.layers.dropout({ rate: 0.5, seed: 7 });
    const ones = tf.ones([1, 64]);
    const [a, b] = [0, 1].map(() => stock.apply(ones, { training: true }) as tf.Tensor);
    expect(Array.from(a!.dataSync())).toEqual(Array.from(b!.dataSync()));
    tf.dispose([ones, a!, b!]);
  });
});
