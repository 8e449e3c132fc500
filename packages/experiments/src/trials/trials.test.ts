import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeTrial } from '../execute.js';
import { expandSweep } from '../sweep.js';
import { builtinTrials } from './index.js';

async function runOne(definition: Parameters<typeof expandSweep>[0]) {
  const [spec] = expandSweep(definition, builtinTrials);
  return executeTrial(spec!, builtinTrials, { artifactRoot: await mkdtemp(path.join(tmpdir(), 'trial-')) });
}

describe('built-in trials (tiny budgets)', () => {
  it('dqn: metrics, curves and the saved agent', async () => {
    const record = await runOne({
      name: 'd',
      trial: 'dqn',
      fixed: {
        totalTimesteps: 300,
        evalFreq: 150,
        evalEpisodes: 1,
        learningStarts: 50,
        trainFreq: 25,
        gradientSteps: 1,
        hiddenLayers: [8],
        bufferSize: 500,
        saveAgent: true,
      },
    });
    expect(record.error).toBeUndefined();
    expect(record.status).toBe('ok');
    expect(Object.keys(record.metrics).sort()).toEqual([
      'envSteps',
      'evalMean',
      'lastReturns',
      'solved',
      'totalSteps',
      'updates',
    ]);
    expect(record.metrics.envSteps).toBe(300);
    expect(record.curves.episodeReturn!.length).toBeGreaterThan(3);
    expect(record.curves.evalMean).toHaveLength(2);
    expect((await stat(record.artifacts.agent!)).size).toBeGreaterThan(0);
  });

  it('gan: losses per epoch and the sample grid', async () => {
    const record = await runOne({
      name: 'g',
      trial: 'gan',
      fixed: { preset: 'dense', epochs: 1, batchSize: 16, maxBatchesPerEpoch: 2, scoreCount: 0 },
    });
    expect(record.error).toBeUndefined();
    expect(record.metrics.dLoss).toBeGreaterThan(0);
    expect(record.curves.gLoss).toHaveLength(1);
    expect(record.artifacts.grid).toMatch(/\.png$/);
    expect((await stat(record.artifacts.grid!)).size).toBeGreaterThan(100);
  });

  it('fashion-transfer: accuracy of the three methods', async () => {
    const record = await runOne({
      name: 'f',
      trial: 'fashion-transfer',
      fixed: { trainPerClass: 2, epochs: 2, batchSize: 8, data: 'embedded', maxTestImages: 40 },
    });
    expect(record.error).toBeUndefined();
    for (const method of ['fromScratch', 'frozenBackbone', 'fineTuned']) {
      expect(record.metrics[method]).toBeGreaterThanOrEqual(0);
      expect(record.metrics[method]).toBeLessThanOrEqual(1);
    }
    expect(record.curves.fineTunedAccuracy!.length).toBeGreaterThan(0);
    expect(record.artifacts.report).toMatch(/transfer\.json$/);
  });
});

describe('tabular trial', () => {
  it('value iteration on FrozenLake-v1 reaches the goal about 74% of the time; Q-learning learns', async () => {
    const planned = await runOne({
      name: 't',
      trial: 'tabular',
      fixed: { envId: 'FrozenLake-v1', method: 'value-iteration', evalEpisodes: 500 },
    });
    expect(planned.error).toBeUndefined();
    expect(planned.metrics.successRate).toBeGreaterThan(0.6);
    expect(planned.metrics.iterations).toBeGreaterThan(10);
    expect(planned.curves.delta!.length).toBe(planned.metrics.iterations);
    const learned = await runOne({
      name: 't',
      trial: 'tabular',
      fixed: { envId: 'Taxi-v4', method: 'q-learning', episodes: 300, evalEpisodes: 20 },
    });
    expect(learned.error).toBeUndefined();
    expect(learned.metrics.steps).toBeGreaterThan(300);
    expect(learned.curves.episodeReturn).toHaveLength(300);
    expect(learned.artifacts.policy).toMatch(/policy\.json$/);
  });
});
