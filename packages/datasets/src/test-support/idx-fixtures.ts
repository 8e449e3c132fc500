// Test helpers: tiny IDX files written into temporary directories.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../idx/idx-format.js';

/** A fresh temporary directory. */
export function temporaryDir(prefix = 'tfkit-datasets-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Pixels where image i, pixel p has value (i * 7 + p) % 256: easy to check after reordering. */
export function patternImages(count: number, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(count * rows * cols);
  for (let index = 0; index < out.length; index++) {
    const image = Math.floor(index / (rows * cols));
    out[index] = (image * 7 + (index % (rows * cols))) % 256;
  }
  return out;
}

/** Writes `<prefix>-images-idx3-ubyte(.gz)` and `<prefix>-labels-idx1-ubyte(.gz)` into `dir`. */
export function writeIdxSplit(
  dir: string,
  options: { prefix?: 'train' | 't10k'; labels: number[]; rows?: number; cols?: number; gzip?: boolean },
): { images: Uint8Array; labels: Uint8Array } {
  const rows = options.rows ?? 2;
  const cols = options.cols ?? 3;
  const prefix = options.prefix ?? 'train';
  const labels = Uint8Array.from(options.labels);
  const images = patternImages(labels.length, rows, cols);
  const gzip = options.gzip ?? true;
  const suffix = gzip ? '.gz' : '';
  const encode = (bytes: Uint8Array) => (gzip ? gzipSync(bytes) : bytes);
  writeFileSync(
    join(dir, `${prefix}-images-idx3-ubyte${suffix}`),
    encode(encodeIdx([labels.length, rows, cols], images)),
  );
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${suffix}`), encode(encodeIdx([labels.length], labels)));
  return { images, labels };
}
