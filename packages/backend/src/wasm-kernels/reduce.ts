import * as tf from '@tensorflow/tfjs';
import { floatView, type KernelArguments, mathBackend } from './wasm-heap.js';

/** Below this many elements the stock kernels are as fast and are used as they are. */
const minimumSize = 4096;

/**
 * Sizes of alternating kept/reduced runs of adjacent axes (size-1 axes dropped), outermost first.
 * Example: shape [64, 28, 28, 8] reduced over [0, 1, 2] gives `[{ size: 50176, reduced: true }, { size: 8, reduced: false }]`.
 */
function runs(shape: number[], axes: number[]): Array<{ size: number; reduced: boolean }> {
  const result: Array<{ size: number; reduced: boolean }> = [];
  shape.forEach((size, axis) => {
    if (size === 1) return;
    const reduced = axes.includes(axis);
    const last = result[result.length - 1];
    if (last && last.reduced === reduced) last.size *= size;
    else result.push({ size, reduced });
  });
  return result;
}

/**
 * `Sum` and `Mean` for wasm over float32. The stock kernels transpose the input so that the
 * reduced axes come last (slow for large inputs); this one walks the input once in memory order,
 * adding whole rows of the kept innermost axes into a float64 accumulator.
 */
export function makeReduce(kind: 'Sum' | 'Mean', stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArguments) => {
    const backend = mathBackend(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const fallback = () => {
      if (stock) return stock(args);
      throw new Error(`[@tfkit/backend] ${kind} on wasm: no stock kernel to fall back to.`);
    };
    if (!backend || x.dtype !== 'float32') return fallback();
    const size = tf.util.sizeFromShape(x.shape);
    if (size < minimumSize) return fallback();
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const groups = runs(x.shape, axes);
    const last = groups[groups.length - 1];
    // Reduced axes already innermost (or nothing to reduce): the stock kernel needs no transpose.
    const reducedGroups = groups.filter((group) => group.reduced).length;
    if (!last || reducedGroups === 0 || (reducedGroups === 1 && last.reduced)) return fallback();

    const outShape = keepDims
      ? x.shape.map((dimension, index) => (axes.includes(index) ? 1 : dimension))
      : x.shape.filter((_, index) => !axes.includes(index));
    const outSize = tf.util.sizeFromShape(outShape);
    let reduceSize = 1;
    for (const index of axes) reduceSize *= x.shape[index] ?? 1;

    const out = backend.makeOutput(outShape, 'float32');
    const input = floatView(backend, x);
    const output = floatView(backend, out);
    const accumulator = new Float64Array(outSize);

    const count = groups.length;
    const inputStrides = new Array<number>(count).fill(1);
    const outputStrides = new Array<number>(count).fill(0);
    let inputStride = 1;
    let outputStride = 1;
    for (let index = count - 1; index >= 0; index--) {
      const group = groups[index] as { size: number; reduced: boolean };
      inputStrides[index] = inputStride;
      outputStrides[index] = group.reduced ? 0 : outputStride;
      inputStride *= group.size;
      if (!group.reduced) outputStride *= group.size;
    }
    const innerSize = last.size;
    /** Adds `rowCount` rows of `innerSize` inputs (stride `innerSize`) into the accumulator, eight rows at a time. */
    const addRows = (inputOffset: number, outputOffset: number, rowCount: number): void => {
      let row = 0;
      const width = innerSize;
      for (; row + 8 <= rowCount; row += 8) {
        const base = inputOffset + row * width;
        for (let i = 0; i < width; i++) {
          const at = base + i;
          const partial =
            (input[at] as number) +
            (input[at + width] as number) +
            ((input[at + 2 * width] as number) + (input[at + 3 * width] as number)) +
            ((input[at + 4 * width] as number) +
              (input[at + 5 * width] as number) +
              ((input[at + 6 * width] as number) + (input[at + 7 * width] as number)));
          accumulator[outputOffset + i] = (accumulator[outputOffset + i] as number) + partial;
        }
      }
      for (; row < rowCount; row++) {
        const base = inputOffset + row * width;
        for (let i = 0; i < width; i++) {
          accumulator[outputOffset + i] = (accumulator[outputOffset + i] as number) + (input[base + i] as number);
        }
      }
    };
    const walk = (level: number, inputOffset: number, outputOffset: number): void => {
      const group = groups[level] as { size: number; reduced: boolean };
      if (level === count - 2 && group.reduced && !last.reduced) {
        addRows(inputOffset, outputOffset, group.size);
        return;
      }
      if (level === count - 1) {
        if (last.reduced) {
          let total = 0;
          for (let i = 0; i < innerSize; i++) total += input[inputOffset + i] as number;
          accumulator[outputOffset] = (accumulator[outputOffset] as number) + total;
        } else {
          addRows(inputOffset, outputOffset, 1);
        }
        return;
      }
      const inputStep = inputStrides[level] as number;
      const outputStep = outputStrides[level] as number;
      for (let i = 0; i < group.size; i++) walk(level + 1, inputOffset + i * inputStep, outputOffset + i * outputStep);
    };
    walk(0, 0, 0);
    if (kind === 'Mean') {
      for (let i = 0; i < outSize; i++) output[i] = (accumulator[i] as number) / reduceSize;
    } else {
      output.set(accumulator);
    }
    return out;
  };
}
