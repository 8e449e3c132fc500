import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, heapFloats, type WasmBackend } from './wasm-heap.js';

/**
 * The stock wasm forward convolutions whose `'same'` and numeric padding tfkit rewrites as explicit
 * padding.
 *
 * - `pad: 'same'` where TensorFlow's total padding along a dimension,
 *   `(out - 1) * stride + effectiveFilter - in`, is negative (the stride skips the last input rows
 *   or columns: a filter dimension of 1 at stride 2 on an even size, a 2-wide filter at stride 3 on
 *   width 6, ...): XNNPACK's TensorFlow-SAME mode computes that padding unsigned and the kernels
 *   return zeros or garbage.
 * - `pad: <number>` with a non-square filter or unequal strides (or a rounding mode that changes
 *   the size): tfjs sizes the output with the filter height and stride height for both dimensions,
 *   XNNPACK with the real width, and writes past the output buffer (heap corruption).
 *
 * Only those calls are rewritten; every other call goes straight to the stock kernel with its
 * original arguments (no copy, no extra work beyond the size arithmetic). Explicit padding goes
 * through XNNPACK's normal path; the output keeps the shape tfjs computes (the cpu backend's),
 * cropped from a larger XNNPACK output where the two disagree.
 */
export const paddingFixKernelNames = ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D'];

const wrappers = new WeakSet<tf.KernelFunc>();

function explicitPadding(kernelName: string, stock: tf.KernelFunc): tf.KernelFunc {
  const depthwise = kernelName.includes('Depthwise');
  const wrapper: tf.KernelFunc = (args) => {
    const attrs = args.attrs as
      | { pad?: unknown; strides?: unknown; dilations?: unknown; dimRoundingMode?: unknown }
      | undefined;
    if (attrs?.pad !== 'same' && typeof attrs?.pad !== 'number') return stock(args);
    const x = args.inputs.x as tf.TensorInfo;
    const filter = args.inputs.filter as tf.TensorInfo;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides as [number, number] | number,
      (attrs.dilations ?? 1) as [number, number] | number,
      attrs.pad as 'same' | number,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
      depthwise,
    );
    const { top, left } = info.padInfo;
    // Pads that make XNNPACK's output exactly tfjs's; negative ones mean "crop afterwards".
    const bottom = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight - info.inHeight - top;
    const right = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth - info.inWidth - left;
    if (stockIsCorrect(attrs.pad as 'same' | number, top, bottom, left, right)) return stock(args);
    const pad = [
      [0, 0],
      [top, Math.max(0, bottom)],
      [left, Math.max(0, right)],
      [0, 0],
    ];
    const result = stock({ ...args, attrs: { ...(args.attrs as tf.NamedAttrMap), pad } }) as tf.TensorInfo;
    if (bottom >= 0 && right >= 0) return result;
    return cropTopLeft(asWasmBackend(args.backend, kernelName), result, info.outShape as number[]);
  };
  wrappers.add(wrapper);
  return wrapper;
}

/**
 * Whether the stock kernel computes this call correctly: for `'same'`, when TensorFlow's total
 * padding (`top + bottom`, `left + right`) is non-negative along both dimensions; for a number `p`,
 * when the pads that give tfjs's output size are `p` on every side (then XNNPACK's output size is
 * tfjs's).
 */
function stockIsCorrect(pad: 'same' | number, top: number, bottom: number, left: number, right: number): boolean {
  if (pad === 'same') return top + bottom >= 0 && left + right >= 0;
  return top === pad && bottom === pad && left === pad && right === pad;
}

/** Copies the top-left `[N, h, w, C]` block of an NHWC tensor into a new one and frees the old one. */
function cropTopLeft(backend: WasmBackend, input: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  const [batchSize, height, width, channels] = shape as [number, number, number, number];
  const [, inHeight, inWidth] = input.shape as [number, number, number, number];
  const output = backend.makeOutput(shape, 'float32');
  const heap = heapFloats(backend);
  const from = (backend.dataIdMap.get(input.dataId)?.memoryOffset ?? 0) >>> 2;
  const to = (backend.dataIdMap.get(output.dataId)?.memoryOffset ?? 0) >>> 2;
  const length = width * channels;
  for (let n = 0; n < batchSize; n++) {
    for (let row = 0; row < height; row++) {
      const start = from + (n * inHeight + row) * inWidth * channels;
      heap.copyWithin(to + (n * height + row) * length, start, start + length);
    }
  }
  backend.disposeData(input.dataId);
  return output;
}

/**
 * Wraps the stock forward convolution kernels of wasm so that `'same'` and numeric padding run as
 * explicit padding (idempotent; keeps their setup and dispose functions).
 *
 * @returns the names of the kernels wrapped by this call
 */
export function registerPaddingFix(): string[] {
  const registered: string[] = [];
  for (const kernelName of paddingFixKernelNames) {
    const stock = tf.getKernel(kernelName, 'wasm');
    if (!stock || wrappers.has(stock.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...stock, kernelFunc: explicitPadding(kernelName, stock.kernelFunc) });
    registered.push(kernelName);
  }
  return registered;
}
