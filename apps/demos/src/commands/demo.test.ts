import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageReady } from '../cli/packages.js';
import { runCli } from '../cli/run-cli.js';
import { recordingOutput } from '../cli/test-output.js';
import { chromiumAvailable, chromiumPath, inspectReport } from '../report/browser-check.js';
import { commands } from './index.js';

const outDirectory = path.resolve(import.meta.dirname, '../../out/demo-quick');

const rlReady =
  (await packageReady('@tfkit/gym-lite', ['make', 'registeredIds', 'spec'])) &&
  (await packageReady('@tfkit/rl-agents', ['runExperiment', 'formatExperiment', 'DqnAgent']));

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
    expect(Object.keys(statuses)).toEqual(['policies', 'dqn', 'gan', 'transfer']);
    expect(Object.values(statuses).every((status) => status === 'ok' || status === 'unavailable')).toBe(true);
    if (rlReady) {
      expect(statuses.policies).toBe('ok');
      expect(statuses.dqn).toBe('ok');
      expect(seen.images.some((image) => image.isGif)).toBe(true);
      expect(seen.charts.length).toBeGreaterThanOrEqual(2);
    }
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
