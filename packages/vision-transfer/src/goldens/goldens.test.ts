import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak, maxRelativeError } from '@tfkit/backend/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/setup.js';
import { loadWeights } from '../weights/load-weights.js';
import { buildModel, type ModelName } from '../zoo/create-model.js';
import { inputValues, sha256Float32 } from './formula.js';
import { decodeOutput, type Golden, goldenIds, goldenWeights, readGolden, writeKeras2File } from './golden.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-goldens-'));
beforeAll(useTestBackend);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Forward goldens must match within this relative error (max |a - b| / max |b|). */
export const goldenTolerance = 1e-4;

/** VGG's classifier (Flatten, fc1, fc2, predictions) at reduced widths on a non-square [3, 5, 16] map. */
export function buildVggHead(golden: Golden): tf.LayersModel {
  const input = tf.input({ shape: golden.options.inputShape, name: 'input_1' });
  let x = tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 12, activation: 'relu', name: 'fc1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 12, activation: 'relu', name: 'fc2' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: golden.options.classes!, activation: 'softmax', name: 'predictions' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'vgg_head' });
}

/** The zoo model a golden describes, with zero weights. */
export function buildGoldenModel(golden: Golden): tf.LayersModel {
  if (!golden.model) return buildVggHead(golden);
  return buildModel(golden.model as ModelName, { ...golden.options, initialization: 'zeros' });
}

/** Runs the golden's input through the model; returns each recorded layer's output and its error. */
export function compareWithGolden(
  model: tf.LayersModel,
  golden: Golden,
): Array<{ layer: string; relative: number; absolute: number; maxAbs: number }> {
  const shape = [golden.batch, ...golden.options.inputShape];
  const names = Object.keys(golden.outputs);
  return tf.tidy(() => {
    const input = tf.tensor(inputValues(golden.seed, shape), shape, 'float32');
    const outputs = model.execute(
      input,
      names.map((name) => model.getLayer(name).output as tf.SymbolicTensor).map((tensor) => tensor.name),
    );
    return (Array.isArray(outputs) ? outputs : [outputs]).map((output, index) => {
      const layer = names[index]!;
      expect(output.shape).toEqual(golden.outputs[layer]!.shape);
      const actual = output.dataSync() as Float32Array;
      const expected = decodeOutput(golden, layer);
      let absolute = 0;
      for (let i = 0; i < expected.length; i++) absolute = Math.max(absolute, Math.abs(actual[i]! - expected[i]!));
      return { layer, relative: maxRelativeError(actual, expected), absolute, maxAbs: golden.outputs[layer]!.maxAbs };
    });
  });
}

describe('forward-pass goldens (independent float64 reference, scripts/make-goldens.py)', () => {
  it.each(goldenIds)('%s: Keras .h5 weights -> forward pass within 1e-4 of the reference', async (id) => {
    const golden = readGolden(id);
    await expectNoTensorLeak(async () => {
      const model = buildGoldenModel(golden);
      try {
        // the formula gives the reference's weights bit for bit
        expect(
          sha256Float32(
            (function* () {
              for (const [, , values] of goldenWeights(golden)) yield values;
            })(),
          ),
        ).toBe(golden.weightsSha256);
        const file = path.join(directory, `${id}.h5`);
        await writeKeras2File(golden, file);
        const report = await loadWeights(model, file);
        rmSync(file);
        // every layer with weights was filled, by its Keras name
        expect(report.matchedBy).toBe('name');
        expect(report.layers).toBe(model.layers.filter((layer) => layer.weights.length > 0).length);
        expect(report.layers).toBe(golden.layers.length);
        expect(model.countParams()).toBe(golden.parameters);
        const errors = compareWithGolden(model, golden);
        console.log(
          `golden ${id}: ${errors.map((e) => `${e.layer} rel ${e.relative.toExponential(2)} abs ${e.absolute.toExponential(2)} (max |ref| ${e.maxAbs.toPrecision(4)})`).join('; ')}`,
        );
        for (const error of errors) expect(error.relative, error.layer).toBeLessThanOrEqual(goldenTolerance);
      } finally {
        model.dispose();
      }
    });
  });

  it('each golden tells the porting mistakes it covers apart (mutants >> tolerance)', () => {
    const covered = new Set<string>();
    for (const id of goldenIds) {
      const golden = readGolden(id);
      for (const [mutant, error] of Object.entries(golden.sensitivity)) {
        expect(error, `${id} ${mutant}`).toBeGreaterThan(10 * goldenTolerance);
        covered.add(mutant);
      }
      if (id.startsWith('mobilenet')) expect(golden.relu6Clipped, id).toBeGreaterThan(0);
    }
    expect([...covered].sort()).toEqual([
      'avgpool-counts-padding',
      'concat-reversed',
      'epsilon-swapped',
      'flatten-nchw',
      'relu6-as-relu',
      'same-extra-before',
      'scale-false-gets-beta',
      'zero-padding-flipped',
    ]);
  });
});
