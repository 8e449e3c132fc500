import * as tf from '@tensorflow/tfjs';
import {
  asWasmBackend,
  floatOffset,
  heapFloats,
  heapView,
  multiplyByIds,
  registerSlice,
  releaseSlice,
  Scratch,
  sumRowsByIds,
  tensorId,
  WasmKernelError,
} from './wasm-heap.js';

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
    throw new WasmKernelError({
      kernelName,
      message: `dilations [${dilationHeight}, ${dilationWidth}] are not supported (tfjs gradients support only 1); use dilations 1.`,
    });
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
    throw new WasmKernelError({
      kernelName,
      message: `dy has shape [${dy.shape}] but [${expected}] was expected.`,
    });
  }
  return info;
}

/**
 * Tuning of the depthwise gradient kernels. Internal; tests and benchmarks switch algorithms.
 */
export const depthwiseTuning = {
  /**
   * `DepthwiseConv2dNativeBackpropFilter` with multiplier 1: `'products'` (C++ multiply + row sum
   * per filter tap), `'loop'` (a JavaScript loop over the heap), or `'auto'` (products for stride 1).
   */
  filterAlgorithm: 'auto' as 'auto' | 'products' | 'loop',
};

function useProducts(info: tf.backend_util.Conv2DInfo): boolean {
  if (depthwiseTuning.filterAlgorithm !== 'auto') return depthwiseTuning.filterAlgorithm === 'products';
  return info.strideHeight === 1 && info.strideWidth === 1;
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
 * Multiplier 1 at stride 1 (MobileNet): per filter tap one C++ multiply of shifted channel-major
 * grids and one C++ row sum (see `backpropFilterByProducts`). Otherwise a loop over the wasm heap
 * with float64 accumulators (faster at stride 2, where the grids would be mostly zeros).
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
  if (!attrs.filterShape) throw new WasmKernelError({ kernelName, message: 'attribute filterShape is missing.' });
  const info = depthwiseInfo(kernelName, x.shape as Shape4, attrs.filterShape, attrs, dy);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const scratch = new Scratch(backend);
  try {
    if (multiplier === 1 && batchSize * outHeight * outWidth > 0 && useProducts(info)) {
      return scratch.release(backpropFilterByProducts(scratch, x, dy, info));
    }
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
 * `DepthwiseConv2dNativeBackpropInput` for wasm. Channel multiplier 1 (MobileNet): XNNPACK's
 * depthwise convolution of the (zero-inserted) dy with the flipped filter. Other multipliers: a
 * loop over the wasm heap that scatters every dy pixel through the filter into dx.
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
  if (!attrs.inputShape) throw new WasmKernelError({ kernelName, message: 'attribute inputShape is missing.' });
  const info = depthwiseInfo(kernelName, attrs.inputShape, filter.shape as Shape4, attrs, dy);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const scratch = new Scratch(backend);
  try {
    if (multiplier === 1) {
      return scratch.release(backpropInputByConvolution(scratch, dy, filter, info));
    }
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
    return scratch.release(out);
  } finally {
    scratch.dispose();
  }
}

/**
 * dx for channel multiplier 1 as XNNPACK's depthwise convolution of dy (zero-inserted for strides
 * above 1, placed in a zero-padded buffer when the padding cannot be expressed) with the spatially
 * flipped filter.
 */
function backpropInputByConvolution(
  scratch: Scratch,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const backend = scratch.backend;
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const flipped = scratch.make([filterHeight, filterWidth, channels, 1]);
  {
    const source = heapView(backend, filter);
    const target = heapView(backend, flipped);
    for (let a = 0; a < filterHeight; a++) {
      for (let b = 0; b < filterWidth; b++) {
        const from = ((filterHeight - 1 - a) * filterWidth + (filterWidth - 1 - b)) * channels;
        target.set(source.subarray(from, from + channels), (a * filterWidth + b) * channels);
      }
    }
  }
  // dy pixel (r, c) lands on row padTop + r*sh, column padLeft + c*sw of the convolution's input.
  const padTop = filterHeight - 1 - info.padInfo.top;
  const padLeft = filterWidth - 1 - info.padInfo.left;
  const padBottom = inHeight + filterHeight - 1 - padTop - ((outHeight - 1) * strideHeight + 1);
  const padRight = inWidth + filterWidth - 1 - padLeft - ((outWidth - 1) * strideWidth + 1);
  let input = dy;
  let pad: number[][] = [
    [0, 0],
    [padTop, padBottom],
    [padLeft, padRight],
    [0, 0],
  ];
  if (strideHeight > 1 || strideWidth > 1 || Math.min(padTop, padBottom, padLeft, padRight) < 0) {
    const height = inHeight + filterHeight - 1;
    const width = inWidth + filterWidth - 1;
    input = scratch.zeros([batchSize, height, width, channels]);
    const heap = heapFloats(backend);
    const from = floatOffset(backend, dy);
    const to = floatOffset(backend, input);
    const [rowStart, rowEnd] = validRange(padTop, strideHeight, height, outHeight);
    const [columnStart, columnEnd] = validRange(padLeft, strideWidth, width, outWidth);
    for (let n = 0; n < batchSize; n++) {
      for (let r = rowStart; r < rowEnd; r++) {
        const targetRow = to + (n * height + padTop + r * strideHeight) * width * channels;
        const sourceRow = from + (n * outHeight + r) * outWidth * channels;
        if (strideWidth === 1) {
          const start = sourceRow + columnStart * channels;
          heap.copyWithin(targetRow + (padLeft + columnStart) * channels, start, sourceRow + columnEnd * channels);
        } else {
          for (let c = columnStart; c < columnEnd; c++) {
            const start = sourceRow + c * channels;
            heap.copyWithin(targetRow + (padLeft + c * strideWidth) * channels, start, start + channels);
          }
        }
      }
    }
    pad = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
  }
  const out = scratch.run(
    'DepthwiseConv2dNative',
    { x: input, filter: flipped },
    { strides: [1, 1], pad, dilations: [1, 1] },
  );
  const expected = [batchSize, inHeight, inWidth, channels];
  if (out.shape.some((size, index) => size !== expected[index])) {
    throw new WasmKernelError({
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      message: `inner convolution gave [${out.shape}], not [${expected}].`,
    });
  }
  return out;
}

/**
 * dW for channel multiplier 1 with the stock C++ multiply and row sums: x and dy are written
 * channel-major into zero-padded grids of one layout, x at (top + row, left + column) and dy at
 * (r*sh, c*sw). For filter tap (a, b) the factors of x[r*sh + a - top, c*sw + b - left] * dy[r, c]
 * are then a constant `a*width + b` apart, so one multiply of the shifted flat grids and one sum
 * per channel row give dW[a, b, :]. Products that cross into the next channel row meet the zero
 * margin of the dy grid.
 */
function backpropFilterByProducts(
  scratch: Scratch,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const backend = scratch.backend;
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const height = Math.max(inHeight + top, (outHeight - 1) * strideHeight + filterHeight);
  const width = Math.max(inWidth + left, (outWidth - 1) * strideWidth + filterWidth);
  const gridPixels = batchSize * height * width;
  const size = channels * gridPixels;
  const xGrid = scratch.zeros([channels, gridPixels]);
  const dyGrid = scratch.zeros([channels, gridPixels]);
  const products = scratch.make([channels, gridPixels]);
  const sums = scratch.make([channels]);
  const out = scratch.make([filterHeight, filterWidth, channels, 1]);
  {
    const heap = heapFloats(backend);
    const xFrom = floatOffset(backend, x);
    const xTo = floatOffset(backend, xGrid);
    let source = xFrom;
    for (let n = 0; n < batchSize; n++) {
      for (let r = 0; r < inHeight; r++) {
        let pixel = xTo + (n * height + r + top) * width + left;
        for (let column = 0; column < inWidth; column++) {
          for (let c = 0; c < channels; c++) heap[pixel + c * gridPixels] = heap[source + c] as number;
          source += channels;
          pixel++;
        }
      }
    }
    const dyTo = floatOffset(backend, dyGrid);
    source = floatOffset(backend, dy);
    for (let n = 0; n < batchSize; n++) {
      for (let r = 0; r < outHeight; r++) {
        let pixel = dyTo + (n * height + r * strideHeight) * width;
        for (let column = 0; column < outWidth; column++) {
          for (let c = 0; c < channels; c++) heap[pixel + c * gridPixels] = heap[source + c] as number;
          source += channels;
          pixel += strideWidth;
        }
      }
    }
  }
  const productsId = tensorId(backend, products);
  const sumsId = tensorId(backend, sums);
  for (let a = 0; a < filterHeight; a++) {
    for (let b = 0; b < filterWidth; b++) {
      const shift = a * width + b;
      const length = size - shift;
      const shifted = registerSlice(backend, floatOffset(backend, xGrid) + shift, length);
      try {
        multiplyByIds(backend, shifted, tensorId(backend, dyGrid), length, productsId);
      } finally {
        releaseSlice(backend, shifted);
      }
      const heap = heapFloats(backend);
      const productsStart = floatOffset(backend, products);
      heap.fill(0, productsStart + length, productsStart + size);
      sumRowsByIds(backend, productsId, gridPixels, sumsId);
      heapView(backend, out).set(heapView(backend, sums), (a * filterWidth + b) * channels);
    }
  }
  return out;
}
