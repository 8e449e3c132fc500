import * as tf from '@tensorflow/tfjs';

/**
 * The parts of the tfjs 4.22 wasm backend object (`tf.backend()` while wasm is active) that the
 * math kernels use. Internal: these are not public tfjs API, so every use goes through here.
 */
export interface MathWasmBackend {
  wasm: {
    HEAPU8: Uint8Array;
    cwrap(name: string, returnType: null, argumentTypes: string[]): (...args: unknown[]) => void;
    tfjs: {
      registerTensor(id: number, size: number, memoryOffset: number): void;
      disposeData(id: number): void;
    };
  };
  dataIdMap: {
    get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: string } | undefined;
  };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Kernel functions as tfjs calls them. */
export type KernelArguments = Parameters<tf.KernelFunc>[0];

/** Narrows a kernel's `backend` argument; undefined when it is not the wasm backend. */
export function mathBackend(backend: unknown): MathWasmBackend | undefined {
  const candidate = backend as Partial<MathWasmBackend> | undefined;
  if (
    candidate?.wasm?.HEAPU8 === undefined ||
    typeof candidate.wasm.cwrap !== 'function' ||
    candidate.dataIdMap === undefined ||
    typeof candidate.dataIdNextNumber !== 'number' ||
    typeof candidate.makeOutput !== 'function'
  ) {
    return undefined;
  }
  return candidate as MathWasmBackend;
}

/** The C++ id and heap byte offset of a tensor's data. */
export function record(backend: MathWasmBackend, info: tf.TensorInfo): { id: number; memoryOffset: number } {
  const found = backend.dataIdMap.get(info.dataId);
  if (!found) throw new Error('[@tfkit/backend] tensor data is not on the wasm backend; call ensureBackend() first.');
  return found;
}

/**
 * A typed view of a tensor's data on the wasm heap.
 *
 * @remarks Make views only after the last allocation of a kernel: growing the heap detaches them.
 */
export function view(backend: MathWasmBackend, info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
  const { memoryOffset } = record(backend, info);
  const size = tf.util.sizeFromShape(info.shape);
  const buffer = backend.wasm.HEAPU8.buffer;
  if (info.dtype === 'float32') return new Float32Array(buffer, memoryOffset, size);
  if (info.dtype === 'int32') return new Int32Array(buffer, memoryOffset, size);
  if (info.dtype === 'bool') return new Uint8Array(buffer, memoryOffset, size);
  throw new Error(`[@tfkit/backend] no heap view for dtype ${info.dtype}.`);
}

/** A float32 view of a tensor's data on the wasm heap (see {@link view}). */
export function floatView(backend: MathWasmBackend, info: tf.TensorInfo): Float32Array {
  const { memoryOffset } = record(backend, info);
  return new Float32Array(backend.wasm.HEAPU8.buffer, memoryOffset, tf.util.sizeFromShape(info.shape));
}

/**
 * Registers a tensor id over a slice of existing heap memory (no copy, no allocation) so that a
 * C++ kernel can read or write it. Release it with {@link releaseSlice}; the memory stays owned by
 * the tensor it belongs to.
 */
export function registerSlice(backend: MathWasmBackend, memoryOffset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, memoryOffset);
  return id;
}

/** Forgets a slice registered by {@link registerSlice} (drops cached XNNPACK operators on it). */
export function releaseSlice(backend: MathWasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

/** Runs the kernel currently registered for wasm under `kernelName` (stock, or another override). */
export function runWasmKernel(
  backend: MathWasmBackend,
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
