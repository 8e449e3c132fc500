import * as tf from '@tensorflow/tfjs';
import {
  type KernelArguments,
  mathBackend,
  record,
  registerSlice,
  releaseSlice,
  runWasmKernel,
  type WasmBackend,
} from './wasm-heap.js';

// Must match `FusableActivation` in tfjs-backend-wasm/src/cc/fusable_activations.h.
const fusableActivation: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  prelu: 3,
  leakyrelu: 4,
  sigmoid: 5,
  elu: 6,
};

type FusedMatMulFunction = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: number,
  transposeB: number,
  activation: number,
  biasId: number,
  preluWeightsId: number,
  leakyreluAlpha: number,
  outId: number,
) => void;

const bindings = new WeakMap<object, FusedMatMulFunction>();

/** The C++ `_FusedMatMul` entry point; with both operands untransposed and batch 1 it runs XNNPACK. */
function fusedMatMulBinding(backend: WasmBackend): FusedMatMulFunction {
  let binding = bindings.get(backend.wasm);
  if (!binding) {
    const number = 'number';
    binding = backend.wasm.cwrap('_FusedMatMul', null, [
      number,
      'array',
      number,
      number,
      'array',
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ]) as FusedMatMulFunction;
    bindings.set(backend.wasm, binding);
  }
  return binding;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/** What `_FusedMatMul` applies after the product. */
export interface Epilogue {
  activation: string;
  bias?: tf.TensorInfo | undefined;
  preluActivationWeights?: tf.TensorInfo | undefined;
  leakyreluAlpha: number;
}

const linear: Epilogue = { activation: 'linear', leakyreluAlpha: 0 };

/** True when a broadcast operand is one row of length `n` (what the C++/XNNPACK epilogue reads). */
function isRow(info: tf.TensorInfo | undefined, n: number): boolean {
  if (!info) return true;
  return info.shape.length >= 1 && info.shape[info.shape.length - 1] === n && tf.util.sizeFromShape(info.shape) === n;
}

/**
 * Swaps the last two axes into a new tensor with a cache-blocked copy on the heap (about twice as
 * fast as the stock wasm Transpose, which writes with a stride). Caller disposes the result.
 */
export function transposeLastTwo(backend: WasmBackend, info: tf.TensorInfo, shape = info.shape): tf.TensorInfo {
  const rank = shape.length;
  const rows = shape[rank - 2] ?? 1;
  const columns = shape[rank - 1] ?? 1;
  const outShape = [...shape.slice(0, -2), columns, rows];
  const out = backend.makeOutput(outShape, 'float32');
  const size = tf.util.sizeFromShape(shape);
  const buffer = backend.wasm.HEAPU8.buffer;
  const source = new Float32Array(buffer, record(backend, info).memoryOffset, size);
  const target = new Float32Array(buffer, record(backend, out).memoryOffset, size);
  const block = 16;
  const matrix = rows * columns;
  for (let offset = 0; offset < size; offset += matrix) {
    for (let row0 = 0; row0 < rows; row0 += block) {
      const row1 = Math.min(row0 + block, rows);
      for (let column0 = 0; column0 < columns; column0 += block) {
        const column1 = Math.min(column0 + block, columns);
        for (let row = row0; row < row1; row++) {
          const base = offset + row * columns;
          for (let column = column0; column < column1; column++) {
            target[offset + column * rows + row] = source[base + column] as number;
          }
        }
      }
    }
  }
  return out;
}

/** Applies bias and activation with the wasm element-wise kernels; consumes `out`. */
function applyEpilogue(backend: WasmBackend, out: tf.TensorInfo, epilogue: Epilogue): tf.TensorInfo {
  let current = out;
  const step = (next: tf.TensorInfo) => {
    backend.disposeData(current.dataId);
    current = next;
  };
  if (epilogue.bias) step(runWasmKernel(backend, 'Add', { a: current, b: epilogue.bias }));
  switch (epilogue.activation) {
    case 'linear':
      break;
    case 'relu':
      step(runWasmKernel(backend, 'Relu', { x: current }));
      break;
    case 'relu6':
      step(runWasmKernel(backend, 'Relu6', { x: current }));
      break;
    case 'elu':
      step(runWasmKernel(backend, 'Elu', { x: current }));
      break;
    case 'sigmoid':
      step(runWasmKernel(backend, 'Sigmoid', { x: current }));
      break;
    case 'leakyrelu':
      step(runWasmKernel(backend, 'LeakyRelu', { x: current }, { alpha: epilogue.leakyreluAlpha }));
      break;
    case 'prelu':
      if (!epilogue.preluActivationWeights) throw new Error('[@tfkit/backend] prelu activation needs weights.');
      step(runWasmKernel(backend, 'Prelu', { x: current, alpha: epilogue.preluActivationWeights }));
      break;
    default:
      throw new Error(`[@tfkit/backend] activation "${epilogue.activation}" is not supported by _FusedMatMul on wasm.`);
  }
  return current;
}

/** Index into an operand's flattened batch for output batch `index` (numpy-style broadcasting). */
function batchIndexer(outOuter: number[], operandOuter: number[]): (index: number) => number {
  const rank = outOuter.length;
  const padded = [...new Array(rank - operandOuter.length).fill(1), ...operandOuter] as number[];
  if (tf.util.sizeFromShape(padded) === tf.util.sizeFromShape(outOuter)) return (index) => index;
  if (tf.util.sizeFromShape(padded) === 1) return () => 0;
  const operandStrides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let axis = rank - 1; axis >= 0; axis--) {
    operandStrides[axis] = (padded[axis] ?? 1) === 1 ? 0 : stride;
    stride *= padded[axis] ?? 1;
  }
  return (index) => {
    let remaining = index;
    let result = 0;
    for (let axis = rank - 1; axis >= 0; axis--) {
      const size = outOuter[axis] ?? 1;
      const coordinate = remaining % size;
      remaining = (remaining - coordinate) / size;
      result += coordinate * (operandStrides[axis] ?? 0);
    }
    return result;
  };
}

/**
 * `a @ b` (optionally transposed) with the epilogue, always on XNNPACK's fast path: transposed
 * operands are materialised first, a broadcast `b` folds the batch of `a` into rows, and true
 * batches run one XNNPACK product per batch over slices of the heap.
 */
export function fastMatMul(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  epilogue: Epilogue = linear,
): tf.TensorInfo {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = (transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2]) ?? 1;
  const k = (transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1]) ?? 1;
  const kB = (transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2]) ?? 1;
  const n = (transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1]) ?? 1;
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  const outShape = [...outOuter, m, n];
  const batchA = tf.util.sizeFromShape(aOuter);
  const batchB = tf.util.sizeFromShape(bOuter);
  const batch = tf.util.sizeFromShape(outOuter);

  const out = backend.makeOutput(outShape, 'float32');
  if (batch * m * n === 0) return out;
  if (k === 0) {
    new Float32Array(backend.wasm.HEAPU8.buffer, record(backend, out).memoryOffset, batch * m * n).fill(0);
    return epilogue.activation === 'linear' && !epilogue.bias ? out : applyEpilogue(backend, out, epilogue);
  }

  if (batch === 1 && (transposeA || transposeB) && swapIsCheaper(m, k, n, transposeA, transposeB)) {
    backend.disposeData(out.dataId);
    return swappedMatMul(backend, a, b, transposeA, transposeB, outShape, epilogue);
  }

  const aPlain = transposeA ? transposeLastTwo(backend, a) : a;
  const bPlain = transposeB ? transposeLastTwo(backend, b) : b;
  const multiply = fusedMatMulBinding(backend);
  const outId = record(backend, out).id;
  let fusedInKernel = false;
  try {
    if (batchB === 1) {
      // Every batch of `a` meets the same matrix: stack them as rows of one product.
      const activation = fusableActivation[epilogue.activation];
      const fusable =
        activation !== undefined &&
        isRow(epilogue.bias, n) &&
        (epilogue.activation !== 'prelu' || isRow(epilogue.preluActivationWeights, n));
      const kernelEpilogue = fusable ? epilogue : linear;
      multiply(
        record(backend, aPlain).id,
        shapeBytes([1, batchA * m, k]),
        3,
        record(backend, bPlain).id,
        shapeBytes([1, k, n]),
        3,
        0,
        0,
        fusableActivation[kernelEpilogue.activation] ?? 0,
        kernelEpilogue.bias ? record(backend, kernelEpilogue.bias).id : 0,
        kernelEpilogue.activation === 'prelu' && kernelEpilogue.preluActivationWeights
          ? record(backend, kernelEpilogue.preluActivationWeights).id
          : 0,
        kernelEpilogue.leakyreluAlpha || 0,
        outId,
      );
      fusedInKernel = fusable;
    } else {
      // Float indices into the heap.
      const aOffset = record(backend, aPlain).memoryOffset >>> 2;
      const bOffset = record(backend, bPlain).memoryOffset >>> 2;
      const outOffset = record(backend, out).memoryOffset >>> 2;
      const aIndex = batchIndexer(outOuter, aOuter);
      const bIndex = batchIndexer(outOuter, bOuter);
      const aShape = shapeBytes([1, m, k]);
      const bShape = shapeBytes([1, k, n]);
      for (let index = 0; index < batch; index++) {
        const aSlice = registerSlice(backend, aOffset + aIndex(index) * m * k, m * k);
        const bSlice = registerSlice(backend, bOffset + bIndex(index) * k * n, k * n);
        const outSlice = registerSlice(backend, outOffset + index * m * n, m * n);
        try {
          multiply(aSlice, aShape, 3, bSlice, bShape, 3, 0, 0, 0, 0, 0, 0, outSlice);
        } finally {
          releaseSlice(backend, aSlice);
          releaseSlice(backend, bSlice);
          releaseSlice(backend, outSlice);
        }
      }
    }
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  } finally {
    if (aPlain !== a) backend.disposeData(aPlain.dataId);
    if (bPlain !== b) backend.disposeData(bPlain.dataId);
  }
  if (fusedInKernel || (epilogue.activation === 'linear' && !epilogue.bias)) return out;
  return applyEpilogue(backend, out, epilogue);
}

/** Relative cost of packing a weight matrix for XNNPACK, per element, against one transposed element. */
const packingCost = 3;

/**
 * Whether computing `(a b)^T = b^T a^T` and transposing the (small) result costs less copying than
 * materialising the transposed operands. For a dense layer's `dy @ W^T` it avoids transposing and
 * re-packing the whole weight matrix at every step.
 */
function swapIsCheaper(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): boolean {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + packingCost * k * n;
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + packingCost * k * m + m * n;
  return swapped < direct;
}

/** `op(a) op(b)` computed as `(op(b)^T op(a)^T)^T` on the XNNPACK path (single matrices only). */
function swappedMatMul(
  backend: WasmBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  outShape: number[],
  epilogue: Epilogue,
): tf.TensorInfo {
  const m = outShape[outShape.length - 2] ?? 1;
  const n = outShape[outShape.length - 1] ?? 1;
  const k = (transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1]) ?? 1;
  // Rows: op(b)^T as [n, k]; weights: op(a)^T as [k, m].
  const rows = transposeB ? b : transposeLastTwo(backend, b, [k, n]);
  const weights = transposeA ? a : transposeLastTwo(backend, a, [m, k]);
  const product = backend.makeOutput([n, m], 'float32');
  let out: tf.TensorInfo | undefined;
  try {
    fusedMatMulBinding(backend)(
      record(backend, rows).id,
      shapeBytes([1, n, k]),
      3,
      record(backend, weights).id,
      shapeBytes([1, k, m]),
      3,
      0,
      0,
      0,
      0,
      0,
      0,
      record(backend, product).id,
    );
    out = transposeLastTwo(backend, product, [n, m]);
  } finally {
    backend.disposeData(product.dataId);
    if (rows !== b) backend.disposeData(rows.dataId);
    if (weights !== a) backend.disposeData(weights.dataId);
  }
  const shaped = { ...out, shape: outShape };
  if (epilogue.activation === 'linear' && !epilogue.bias) return shaped;
  return applyEpilogue(backend, shaped, epilogue);
}

/** `BatchMatMul` for wasm: fast for every transpose combination and for batches. */
export function makeBatchMatMul(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArguments) => {
    const backend = mathBackend(args.backend);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (!backend || a.dtype !== 'float32' || b.dtype !== 'float32') {
      if (stock) return stock(args);
      throw new Error('[@tfkit/backend] BatchMatMul on wasm supports float32 only.');
    }
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    return fastMatMul(backend, a, b, Boolean(transposeA), Boolean(transposeB));
  };
}

/** `_FusedMatMul` for wasm: fast for every transpose combination; bias and activation as on cpu. */
export function makeFusedMatMul(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArguments) => {
    const backend = mathBackend(args.backend);
    const { a, b, bias, preluActivationWeights } = args.inputs as {
      a: tf.TensorInfo;
      b: tf.TensorInfo;
      bias?: tf.TensorInfo;
      preluActivationWeights?: tf.TensorInfo;
    };
    if (!backend || a.dtype !== 'float32' || b.dtype !== 'float32') {
      if (stock) return stock(args);
      throw new Error('[@tfkit/backend] _FusedMatMul on wasm supports float32 only.');
    }
    const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string;
      leakyreluAlpha?: number;
    };
    return fastMatMul(backend, a, b, Boolean(transposeA), Boolean(transposeB), {
      activation: activation ?? 'linear',
      bias,
      preluActivationWeights,
      leakyreluAlpha: leakyreluAlpha ?? 0,
    });
  };
}
