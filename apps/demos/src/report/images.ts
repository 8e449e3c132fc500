import { deflateSync } from 'node:zlib';
import * as gifencModule from 'gifenc';

/** A raw image: `channels` interleaved 8-bit samples per pixel, row-major. */
export interface RawImage {
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.write(type, 4, 'ascii');
  out.set(payload, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + payload.length)), 8 + payload.length);
  return out;
}

function checkImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(`image data has ${data.length} bytes, expected ${width}x${height}x${channels}`);
  }
}

/** Encodes a raw 8-bit image as PNG (no filtering, zlib level 9). */
export function encodePng(image: RawImage): Buffer {
  checkImage(image);
  const { width, height, channels, data } = image;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const stride = width * channels;
  const scanlines = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    scanlines.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** gifenc is CommonJS for Node (namespace has only `default`) and ESM for bundlers (named exports). */
function gifenc(): typeof gifencModule.default {
  const namespace = gifencModule as unknown as { quantize?: unknown; default: typeof gifencModule.default };
  return typeof namespace.quantize === 'function'
    ? (namespace as unknown as typeof gifencModule.default)
    : namespace.default;
}

/** `data:` URI of bytes with a MIME type. */
export function dataUri(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

function toRgba(image: RawImage): Uint8Array {
  const { width, height, channels, data } = image;
  if (channels === 4) return data;
  const rgba = new Uint8Array(width * height * 4);
  for (let pixel = 0, source = 0; pixel < width * height; pixel++, source += channels) {
    rgba[pixel * 4] = data[source]!;
    rgba[pixel * 4 + 1] = data[channels === 1 ? source : source + 1]!;
    rgba[pixel * 4 + 2] = data[channels === 1 ? source : source + 2]!;
    rgba[pixel * 4 + 3] = 255;
  }
  return rgba;
}

/** Box-filter downscale by an integer factor. */
export function downscale(image: RawImage, factor: number): RawImage {
  if (factor <= 1) return image;
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const { channels } = image;
  const data = new Uint8Array(width * height * channels);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = (y * factor + dy) * image.width;
          for (let dx = 0; dx < factor; dx++) sum += image.data[(row + x * factor + dx) * channels + c]!;
        }
        data[(y * width + x) * channels + c] = Math.round(sum / area);
      }
    }
  }
  return { width, height, channels, data };
}

/** Options of {@link encodeGif}. */
export interface GifOptions {
  /** Delay of each frame in milliseconds. @defaultValue 40 */
  delayMs?: number;
  /** Number of loops, 0 forever. @defaultValue 0 */
  repeat?: number;
}

/**
 * Encodes frames as an animated GIF with one palette quantised from a sample of the frames
 * (CartPole frames have a handful of flat colours, so one palette fits all).
 */
export function encodeGif(frames: readonly RawImage[], options: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new RangeError('encodeGif needs at least one frame');
  const first = frames[0]!;
  for (const frame of frames) {
    checkImage(frame);
    if (frame.width !== first.width || frame.height !== first.height) {
      throw new RangeError('all GIF frames must have the same size');
    }
  }
  const { GIFEncoder, quantize, applyPalette } = gifenc();
  const sampleCount = Math.min(frames.length, 8);
  const samples = Array.from({ length: sampleCount }, (_, index) =>
    toRgba(frames[Math.floor((index * frames.length) / sampleCount)]!),
  );
  const joined = new Uint8Array(samples.reduce((total, sample) => total + sample.length, 0));
  let offset = 0;
  for (const sample of samples) {
    joined.set(sample, offset);
    offset += sample.length;
  }
  const palette = quantize(joined, 256);
  const gif = GIFEncoder();
  for (const [index, frame] of frames.entries()) {
    const indexed = applyPalette(toRgba(frame), palette);
    gif.writeFrame(indexed, first.width, first.height, {
      palette: index === 0 ? palette : undefined,
      delay: options.delayMs ?? 40,
      repeat: options.repeat ?? 0,
    });
  }
  gif.finish();
  return gif.bytes();
}

/**
 * Tiles greyscale 8-bit images (each `rows x cols`) into one grid image, with a 2-pixel border,
 * scaled up by an integer factor.
 */
export function imageGrid(
  images: Uint8Array,
  count: number,
  options: { rows: number; cols: number; columns?: number; scale?: number; padding?: number },
): RawImage {
  const perImage = options.rows * options.cols;
  if (images.length < count * perImage) {
    throw new RangeError(`imageGrid: ${images.length} bytes is less than ${count} images of ${perImage}`);
  }
  const gridColumns = options.columns ?? Math.ceil(Math.sqrt(count));
  const gridRows = Math.ceil(count / gridColumns);
  const scale = options.scale ?? 1;
  const padding = options.padding ?? 2;
  const cellWidth = options.cols * scale + padding;
  const cellHeight = options.rows * scale + padding;
  const width = gridColumns * cellWidth + padding;
  const height = gridRows * cellHeight + padding;
  const data = new Uint8Array(width * height).fill(40);
  for (let image = 0; image < count; image++) {
    const originX = padding + (image % gridColumns) * cellWidth;
    const originY = padding + Math.floor(image / gridColumns) * cellHeight;
    for (let y = 0; y < options.rows * scale; y++) {
      for (let x = 0; x < options.cols * scale; x++) {
        const value = images[image * perImage + Math.floor(y / scale) * options.cols + Math.floor(x / scale)]!;
        data[(originY + y) * width + originX + x] = value;
      }
    }
  }
  return { width, height, channels: 1, data };
}
