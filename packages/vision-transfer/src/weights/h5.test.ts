import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeightsLoadError } from '../errors.js';
import { maxDifference, randomImages, randomizeWeights, useTestBackend } from '../test-support/setup.js';
import { buildModel, createModel } from '../zoo/create-model.js';
import { loadH5Weights, readH5Layers, saveH5Weights } from './h5.js';
import { convertH5ToTfjs } from './load-weights.js';
import { loadLayersModel } from './tfjs-format.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-h5-'));
beforeAll(useTestBackend);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const small = { alpha: 0.25, inputShape: [32, 32, 3] as [number, number, number], classes: 5 };

async function expectSamePredictions(source: tf.LayersModel, loaded: tf.LayersModel, size = 32): Promise<void> {
  const images = randomImages(2, size);
  const expected = source.predict(images) as tf.Tensor;
  const got = loaded.predict(images) as tf.Tensor;
  expect(maxDifference(expected, got)).toBeLessThan(1e-6);
  tf.dispose([images, expected, got]);
}

describe('Keras .h5 weights', () => {
  it.each(['keras2', 'keras2-model', 'keras1'] as const)(
    'layout %s: load -> predict equals the model the weights came from',
    async (layout) => {
      const source = buildModel('mobilenet', { ...small, seed: 1 });
      randomizeWeights(source, 11);
      const file = path.join(directory, `mobilenet-${layout}.h5`);
      await saveH5Weights(source, file, { layout });
      const { layers, close } = await readH5Layers(file);
      const conv = layers.find((layer) => layer.name === 'conv1')!;
      expect(conv.weights.map((weight) => weight.name)).toEqual([
        layout === 'keras1' ? 'conv1_W_1:0' : 'conv1/kernel:0',
      ]);
      const bn = layers.find((layer) => layer.name === 'conv1_bn')!;
      expect(bn.weights.map((weight) => weight.name)).toEqual(
        layout === 'keras1'
          ? ['conv1_bn_gamma_1:0', 'conv1_bn_beta_1:0', 'conv1_bn_running_mean_1:0', 'conv1_bn_running_std_1:0']
          : ['conv1_bn/gamma:0', 'conv1_bn/beta:0', 'conv1_bn/moving_mean:0', 'conv1_bn/moving_variance:0'],
      );
      close();
      const loaded = await createModel('mobilenet', { ...small, weights: file });
      await expectSamePredictions(source, loaded);
      source.dispose();
      loaded.dispose();
    },
  );

  it('falls back to layer order when auto-generated names shifted (InceptionV3 between sessions)', async () => {
    // A Keras session that had built other models first names layers conv2d_95, batch_normalization_95, ...
    // Simulated on MobileNet (same mechanism, 1/100 of the compute of InceptionV3 on the cpu backend).
    const source = buildModel('mobilenet', { ...small, seed: 2 });
    randomizeWeights(source, 5);
    source.layers.forEach((layer, index) => {
      layer.name = `shifted_${index + 94}`;
    });
    const file = path.join(directory, 'shifted.h5');
    await saveH5Weights(source, file);
    const target = buildModel('mobilenet', { ...small, initialization: 'zeros' });
    const report = await loadH5Weights(target, file);
    expect(report.matchedBy).toBe('order');
    expect(report.layers).toBe(target.layers.filter((layer) => layer.weights.length > 0).length);
    await expectSamePredictions(source, target);
    source.dispose();
    target.dispose();
  });

  it('fails listing each mismatched layer with expected and found shapes', async () => {
    const source = buildModel('mobilenet', { ...small, initialization: 'zeros' });
    const file = path.join(directory, 'mobilenet-025.h5');
    await saveH5Weights(source, file);
    const wider = buildModel('mobilenet', { ...small, alpha: 0.5, initialization: 'zeros' });
    const error = await loadH5Weights(wider, file).catch((caught: unknown) => caught);
    expect(WeightsLoadError.isInstance(error)).toBe(true);
    const { mismatches, message } = error as WeightsLoadError;
    expect(mismatches).toContain('conv1: expected [3, 3, 3, 16] got [3, 3, 3, 8]');
    expect(mismatches.length).toBeGreaterThan(20);
    expect(message).toMatch(/do not fit model "mobilenet_0.50_32" \(matched by name\)/);
    expect(message).toMatch(/Build the model with the options the weights were saved with/);
    // nothing was written: the model still has its zero weights
    expect(
      wider
        .getLayer('conv_pw_13')
        .getWeights()[0]!
        .dataSync()
        .every((value) => value === 0),
    ).toBe(true);
    source.dispose();
    wider.dispose();
  });

  it('rejects missing and non-HDF5 files with the path in the message', async () => {
    const model = buildModel('mobilenet', { ...small, initialization: 'zeros' });
    await expect(loadH5Weights(model, path.join(directory, 'missing.h5'))).rejects.toThrow(
      /missing\.h5 does not exist/,
    );
    const bogus = path.join(directory, 'bogus.h5');
    writeFileSync(bogus, 'not an hdf5 file');
    await expect(loadH5Weights(model, bogus)).rejects.toThrow(WeightsLoadError);
    model.dispose();
  });

  it('converts .h5 to the tfjs layers format in one call', async () => {
    const source = buildModel('mobilenetV2', { ...small, alpha: 0.35, seed: 3 });
    randomizeWeights(source, 13);
    const file = path.join(directory, 'mobilenetv2.h5');
    await saveH5Weights(source, file, { layout: 'keras2-model' });
    const architecture = buildModel('mobilenetV2', { ...small, alpha: 0.35, initialization: 'zeros' });
    const { modelJsonPath, report } = await convertH5ToTfjs(file, path.join(directory, 'converted'), architecture);
    expect(report.matchedBy).toBe('name');
    const loaded = await loadLayersModel(modelJsonPath);
    await expectSamePredictions(source, loaded);
    // a model.save() file carries its architecture: no model needed
    const selfContained = await convertH5ToTfjs(file, path.join(directory, 'converted-auto'));
    const rebuilt = await loadLayersModel(selfContained.modelJsonPath);
    await expectSamePredictions(source, rebuilt);
    const weightsOnly = path.join(directory, 'weights-only.h5');
    await saveH5Weights(source, weightsOnly);
    await expect(convertH5ToTfjs(weightsOnly, path.join(directory, 'nope'))).rejects.toThrow(/holds weights only/);
    for (const model of [source, architecture, loaded, rebuilt]) model.dispose();
  });
});
