/**
 * `@tfkit/backend`: one place that picks and prepares the TensorFlow.js backend.
 *
 * @packageDocumentation
 */
export {
  type BackendImporter,
  type BackendInfo,
  type BackendName,
  type EnsureBackendOptions,
  ensureBackend,
  resetBackendChoice,
} from './ensure-backend.js';
export {
  BackendOptionError,
  BackendUnavailableError,
  type BackendUnavailableErrorOptions,
  TfkitError,
  TfkitOptionError,
} from './errors.js';
export {
  type AdamSpec,
  FusedOptimizer,
  type FusedOptimizerState,
  type OptimizerSpec,
  type SgdSpec,
} from './fused-optimizer.js';
export { registerWasmTrainingKernels } from './wasm-kernels/index.js';
export { WasmKernelError } from './wasm-kernels/wasm-heap.js';
export type { WasmThreads } from './wasm-threads.js';

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
