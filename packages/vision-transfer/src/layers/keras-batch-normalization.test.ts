import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxDifference, useTestBackend } from '../test-support/setup.js';
import { KerasBatchNormalization, kerasCustomObjects } from './keras-batch-normalization.js';

beforeAll(useTestBackend);

function tinyModel(layer: tf.layers.Layer): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  const normalised = layer.apply(input) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
    .apply(tf.layers.flatten().apply(normalised)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return model;
}

function data(): { xs: tf.Tensor; ys: tf.Tensor } {
  // inputs far from the initial moving statistics (mean 0, variance 1)
  return tf.tidy(() => ({
    xs: tf.add(tf.mul(tf.randomNormal([8, 4, 4, 3], 0, 1, 'float32', 3), 4), 10),
    ys: tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2),
  }));
}

describe('KerasBatchNormalization', () => {
  it('frozen: fit() neither updates moving statistics nor uses batch statistics (Keras >= 2.1.3)', async () => {
    const layer = new KerasBatchNormalization({ name: 'bn_frozen' });
    const model = tinyModel(layer);
    layer.trainable = false;
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await model.fit(tf.zeros([1, 4, 4, 3]), tf.tensor2d([[1, 0]]), { epochs: 1, verbose: 0 }); // warm up
    await expectNoTensorLeak(async () => {
      const before = layer.getWeights().map((weight) => weight.arraySync());
      const { xs, ys } = data();
      const inference = layer.apply(xs, { training: false }) as tf.Tensor;
      const inTraining = layer.apply(xs, { training: true }) as tf.Tensor;
      expect(maxDifference(inference, inTraining)).toBe(0);
      await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
      expect(layer.getWeights().map((weight) => weight.arraySync())).toEqual(before);
      tf.dispose([xs, ys, inference, inTraining]);
    });
    model.dispose();
  });

  it('stock tfjs BatchNormalization moves frozen statistics in fit(); ours is the fix', async () => {
    const stock = tf.layers.batchNormalization({ name: 'bn_stock' });
    const model = tinyModel(stock);
    stock.trainable = false;
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const { xs, ys } = data();
    const meanBefore = stock.getWeights()[2]!.dataSync().slice();
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    const meanAfter = stock.getWeights()[2]!.dataSync();
    expect(meanAfter[0]).not.toBeCloseTo(meanBefore[0]!, 3); // the tfjs-layers difference this class fixes
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('trainable: fit() updates moving statistics towards the batch statistics, like stock', async () => {
    const layer = new KerasBatchNormalization({ name: 'bn_trainable', momentum: 0.5 });
    const model = tinyModel(layer);
    const { xs, ys } = data();
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    const movingMean = layer.getWeights()[2]!.dataSync();
    const batchMean = tf.tidy(() => tf.mean(xs, [0, 1, 2]).dataSync());
    for (let channel = 0; channel < 3; channel++) expect(movingMean[channel]).toBeCloseTo(batchMean[channel]! * 0.5, 4);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('scale: false trains (stock tfjs throws, tensorflow/tfjs#2868) and matches the normalisation formula', async () => {
    const stock = tinyModel(tf.layers.batchNormalization({ scale: false, name: 'bn_stock_noscale' }));
    const { xs, ys } = data();
    await expect(stock.fit(xs, ys, { epochs: 1, verbose: 0 })).rejects.toThrow();
    stock.dispose();

    const layer = new KerasBatchNormalization({ scale: false, name: 'bn_noscale' });
    const model = tinyModel(layer);
    const history = await model.fit(xs, ys, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(Number.isFinite(history.history.loss!.at(-1) as number)).toBe(true);
    expect(layer.getWeights()).toHaveLength(3); // beta, moving_mean, moving_variance
    const [beta] = layer.getWeights();
    expect(beta!.dataSync().some((value) => value !== 0)).toBe(true); // beta was trained
    const output = layer.apply(xs, { training: true }) as tf.Tensor;
    const expected = tf.tidy(() => {
      const { mean, variance } = tf.moments(xs, [0, 1, 2]);
      return tf.add(tf.div(tf.sub(xs, mean), tf.sqrt(tf.add(variance, 1e-3))), beta!);
    });
    expect(maxDifference(output, expected)).toBeLessThan(1e-4);
    tf.dispose([xs, ys, output, expected]);
    model.dispose();
  });

  it('serialises as a plain BatchNormalization and deserialises back into this class', async () => {
    const model = tinyModel(new KerasBatchNormalization({ name: 'bn_serial', scale: false }));
    const json = model.toJSON(null, false) as { config: { layers: Array<{ class_name: string }> } };
    expect(json.config.layers.map((layer) => layer.class_name)).toContain('BatchNormalization');
    const restored = (await tf.models.modelFromJSON(
      { modelTopology: json } as unknown as tf.io.ModelJSON,
      kerasCustomObjects(),
    )) as tf.LayersModel;
    expect(restored.getLayer('bn_serial')).toBeInstanceOf(KerasBatchNormalization);
    model.dispose();
    restored.dispose();
  });
});
