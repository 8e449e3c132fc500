import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, chromiumPath, inspectReport } from './browser-check.js';
import { confusionMatrix, escapeHtml, figure, renderReport, table } from './html.js';
import { dataUri, encodeGif, encodePng, imageGrid, type RawImage } from './images.js';
import { formatTick, lineChart, niceStep } from './svg-chart.js';

const outDirectory = path.resolve(import.meta.dirname, '../../out');

function stripes(width: number, height: number, phase: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = Math.floor((x + phase) / 8) % 2 === 0;
      data.set(on ? [220, 40, 40] : [250, 250, 250], (y * width + x) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

function sampleReport(): string {
  const curve = Array.from({ length: 50 }, (_, index) => [index * 100, 10 + index * 9] as const);
  const evaluations = Array.from({ length: 5 }, (_, index) => [index * 1000, 50 + index * 100] as const);
  const digits = new Uint8Array(16 * 28 * 28).map((_, index) => (index * 7) % 256);
  const grid = imageGrid(digits, 16, { rows: 28, cols: 28, scale: 2 });
  const gif = encodeGif([stripes(60, 40, 0), stripes(60, 40, 4), stripes(60, 40, 8)], { delayMs: 80 });
  return renderReport({
    title: 'report test <&>',
    generatedAt: new Date(0),
    facts: [['backend', 'cpu']],
    sections: [
      {
        id: 'charts',
        title: 'Charts',
        status: 'ok',
        body:
          lineChart({
            title: 'learning curve',
            xLabel: 'steps',
            yLabel: 'return',
            series: [
              { name: 'training', points: curve },
              { name: 'evaluation', points: evaluations, markers: true },
            ],
            referenceLines: [{ y: 475, label: 'solved' }],
          }) +
          table(
            ['policy', 'mean'],
            [
              ['random', 21.5],
              ['logic', 42],
            ],
          ),
      },
      {
        id: 'images',
        title: 'Images',
        status: 'ok',
        body:
          figure(dataUri('image/png', encodePng(grid)), 'grid', { pixelated: true }) +
          figure(dataUri('image/gif', gif), 'animation') +
          confusionMatrix(
            ['a', 'b'],
            [
              [9, 1],
              [2, 8],
            ],
          ),
      },
      { id: 'missing', title: 'Missing', status: 'unavailable', body: '<p>not ready</p>' },
    ],
  });
}

describe('report pieces', () => {
  it('escapes text', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('picks nice ticks and compact labels', () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(0.9, 5)).toBeCloseTo(0.2);
    expect(niceStep(7000, 6)).toBe(2000);
    expect(formatTick(12_000)).toBe('12k');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(1_500_000)).toBe('1.5M');
  });

  it('draws one path per series and breaks lines at non-finite values', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 'a',
          points: [
            [0, 1],
            [1, Number.NaN],
            [2, 3],
            [3, 4],
          ],
        },
        {
          name: 'b',
          points: [
            [0, 2],
            [3, 2],
          ],
        },
      ],
    });
    expect(svg.match(/<g class="series"/g)).toHaveLength(2);
    const firstPath = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(firstPath.match(/M/g)).toHaveLength(2);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('encodes a PNG with a valid signature, header and CRCs', () => {
    const png = encodePng({ width: 3, height: 2, channels: 1, data: new Uint8Array([0, 1, 2, 3, 4, 5]) });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(3);
    expect(png.readUInt32BE(20)).toBe(2);
    expect(png.toString('ascii', png.length - 8, png.length - 4)).toBe('IEND');
    // CRC of an empty IEND chunk is a known constant.
    expect(png.readUInt32BE(png.length - 4)).toBe(0xae426082);
    expect(() => encodePng({ width: 3, height: 2, channels: 3, data: new Uint8Array(6) })).toThrow(/expected 3x2x3/);
  });

  it('encodes an animated GIF with one image block per frame', () => {
    const gif = encodeGif([stripes(16, 8, 0), stripes(16, 8, 3)], { delayMs: 50 });
    expect(Buffer.from(gif.subarray(0, 6)).toString('ascii')).toBe('GIF89a');
    expect(gif[gif.length - 1]).toBe(0x3b);
    // Graphic control extensions (0x21 0xf9) precede each frame.
    let controls = 0;
    for (let index = 0; index + 1 < gif.length; index++) if (gif[index] === 0x21 && gif[index + 1] === 0xf9) controls++;
    expect(controls).toBeGreaterThanOrEqual(2);
    expect(() => encodeGif([])).toThrow(/at least one frame/);
  });

  it('tiles images into a grid', () => {
    const grid = imageGrid(new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0]), 2, { rows: 2, cols: 2, padding: 1 });
    expect(grid.width).toBe(7);
    expect(grid.height).toBe(4);
    expect(grid.data[1 * 7 + 1]).toBe(255);
    expect(grid.data[1 * 7 + 4]).toBe(0);
  });
});

const hasChromium = chromiumAvailable();
if (!hasChromium)
  console.warn(`[@tfkit/demos] report browser test SKIPPED: no Chromium at ${chromiumPath} (apt-get install chromium)`);
const browserIt = hasChromium ? it : it.skip;

describe('report in headless Chromium', () => {
  browserIt(
    hasChromium
      ? 'decodes every image, renders every chart, makes no request, and saves a screenshot'
      : `skipped: no Chromium at ${chromiumPath}`,
    async () => {
      const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-report-'));
      const file = path.join(directory, 'report.html');
      writeFileSync(file, sampleReport());
      expect(readFileSync(file, 'utf8')).not.toMatch(/(src|href)="https?:/);
      mkdirSync(outDirectory, { recursive: true });
      const screenshot = path.join(outDirectory, 'report-test.png');
      const seen = await inspectReport(file, screenshot);
      expect(seen.title).toBe('report test <&>');
      expect(seen.images).toHaveLength(2);
      for (const image of seen.images) {
        expect(image.complete).toBe(true);
        expect(image.naturalWidth).toBeGreaterThan(0);
      }
      expect(seen.images.filter((image) => image.isGif)).toHaveLength(1);
      expect(seen.charts).toHaveLength(1);
      expect(seen.charts[0]!.width).toBeGreaterThan(100);
      expect(seen.charts[0]!.nonEmptyPaths).toBe(2);
      expect(seen.tables).toBe(2);
      expect(seen.sections.map((section) => section.status)).toEqual(['ok', 'ok', 'unavailable']);
      expect(seen.externalRequests).toEqual([]);
      expect(seen.consoleErrors).toEqual([]);
      expect(readFileSync(screenshot).subarray(1, 4).toString('ascii')).toBe('PNG');
    },
  );
});
