import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IdxFormatError, TfkitError } from '../errors.js';
import { temporaryDir, writeIdxSplit } from '../test-support/idx-fixtures.js';
import {
  encodeIdx,
  gunzipIfNeeded,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  parseIdx,
  readIdxFile,
  readIdxPair,
} from './idx-format.js';

async function rejection(promise: Promise<unknown>): Promise<IdxFormatError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(IdxFormatError.isInstance(error)).toBe(true);
  return error as IdxFormatError;
}

function syncThrow(fn: () => unknown): IdxFormatError {
  try {
    fn();
  } catch (error) {
    expect(IdxFormatError.isInstance(error)).toBe(true);
    return error as IdxFormatError;
  }
  throw new Error('expected a throw');
}

describe('parseIdx', () => {
  it('reads the big-endian header and returns a view on the values', () => {
    const bytes = encodeIdx([2, 2, 3], Uint8Array.from([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]));
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 2]);
    const parsed = parseIdx(bytes, { expectMagic: IDX_IMAGES_MAGIC });
    expect(parsed.magic).toBe(0x803);
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('rejects a wrong magic number, naming the file', () => {
    const bytes = encodeIdx([3], Uint8Array.from([1, 2, 3]));
    bytes[2] = 0x0d; // float type
    const error = syncThrow(() => parseIdx(bytes, { file: 'weird.idx' }));
    expect(error.problem).toBe('magic');
    expect(error.file).toBe('weird.idx');
    expect(error.message).toMatch(/^\[@tfkit\/datasets\] weird\.idx: magic number 0x00000d01/);
    expect(TfkitError.isInstance(error)).toBe(true);
    expect(error.name).toBe('Tfkit_IdxFormatError');
  });

  it('rejects labels where images are expected (swapped files)', () => {
    const labels = encodeIdx([3], Uint8Array.from([1, 2, 3]));
    const error = syncThrow(() => parseIdx(labels, { expectMagic: IDX_IMAGES_MAGIC }));
    expect(error.problem).toBe('magic');
    expect(error.message).toContain('swapped');
  });

  it('rejects an HTML page saved under an IDX name', () => {
    const html = new TextEncoder().encode('<html><body>404</body></html>');
    expect(syncThrow(() => parseIdx(html)).problem).toBe('magic');
  });

  it('rejects fewer bytes than the header promises and more', () => {
    const bytes = encodeIdx([4], Uint8Array.from([1, 2, 3, 4]));
    const short = syncThrow(() => parseIdx(bytes.subarray(0, bytes.length - 1), { expectMagic: IDX_LABELS_MAGIC }));
    expect(short.problem).toBe('truncated');
    expect(short.message).toContain('promises 4 values');
    const long = new Uint8Array(bytes.length + 2);
    long.set(bytes);
    expect(syncThrow(() => parseIdx(long)).problem).toBe('trailing-bytes');
    expect(syncThrow(() => parseIdx(bytes.subarray(0, 6))).problem).toBe('truncated');
    expect(syncThrow(() => parseIdx(new Uint8Array(2))).problem).toBe('truncated');
  });
});

describe('gzip handling', () => {
  it('passes raw bytes through and inflates gzip', async () => {
    const raw = encodeIdx([2], Uint8Array.from([7, 9]));
    expect(await gunzipIfNeeded(raw)).toBe(raw);
    expect(Array.from(await gunzipIfNeeded(gzipSync(raw)))).toEqual(Array.from(raw));
  });

  it('reports a truncated gzip file as truncated-gzip', async () => {
    const dir = temporaryDir();
    const file = join(dir, 'train-labels-idx1-ubyte.gz');
    const gz = gzipSync(
      encodeIdx(
        [1000],
        new Uint8Array(1000).map((_, index) => (index * 31) % 10),
      ),
    );
    writeFileSync(file, gz.subarray(0, gz.length - 12));
    const error = await rejection(readIdxFile(file));
    expect(error.problem).toBe('truncated-gzip');
    expect(error.file).toBe(file);
    expect(error.message).toContain('download it again');
  });

  it('reports a damaged gzip stream as corrupt-gzip', async () => {
    const dir = temporaryDir();
    const file = join(dir, 'x.gz');
    const gz = gzipSync(encodeIdx([64], new Uint8Array(64).fill(3)));
    gz[gz.length - 6] = (gz[gz.length - 6]! + 1) % 256; // breaks the CRC
    writeFileSync(file, gz);
    expect((await rejection(readIdxFile(file))).problem).toBe('corrupt-gzip');
  });
});

describe('readIdxPair', () => {
  it('reads a gzip pair and an uncompressed pair', async () => {
    const dir = temporaryDir();
    const written = writeIdxSplit(dir, { labels: [3, 1, 4] });
    const pair = await readIdxPair(join(dir, 'train-images-idx3-ubyte.gz'), join(dir, 'train-labels-idx1-ubyte.gz'));
    expect(pair).toMatchObject({ count: 3, rows: 2, cols: 3 });
    expect(Array.from(pair.labels)).toEqual([3, 1, 4]);
    expect(Array.from(pair.images)).toEqual(Array.from(written.images));
    writeIdxSplit(dir, { prefix: 't10k', labels: [5], gzip: false });
    const raw = await readIdxPair(join(dir, 't10k-images-idx3-ubyte'), join(dir, 't10k-labels-idx1-ubyte'));
    expect(raw.count).toBe(1);
  });

  it('rejects images and labels of different counts', async () => {
    const dir = temporaryDir();
    writeIdxSplit(dir, { labels: [1, 2, 3] });
    writeIdxSplit(dir, { prefix: 't10k', labels: [1, 2] });
    const error = await rejection(
      readIdxPair(join(dir, 'train-images-idx3-ubyte.gz'), join(dir, 't10k-labels-idx1-ubyte.gz')),
    );
    expect(error.problem).toBe('count-mismatch');
    expect(error.message).toContain('2 labels but');
    expect(error.message).toContain('has 3 images');
  });
});
