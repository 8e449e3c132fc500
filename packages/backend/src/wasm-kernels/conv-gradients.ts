import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, heapView, relabel, Scratch, type WasmBackend, WasmKernelError } from './wasm-heap.js';

type Shape4 = [number, number, number, number];

/** Attributes tfjs passes to `Conv2DBackpropFilter`. */
interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: Shape4;
}

/** Attributes tfjs passes to `Conv2DBackpropInput`. */
interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: Shape4;
}

function checkChannelsLast(kernelName: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new WasmKernelError(
      kernelName,
      `dataFormat "${dataFormat}" is not supported on wasm; use NHWC (the default).`,
    );
  }
}

function checkShape(kernelName: string, what: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((size, index) => size !== expected[index])) {
    throw new WasmKernelError(kernelName, `${what} has shape [${actual}] but [${expected}] was expected.`);
  }
}

/** The whole wasm heap as float32, for copies between tensors (indices are byte offsets / 4). */
function heapFloats(backend: WasmBackend): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer);
}

function offsetOf(backend: WasmBackend, info: tf.TensorInfo): number {
  const record = backend.dataIdMap.get(info.dataId);
  if (!record) throw new Error('[@tfkit/backend] tensor data is not on the wasm backend');
  return record.memoryOffset >>> 2;
}

/** Copies `[d0, d1, block]` into `[d1, d0, block]` (swap of the two outer axes). */
function swapOuterAxes(
  heap: Float32Array,
  source: number,
  target: number,
  d0: number,
  d1: number,
  block: number,
): void {
  if (block === 1) {
    for (let j = 0; j < d1; j++) {
      const out = target + j * d0;
      for (let i = 0; i < d0; i++) heap[out + i] = heap[source + i * d1 + j] as number;
    }
    return;
  }
  for (let j = 0; j < d1; j++) {
    for (let i = 0; i < d0; i++) {
      const from = source + (i * d1 + j) * block;
      heap.copyWithin(target + (j * d0 + i) * block, from, from + block);
    }
  }
}

/** Copies `[d0, d1, d2]` into `[d2, d1, d0]`. */
function reverseAxes(heap: Float32Array, source: number, target: number, d0: number, d1: number, d2: number): void {
  const outerStride = d1 * d0;
  for (let j = 0; j < d1; j++) {
    for (let i = 0; i < d0; i++) {
      const from = source + (i * d1 + j) * d2;
      let to = target + j * d0 + i;
      for (let k = 0; k < d2; k++) {
        heap[to] = heap[from + k] as number;
        to += outerStride;
      }
    }
  }
}

/**
 * `Conv2DBackpropFilter` for wasm: dW[a,b,i,o] = sum x[n, r*sh + a - top, c*sw + b - left, i] * dy[n, r, c, o].
 *
 * Computed as one XNNPACK convolution: the batch-transposed input `[Ci, H, W, N]` convolved with
 * the transposed gradient `[Ho, Wo, N, Co]` as a filter, at dilation = stride. The batch axis
 * becomes the channel axis of that convolution, so its inner products run over N * Ho * Wo.
 */
export function conv2dBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const kernelName = 'Conv2DBackpropFilter';
  const backend = asWasmBackend(args.backend, kernelName);
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  checkChannelsLast(kernelName, attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  checkShape(kernelName, 'dy', dy.shape, [batchSize, outHeight, outWidth, outChannels]);
  const scratch = new Scratch(backend);
  try {
    const filterSize = filterHeight * filterWidth * inChannels * outChannels;
    if (batchSize * outHeight * outWidth === 0 || filterSize === 0) {
      return scratch.release(scratch.zeros([...attrs.filterShape]));
    }
    const pixels = inHeight * inWidth;
    const outPixels = outHeight * outWidth;
    // xT: [N, H*W, Ci] -> [Ci, H*W, N]
    let xT: tf.TensorInfo;
    if (inChannels === 1 && batchSize === 1) {
      xT = relabel(x, [1, inHeight, inWidth, 1]);
    } else {
      xT = scratch.make([inChannels, inHeight, inWidth, batchSize]);
      const heap = heapFloats(backend);
      reverseAxes(heap, offsetOf(backend, x), offsetOf(backend, xT), batchSize, pixels, inChannels);
    }
    // dyT: [N, Ho*Wo, Co] -> [Ho*Wo, N, Co]
    let dyT: tf.TensorInfo;
    if (batchSize === 1) {
      dyT = relabel(dy, [outHeight, outWidth, 1, outChannels]);
    } else {
      dyT = scratch.make([outHeight, outWidth, batchSize, outChannels]);
      const heap = heapFloats(backend);
      swapOuterAxes(heap, offsetOf(backend, dy), offsetOf(backend, dyT), batchSize, outPixels, outChannels);
    }
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const spanHeight = (outHeight - 1) * strideHeight + 1;
    const spanWidth = (outWidth - 1) * strideWidth + 1;
    const bottom = Math.max(0, filterHeight - 1 + spanHeight - inHeight - top);
    const right = Math.max(0, filterWidth - 1 + spanWidth - inWidth - left);
    const convHeight = inHeight + top + bottom - spanHeight + 1;
    const convWidth = inWidth + left + right - spanWidth + 1;
    // [Ci, convHeight, convWidth, Co]
    const conv = scratch.run(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [strideHeight, strideWidth],
      },
    );
    checkShape(kernelName, 'the inner convolution', conv.shape, [inChannels, convHeight, convWidth, outChannels]);
    const filterShape = [filterHeight, filterWidth, inChannels, outChannels];
    if (inChannels === 1 && convHeight === filterHeight && convWidth === filterWidth) {
      return scratch.release(relabel(conv, filterShape));
    }
    const out = scratch.make(filterShape);
    const heap = heapFloats(backend);
    const source = offsetOf(backend, conv);
    const target = offsetOf(backend, out);
    // [Ci, convHeight, convWidth, Co] -> [fh, fw, Ci, Co], dropping rows/columns beyond the filter.
    for (let a = 0; a < filterHeight; a++) {
      for (let b = 0; b < filterWidth; b++) {
        for (let i = 0; i < inChannels; i++) {
          const from = source + ((i * convHeight + a) * convWidth + b) * outChannels;
          heap.copyWithin(target + ((a * filterWidth + b) * inChannels + i) * outChannels, from, from + outChannels);
        }
      }
    }
    return scratch.release(out);
  } finally {
    scratch.dispose();
  }
}

/**
 * `Conv2DBackpropInput` for wasm (also the forward pass of `conv2dTranspose`).
 *
 * Computed as a stride-1 XNNPACK convolution of dy with the spatially flipped filter whose in/out
 * channels are swapped. For stride 1 the convolution pads dy itself; for larger strides each of the
 * stride-height x stride-width output phases is its own small convolution with the filter taps of
 * that phase (no multiplications by inserted zeros), and the phases are interleaved into dx.
 */
export function conv2dBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const kernelName = 'Conv2DBackpropInput';
  const backend = asWasmBackend(args.backend, kernelName);
  const dy = args.inputs.dy as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  checkChannelsLast(kernelName, attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as Shape4,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  checkShape(kernelName, 'dy', dy.shape, [batchSize, outHeight, outWidth, outChannels]);
  const scratch = new Scratch(backend);
  try {
    const inputShape = [batchSize, inHeight, inWidth, inChannels];
    if (batchSize * outHeight * outWidth * outChannels === 0 || filterHeight * filterWidth === 0) {
      return scratch.release(scratch.zeros(inputShape));
    }
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    if (strideHeight === 1 && strideWidth === 1) {
      const flipped = flipFilter(scratch, filter, filterHeight, filterWidth, inChannels, outChannels, 1, 0, 1, 0);
      return scratch.release(
        paddedConvolution(
          scratch,
          dy,
          flipped,
          filterHeight,
          filterWidth,
          filterHeight - 1 - top,
          filterWidth - 1 - left,
          inputShape,
          kernelName,
        ),
      );
    }
    const dx = scratch.make(inputShape);
    // Output row y takes the filter rows a with (y + top - a) divisible by the stride. For a phase
    // py (the first row y0 in [0, stride) of a class), those rows are a = ay + k*stride where
    // ay = (y0 + top) mod stride, and dx[y0 + m*stride] = sum_k dy[m + (y0 + top - ay)/stride - k] * W[ay + k*stride].
    for (let y0 = 0; y0 < Math.min(strideHeight, inHeight); y0++) {
      const ay = (y0 + top) % strideHeight;
      const tapsHeight = Math.ceil((filterHeight - ay) / strideHeight);
      const phaseHeight = Math.ceil((inHeight - y0) / strideHeight);
      for (let x0 = 0; x0 < Math.min(strideWidth, inWidth); x0++) {
        const ax = (x0 + left) % strideWidth;
        const tapsWidth = Math.ceil((filterWidth - ax) / strideWidth);
        const phaseWidth = Math.ceil((inWidth - x0) / strideWidth);
        const phaseShape = [batchSize, phaseHeight, phaseWidth, inChannels];
        let phase: tf.TensorInfo;
        if (tapsHeight <= 0 || tapsWidth <= 0) {
          phase = scratch.zeros(phaseShape);
        } else {
          const flipped = flipFilter(
            scratch,
            filter,
            filterHeight,
            filterWidth,
            inChannels,
            outChannels,
            strideHeight,
            ay,
            strideWidth,
            ax,
          );
          // dy row index for m and flipped tap t (t = tapsHeight-1-k): m + shiftY - tapsHeight + 1 + t
          const shiftY = (y0 + top - ay) / strideHeight;
          const shiftX = (x0 + left - ax) / strideWidth;
          phase = paddedConvolution(
            scratch,
            dy,
            flipped,
            tapsHeight,
            tapsWidth,
            tapsHeight - 1 - shiftY,
            tapsWidth - 1 - shiftX,
            phaseShape,
            kernelName,
          );
        }
        // Interleave the phase into dx.
        const heap = heapFloats(backend);
        const source = offsetOf(backend, phase);
        const target = offsetOf(backend, dx);
        for (let n = 0; n < batchSize; n++) {
          for (let m = 0; m < phaseHeight; m++) {
            const row = n * inHeight + y0 + m * strideHeight;
            let from = source + (n * phaseHeight + m) * phaseWidth * inChannels;
            for (let l = 0; l < phaseWidth; l++) {
              const to = target + (row * inWidth + x0 + l * strideWidth) * inChannels;
              heap.copyWithin(to, from, from + inChannels);
              from += inChannels;
            }
          }
        }
        backendFree(scratch, phase);
      }
    }
    return scratch.release(dx);
  } finally {
    scratch.dispose();
  }
}

function backendFree(scratch: Scratch, info: tf.TensorInfo): void {
  scratch.release(info);
  scratch.backend.disposeData(info.dataId);
}

/**
 * Builds the filter of the transposed convolution: taps `a = startY + k*stepY` (and likewise for
 * columns) of `[fh, fw, Ci, Co]`, flipped, as `[kh, kw, Co, Ci]`.
 */
function flipFilter(
  scratch: Scratch,
  filter: tf.TensorInfo,
  filterHeight: number,
  filterWidth: number,
  inChannels: number,
  outChannels: number,
  stepY: number,
  startY: number,
  stepX: number,
  startX: number,
): tf.TensorInfo {
  const tapsHeight = Math.ceil((filterHeight - startY) / stepY);
  const tapsWidth = Math.ceil((filterWidth - startX) / stepX);
  const flipped = scratch.make([tapsHeight, tapsWidth, outChannels, inChannels]);
  const source = heapView(scratch.backend, filter);
  const target = heapView(scratch.backend, flipped);
  for (let t = 0; t < tapsHeight; t++) {
    const a = startY + (tapsHeight - 1 - t) * stepY;
    for (let u = 0; u < tapsWidth; u++) {
      const b = startX + (tapsWidth - 1 - u) * stepX;
      const from = (a * filterWidth + b) * inChannels * outChannels;
      const to = (t * tapsWidth + u) * outChannels * inChannels;
      for (let i = 0; i < inChannels; i++) {
        for (let o = 0; o < outChannels; o++) {
          target[to + o * inChannels + i] = source[from + i * outChannels + o] as number;
        }
      }
    }
  }
  return flipped;
}

/**
 * Stride-1 convolution of `input` `[N, h, w, C]` with `filter` `[kh, kw, C, Co]` whose output
 * `outputShape` `[N, H, W, Co]` starts `top`/`left` rows/columns before the input (negative values
 * crop). Pads the input explicitly (in XNNPACK) when possible and copies it otherwise.
 */
function paddedConvolution(
  scratch: Scratch,
  input: tf.TensorInfo,
  filter: tf.TensorInfo,
  kernelHeight: number,
  kernelWidth: number,
  top: number,
  left: number,
  outputShape: number[],
  kernelName: string,
): tf.TensorInfo {
  const [batchSize, inHeight, inWidth, channels] = input.shape as Shape4;
  const [, outHeight, outWidth, outChannels] = outputShape as Shape4;
  const bottom = outHeight + kernelHeight - 1 - inHeight - top;
  const right = outWidth + kernelWidth - 1 - inWidth - left;
  let source = input;
  let pads = [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    // Copy the part of the input that the output sees into a zero-padded buffer.
    const paddedHeight = outHeight + kernelHeight - 1;
    const paddedWidth = outWidth + kernelWidth - 1;
    source = scratch.zeros([batchSize, paddedHeight, paddedWidth, channels]);
    const heap = heapFloats(scratch.backend);
    const from = offsetOf(scratch.backend, input);
    const to = offsetOf(scratch.backend, source);
    const rowStart = Math.max(0, -top);
    const rowEnd = Math.min(inHeight, paddedHeight - top);
    const columnStart = Math.max(0, -left);
    const columnEnd = Math.min(inWidth, paddedWidth - left);
    if (columnEnd > columnStart) {
      const length = (columnEnd - columnStart) * channels;
      for (let n = 0; n < batchSize; n++) {
        for (let r = rowStart; r < rowEnd; r++) {
          const start = from + ((n * inHeight + r) * inWidth + columnStart) * channels;
          heap.copyWithin(
            to + ((n * paddedHeight + r + top) * paddedWidth + columnStart + left) * channels,
            start,
            start + length,
          );
        }
      }
    }
    pads = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
  }
  const out = scratch.run(
    'Conv2D',
    { x: source, filter },
    { strides: [1, 1], pad: pads, dataFormat: 'NHWC', dilations: [1, 1] },
  );
  checkShape(kernelName, 'the inner convolution', out.shape, [batchSize, outHeight, outWidth, outChannels]);
  return out;
}
