import * as tf from '@tensorflow/tfjs';
import { floatView, type KernelArguments, mathBackend } from './wasm-heap.js';

/**
 * `MaxPoolGrad` for wasm. Routes each output gradient to the first maximum of its window in
 * row-major order (padding excluded), exactly like the cpu backend. The stock wasm kernel picks
 * the wrong element when a window's maximum is negative.
 */
export function makeMaxPoolGrad(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArguments) => {
    const backend = mathBackend(args.backend);
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    if (!backend || input.dtype !== 'float32' || dy.dtype !== 'float32') {
      if (stock) return stock(args);
      throw new Error('[@tfkit/backend] MaxPoolGrad on wasm supports float32 only.');
    }
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const dx = backend.makeOutput(input.shape, 'float32');
    const x = floatView(backend, input);
    const gradient = floatView(backend, dy);
    const result = floatView(backend, dx);
    result.fill(0);

    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const { strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
    const padTop = info.padInfo.top;
    const padLeft = info.padInfo.left;
    const best = new Float32Array(channels);
    const where = new Int32Array(channels);
    const rowStride = inWidth * channels;
    for (let b = 0; b < batchSize; b++) {
      const batchOffset = b * inHeight * rowStride;
      for (let yR = 0; yR < outHeight; yR++) {
        const rowCorner = yR * strideHeight - padTop;
        const rowStart = Math.max(0, rowCorner);
        const rowEnd = Math.min(inHeight, rowCorner + effectiveFilterHeight);
        for (let yC = 0; yC < outWidth; yC++) {
          const columnCorner = yC * strideWidth - padLeft;
          const columnStart = Math.max(0, columnCorner);
          const columnEnd = Math.min(inWidth, columnCorner + effectiveFilterWidth);
          best.fill(Number.NEGATIVE_INFINITY);
          where.fill(-1);
          for (let xR = rowStart; xR < rowEnd; xR++) {
            for (let xC = columnStart; xC < columnEnd; xC++) {
              const offset = batchOffset + xR * rowStride + xC * channels;
              for (let d = 0; d < channels; d++) {
                const value = x[offset + d] as number;
                // Strictly greater: the first maximum in row-major window order wins, as on cpu.
                if (value > (best[d] as number)) {
                  best[d] = value;
                  where[d] = offset + d;
                }
              }
            }
          }
          const dyOffset = ((b * outHeight + yR) * outWidth + yC) * channels;
          for (let d = 0; d < channels; d++) {
            const target = where[d] as number;
            if (target >= 0) result[target] = (result[target] as number) + (gradient[dyOffset + d] as number);
          }
        }
      }
    }
    return dx;
  };
}
