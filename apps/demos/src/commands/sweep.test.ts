import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { recordingOutput } from '../cli/test-output.js';
import { commands } from './index.js';

async function cli(...argv: string[]) {
  const output = recordingOutput();
  const code = await runCli(argv, output, commands);
  return { code, out: output.out, err: output.err };
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'tfkit-sweep-'));
const trials = path.resolve(import.meta.dirname, '__fixtures__/sweep-trials.mjs');

describe('tfkit sweep', () => {
  it('a bad sweep file exits 2 naming the field', async () => {
    const file = path.join(scratch, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', trial: 'dqn', grid: { learningRate: [] } }));
    const result = await cli('sweep', 'run', file, '--out', scratch);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/field `grid\.learningRate`: is an empty grid/);
    writeFileSync(file, '{ "name": "bad", ');
    expect((await cli('sweep', 'run', file)).err).toMatch(/field `\(root\)`: is not valid JSON/);
  });

  it('sweep run runs, aggregates, writes the report; a second run resumes with nothing to do', async () => {
    const file = path.join(scratch, 'parabola.json');
    writeFileSync(file, JSON.stringify({ name: 'parabola', trial: 'parabola', grid: { x: [1, 2] }, seeds: [0, 1] }));
    const first = await cli(
      'sweep',
      'run',
      file,
      '--out',
      scratch,
      '--trials',
      trials,
      '--concurrency',
      '1',
      '--no-progress',
    );
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/2 configurations, 4 ok, 0 failed, ranked by loss \(min\)/);
    expect(first.out).toMatch(/x=2: 2 seeds, loss 0\.005 ± 0\.00707 \(median 0\.005\)\s+<- best/);
    const report = readFileSync(path.join(scratch, 'parabola', 'report.html'), 'utf8');
    expect(report).toContain('<polygon class="band"');
    expect(report).toContain('Best run');
    const again = await cli('sweep', 'run', file, '--out', scratch, '--trials', trials, '--json', '--no-progress');
    expect(JSON.parse(again.out)).toMatchObject({ ran: 0, skipped: 4 });
    expect(
      readFileSync(path.join(scratch, 'parabola', 'results.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(4);
  });

  it('distributed commands need a Redis URL', async () => {
    const saved = process.env.TFKIT_REDIS_URL;
    delete process.env.TFKIT_REDIS_URL;
    try {
      const result = await cli('sweep', 'status', 'x');
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/missing --redis URL/);
      expect((await cli('worker', '--redis', 'http://x')).err).toMatch(/redis:\/\/ or rediss:\/\//);
      expect(existsSync(path.join(scratch, 'x'))).toBe(false);
    } finally {
      if (saved !== undefined) process.env.TFKIT_REDIS_URL = saved;
    }
  });
});
