import type * as tf from '@tensorflow/tfjs';
import { type KernelArguments, mathBackend } from './wasm-heap.js';

/** A wasm backend with the reference counting tfjs 4.22 gives it (what its stock `Reshape` uses). */
interface ReferenceCountingBackend {
  incRef(dataId: object): void;
}

function canShare(backend: unknown): backend is ReferenceCountingBackend {
  return (
    mathBackend(backend) !== undefined && typeof (backend as Partial<ReferenceCountingBackend>).incRef === 'function'
  );
}

/**
 * `Identity` for wasm: shares the input's data (reference count + 1) like the cpu backend, instead
 * of the stock heap copy. tfjs clones every tensor it saves for the backward pass with `Identity`,
 * so a training step makes hundreds of these. No tfjs or tfkit wasm kernel writes into its inputs,
 * so sharing is safe.
 */
export function makeIdentity(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArguments) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string' || !canShare(args.backend)) {
      if (stock) return stock(args);
      throw new Error('[@tfkit/backend] Identity on wasm needs the stock kernel for strings.');
    }
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** `Cast` for wasm: a cast to the tensor's own dtype shares its data (see {@link makeIdentity}). */
export function makeCast(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArguments) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { dtype } = args.attrs as { dtype: tf.DataType };
    if (dtype === x.dtype && dtype !== 'string' && canShare(args.backend)) {
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }
    if (stock) return stock(args);
    throw new Error('[@tfkit/backend] the wasm backend has no Cast kernel; is tfjs 4.22 installed?');
  };
}
