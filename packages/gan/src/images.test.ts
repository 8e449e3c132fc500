import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeGrid, encodeNpy, gridPixels, saveNpy } from './images.js';

function images(n: number): Uint8Array {
  return Uint8Array.from({ length: n * 784 }, (_, index) => (index * 7) % 256);
}

describe('encodeNpy', () => {
  it('writes the header NumPy writes for uint8 [n, 28, 28]', () => {
    // Bytes of `np.save(f, np.zeros((3, 28, 28), np.uint8))` with NumPy 2.4, up to the data.
    const expected = `\x93NUMPY\x01\x00v\x00{'descr': '|u1', 'fortran_order': False, 'shape': (3, 28, 28), }${' '.repeat(53)}\n`;
    const bytes = encodeNpy(images(3));
    expect(bytes.length).toBe(128 + 3 * 784);
    expect(Array.from(bytes.subarray(0, 128))).toEqual(Array.from(expected, (char) => char.charCodeAt(0)));
    expect(bytes.subarray(128)).toEqual(images(3));
  });

  it('keeps the data aligned to 64 bytes for any count', () => {
    for (const n of [1, 9, 10, 99, 100, 1000, 123456]) {
      const header = encodeNpy(new Uint8Array(n * 784)).subarray(0, 200);
      const length = header[8]! + header[9]! * 256;
      expect((10 + length) % 64).toBe(0);
      expect(String.fromCharCode(...header.subarray(10, 10 + length))).toContain(`'shape': (${n}, 28, 28), }`);
      expect(header[10 + length - 1]).toBe(10);
    }
  });

  it('rejects data that is not whole images, and saves atomically', async () => {
    expect(() => encodeNpy(new Uint8Array(785))).toThrow(/n \* 784 bytes/);
    const directory = await mkdtemp(path.join(tmpdir(), 'tfkit-gan-npy-'));
    const file = path.join(directory, 'samples.npy');
    await saveNpy(file, images(2));
    expect(new Uint8Array(await readFile(file))).toEqual(encodeNpy(images(2)));
    await rm(directory, { recursive: true, force: true });
  });
});

describe('grids', () => {
  it('lays images out row by row with padding and nearest-neighbour scaling', () => {
    const two = new Uint8Array(2 * 784);
    two.fill(200, 0, 784);
    two.fill(100, 784);
    const { pixels, width, height } = gridPixels(two, { columns: 2, padding: 1, scale: 2, background: 7 });
    expect([width, height]).toEqual([2 * 56 + 3, 56 + 2]);
    expect(pixels[0]).toBe(7);
    expect(pixels[width + 1]).toBe(200);
    expect(pixels[width + 1 + 56 + 1]).toBe(100);
    expect(pixels[(height - 1) * width + 5]).toBe(7);
  });

  it('encodes a PNG that sharp reads back with the same pixels', async () => {
    const png = await encodeGrid(images(4), { columns: 2, scale: 1, padding: 0 });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const sharp = (await import('sharp')).default;
    expect((await sharp(png).metadata()).channels).toBe(1);
    const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([56, 56, 1]);
    expect(data[0]).toBe(images(4)[0]);
    expect(data[28]).toBe(images(4)[784]);
  });
});
