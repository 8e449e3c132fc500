import { describe, expect, it } from 'vitest';
import { aggregateResults, summarize } from './aggregate.js';
import type { TrialRecord } from './store.js';

function record(configId: string, seed: number, loss: number, curve: Array<[number, number]> = []): TrialRecord {
  return {
    version: 1,
    sweep: 's',
    trial: 't',
    trialId: `${configId}-${seed}`,
    configId,
    parameters: { config: configId },
    seed,
    status: 'ok',
    metrics: { loss },
    curves: { loss: curve },
    artifacts: { model: `/tmp/${configId}-${seed}` },
    startedAt: '',
    wallSeconds: 0,
    worker: 'test',
  };
}

describe('aggregation', () => {
  it('summarize gives mean, sample std and median', () => {
    const summary = summarize([1, 2, 3, 10]);
    expect(summary.mean).toBe(4);
    expect(summary.median).toBe(2.5);
    expect(summary.std).toBeCloseTo(Math.sqrt((9 + 4 + 1 + 36) / 3), 12);
    expect(summarize([5]).std).toBe(0);
    expect(summarize([]).count).toBe(0);
  });

  it('groups seeds per configuration and picks the best by the metric', () => {
    const records = [
      record('a', 0, 3),
      record('a', 1, 5),
      record('b', 0, 1),
      record('b', 1, 2),
      { ...record('b', 2, 0), status: 'failed' as const, metrics: {} },
    ];
    const minimum = aggregateResults(records, { metric: { name: 'loss', goal: 'min' } });
    expect(
      minimum.configurations.map((entry) => [entry.configId, entry.metrics.loss!.mean, entry.ok, entry.failed]),
    ).toEqual([
      ['a', 4, 2, 0],
      ['b', 1.5, 2, 1],
    ]);
    expect(minimum.best?.configuration.configId).toBe('b');
    expect(minimum.best?.trial.trialId).toBe('b-0');
    expect(minimum.failed).toBe(1);
    const maximum = aggregateResults(records, { metric: { name: 'loss', goal: 'max' } });
    expect(maximum.best?.configuration.configId).toBe('a');
    expect(maximum.best?.trial.artifacts.model).toBe('/tmp/a-1');
  });

  it('curves become a band over seeds on a common step grid', () => {
    const records = [
      record('a', 0, 0, [
        [0, 0],
        [10, 10],
      ]),
      record('a', 1, 0, [
        [0, 2],
        [5, 4],
      ]),
    ];
    const band = aggregateResults(records, { curvePoints: 3 }).configurations[0]!.curves.loss!;
    expect(band.steps).toEqual([0, 5, 10]);
    expect(band.mean).toEqual([1, 2, 7]); // seed 1 carries its last value (4) forward
    expect(band.count).toEqual([2, 2, 2]);
  });
});
