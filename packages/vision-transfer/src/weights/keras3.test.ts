import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeightsLoadError } from '../errors.js';
import { weightValues } from '../goldens/formula.js';
import {
  buildGoldenModel,
  buildVggHead,
  compareWithGolden,
  goldenIds,
  goldenTolerance,
  readGolden,
  writeKeras3File,
} from '../goldens/golden.js';
import { useTestBackend } from '../test-support/setup.js';
import { buildModel, createModel } from '../zoo/create-model.js';
import { loadH5Weights, readH5Layers } from './h5.js';
import { keras3LayerPaths, toSnakeCase } from './keras3.js';
import { convertH5ToTfjs, loadWeights } from './load-weights.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-keras3-'));
beforeAll(useTestBackend);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const file = (name: string) => path.join(directory, name);
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'goldens', '__fixtures__');

/** A zip with stored (uncompressed) entries, enough to test the archive reader. */
function storedZip(entries: Array<[string, Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directorySize = centrals.reduce((total, part) => total + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

describe('Keras 3 .weights.h5 files', () => {
  it('names layer groups as Keras does (naming.to_snake_case of the class, _1, _2 for repeats)', () => {
    expect(
      ['Conv2D', 'DepthwiseConv2D', 'BatchNormalization', 'ReLU', 'ZeroPadding2D', 'Functional'].map(toSnakeCase),
    ).toEqual(['conv2d', 'depthwise_conv2d', 'batch_normalization', 're_lu', 'zero_padding2d', 'functional']);
  });

  it.each(goldenIds)(
    '%s: every layer path equals the one Keras 3 writes (model.layers order of keras map_graph)',
    (id) => {
      const golden = readGolden(id);
      const model = buildGoldenModel(golden);
      const paths = new Map(keras3LayerPaths(model).map(([layer, at]) => [layer.name, at]));
      expect(golden.layers.map((layer) => [layer.name, paths.get(layer.name)])).toEqual(
        golden.layers.map((layer) => [layer.name, layer.keras3Path]),
      );
      model.dispose();
    },
  );

  it('MobileNet (DepthwiseConv2D, BatchNormalization, conv_preds): loads by path and matches the forward golden', async () => {
    const golden = readGolden('mobilenet');
    const weights = file('mobilenet.weights.h5');
    // helper state that is not a layer's (Dropout's seed generator, an optimizer) is ignored
    await writeKeras3File(golden, weights, {
      extra: [
        ['layers/dropout/seed_generator/vars/0', [2]],
        ['optimizer/vars/0', [1]],
      ],
    });
    await expectNoTensorLeak(async () => {
      const model = await createModel('mobilenet', { ...golden.options, weights });
      try {
        const errors = compareWithGolden(model, golden);
        for (const error of errors) expect(error.relative, error.layer).toBeLessThanOrEqual(goldenTolerance);
      } finally {
        model.dispose();
      }
    });
    const model = buildGoldenModel(golden);
    const report = await loadH5Weights(model, weights);
    expect(report).toEqual({
      matchedBy: 'path',
      layers: golden.layers.length,
      tensors: golden.layers.reduce((total, layer) => total + layer.weights.length, 0),
      unused: [],
    });
    // variable order: gamma, beta, moving_mean, moving_variance
    const bn = model.getLayer('conv_dw_3_bn').getWeights();
    ['gamma', 'beta', 'moving_mean', 'moving_variance'].forEach((short, index) => {
      expect(Array.from(bn[index]!.dataSync())).toEqual(
        Array.from(weightValues(golden.seed, 'conv_dw_3_bn', short, [64])),
      );
    });
    model.dispose();
  });

  it('MobileNetV2 from Keras 2.13-2.15 (_layer_checkpoint_dependencies, no layer names): matches the forward golden', async () => {
    const golden = readGolden('mobilenet-v2');
    const weights = file('mobilenet-v2.weights.h5');
    await writeKeras3File(golden, weights, { names: false, checkpointDependencies: true });
    const model = buildGoldenModel(golden);
    const report = await loadWeights(model, weights);
    expect(report.matchedBy).toBe('path');
    expect(report.layers).toBe(golden.layers.length);
    const errors = compareWithGolden(model, golden);
    for (const error of errors) expect(error.relative, error.layer).toBeLessThanOrEqual(goldenTolerance);
    model.dispose();
  });

  it('InceptionV3: scale=False BatchNormalization (beta, moving_mean, moving_variance) and Dense kernel, bias land in place', async () => {
    const golden = readGolden('inception-v3');
    const weights = file('inception.weights.h5');
    await writeKeras3File(golden, weights, { names: false });
    const model = buildGoldenModel(golden);
    const report = await loadWeights(model, weights);
    expect(report.matchedBy).toBe('path');
    expect(report.layers).toBe(golden.layers.length); // 94 Conv2D, 94 BatchNormalization, predictions
    // every variable equals the one written at its Keras 3 path, bit for bit
    for (const layer of golden.layers) {
      const values = model.getLayer(layer.name).getWeights();
      expect(values.map((value) => value.shape)).toEqual(layer.weights.map((weight) => weight.shape));
      layer.weights.forEach((weight, index) => {
        const expected = weightValues(golden.seed, layer.name, weight.name, weight.shape);
        const got = values[index]!.dataSync();
        expect(
          got.every((value, i) => value === expected[i]),
          `${layer.name} ${weight.name}`,
        ).toBe(true);
      });
    }
    expect(model.getLayer('batch_normalization_94').weights.map((weight) => weight.originalName)).toEqual([
      'batch_normalization_94/beta',
      'batch_normalization_94/moving_mean',
      'batch_normalization_94/moving_variance',
    ]);
    model.dispose();
  });

  it('nested models: a fine-tuned Sequential([base, Dense]) finds the base under layers/functional/layers', async () => {
    const golden = readGolden('mobilenet');
    const weights = file('nested.weights.h5');
    await writeKeras3File(golden, weights, {
      nestUnder: 'layers/functional',
      extra: [
        ['layers/dense/vars/0', [10, 3]],
        ['layers/dense/vars/1', [3]],
      ],
    });
    const base = buildGoldenModel(golden);
    const head = tf.layers.dense({ units: 3, name: 'head' });
    const model = tf.sequential({ layers: [base, head] });
    expect(keras3LayerPaths(model).map(([, at]) => at)).toContain('layers/functional/layers/depthwise_conv2d_12');
    const report = await loadWeights(model, weights);
    expect(report.matchedBy).toBe('path');
    expect(report.layers).toBe(golden.layers.length + 1);
    expect(Array.from(head.getWeights()[1]!.dataSync())).toEqual([0.5, 0.5, 0.5]);
    const errors = compareWithGolden(base, golden);
    for (const error of errors) expect(error.relative, error.layer).toBeLessThanOrEqual(goldenTolerance);
    model.dispose();
  });

  it('a model whose layers are missing from the file: typed error naming the paths, nothing written', async () => {
    const golden = readGolden('mobilenet');
    const weights = file('missing.weights.h5');
    await writeKeras3File(golden, weights, { skip: ['conv_pw_13_bn'] });
    const model = buildGoldenModel(golden);
    const error = await loadWeights(model, weights).catch((caught: unknown) => caught);
    expect(WeightsLoadError.isInstance(error)).toBe(true);
    const { mismatches, message } = error as WeightsLoadError;
    expect(mismatches).toEqual(['conv_pw_13_bn: no variables at layers/batch_normalization_26/vars in the file']);
    expect(message).toMatch(/do not fit the Keras 3 weights file .*missing\.weights\.h5/);
    expect(message).toMatch(/Build the model with the architecture and options the weights were saved from/);
    expect(
      model
        .getLayer('conv1')
        .getWeights()[0]!
        .dataSync()
        .every((value) => value === 0),
    ).toBe(true);
    model.dispose();
  });

  it('weights of another width: typed error listing each layer with its path, name and shapes', async () => {
    const golden = readGolden('mobilenet'); // alpha 0.5
    const weights = file('alpha.weights.h5');
    await writeKeras3File(golden, weights);
    const narrow = buildModel('mobilenet', { ...golden.options, alpha: 0.25, initialization: 'zeros' });
    const error = await loadH5Weights(narrow, weights).catch((caught: unknown) => caught);
    expect(WeightsLoadError.isInstance(error)).toBe(true);
    const { mismatches, source } = error as WeightsLoadError;
    expect(source).toBe(weights);
    expect(mismatches).toContain('conv1 at layers/conv2d: expected [3, 3, 3, 8] got [3, 3, 3, 16]');
    expect(mismatches).toContain('conv_dw_1 at layers/depthwise_conv2d: expected [3, 3, 8, 1] got [3, 3, 16, 1]');
    narrow.dispose();
  });

  it('reads the layout, and rejects HDF5 files that are neither Keras 2 nor Keras 3 with what to do', async () => {
    const golden = readGolden('mobilenet');
    const weights = file('read.weights.h5');
    await writeKeras3File(golden, weights);
    const contents = await readH5Layers(weights);
    expect(contents.layers).toEqual([]);
    const entry = contents.keras3!.get('layers/batch_normalization')!;
    expect(entry.name).toBe('conv1_bn');
    expect(entry.weights.map((weight) => weight.name)).toEqual(
      [0, 1, 2, 3].map((i) => `layers/batch_normalization/vars/${i}`),
    );
    contents.close();

    const h5 = (await import('h5wasm/node')).default;
    await h5.ready;
    const other = file('other.h5');
    const handle = new h5.File(other, 'w');
    handle.create_group('data').create_dataset({ name: 'x', data: new Float32Array([1]), shape: [1], dtype: '<f' });
    handle.close();
    const model = buildGoldenModel(golden);
    const error = await loadWeights(model, other).catch((caught: unknown) => caught);
    expect(WeightsLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /neither Keras 1\/2's "layer_names" attribute nor Keras 3's "layers\/\.\.\.\/vars" groups/,
    );
    expect((error as Error).message).toMatch(/model\.save_weights\('x\.weights\.h5'\)/);
    model.dispose();
  });

  it('converts a Keras 3 file to the tfjs layers format', async () => {
    const golden = readGolden('mobilenet');
    const weights = file('convert.weights.h5');
    await writeKeras3File(golden, weights);
    const model = buildGoldenModel(golden);
    const { report } = await convertH5ToTfjs(weights, file('converted'), model);
    expect(report.matchedBy).toBe('path');
    model.dispose();
  });

  it('a .keras archive written by h5py + zipfile as Keras 3 does: loads its model.weights.h5 and matches the golden', async () => {
    const golden = readGolden('vgg-head');
    const before = readdirSync(os.tmpdir()).filter((name) => name.startsWith('tfkit-keras-')).length;
    const model = buildVggHead(golden);
    const report = await loadWeights(model, path.join(fixtures, 'vgg-head.keras'));
    expect(report).toEqual({ matchedBy: 'path', layers: 3, tensors: 6, unused: [] });
    const errors = compareWithGolden(model, golden);
    for (const error of errors) expect(error.relative, error.layer).toBeLessThanOrEqual(goldenTolerance);
    model.dispose();
    // the extracted weights are removed again
    expect(readdirSync(os.tmpdir()).filter((name) => name.startsWith('tfkit-keras-')).length).toBe(before);
  });

  it('a .keras archive without model.weights.h5 (weights_format="npz"): typed error saying how to save', async () => {
    const archive = file('npz.keras');
    writeFileSync(
      archive,
      storedZip([
        ['metadata.json', Buffer.from('{}')],
        ['model.weights.npz', Buffer.from('not read')],
      ]),
    );
    const model = buildVggHead(readGolden('vgg-head'));
    const error = await loadWeights(model, archive).catch((caught: unknown) => caught);
    expect(WeightsLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /without model\.weights\.h5 \(it holds metadata\.json, model\.weights\.npz\)/,
    );
    expect((error as Error).message).toMatch(/model\.save\('x\.keras'\)/);
    expect(existsSync(archive)).toBe(true);
    model.dispose();
  });
});
