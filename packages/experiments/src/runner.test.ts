import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SweepSummary } from './aggregate.js';
import { runSweep } from './runner.js';
import type { SweepDefinition } from './sweep.js';

const fixture = path.resolve(import.meta.dirname, '__fixtures__/cheap-trials.mjs');

/** The aggregated numbers only (no timings, no worker names). */
function numbers(summary: SweepSummary) {
  return summary.configurations.map((configuration) => ({
    configId: configuration.configId,
    parameters: configuration.parameters,
    seeds: configuration.seeds,
    metrics: configuration.metrics,
    curves: configuration.curves,
  }));
}

describe('local runner', () => {
  it('the pool gives the same aggregated results as running the trials in sequence', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'sweeps-'));
    const quadratic: SweepDefinition = {
      name: 'q',
      trial: 'quadratic',
      trialModules: [fixture],
      grid: { x: [1, 3], steps: [4] },
      seeds: { count: 3 },
    };
    const dqn: SweepDefinition = {
      name: 'dqn-tiny',
      trial: 'dqn',
      fixed: {
        totalTimesteps: 400,
        evalFreq: 200,
        evalEpisodes: 1,
        learningStarts: 64,
        trainFreq: 32,
        gradientSteps: 2,
        hiddenLayers: [16],
        bufferSize: 1000,
        explorationSteps: 200,
      },
      seeds: [0, 1],
    };
    for (const sweep of [quadratic, dqn]) {
      const pooled = await runSweep({ ...sweep, name: `${sweep.name}-pool` }, { outDir, concurrency: 2 });
      const sequential = await runSweep({ ...sweep, name: `${sweep.name}-sequential` }, { outDir, concurrency: 0 });
      expect(pooled.failed).toBe(0);
      expect(pooled.ran).toBe(sequential.ran);
      expect(numbers(pooled.summary)).toEqual(numbers(sequential.summary));
      expect(pooled.records.some((record) => /:t\d+$/.test(record.worker))).toBe(true); // ran in worker threads
      expect(sequential.records.every((record) => !/:t\d+$/.test(record.worker))).toBe(true);
    }
  });

  it('records a trial that throws as failed and goes on; ranks by the metric', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'sweeps-'));
    const sweep: SweepDefinition = {
      name: 'f',
      trial: 'quadratic',
      trialModules: [fixture],
      grid: { fail: [false, true], x: [2, 3] },
      seeds: [0, 1],
    };
    const result = await runSweep(sweep, { outDir, concurrency: 2 });
    expect(result.ran).toBe(8);
    expect(result.failed).toBe(4);
    const failed = result.records.filter((record) => record.status === 'failed');
    expect(failed).toHaveLength(4);
    expect(failed[0]!.error?.message).toMatch(/asked to fail/);
    expect(result.summary.best?.configuration.parameters).toMatchObject({ x: 3, fail: false });
    // Failed trials are complete: not run again unless asked.
    const again = await runSweep(sweep, { outDir, concurrency: 2 });
    expect(again.ran).toBe(0);
  });

  it('resumes after an interruption, running only the missing trials', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'sweeps-'));
    const sweep: SweepDefinition = {
      name: 'resume',
      trial: 'quadratic',
      trialModules: [fixture],
      grid: { x: [0, 1, 2, 3, 4, 5], workMs: [30] },
      seeds: [0],
    };
    const controller = new AbortController();
    const progress: number[] = [];
    const first = await runSweep(sweep, {
      outDir,
      concurrency: 2,
      signal: controller.signal,
      onTrialEnd: () => {
        if (progress.push(1) === 2) controller.abort();
      },
    });
    expect(first.stopped).toBe(true);
    expect(first.ran).toBeGreaterThanOrEqual(2);
    expect(first.ran).toBeLessThan(6);
    const lines = (await readFile(first.resultsFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(first.ran);
    const seen: string[] = [];
    const second = await runSweep(sweep, { outDir, concurrency: 2, onTrialEnd: (record) => seen.push(record.trialId) });
    expect(second.skipped).toBe(first.ran);
    expect(second.ran).toBe(6 - first.ran);
    expect(seen.some((trialId) => first.records.some((record) => record.trialId === trialId))).toBe(false);
    expect(second.records).toHaveLength(6);
    expect(second.stopped).toBe(false);
    const third = await runSweep(sweep, { outDir, concurrency: 2 });
    expect(third.ran).toBe(0);
    expect((await readFile(first.resultsFile, 'utf8')).trim().split('\n')).toHaveLength(6);
  });
});
