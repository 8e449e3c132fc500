import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, heapFloats, type WasmBackend } from './wasm-heap.js';

/**
 * The stock wasm forward convolutions whose `'same'` and numeric padding tfkit rewrites as explicit
 * padding.
 *
 * - `pad: 'same'` with a filter dimension of 1 and a stride above 1 along it (for example a [3, 1]
 *   filter at stride [1, 2]): XNNPACK's TensorFlow-SAME mode fails in tfjs 4.22's wasm backend and
 *   the kernels return zeros or garbage.
 * - `pad: <number>` with a non-square filter: tfjs sizes the output with the filter height for both
 *   dimensions, XNNPACK with the real width, and writes past the output buffer (heap corruption).
 *
 * Explicit padding goes through XNNPACK's normal path; the output keeps the shape tfjs computes
 * (the cpu backend's), cropped from a larger XNNPACK output where the two disagree.
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
