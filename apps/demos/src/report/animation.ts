import { downscale, encodeGif, type RawImage } from './images.js';

/** Options of {@link framesToGif}. */
export interface AnimationOptions {
  /** Frames per second the environment renders at. @defaultValue 50 */
  fps?: number;
  /** Keep at most this many frames (evenly skipping). @defaultValue 250 */
  maxFrames?: number;
  /** Integer downscale factor. @defaultValue 1 */
  scale?: number;
}

/** Encodes RGB environment frames as an animated GIF playing at the environment's speed. */
export function framesToGif(
  frames: ReadonlyArray<{ data: Uint8Array; width: number; height: number }>,
  options: AnimationOptions = {},
): Uint8Array {
  const fps = options.fps ?? 50;
  const maxFrames = options.maxFrames ?? 250;
  const stride = Math.max(1, Math.ceil(frames.length / maxFrames));
  const kept: RawImage[] = [];
  for (let index = 0; index < frames.length; index += stride) {
    const frame = frames[index]!;
    kept.push(
      downscale({ width: frame.width, height: frame.height, channels: 3, data: frame.data }, options.scale ?? 1),
    );
  }
  // GIF delays are in centiseconds; browsers slow down anything under 2 cs.
  const delayMs = Math.max(20, Math.round(((1000 / fps) * stride) / 10) * 10);
  return encodeGif(kept, { delayMs });
}
