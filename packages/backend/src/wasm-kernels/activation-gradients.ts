import * as tf from '@tensorflow/tfjs';
import { floatView, type KernelArguments, mathBackend } from './wasm-heap.js';

/**
 * Name of the tfkit kernel that computes the gradient of `Relu6` and `ClipByValue` in one pass:
 * inputs `{ dy, x }`, attrs `{ activation: 'relu6' | 'clip', clipValueMin, clipValueMax }`.
 * Registered for wasm only. (`Relu`'s stock gradient, `Step` + `Multiply` in C++, is already
 * faster than a JavaScript loop.)
 */
export const activationGradKernelName = 'TfkitActivationGrad';

/** The forward kernels whose gradients tfkit computes with {@link activationGradKernelName}. */
export const activationGradientNames = ['Relu6', 'ClipByValue'] as const;

type Activation = 'relu6' | 'clip';

const activationOf: Record<(typeof activationGradientNames)[number], Activation> = {
  Relu6: 'relu6',
  ClipByValue: 'clip',
};

/**
 * One pass over `dy` and `x` with the stock gradients' exact arithmetic, NaN, infinities and signed
 * zeros included:
 * - relu6: `dy * mask` with mask 1 on (0, 6], NaN where x is NaN, else 0 (stock:
 *   `mul(dy, cast(mul(lessEqual(x, 6), step(x))))`, 4 kernels and 3 temporaries);
 * - clip: `min <= x <= max ? dy : 0` (stock: `where(logicalAnd(greaterEqual(x, min),
 *   lessEqual(x, max)), dy, zerosLike(dy))`, 5 kernels, 4 temporaries, scalar broadcasting
 *   comparisons in wasm).
 */
function activationGrad(args: KernelArguments): tf.TensorInfo {
  const backend = mathBackend(args.backend);
  if (!backend) throw new Error(`[@tfkit/backend] ${activationGradKernelName} runs on the wasm backend only.`);
  const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const { activation, clipValueMin, clipValueMax } = args.attrs as unknown as {
    activation: Activation;
    clipValueMin: number;
    clipValueMax: number;
  };
  const out = backend.makeOutput(dy.shape, 'float32');
  // Views only after the last allocation (heap growth detaches them).
  const gradient = floatView(backend, dy);
  const input = floatView(backend, x);
  const result = floatView(backend, out);
  const size = result.length;
  if (activation === 'relu6') {
    for (let i = 0; i < size; i++) {
      const value = input[i] as number;
      const dyValue = gradient[i] as number;
      // step(NaN) is NaN, so the stock mask is NaN there.
      result[i] = value > 0 && value <= 6 ? dyValue : Number.isNaN(value) ? Number.NaN : dyValue * 0;
    }
  } else {
    // Float32 bounds, as the stock comparison against a float32 scalar tensor.
    const low = Math.fround(clipValueMin);
    const high = Math.fround(clipValueMax);
    for (let i = 0; i < size; i++) {
      const value = input[i] as number;
      result[i] = value >= low && value <= high ? (gradient[i] as number) : 0;
    }
  }
  return out;
}

const marker = Symbol.for('tfkit.activationGradient');
const stockGradients = new Map<string, tf.GradConfig>();

/**
 * The gradient of `kernelName`: tfkit's one-pass kernel where the active backend has it (wasm) and
 * the operands are float32, the stock gradient otherwise (same values on every backend).
 */
function activationGradient(kernelName: (typeof activationGradientNames)[number], stock: tf.GradConfig): tf.GradConfig {
  const activation = activationOf[kernelName];
  const gradFunc: tf.GradConfig['gradFunc'] = (dy, saved, attrs) => {
    const x = saved[0];
    const single = dy as tf.Tensor;
    if (
      x === undefined ||
      Array.isArray(dy) ||
      single.dtype !== 'float32' ||
      x.dtype !== 'float32' ||
      !tf.getKernel(activationGradKernelName, tf.getBackend())
    ) {
      return stock.gradFunc(dy, saved, attrs);
    }
    const kernelAttrs = {
      activation,
      clipValueMin: Number((attrs as { clipValueMin?: number } | undefined)?.clipValueMin ?? 0),
      clipValueMax: Number((attrs as { clipValueMax?: number } | undefined)?.clipValueMax ?? 0),
    };
    return {
      x: () => tf.engine().runKernel(activationGradKernelName, { dy: single, x }, kernelAttrs) as tf.Tensor,
    };
  };
  (gradFunc as unknown as Record<symbol, unknown>)[marker] = true;
  const config: tf.GradConfig = { kernelName, inputsToSave: ['x'], gradFunc };
  if (stock.outputsToSave) config.outputsToSave = stock.outputsToSave;
  return config;
}

/**
 * Registers the one-pass activation gradient kernel for wasm and makes the `Relu6` and
 * `ClipByValue` gradients use it there (idempotent). On other backends those gradients stay the
 * stock op compositions. A Keras `ReLU({ maxValue: 6 })` layer is `Relu` + `ClipByValue`; the
 * stock `ClipByValue` gradient is the slow part (wasm's comparison and select kernels are scalar
 * loops with broadcasting).
 *
 * @returns the kernel and gradient names registered by this call
 */
export function registerActivationGradients(): string[] {
  const registered: string[] = [];
  if (!tf.getKernel(activationGradKernelName, 'wasm')) {
    tf.registerKernel({
      kernelName: activationGradKernelName,
      backendName: 'wasm',
      kernelFunc: activationGrad as unknown as tf.KernelFunc,
    });
    // Linear in dy (the same mask again); zero in x, like the stock compositions' gradients.
    tf.registerGradient({
      kernelName: activationGradKernelName,
      inputsToSave: ['x'],
      gradFunc: (ddy, saved, attrs) => {
        const x = saved[0] as tf.Tensor;
        return {
          dy: () => tf.engine().runKernel(activationGradKernelName, { dy: ddy as tf.Tensor, x }, attrs) as tf.Tensor,
          x: () => tf.zerosLike(x),
        };
      },
    });
    registered.push(activationGradKernelName);
  }
  for (const kernelName of activationGradientNames) {
    const existing = tf.getGradient(kernelName);
    if (!existing || (existing.gradFunc as unknown as Record<symbol, unknown>)[marker] === true) continue;
    stockGradients.set(kernelName, existing);
    tf.registerGradient(activationGradient(kernelName, existing));
    registered.push(`${kernelName} gradient`);
  }
  return registered;
}

/** The stock gradient configs replaced by {@link registerActivationGradients} (tests, benchmarks). */
export function stockActivationGradients(): ReadonlyMap<string, tf.GradConfig> {
  return stockGradients;
}
