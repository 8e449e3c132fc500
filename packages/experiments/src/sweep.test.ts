import { describe, expect, it } from 'vitest';
import { quadratic } from './__fixtures__/cheap-trials.mjs';
import { SweepDefinitionError } from './errors.js';
import { defineSweep, expandSweep, parseSweep, sweepConfigurations, validateSweep } from './sweep.js';
import { TrialRegistry } from './trial.js';
import { builtinTrials } from './trials/index.js';

const registry = new TrialRegistry([...builtinTrials.list(), quadratic]);

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(SweepDefinitionError.isInstance(error)).toBe(true);
    return (error as SweepDefinitionError).field;
  }
  throw new Error('expected a SweepDefinitionError');
}

describe('bad sweep files get a typed error naming the field', () => {
  const base = { name: 'bad', trial: 'dqn' };
  it('unknown parameter', () => {
    expect(fieldOf(() => validateSweep({ ...base, grid: { learningRat: [0.001] } }, registry))).toBe(
      'grid.learningRat',
    );
    expect(fieldOf(() => validateSweep({ ...base, fixed: { nope: 1 } }, registry))).toBe('fixed.nope');
    expect(
      fieldOf(() =>
        validateSweep({ ...base, random: { count: 2, parameters: { foo: { uniform: [0, 1] } } } }, registry),
      ),
    ).toBe('random.parameters.foo');
    try {
      validateSweep({ ...base, grid: { learningRat: [0.001] } }, registry, 'lr.json');
    } catch (error) {
      expect((error as Error).message).toContain("did you mean 'learningRate'");
      expect((error as Error).message).toContain('lr.json');
    }
  });
  it('empty grid', () => {
    expect(fieldOf(() => validateSweep({ ...base, grid: { learningRate: [] } }, registry))).toBe('grid.learningRate');
    expect(fieldOf(() => validateSweep({ ...base, grid: {} }, registry))).toBe('grid');
  });
  it('bad types', () => {
    expect(fieldOf(() => validateSweep({ ...base, grid: { learningRate: [0.001, 'fast'] } }, registry))).toBe(
      'grid.learningRate[1]',
    );
    expect(fieldOf(() => validateSweep({ ...base, fixed: { totalTimesteps: 1.5 } }, registry))).toBe(
      'fixed.totalTimesteps',
    );
    expect(fieldOf(() => validateSweep({ ...base, grid: { hiddenLayers: [[64], [0]] } }, registry))).toBe(
      'grid.hiddenLayers[1]',
    );
    expect(fieldOf(() => validateSweep({ ...base, fixed: { stopWhenSolved: 'yes' } }, registry))).toBe(
      'fixed.stopWhenSolved',
    );
    expect(fieldOf(() => validateSweep({ ...base, grid: { learningRate: 0.001 } }, registry))).toBe(
      'grid.learningRate',
    );
    expect(
      fieldOf(() =>
        validateSweep({ ...base, random: { count: 2, parameters: { batchSize: { uniform: [16, 64] } } } }, registry),
      ),
    ).toBe('random.parameters.batchSize.uniform');
    expect(
      fieldOf(() =>
        validateSweep({ ...base, random: { count: 0, parameters: { gamma: { uniform: [0.9, 1] } } } }, registry),
      ),
    ).toBe('random.count');
    expect(fieldOf(() => validateSweep({ name: 'bad', trial: 'gan', fixed: { preset: 'dcgann' } }, registry))).toBe(
      'fixed.preset',
    );
  });
  it('other fields', () => {
    expect(fieldOf(() => validateSweep({ ...base, seeds: [1, 1] }, registry))).toBe('seeds[1]');
    expect(fieldOf(() => validateSweep({ ...base, seeds: [] }, registry))).toBe('seeds');
    expect(fieldOf(() => validateSweep({ ...base, seeds: { count: -1 } }, registry))).toBe('seeds.count');
    expect(fieldOf(() => validateSweep({ ...base, metric: { name: 'x', goal: 'up' } }, registry))).toBe('metric.goal');
    expect(fieldOf(() => validateSweep({ ...base, name: 'a/b' }, registry))).toBe('name');
    expect(fieldOf(() => validateSweep({ ...base, trial: 'dqm' }, registry))).toBe('trial');
    expect(fieldOf(() => validateSweep({ ...base, grids: {} }, registry))).toBe('grids');
    expect(fieldOf(() => validateSweep({ ...base, fixed: { gamma: 0.9 }, grid: { gamma: [0.9] } }, registry))).toBe(
      'grid.gamma',
    );
    expect(fieldOf(() => parseSweep('{ "name": ', registry, 'x.json'))).toBe('(root)');
  });
});

describe('expandSweep', () => {
  it('is the grid product times seeds, with stable ids', () => {
    const sweep = defineSweep(quadratic, {
      name: 'q',
      grid: { x: [1, 2], steps: [3, 4, 5] },
      seeds: { count: 2, start: 10 },
    });
    const trials = expandSweep(sweep, registry);
    expect(trials).toHaveLength(12);
    expect(new Set(trials.map((trial) => trial.trialId)).size).toBe(12);
    expect(new Set(trials.map((trial) => trial.configId)).size).toBe(6);
    expect(trials.map((trial) => trial.seed).slice(0, 2)).toEqual([10, 11]);
    expect(trials[0]!.parameters).toEqual({ x: 1, steps: 3, workMs: 0, fail: false });
    // Same trial, same id, whatever the key order or the sweep's other trials.
    const again = expandSweep(
      { name: 'other', trial: 'quadratic', grid: { steps: [3], x: [1] }, seeds: [10] },
      registry,
    );
    expect(again[0]!.trialId).toBe(trials[0]!.trialId);
  });
  it('random search is seeded and within bounds', () => {
    const sweep = {
      name: 'r',
      trial: 'dqn',
      grid: { hiddenLayers: [[64], [128]] },
      random: {
        count: 4,
        seed: 3,
        parameters: {
          learningRate: { logUniform: [1e-4, 1e-2] },
          batchSize: { intUniform: [16, 64] },
          gamma: { choice: [0.9, 0.99] },
        },
      },
    } as const;
    const first = sweepConfigurations(validateSweep(sweep, registry));
    const second = sweepConfigurations(validateSweep(sweep, registry));
    expect(first).toEqual(second);
    expect(first).toHaveLength(8);
    for (const configuration of first) {
      expect(configuration.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(configuration.learningRate).toBeLessThanOrEqual(1e-2);
      expect(Number.isInteger(configuration.batchSize)).toBe(true);
      expect([0.9, 0.99]).toContain(configuration.gamma);
    }
    const otherSeed = sweepConfigurations(validateSweep({ ...sweep, random: { ...sweep.random, seed: 4 } }, registry));
    expect(otherSeed).not.toEqual(first);
  });
});
