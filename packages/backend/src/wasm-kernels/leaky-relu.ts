import * as tf from '@tensorflow/tfjs';
import { type KernelArguments, mathBackend, Scratch } from './wasm-heap.js';

const marker = Symbol.for('tfkit.leakyReluGradient');
let stockGradient: tf.GradConfig | undefined;

/**
 * `LeakyRelu` for wasm: `x * step(x, alpha)`, two vectorised C++ kernels, where the stock kernel is
 * a scalar loop (about 12x slower on a DCGAN activation of 1.25M floats). Same float32 values: `x`
 * for x > 0, `x * alpha` otherwise (signed zeros and NaN included). Other dtypes go to the stock kernel.
 */
export function makeLeakyRelu(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArguments) => {
    const x = args.inputs.x as tf.TensorInfo;
    const backend = mathBackend(args.backend);
    if (x.dtype !== 'float32' || !backend) {
      if (stock) return stock(args);
      throw new Error('[@tfkit/backend] the wasm backend has no LeakyRelu kernel; is tfjs 4.22 installed?');
    }
    const { alpha } = args.attrs as { alpha: number };
    const scratch = new Scratch(backend);
    try {
      const slope = scratch.run('Step', { x }, { alpha });
      return scratch.release(scratch.run('Multiply', { a: x, b: slope }, {}));
    } finally {
      scratch.dispose();
    }
  };
}

/**
 * The gradient of `LeakyRelu` on wasm: `dy * step(x, alpha)` (two vectorised kernels) instead of the
 * stock `where(greater(x, 0), dy, dy * alpha)`, whose `Greater` and `Select` are scalar loops with
 * broadcasting. Same values for every x but NaN (NaN here, `dy * alpha` in the stock gradient). On
 * other backends the stock gradient runs.
 */
function leakyReluGradient(stock: tf.GradConfig): tf.GradConfig {
  const gradFunc: tf.GradConfig['gradFunc'] = (dy, saved, attrs) => {
    const x = saved[0];
    if (x === undefined || Array.isArray(dy) || x.dtype !== 'float32' || tf.getBackend() !== 'wasm') {
      return stock.gradFunc(dy, saved, attrs);
    }
    const { alpha } = attrs as { alpha: number };
    return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
  };
  (gradFunc as unknown as Record<symbol, unknown>)[marker] = true;
  return { kernelName: 'LeakyRelu', inputsToSave: ['x'], gradFunc };
}

/**
 * Makes the `LeakyRelu` gradient use {@link leakyReluGradient} on wasm (idempotent).
 *
 * @returns `['LeakyRelu gradient']` when this call replaced it, else empty
 */
export function registerLeakyReluGradient(): string[] {
  const existing = tf.getGradient('LeakyRelu');
  if (!existing || (existing.gradFunc as unknown as Record<symbol, unknown>)[marker] === true) return [];
  stockGradient = existing;
  tf.registerGradient(leakyReluGradient(existing));
  return ['LeakyRelu gradient'];
}

/** The stock `LeakyRelu` gradient that {@link registerLeakyReluGradient} replaced (tests, benchmarks). */
export function stockLeakyReluGradient(): tf.GradConfig | undefined {
  return stockGradient;
}
