import { escapeHtml } from './html.js';

/** One line of a chart. */
export interface ChartSeries {
  name: string;
  /** `[x, y]` pairs; non-finite values break the line. */
  points: ReadonlyArray<readonly [number, number]>;
  color?: string;
  /** Draw a dot on each point (for sparse series such as evaluations). */
  markers?: boolean;
  /** Line width. @defaultValue 2 */
  width?: number;
  dashed?: boolean;
  /** A shaded band drawn under the line, `[x, low, high]` points (e.g. mean ± std over seeds). */
  band?: ReadonlyArray<readonly [number, number, number]>;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  /** Horizontal reference lines, e.g. a "solved" threshold. */
  referenceLines?: ReadonlyArray<{ y: number; label: string }>;
  width?: number;
  height?: number;
  yMin?: number;
  yMax?: number;
}

const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];

/** A "nice" tick step (1, 2 or 5 times a power of ten) for about `count` ticks over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Compact tick label: 12000 -> 12k, 0.25 -> 0.25. */
export function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${+(value / 1e6).toFixed(2)}M`;
  if (magnitude >= 1e4) return `${+(value / 1e3).toFixed(1)}k`;
  if (magnitude >= 100 || value === 0) return String(+value.toFixed(0));
  return String(+value.toPrecision(3));
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  let low = Math.min(...finite);
  let high = Math.max(...finite);
  if (low === high) {
    low -= Math.abs(low) * 0.1 || 1;
    high += Math.abs(high) * 0.1 || 1;
  }
  return [low, high];
}

/**
 * Renders a line chart as a standalone inline SVG string (axes, grid, ticks, legend, reference
 * lines). No scripts, no external resources.
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 320;
  // Legend entries flow left to right and wrap; each row takes 16 px above the plot.
  const legendPositions: Array<{ x: number; row: number }> = [];
  {
    let x = 72;
    let row = 0;
    for (const series of options.series) {
      const entryWidth = 34 + series.name.length * 6.5;
      if (x + entryWidth > width - 20 && x > 72) {
        x = 72;
        row++;
      }
      legendPositions.push({ x, row });
      x += entryWidth;
    }
  }
  const legendRows = legendPositions.length === 0 ? 0 : legendPositions.at(-1)!.row + 1;
  const margin = { top: 36 + legendRows * 16, right: 20, bottom: 46, left: 64 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const xs = options.series.flatMap((series) => series.points.map(([x]) => x));
  const ys = options.series.flatMap((series) => [
    ...series.points.map(([, y]) => y),
    ...(series.band ?? []).flatMap(([, low, high]) => [low, high]),
  ]);
  for (const line of options.referenceLines ?? []) ys.push(line.y);
  const [xLow, xHigh] = extent(xs, [0, 1]);
  let [yLow, yHigh] = extent(ys, [0, 1]);
  if (options.yMin !== undefined) yLow = options.yMin;
  if (options.yMax !== undefined) yHigh = options.yMax;
  const yStep = niceStep(yHigh - yLow, 5);
  yLow = Math.floor(yLow / yStep) * yStep;
  yHigh = Math.ceil(yHigh / yStep) * yStep;
  const xStep = niceStep(xHigh - xLow, 6);
  const xScale = (x: number) => margin.left + ((x - xLow) / (xHigh - xLow || 1)) * plotWidth;
  const yScale = (y: number) => margin.top + (1 - (y - yLow) / (yHigh - yLow || 1)) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">${escapeHtml(options.title)}</text>`,
  );
  // Grid and ticks.
  const grid: string[] = [];
  for (let y = yLow; y <= yHigh + yStep / 2; y += yStep) {
    const position = yScale(y).toFixed(1);
    grid.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${position}" y2="${position}" stroke="#e5e7eb"/>`,
      `<text x="${margin.left - 6}" y="${position}" text-anchor="end" dominant-baseline="middle" font-size="11" fill="#374151">${formatTick(y)}</text>`,
    );
  }
  for (let x = Math.ceil(xLow / xStep) * xStep; x <= xHigh + xStep / 1000; x += xStep) {
    const position = xScale(x).toFixed(1);
    grid.push(
      `<line x1="${position}" x2="${position}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#f3f4f6"/>`,
      `<text x="${position}" y="${margin.top + plotHeight + 16}" text-anchor="middle" font-size="11" fill="#374151">${formatTick(x)}</text>`,
    );
  }
  parts.push(`<g class="grid">${grid.join('')}</g>`);
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(options.yLabel)}</text>`,
  );
  for (const line of options.referenceLines ?? []) {
    const position = yScale(line.y).toFixed(1);
    parts.push(
      `<line class="reference" x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${position}" y2="${position}" stroke="#6b7280" stroke-dasharray="6 4"/>`,
      `<text x="${margin.left + plotWidth - 4}" y="${Number(position) - 4}" text-anchor="end" font-size="11" fill="#6b7280">${escapeHtml(line.label)}</text>`,
    );
  }
  // Series.
  const legend: string[] = [];
  for (const [index, series] of options.series.entries()) {
    const color = series.color ?? palette[index % palette.length]!;
    const band = (series.band ?? []).filter((point) => point.every(Number.isFinite));
    if (band.length > 1) {
      const clamp = (y: number) => yScale(Math.min(Math.max(y, yLow), yHigh)).toFixed(1);
      const upper = band.map(([x, , high]) => `${xScale(x).toFixed(1)},${clamp(high)}`);
      const lower = band.map(([x, low]) => `${xScale(x).toFixed(1)},${clamp(low)}`).reverse();
      parts.push(
        `<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none"/>`,
      );
    }
    let path = '';
    let pen = false;
    const dots: string[] = [];
    for (const [x, y] of series.points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      const px = xScale(x).toFixed(1);
      const py = yScale(Math.min(Math.max(y, yLow), yHigh)).toFixed(1);
      path += `${pen ? 'L' : 'M'}${px} ${py}`;
      pen = true;
      if (series.markers) dots.push(`<circle cx="${px}" cy="${py}" r="3" fill="${color}"/>`);
    }
    const dash = series.dashed ? ' stroke-dasharray="5 3"' : '';
    parts.push(
      `<g class="series" data-name="${escapeHtml(series.name)}"><path d="${path}" fill="none" stroke="${color}" stroke-width="${series.width ?? 2}" stroke-linejoin="round"${dash}/>${dots.join('')}</g>`,
    );
    const { x: legendX, row } = legendPositions[index]!;
    const legendY = 34 + row * 16;
    legend.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${legendX + 22}" y="${legendY}" dominant-baseline="middle" font-size="11">${escapeHtml(series.name)}</text>`,
    );
  }
  parts.push(`<g class="legend">${legend.join('')}</g>`, '</svg>');
  return parts.join('');
}
