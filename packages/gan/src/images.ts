import { writeFileAtomic } from '@tfkit/core/node';
import { GanDataError, GanEncoderError } from './errors.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** Options of {@link encodeGrid}. */
export interface GridOptions {
  /** Images per row. @defaultValue `ceil(sqrt(n))` */
  columns?: number;
  /** Pixels between images. @defaultValue `2` */
  padding?: number;
  /** Gray level of the padding (0..255). @defaultValue `64` */
  background?: number;
  /** Nearest-neighbour upscaling factor. @defaultValue `2` */
  scale?: number;
}

function imageCount(images: Uint8Array): number {
  if (images.length === 0 || images.length % PIXELS !== 0) {
    throw new GanDataError({ message: `expected n * 784 bytes of 28x28 images, got ${images.length}.` });
  }
  return images.length / PIXELS;
}

/**
 * Lays 28x28 grayscale images out on a grid (raw 8-bit gray pixels).
 *
 * @param images - `n * 784` bytes, image after image
 * @param options - layout
 * @returns the pixels and the grid's width and height
 * @throws {@link GanDataError} when the byte count is not a multiple of 784
 */
export function gridPixels(
  images: Uint8Array,
  options: GridOptions = {},
): { pixels: Uint8Array; width: number; height: number } {
  const n = imageCount(images);
  const columns = Math.max(1, Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / columns);
  const padding = options.padding ?? 2;
  const scale = Math.max(1, Math.floor(options.scale ?? 2));
  const cell = SIDE * scale;
  const width = columns * cell + (columns + 1) * padding;
  const height = rows * cell + (rows + 1) * padding;
  const pixels = new Uint8Array(width * height).fill(options.background ?? 64);
  for (let image = 0; image < n; image++) {
    const left = padding + (image % columns) * (cell + padding);
    const top = padding + Math.floor(image / columns) * (cell + padding);
    for (let y = 0; y < cell; y++) {
      const source = image * PIXELS + Math.floor(y / scale) * SIDE;
      const target = (top + y) * width + left;
      for (let x = 0; x < cell; x++) pixels[target + x] = images[source + Math.floor(x / scale)]!;
    }
  }
  return { pixels, width, height };
}

/**
 * Encodes images as one PNG grid (grayscale) with sharp, imported only here.
 *
 * @param images - `n * 784` bytes (0..255), as {@link Gan.sample} returns
 * @param options - layout
 * @returns the PNG file's bytes
 * @throws {@link GanDataError} for a bad byte count, {@link GanEncoderError} when sharp cannot be loaded
 * @example
 * ```ts
 * await writeFile('grid.png', await encodeGrid(gan.sample(100, { seed: 1 }), { columns: 10 }));
 * ```
 */
export async function encodeGrid(images: Uint8Array, options: GridOptions = {}): Promise<Buffer> {
  const { pixels, width, height } = gridPixels(images, options);
  let sharp: typeof import('sharp').default;
  try {
    sharp = (await import('sharp')).default;
  } catch (error) {
    throw new GanEncoderError({
      message: 'sharp could not be loaded to encode PNG; install sharp >= 0.35 (`npm i sharp`).',
      cause: error,
    });
  }
  return sharp(pixels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/**
 * Encodes images as a NumPy `.npy` file (format 1.0, `|u1`, C order, shape `[n, 28, 28]`), with
 * the header NumPy itself writes (including its growth padding), aligned to 64 bytes.
 *
 * @param images - `n * 784` bytes
 * @returns the file's bytes
 * @throws {@link GanDataError} for a bad byte count
 */
export function encodeNpy(images: Uint8Array): Uint8Array {
  const n = imageCount(images);
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${n}, ${SIDE}, ${SIDE}), }`;
  header += ' '.repeat(21 - String(n).length);
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat(64 - (unpadded % 64))}\n`;
  const out = new Uint8Array(10 + header.length + images.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let index = 0; index < header.length; index++) out[10 + index] = header.charCodeAt(index);
  out.set(images, 10 + header.length);
  return out;
}

/**
 * Writes images to a NumPy `.npy` file atomically (see {@link encodeNpy}), for
 * `numpy.load(path)` to give a `uint8` array of shape `(n, 28, 28)`.
 *
 * @param file - destination path
 * @param images - `n * 784` bytes, as {@link Gan.sample} returns
 * @throws {@link GanDataError} for a bad byte count, `FileWriteError` when it cannot be written
 * @example
 * ```ts
 * await saveNpy('samples.npy', gan.sample(64, { seed: 2 }));
 * ```
 */
export async function saveNpy(file: string, images: Uint8Array): Promise<void> {
  await writeFileAtomic(file, encodeNpy(images));
}

/**
 * Writes a PNG grid of images atomically (see {@link encodeGrid}).
 *
 * @param file - destination path
 * @param images - `n * 784` bytes
 * @param options - layout
 * @throws as {@link encodeGrid}, or `FileWriteError` when it cannot be written
 */
export async function saveGrid(file: string, images: Uint8Array, options: GridOptions = {}): Promise<void> {
  await writeFileAtomic(file, await encodeGrid(images, options));
}
