import { escapeHtml } from './html.js';

/** Options of {@link heatMap}. */
export interface HeatMapOptions {
  title: string;
  rows: number;
  columns: number;
  /** One value per cell, row-major (the colour). */
  values: ArrayLike<number>;
  /** One short label per cell (an arrow, a letter), drawn on top. */
  labels: readonly string[];
  /** Pixels per cell. @defaultValue 56 */
  cellSize?: number;
}

function colour(fraction: number): string {
  // White to deep blue.
  const t = Math.min(1, Math.max(0, fraction));
  const channel = (from: number, to: number) => Math.round(from + (to - from) * t);
  return `rgb(${channel(247, 8)},${channel(251, 69)},${channel(255, 148)})`;
}

/**
 * A self-contained SVG heat map of one value per grid cell, with a label (e.g. a policy arrow and
 * the value) in each cell.
 */
export function heatMap(options: HeatMapOptions): string {
  const size = options.cellSize ?? 56;
  const top = 28;
  const width = options.columns * size;
  const height = top + options.rows * size;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < options.values.length; index++) {
    low = Math.min(low, options.values[index] as number);
    high = Math.max(high, options.values[index] as number);
  }
  const span = high - low || 1;
  const cells: string[] = [];
  for (let row = 0; row < options.rows; row++) {
    for (let column = 0; column < options.columns; column++) {
      const cell = row * options.columns + column;
      const value = options.values[cell] as number;
      const fraction = (value - low) / span;
      const x = column * size;
      const y = top + row * size;
      const ink = fraction > 0.55 ? '#ffffff' : '#111827';
      cells.push(
        `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="${colour(fraction)}" stroke="#e5e7eb"/>` +
          `<text x="${x + size / 2}" y="${y + size / 2 - 2}" text-anchor="middle" font-size="${Math.round(size * 0.36)}" fill="${ink}">${escapeHtml(options.labels[cell] ?? '')}</text>` +
          `<text x="${x + size / 2}" y="${y + size - 6}" text-anchor="middle" font-size="${Math.round(size * 0.2)}" fill="${ink}">${value.toFixed(2)}</text>`,
      );
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="heat-map" role="img" aria-label="${escapeHtml(options.title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">` +
    `<text x="0" y="18" font-size="14" font-weight="bold">${escapeHtml(options.title)}</text>${cells.join('')}</svg>`
  );
}
