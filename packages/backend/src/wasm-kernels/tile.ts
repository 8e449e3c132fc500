import * as tf from '@tensorflow/tfjs';
import { type KernelArguments, mathBackend, view } from './wasm-heap.js';

/** Merges axes that tile as one block: size-1 axes with one repetition vanish, an axis repeated once joins the axis before it. */
function collapse(shape: number[], reps: number[]): { shape: number[]; reps: number[] } {
  const outShape: number[] = [];
  const outReps: number[] = [];
  for (let axis = 0; axis < shape.length; axis++) {
    const size = shape[axis] ?? 1;
    const rep = reps[axis] ?? 1;
    if (size === 1 && rep === 1) continue;
    const last = outShape.length - 1;
    if (rep === 1 && last >= 0) {
      outShape[last] = (outShape[last] ?? 1) * size;
    } else {
      outShape.push(size);
      outReps.push(rep);
    }
  }
  return { shape: outShape, reps: outReps };
}

type Typed = Float32Array | Int32Array | Uint8Array;

/**
 * `Tile` for wasm: block copies (`set`/`copyWithin`) on the heap instead of the stock
 * per-element index arithmetic.
 */
export function makeTile(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArguments) => {
    const backend = mathBackend(args.backend);
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { reps } = args.attrs as { reps: number[] };
    if (!backend || (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool')) {
      if (stock) return stock(args);
      throw new Error(`[@tfkit/backend] Tile on wasm does not support ${x.dtype}.`);
    }
    const outShape = x.shape.map((size, axis) => size * (reps[axis] ?? 1));
    const out = backend.makeOutput(outShape, x.dtype);
    const outSize = tf.util.sizeFromShape(outShape);
    if (outSize === 0) return out;
    const source = view(backend, x);
    const target = view(backend, out);
    const { shape, reps: collapsedReps } = collapse(x.shape, reps);
    if (shape.length === 0) {
      target.set(source);
      return out;
    }
    const rank = shape.length;
    const sourceStrides = new Array<number>(rank).fill(1);
    const targetStrides = new Array<number>(rank).fill(1);
    for (let axis = rank - 2; axis >= 0; axis--) {
      sourceStrides[axis] = (sourceStrides[axis + 1] ?? 1) * (shape[axis + 1] ?? 1);
      targetStrides[axis] = (targetStrides[axis + 1] ?? 1) * (shape[axis + 1] ?? 1) * (collapsedReps[axis + 1] ?? 1);
    }
    const fill = (axis: number, sourceOffset: number, targetOffset: number): void => {
      const size = shape[axis] ?? 1;
      const rep = collapsedReps[axis] ?? 1;
      if (axis === rank - 1) {
        if (size === 1) {
          (target as Typed).fill(source[sourceOffset] ?? 0, targetOffset, targetOffset + rep);
          return;
        }
        if (size < 16) {
          for (let r = 0; r < rep; r++) {
            const base = targetOffset + r * size;
            for (let i = 0; i < size; i++) target[base + i] = source[sourceOffset + i] ?? 0;
          }
          return;
        }
        target.set(source.subarray(sourceOffset, sourceOffset + size), targetOffset);
      } else {
        const sourceStride = sourceStrides[axis] ?? 1;
        const targetStride = targetStrides[axis] ?? 1;
        for (let i = 0; i < size; i++) fill(axis + 1, sourceOffset + i * sourceStride, targetOffset + i * targetStride);
      }
      const block = size * (axis === rank - 1 ? 1 : (targetStrides[axis] ?? 1));
      for (let r = 1; r < rep; r++) target.copyWithin(targetOffset + r * block, targetOffset, targetOffset + block);
    };
    fill(0, 0, 0);
    return out;
  };
}
