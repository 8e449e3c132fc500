import * as tf from '@tensorflow/tfjs';
import {
  asWasmBackend,
  floatOffset,
  heapFloats,
  heapView,
  matMulByIds,
  registerSlice,
  releaseSlice,
  Scratch,
  tensorId,
  WasmKernelError,
} from './wasm-heap.js';

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
    throw new WasmKernelError({
      kernelName,
      message: `dataFormat "${dataFormat}" is not supported on wasm; use NHWC (the default).`,
    });
  }
}

function checkShape(kernelName: string, what: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((size, index) => size !== expected[index])) {
    throw new WasmKernelError({
      kernelName,
      message: `${what} has shape [${actual}] but [${expected}] was expected.`,
    });
  }
}

/**
 * Tuning of the convolution gradient kernels. Internal; tests shrink the blocks to cover the
 * multi-block paths on small shapes.
 */
export const convTuning = {
  /** Most floats of one im2col / column block (16 MiB); larger problems run in several blocks. */
  blockFloats: 1 << 22,
  /**
   * Most floats of dy per block of `Conv2DBackpropFilter` (1 MiB): XNNPACK packs that block as
   * weights and re-reads it for every row tile, which stays in cache at this size.
   */
  weightBlockFloats: 1 << 18,
  /**
   * Stride-1 `Conv2DBackpropFilter` with at least this many filter taps runs as one XNNPACK
   * convolution (see `backpropFilterByConvolution`) instead of im2col, which copies x once per tap.
   */
  minTapsForConvolution: 4,
  /**
   * Strided filter gradients become a dilated convolution from this many taps (the DCGAN's 4x4/2);
   * at 3x3/2 (MobileNet) im2col was as fast.
   */
  minTapsForStridedConvolution: 12,
  /** ... as long as XNNPACK's indirection buffer (filter taps x channels x output pixels pointers) stays this small. */
  maxIndirectionPointers: 1 << 22,
};

/**
 * `Conv2DBackpropFilter` for wasm: dW[a,b,i,o] = sum x[n, r*sh + a - top, c*sw + b - left, i] * dy[n, r, c, o].
 *
 * im2col + XNNPACK: the transposed patch matrix `A[(a,b,i), (n,r,c)]` is written on the heap, then
 * `dW = A x dy` runs as XNNPACK's fully connected operator with dy (`[N*Ho*Wo, Co]`, no copy) as its
 * weights. Large problems go in blocks of output pixels whose partial products are summed.
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
  const filterShape = [filterHeight, filterWidth, inChannels, outChannels];
  const scratch = new Scratch(backend);
  try {
    const patchSize = filterHeight * filterWidth * inChannels;
    const pixels = batchSize * outHeight * outWidth;
    if (pixels === 0 || patchSize * outChannels === 0) return scratch.release(scratch.zeros(filterShape));
    const strided = strideHeight > 1 || strideWidth > 1;
    if (
      filterHeight * filterWidth >= convTuning.minTapsForConvolution &&
      (!strided || filterHeight * filterWidth >= convTuning.minTapsForStridedConvolution) &&
      patchSize * outHeight * outWidth <= convTuning.maxIndirectionPointers
    ) {
      return scratch.release(backpropFilterByConvolution(scratch, x, dy, info));
    }
    const block = Math.max(
      1,
      Math.min(
        pixels,
        Math.floor(convTuning.blockFloats / patchSize),
        Math.floor(convTuning.weightBlockFloats / outChannels),
      ),
    );
    const patches = scratch.make([patchSize, block]);
    const out = scratch.make(filterShape);
    const partial = block < pixels ? scratch.make(filterShape) : out;
    const sums = block < pixels ? new Float64Array(patchSize * outChannels) : undefined;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    for (let first = 0; first < pixels; first += block) {
      const count = Math.min(block, pixels - first);
      const heap = heapFloats(backend);
      fillPatches(heap, floatOffset(backend, patches), floatOffset(backend, x), first, count, {
        inHeight,
        inWidth,
        inChannels,
        outHeight,
        outWidth,
        filterHeight,
        filterWidth,
        strideHeight,
        strideWidth,
        top,
        left,
      });
      const dySlice = registerSlice(backend, floatOffset(backend, dy) + first * outChannels, count * outChannels);
      try {
        matMulByIds(
          backend,
          tensorId(backend, patches),
          patchSize,
          count,
          dySlice,
          outChannels,
          tensorId(backend, partial),
        );
      } finally {
        releaseSlice(backend, dySlice);
      }
      if (sums) {
        const values = heapView(backend, partial);
        for (let i = 0; i < sums.length; i++) sums[i] = (sums[i] as number) + (values[i] as number);
      }
    }
    if (sums) heapView(backend, out).set(sums);
    return scratch.release(out);
  } finally {
    scratch.dispose();
  }
}

/**
 * `Conv2DBackpropFilter` as one convolution, with no im2col:
 * `dW[a,b,i,o] = Σ_{n,r,c} x[n, r·sh + a - top, c·sw + b - left, i] dy[n,r,c,o]` is the correlation of
 * `xᵀ = x[i, h, w, n]` (channels as the batch, the batch as input channels) with the filter
 * `dyᵀ = dy[r, c, n, o]` dilated by the stride, over xᵀ padded as the forward convolution was: its
 * output is `[Ci, fh, fw, Co]`. XNNPACK runs it as a GEMM with K = N·Ho·Wo on every thread, where
 * im2col would write x once per filter tap in JavaScript on the main thread. Stock `Transpose`,
 * `Slice` and `PadV2` calls (C++) bring x and dy into place and one `Transpose` brings the result
 * back to `[fh, fw, Ci, Co]`.
 */
function backpropFilterByConvolution(
  scratch: Scratch,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { top, left } = info.padInfo;
  const { inHeight, inWidth, filterHeight, filterWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  // The rows and columns of padded x that the filter taps reach; the rest of x is never read (a
  // stride that skips the last rows), and the rest of the padding is never needed.
  const spanHeight = filterHeight + (outHeight - 1) * strideHeight;
  const spanWidth = filterWidth + (outWidth - 1) * strideWidth;
  const rows = Math.min(inHeight, spanHeight - top);
  const columns = Math.min(inWidth, spanWidth - left);
  if (rows <= 0 || columns <= 0) return scratch.zeros([filterHeight, filterWidth, info.inChannels, info.outChannels]);
  let xT = scratch.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  if (rows < inHeight || columns < inWidth) {
    const cropped = scratch.run('Slice', { x: xT }, {
      begin: [0, 0, 0, 0],
      size: [info.inChannels, rows, columns, info.batchSize],
    } as unknown as tf.NamedAttrMap);
    scratch.free(xT);
    xT = cropped;
  }
  const bottom = spanHeight - top - rows;
  const right = spanWidth - left - columns;
  if (top + bottom + left + right > 0) {
    // Padded here, and the convolution run with 'valid' padding: the stock wasm Conv2D mishandles
    // explicit padding with non-square filters (see conv-padding-fix.ts), and dyᵀ is Ho x Wo.
    const padded = scratch.run('PadV2', { x: xT }, {
      paddings: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      constantValue: 0,
    } as unknown as tf.NamedAttrMap);
    scratch.free(xT);
    xT = padded;
  }
  const dyT = scratch.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const product = scratch.run('Conv2D', { x: xT, filter: dyT }, {
    strides: [1, 1],
    pad: 'valid',
    dataFormat: 'NHWC',
    dilations: [strideHeight, strideWidth],
  } as unknown as tf.NamedAttrMap);
  const expected = [info.inChannels, filterHeight, filterWidth, info.outChannels];
  if (product.shape.some((size, axis) => size !== expected[axis])) {
    throw new WasmKernelError({
      kernelName: 'Conv2DBackpropFilter',
      message: `inner convolution gave [${product.shape}], not [${expected}].`,
    });
  }
  scratch.free(xT);
  scratch.free(dyT);
  return scratch.run('Transpose', { x: product }, { perm: [1, 2, 0, 3] });
}

interface PatchGeometry {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  top: number;
  left: number;
}

/**
 * Writes `A[(a,b,i), p - first] = x[n, r*sh + a - top, c*sw + b - left, i]` (0 outside x) for the
 * output pixels `p = (n, r, c)` in `[first, first + count)`; row stride of A is `count`.
 */
function fillPatches(
  heap: Float32Array,
  patches: number,
  x: number,
  first: number,
  count: number,
  geometry: PatchGeometry,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = geometry;
  const { strideHeight, strideWidth, top, left } = geometry;
  const imagePixels = outHeight * outWidth;
  let row = patches;
  for (let a = 0; a < filterHeight; a++) {
    for (let b = 0; b < filterWidth; b++) {
      // Output columns c whose input column c*sw + b - left lies inside x.
      const columnStart = Math.min(outWidth, Math.max(0, Math.ceil((left - b) / strideWidth)));
      const columnEnd = Math.max(
        columnStart,
        Math.min(outWidth, Math.floor((inWidth - 1 + left - b) / strideWidth) + 1),
      );
      for (let channel = 0; channel < inChannels; channel++) {
        let n = Math.floor(first / imagePixels);
        let r = Math.floor((first % imagePixels) / outWidth);
        let c = first % outWidth;
        let written = 0;
        while (written < count) {
          const end = Math.min(outWidth, c + count - written);
          const target = row + written - c;
          const inputRow = r * strideHeight + a - top;
          if (inputRow < 0 || inputRow >= inHeight) {
            heap.fill(0, target + c, target + end);
          } else {
            const from = Math.max(c, columnStart);
            const to = Math.min(end, columnEnd);
            if (from >= to) {
              heap.fill(0, target + c, target + end);
            } else {
              if (from > c) heap.fill(0, target + c, target + from);
              const base = x + (n * inHeight + inputRow) * inWidth * inChannels + (b - left) * inChannels + channel;
              const step = strideWidth * inChannels;
              if (step === 1) {
                heap.copyWithin(target + from, base + from, base + to);
              } else {
                for (let column = from; column < to; column++) {
                  heap[target + column] = heap[base + column * step] as number;
                }
              }
              if (to < end) heap.fill(0, target + to, target + end);
            }
          }
          written += end - c;
          c = 0;
          r++;
          if (r === outHeight) {
            r = 0;
            n++;
          }
        }
        row += count;
      }
    }
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
    if (inChannels < 8) {
      // Few output channels waste XNNPACK's 8-wide convolution tiles: use GEMM + col2im instead.
      return scratch.release(backpropInputByColumns(scratch, dy, filter, info));
    }
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
        const source = floatOffset(backend, phase);
        const target = floatOffset(backend, dx);
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
        scratch.free(phase);
      }
    }
    return scratch.release(dx);
  } finally {
    scratch.dispose();
  }
}

/**
 * dx by GEMM + col2im: `columns[p, (a,b,i)] = sum_o dy[p, o] * W[a,b,i,o]` through XNNPACK (W^T as
 * packed weights, dy as input, no copy), then each column entry is added to its input pixel. Runs
 * in blocks of output pixels to bound the column buffer.
 */
function backpropInputByColumns(
  scratch: Scratch,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const backend = scratch.backend;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const patchSize = filterHeight * filterWidth * inChannels;
  const pixels = batchSize * outHeight * outWidth;
  const block = Math.max(1, Math.min(pixels, Math.floor(convTuning.blockFloats / patchSize)));
  const dx = scratch.zeros([batchSize, inHeight, inWidth, inChannels]);
  const weights = scratch.make([outChannels, patchSize]);
  const columns = scratch.make([block, patchSize]);
  {
    const source = heapView(backend, filter);
    const target = heapView(backend, weights);
    for (let k = 0; k < patchSize; k++) {
      for (let o = 0; o < outChannels; o++) target[o * patchSize + k] = source[k * outChannels + o] as number;
    }
  }
  const imagePixels = outHeight * outWidth;
  const rowLength = inWidth * inChannels;
  for (let first = 0; first < pixels; first += block) {
    const count = Math.min(block, pixels - first);
    const dySlice = registerSlice(backend, floatOffset(backend, dy) + first * outChannels, count * outChannels);
    try {
      matMulByIds(
        backend,
        dySlice,
        count,
        outChannels,
        tensorId(backend, weights),
        patchSize,
        tensorId(backend, columns),
      );
    } finally {
      releaseSlice(backend, dySlice);
    }
    const heap = heapFloats(backend);
    const dxStart = floatOffset(backend, dx);
    let column = floatOffset(backend, columns);
    for (let p = first; p < first + count; p++) {
      const n = Math.floor(p / imagePixels);
      const r = Math.floor((p % imagePixels) / outWidth);
      const c = p % outWidth;
      for (let a = 0; a < filterHeight; a++) {
        const inputRow = r * strideHeight + a - top;
        if (inputRow < 0 || inputRow >= inHeight) {
          column += filterWidth * inChannels;
          continue;
        }
        const rowStart = dxStart + (n * inHeight + inputRow) * rowLength;
        for (let b = 0; b < filterWidth; b++) {
          const inputColumn = c * strideWidth + b - left;
          if (inputColumn >= 0 && inputColumn < inWidth) {
            const target = rowStart + inputColumn * inChannels;
            for (let i = 0; i < inChannels; i++) {
              heap[target + i] = (heap[target + i] as number) + (heap[column + i] as number);
            }
          }
          column += inChannels;
        }
      }
    }
  }
  return dx;
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
    const from = floatOffset(scratch.backend, input);
    const to = floatOffset(scratch.backend, source);
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
