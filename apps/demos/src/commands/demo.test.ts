import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { recordingOutput } from '../cli/test-output.js';
import { chromiumAvailable, chromiumPath, inspectReport } from '../report/browser-check.js';
import { commands } from './index.js';

const outDirectory = path.resolve(import.meta.dirname, '../../out/demo-quick');

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`[@tfkit/demos] demo report browser check SKIPPED: no Chromium at ${chromiumPath}`);

describe('tfkit demo --quick', () => {
  it('writes a self-contained report whose images decode and charts render in Chromium', async () => {
    rmSync(outDirectory, { recursive: true, force: true });
    mkdirSync(outDirectory, { recursive: true });
    const output = recordingOutput();
    const code = await runCli(['demo', '--quick', '--out', outDirectory, '--seed', '1'], output, commands);
    const reportPath = path.join(outDirectory, 'report.html');
    expect(output.out).toContain(`report: ${reportPath}`);
    expect(output.out).toContain('tfkit demo summary');
    expect(code, output.out).toBe(0);
    expect(existsSync(reportPath)).toBe(true);
    const html = readFileSync(reportPath, 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
    if (!hasChromium) return;
    const seen = await inspectReport(reportPath, path.join(outDirectory, 'report.png'));
    const statuses = Object.fromEntries(seen.sections.map((section) => [section.id, section.status]));
    expect(Object.keys(statuses)).toEqual(['policies', 'dqn', 'planning', 'gan', 'transfer']);
    expect(statuses).toEqual({ policies: 'ok', dqn: 'ok', planning: 'ok', gan: 'ok', transfer: 'ok' });
    // The CartPole animation, and one GAN grid per epoch (one epoch in quick mode).
    expect(seen.images.filter((image) => image.isGif)).toHaveLength(1);
    expect(seen.images.filter((image) => !image.isGif).length).toBeGreaterThanOrEqual(1);
    // Policy returns, Q-table learning, DQN learning curve, GAN losses, transfer accuracy.
    expect(seen.charts.map((chart) => chart.label)).toEqual([
      'Episode returns per policy',
      expect.stringMatching(/^Q-table learning/),
      'DQN learning curve on CartPole-v1',
      expect.stringMatching(/^Convergence on FrozenLake-v1/),
      'Q-learning on Taxi-v4 against the planned optimum',
      'GAN losses per iteration',
      'Training accuracy per epoch',
    ]);
    // Policy table, Q-table note, DQN stats, GAN table, transfer table, three confusion matrices.
    expect(seen.tables).toBeGreaterThanOrEqual(7);
    for (const image of seen.images) expect(image.naturalWidth, image.alt).toBeGreaterThan(0);
    for (const chart of seen.charts) {
      expect(chart.width, chart.label).toBeGreaterThan(0);
      expect(chart.nonEmptyPaths, chart.label).toBe(chart.paths);
      expect(chart.paths, chart.label).toBeGreaterThan(0);
    }
    expect(seen.externalRequests).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
  });
});
