import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultsStoreError } from './errors.js';
import { ResultsStore, type TrialRecord } from './store.js';

function record(trialId: string, status: 'ok' | 'failed' = 'ok', value = 1): TrialRecord {
  return {
    version: 1,
    sweep: 's',
    trial: 't',
    trialId,
    configId: 'c',
    parameters: {},
    seed: 0,
    status,
    metrics: status === 'ok' ? { value } : {},
    curves: {},
    artifacts: {},
    startedAt: '2026-01-01T00:00:00.000Z',
    wallSeconds: 0,
    worker: 'test',
  };
}

describe('ResultsStore', () => {
  it('appends complete lines and keeps each finished trial once', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'store-')), 'results.jsonl');
    const store = await ResultsStore.open(file);
    expect(await store.append(record('a', 'failed'))).toBe(true);
    expect(await store.append(record('a', 'ok', 2))).toBe(true);
    expect(await store.append(record('a', 'ok', 3))).toBe(false);
    await Promise.all([store.append(record('b')), store.append(record('b')), store.append(record('c'))]);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4);
    const reopened = await ResultsStore.open(file);
    expect(reopened.records().map((entry) => [entry.trialId, entry.metrics.value])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    expect(reopened.isComplete('a')).toBe(true);
  });

  it('cuts off a torn last line when opened', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'store-')), 'results.jsonl');
    const store = await ResultsStore.open(file);
    await store.append(record('a'));
    const torn = JSON.stringify(record('b')).slice(0, 40);
    await appendFile(file, torn);
    const reopened = await ResultsStore.open(file);
    expect(reopened.openReport.repairedBytes).toBe(Buffer.byteLength(torn));
    expect(reopened.records().map((entry) => entry.trialId)).toEqual(['a']);
    await reopened.append(record('b'));
    const again = await ResultsStore.open(file);
    expect(again.records().map((entry) => entry.trialId)).toEqual(['a', 'b']);
    expect(again.openReport.repairedBytes).toBe(0);
  });

  it('refuses a file with a damaged line before the last', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'store-')), 'results.jsonl');
    await writeFile(file, `not json\n${JSON.stringify(record('a'))}\n`);
    await expect(ResultsStore.open(file)).rejects.toSatisfy(
      (error) => ResultsStoreError.isInstance(error) && /line 1/.test((error as Error).message),
    );
  });
});
