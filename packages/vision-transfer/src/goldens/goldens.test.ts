import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/setup.js';
import { loadWeights } from '../weights/load-weights.js';
import {
  buildGoldenModel,
  compareWithGolden,
  goldenIds,
  goldenTolerance,
  readGolden,
  writeKeras2File,
} from './golden.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-goldens-'));
beforeAll(useTestBackend);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('forward-pass goldens (independent float64 reference, scripts/make-goldens.py)', () => {
  it.each(goldenIds)('%s: Keras .h5 weights -> forward pass within 1e-4 of the reference', async (id) => {
    const golden = readGolden(id);
    await expectNoTensorLeak(async () => {
      const model = buildGoldenModel(golden);
      try {
        const file = path.join(directory, `${id}.h5`);
        // the formula gives the reference's weights bit for bit
        expect(await writeKeras2File(golden, file)).toBe(golden.weightsSha256);
        const report = await loadWeights(model, file);
        rmSync(file);
        // every layer with weights was filled, by its Keras name
        expect(report.matchedBy).toBe('name');
        expect(report.layers).toBe(model.layers.filter((layer) => layer.weights.length > 0).length);
        expect(report.layers).toBe(golden.layers.length);
        expect(model.countParams()).toBe(golden.parameters);
        const errors = compareWithGolden(model, golden);
        for (const error of errors) expect(error.shape, error.layer).toEqual(golden.outputs[error.layer]!.shape);
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
