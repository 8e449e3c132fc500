import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, heapView, Scratch, WasmKernelError } from './wasm-heap.js';

type Shape4 = [number, number, number, number];

/** Attributes tfjs passes to both depthwise gradient kernels. */
interface DepthwiseAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** `DepthwiseConv2dNativeBackpropFilter` only. */
  filterShape?: Shape4;
  /** `DepthwiseConv2dNativeBackpropInput` only. */
  inputShape?: Shape4;
}

function depthwiseInfo(
  kernelName: string,
  inputShape: Shape4,
  filterShape: Shape4,
  attrs: DepthwiseAttrs,
  dy: tf.TensorInfo,
): tf.backend_util.Conv2DInfo {
  const dilations = attrs.dilations ?? 1;
  const [dilationHeight, dilationWidth] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (dilationHeight !== 1 || dilationWidth !== 1) {
    throw new WasmKernelError(
      kernelName,
      `dilations [${dilationHeight}, ${dilationWidth}] are not supported (tfjs gradients support only 1); use dilations 1.`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    'channelsLast',
  );
  const expected = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.length !== 4 || dy.shape.some((size, index) => size !== expected[index])) {
    throw new WasmKernelError(kernelName, `dy has shape [${dy.shape}] but [${expected}] was expected.`);
  }
  return info;
}

/** First output index r with r*stride + offset >= 0, and one past the last with r*stride + offset < size. */
function validRange(offset: number, stride: number, size: number, count: number): [number, number] {
  const start = Math.max(0, Math.ceil(-offset / stride));
  const end = Math.min(count, Math.floor((size - 1 - offset) / stride) + 1);
  return [start, Math.max(start, end)];
}

/**
 * `DepthwiseConv2dNativeBackpropFilter` for wasm: dW[a,b,c,m] = sum x[n, r*sh + a - top, s*sw + b - left, c] * dy[n, r, s, c*M + m].
 *
 * A loop over the wasm heap with float64 accumulators: depthwise filters are tiny and the work
 * equals one forward pass.
 */
export function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const kernelName = 'DepthwiseConv2dNativeBackpropFilter';
  const backend = asWasmBackend(args.backend, kernelName);
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const attrs = args.attrs as unknown as DepthwiseAttrs;
  if (!attrs.filterShape) throw new WasmKernelError(kernelName, 'attribute filterShape is missing.');
  const info = depthwiseInfo(kernelName, x.shape as Shape4, attrs.filterShape, attrs, dy);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const scratch = new Scratch(backend);
  try {
    const out = scratch.make([filterHeight, filterWidth, inChannels, multiplier]);
    const sums = new Float64Array(filterHeight * filterWidth * outChannels);
    const xs = heapView(backend, x);
    const dys = heapView(backend, dy);
    for (let a = 0; a < filterHeight; a++) {
      const [rowStart, rowEnd] = validRange(a - top, strideHeight, inHeight, outHeight);
      for (let b = 0; b < filterWidth; b++) {
        const [columnStart, columnEnd] = validRange(b - left, strideWidth, inWidth, outWidth);
        const sum = (a * filterWidth + b) * outChannels;
        for (let n = 0; n < batchSize; n++) {
          for (let r = rowStart; r < rowEnd; r++) {
            const xRow = (n * inHeight + r * strideHeight + a - top) * inWidth;
            const dyRow = (n * outHeight + r) * outWidth;
            for (let s = columnStart; s < columnEnd; s++) {
              const xOffset = (xRow + s * strideWidth + b - left) * inChannels;
              const dyOffset = (dyRow + s) * outChannels;
              if (multiplier === 1) {
                for (let c = 0; c < inChannels; c++) {
                  const index = sum + c;
                  sums[index] = (sums[index] as number) + (xs[xOffset + c] as number) * (dys[dyOffset + c] as number);
                }
              } else {
                for (let c = 0; c < inChannels; c++) {
                  const value = xs[xOffset + c] as number;
                  const base = c * multiplier;
                  for (let m = 0; m < multiplier; m++) {
                    const index = sum + base + m;
                    sums[index] = (sums[index] as number) + value * (dys[dyOffset + base + m] as number);
                  }
                }
              }
            }
          }
        }
      }
    }
    heapView(backend, out).set(sums);
    return scratch.release(out);
  } finally {
    scratch.dispose();
  }
}

/**
 * `DepthwiseConv2dNativeBackpropInput` for wasm: scatters every dy pixel through the filter into dx
 * (a loop over the wasm heap; the work equals one forward pass).
 */
export function depthwiseConv2dNativeBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const kernelName = 'DepthwiseConv2dNativeBackpropInput';
  const backend = asWasmBackend(args.backend, kernelName);
  const dy = args.inputs.dy as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const attrs = args.attrs as unknown as DepthwiseAttrs;
  if (!attrs.inputShape) throw new WasmKernelError(kernelName, 'attribute inputShape is missing.');
  const info = depthwiseInfo(kernelName, attrs.inputShape, filter.shape as Shape4, attrs, dy);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const scratch = new Scratch(backend);
  try {
    const out = scratch.zeros([batchSize, inHeight, inWidth, inChannels]);
    const dxs = heapView(backend, out);
    const dys = heapView(backend, dy);
    const weights = heapView(backend, filter);
    for (let a = 0; a < filterHeight; a++) {
      const [rowStart, rowEnd] = validRange(a - top, strideHeight, inHeight, outHeight);
      for (let b = 0; b < filterWidth; b++) {
        const [columnStart, columnEnd] = validRange(b - left, strideWidth, inWidth, outWidth);
        const weight = (a * filterWidth + b) * outChannels;
        for (let n = 0; n < batchSize; n++) {
          for (let r = rowStart; r < rowEnd; r++) {
            const dxRow = (n * inHeight + r * strideHeight + a - top) * inWidth;
            const dyRow = (n * outHeight + r) * outWidth;
            for (let s = columnStart; s < columnEnd; s++) {
              const dxOffset = (dxRow + s * strideWidth + b - left) * inChannels;
              const dyOffset = (dyRow + s) * outChannels;
              if (multiplier === 1) {
                for (let c = 0; c < inChannels; c++) {
                  const index = dxOffset + c;
                  dxs[index] = (dxs[index] as number) + (dys[dyOffset + c] as number) * (weights[weight + c] as number);
                }
              } else {
                for (let c = 0; c < inChannels; c++) {
                  const base = c * multiplier;
                  let sum = 0;
                  for (let m = 0; m < multiplier; m++) {
                    sum += (dys[dyOffset + base + m] as number) * (weights[weight + base + m] as number);
                  }
                  dxs[dxOffset + c] = (dxs[dxOffset + c] as number) + sum;
                }
              }
            }
          }
        }
      }
    }
    return scratch.release(out);
  } finally {
    scratch.dispose();
  }
}
