import * as tf from '@tensorflow/tfjs';
import { hasMarker, TfkitError } from '@tfkit/core';

const kernelErrorName = 'Tfkit_WasmKernelError';
const kernelErrorMarker = Symbol.for(`tfkit.error.${kernelErrorName}`);

/** What tfkit's kernels use of the tfjs wasm backend object (`tf.backend()` while wasm is active). */
export interface WasmBackend {
  /** The emscripten module. */
  wasm: {
    HEAPU8: Uint8Array;
    cwrap(name: string, returnType: null, argumentTypes: string[]): (...args: unknown[]) => void;
    tfjs: {
      registerTensor(id: number, size: number, memoryOffset: number): void;
      disposeData(id: number): void;
    };
  };
  /** Tensor records of the backend: heap offset and shape of every data id. */
  dataIdMap: {
    get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: string } | undefined;
  };
  /** The next C++ tensor id the backend hands out. */
  dataIdNextNumber: number;
  /** Allocates an uninitialised tensor on the heap and registers it with the C++ side. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** Drops one reference of a data id and frees its memory when none are left. */
  disposeData(dataId: object, force?: boolean): boolean;
}

/** A kernel of the wasm backend could not run the given arguments. */
export class WasmKernelError extends TfkitError {
  /** @internal */
  readonly [kernelErrorMarker] = true;
  /** Name of the kernel that failed. */
  readonly kernelName: string;

  /**
   * @param options - the kernel's name and what went wrong
   */
  constructor({ kernelName, message }: { kernelName: string; message: string }) {
    super({ name: kernelErrorName, package: '@tfkit/backend', message: `${kernelName}: ${message}` });
    this.kernelName = kernelName;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link WasmKernelError}
   */
  static override isInstance(error: unknown): error is WasmKernelError {
    return hasMarker(error, kernelErrorMarker);
  }
}

/** Kernel functions as tfjs calls them. */
export type KernelArguments = Parameters<tf.KernelFunc>[0];

/** Whether a kernel's `backend` argument is the tfjs wasm backend (with the parts tfkit uses). */
function isWasmBackend(backend: unknown): backend is WasmBackend {
  const candidate = backend as Partial<WasmBackend> | undefined;
  return (
    candidate?.wasm?.HEAPU8 !== undefined &&
    typeof candidate.wasm.cwrap === 'function' &&
    candidate.dataIdMap !== undefined &&
    typeof candidate.dataIdNextNumber === 'number' &&
    typeof candidate.makeOutput === 'function'
  );
}

/** Narrows the `backend` argument of a kernel function to the wasm backend. */
export function asWasmBackend(backend: unknown, kernelName: string): WasmBackend {
  if (!isWasmBackend(backend)) {
    throw new WasmKernelError({
      kernelName,
      message: 'this kernel runs only on the tfjs wasm backend; call ensureBackend() first.',
    });
  }
  return backend;
}

/** Narrows a kernel's `backend` argument; undefined when it is not the wasm backend. */
export function mathBackend(backend: unknown): WasmBackend | undefined {
  return isWasmBackend(backend) ? backend : undefined;
}

/** The C++ id and heap byte offset of a tensor's data. */
export function record(backend: WasmBackend, info: tf.TensorInfo): { id: number; memoryOffset: number } {
  const found = backend.dataIdMap.get(info.dataId);
  if (!found) throw new Error('[@tfkit/backend] tensor data is not on the wasm backend; call ensureBackend() first.');
  return found;
}

/** A float32 view of a tensor's data on the wasm heap. Fetch it again after anything that may grow the heap. */
export function heapView(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  const record = backend.dataIdMap.get(info.dataId);
  if (!record) throw new Error(`[@tfkit/backend] tensor data ${String(info.dataId)} is not on the wasm backend`);
  if (record.dtype !== 'float32' && record.dtype !== info.dtype) {
    throw new Error(`[@tfkit/backend] expected float32 data, got ${record.dtype}`);
  }
  return new Float32Array(backend.wasm.HEAPU8.buffer, record.memoryOffset, tf.util.sizeFromShape(info.shape));
}

/**
 * Intermediate tensors of one kernel call, freed together by {@link Scratch.dispose}.
 *
 * @remarks
 * These tensors never reach the engine, so only the backend knows them: forgetting one would leak
 * heap memory and a data id (seen in `tf.memory().numDataBuffers`).
 */
export class Scratch {
  private readonly owned: tf.TensorInfo[] = [];

  constructor(readonly backend: WasmBackend) {}

  /** Allocates an uninitialised float32 tensor owned by this scratch. */
  make(shape: number[]): tf.TensorInfo {
    return this.own(this.backend.makeOutput(shape, 'float32'));
  }

  /** Allocates a float32 tensor filled with zeros. */
  zeros(shape: number[]): tf.TensorInfo {
    const info = this.make(shape);
    heapView(this.backend, info).fill(0);
    return info;
  }

  /** Takes ownership of a tensor made by another kernel. */
  own(info: tf.TensorInfo): tf.TensorInfo {
    this.owned.push(info);
    return info;
  }

  /** Hands `info` (or another tensor over the same data id) to the caller: {@link Scratch.dispose} will not free it. */
  release(info: tf.TensorInfo): tf.TensorInfo {
    const index = this.owned.findIndex((owned) => owned.dataId === info.dataId);
    if (index >= 0) this.owned.splice(index, 1);
    return info;
  }

  /** Frees an owned tensor now. */
  free(info: tf.TensorInfo): void {
    this.release(info);
    this.backend.disposeData(info.dataId);
  }

  /** Runs a kernel registered for wasm (a stock one or ours) and owns its output. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo {
    const config = tf.getKernel(kernelName, 'wasm');
    if (!config)
      throw new WasmKernelError({
        kernelName,
        message: 'the wasm backend has no such kernel; is tfjs 4.22 installed?',
      });
    const result = config.kernelFunc({ inputs, attrs, backend: this.backend as unknown as object });
    if (Array.isArray(result)) throw new WasmKernelError({ kernelName, message: 'expected a single output' });
    return this.own(result as tf.TensorInfo);
  }

  /** Frees every tensor still owned. */
  dispose(): void {
    for (const info of this.owned.splice(0)) this.backend.disposeData(info.dataId);
  }
}

/** The C++ id of a tensor's data. */
export function tensorId(backend: WasmBackend, info: tf.TensorInfo): number {
  const record = backend.dataIdMap.get(info.dataId);
  if (!record) throw new Error('[@tfkit/backend] tensor data is not on the wasm backend');
  return record.id;
}

/** Float index (byte offset / 4) of a tensor's data in the wasm heap. */
export function floatOffset(backend: WasmBackend, info: tf.TensorInfo): number {
  const record = backend.dataIdMap.get(info.dataId);
  if (!record) throw new Error('[@tfkit/backend] tensor data is not on the wasm backend');
  return record.memoryOffset >>> 2;
}

/**
 * Registers a C++ tensor id over `size` floats of existing heap memory starting at float index
 * `start` (no copy, no allocation), for C++ kernels that take ids. Free it with {@link releaseSlice}:
 * the memory stays owned by the tensor it belongs to.
 */
export function registerSlice(backend: WasmBackend, start: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, start * 4);
  return id;
}

/** Forgets an id made by {@link registerSlice} (and the XNNPACK operators cached on it). */
export function releaseSlice(backend: WasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

type MatMulFunction = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: number,
  transposeB: number,
  outId: number,
) => void;

const matMulFunctions = new WeakMap<object, MatMulFunction>();

/**
 * `out[m, n] = sum_k a[m, k] * b[k, n]` by ids through the stock C++ `BatchMatMul` (XNNPACK's fully
 * connected operator, which packs `b` as its weights).
 */
export function matMulByIds(
  backend: WasmBackend,
  aId: number,
  rows: number,
  depth: number,
  bId: number,
  columns: number,
  outId: number,
): void {
  let matMul = matMulFunctions.get(backend.wasm);
  if (!matMul) {
    matMul = backend.wasm.cwrap('BatchMatMul', null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]) as unknown as MatMulFunction;
    matMulFunctions.set(backend.wasm, matMul);
  }
  const aShape = new Uint8Array(new Int32Array([1, rows, depth]).buffer);
  const bShape = new Uint8Array(new Int32Array([1, depth, columns]).buffer);
  matMul(aId, aShape, 3, bId, bShape, 3, 0, 0, outId);
}

/** The whole wasm heap as float32, for copies between tensors (index = byte offset / 4). */
export function heapFloats(backend: WasmBackend): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer);
}

type BinaryFunction = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  dtype: number,
  outId: number,
) => void;
type SumFunction = (xId: number, reduceSize: number, dtype: number, outId: number) => void;

const multiplyFunctions = new WeakMap<object, BinaryFunction>();
const sumFunctions = new WeakMap<object, SumFunction>();

/** `out[i] = a[i] * b[i]` for `length` floats by ids (XNNPACK's multiply in the stock C++). */
export function multiplyByIds(backend: WasmBackend, aId: number, bId: number, length: number, outId: number): void {
  let multiply = multiplyFunctions.get(backend.wasm);
  if (!multiply) {
    const types = ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number'];
    multiply = backend.wasm.cwrap('Multiply', null, types) as unknown as BinaryFunction;
    multiplyFunctions.set(backend.wasm, multiply);
  }
  const shape = new Uint8Array(new Int32Array([length]).buffer);
  multiply(aId, shape, 1, bId, shape, 1, 0, outId);
}

/** `out[i] = sum_j x[i * reduceSize + j]` for float32 by ids (the stock C++ `Sum`); `out` sets the count. */
export function sumRowsByIds(backend: WasmBackend, xId: number, reduceSize: number, outId: number): void {
  let sum = sumFunctions.get(backend.wasm);
  if (!sum) {
    sum = backend.wasm.cwrap('Sum', null, ['number', 'number', 'number', 'number']) as unknown as SumFunction;
    sumFunctions.set(backend.wasm, sum);
  }
  sum(xId, reduceSize, 0, outId);
}

/**
 * A typed view of a tensor's data on the wasm heap.
 *
 * @remarks Make views only after the last allocation of a kernel: growing the heap detaches them.
 */
export function view(backend: WasmBackend, info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
  const { memoryOffset } = record(backend, info);
  const size = tf.util.sizeFromShape(info.shape);
  const buffer = backend.wasm.HEAPU8.buffer;
  if (info.dtype === 'float32') return new Float32Array(buffer, memoryOffset, size);
  if (info.dtype === 'int32') return new Int32Array(buffer, memoryOffset, size);
  if (info.dtype === 'bool') return new Uint8Array(buffer, memoryOffset, size);
  throw new Error(`[@tfkit/backend] no heap view for dtype ${info.dtype}.`);
}

/** A float32 view of a tensor's data on the wasm heap (see {@link view}). */
export function floatView(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  const { memoryOffset } = record(backend, info);
  return new Float32Array(backend.wasm.HEAPU8.buffer, memoryOffset, tf.util.sizeFromShape(info.shape));
}

/** Runs the kernel currently registered for wasm under `kernelName` (stock, or another override). */
export function runWasmKernel(
  backend: WasmBackend,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config)
    throw new Error(`[@tfkit/backend] the wasm backend has no ${kernelName} kernel; is tfjs 4.22 installed?`);
  const result = config.kernelFunc({ inputs, attrs, backend: backend as unknown as tf.KernelBackend });
  return (Array.isArray(result) ? result[0] : result) as tf.TensorInfo;
}

const marker = Symbol.for('tfkit.wasmMathKernel');
const stockKernels = new Map<string, tf.KernelFunc>();

/**
 * Replaces the wasm kernel `kernelName` by `make(stock)` (idempotent).
 *
 * @param kernelName - tfjs kernel name, e.g. `'BatchMatMul'`
 * @param make - builds the new kernel function from the stock one (undefined when tfjs has none)
 * @returns true when this call registered the kernel, false when it was already registered
 */
export function overrideWasmKernel(
  kernelName: string,
  make: (stock: tf.KernelFunc | undefined) => tf.KernelFunc,
): boolean {
  const existing = tf.getKernel(kernelName, 'wasm');
  if (existing && (existing.kernelFunc as unknown as Record<symbol, unknown>)[marker] === true) return false;
  const stock = existing?.kernelFunc ?? stockKernels.get(kernelName);
  if (stock) stockKernels.set(kernelName, stock);
  const kernelFunc = make(stock);
  (kernelFunc as unknown as Record<symbol, unknown>)[marker] = true;
  if (existing) tf.unregisterKernel(kernelName, 'wasm');
  const config: tf.KernelConfig = { kernelName, backendName: 'wasm', kernelFunc };
  // Keep the stock setup so that a re-created wasm backend still prepares the C++ bindings we delegate to.
  if (existing?.setupFunc) config.setupFunc = existing.setupFunc;
  if (existing?.disposeFunc) config.disposeFunc = existing.disposeFunc;
  tf.registerKernel(config);
  return true;
}
