import * as tf from '@tensorflow/tfjs';
import { floatView, type KernelArguments, mathBackend } from './wasm-heap.js';

/**
 * Name of the tfkit kernel that computes every gradient of `FusedBatchNorm` (what `tf.batchNorm`
 * and Keras' `BatchNormalization` run) in two passes over `x` and `dy`: inputs
 * `{ dy, x, mean, variance, scale? }`, attr `varianceEpsilon`; outputs `[dx, dMean, dVariance,
 * dScale, dOffset]`. Registered for wasm only, for per-channel (rank-1) statistics.
 */
export const batchNormGradKernelName = 'TfkitBatchNormGrad';

/**
 * The stock gradient (tfjs-core `FusedBatchNorm_grad`) builds `x - mean`, `dy * scale`, a tiled
 * `rsqrt(variance + epsilon)` and four products and four sums from them: about a dozen passes
 * over activation-sized tensors and as many temporaries per layer. Here, with `r = 1 / sqrt(variance
 * + epsilon)` and `s` the scale (1 without one), per channel:
 *
 * - `dOffset = Σ dy`, `dScale = r Σ dy (x - mean)`;
 * - `dMean = -r s Σ dy`, `dVariance = -r³ s Σ dy (x - mean) / 2`;
 * - `dx = dy r s`.
 *
 * Sums are accumulated in float64.
 */
function batchNormGrad(args: KernelArguments): tf.TensorInfo[] {
  const backend = mathBackend(args.backend);
  if (!backend) throw new Error(`[@tfkit/backend] ${batchNormGradKernelName} runs on the wasm backend only.`);
  const { dy, x, mean, variance, scale } = args.inputs as Record<string, tf.TensorInfo | undefined> as {
    dy: tf.TensorInfo;
    x: tf.TensorInfo;
    mean: tf.TensorInfo;
    variance: tf.TensorInfo;
    scale?: tf.TensorInfo;
  };
  const epsilon = Number((args.attrs as { varianceEpsilon?: number }).varianceEpsilon ?? 0.001);
  const channels = mean.shape[0] as number;
  const dx = backend.makeOutput(x.shape, 'float32');
  const statistics = [0, 1, 2, 3].map(() => backend.makeOutput([channels], 'float32'));
  const [dMean, dVariance, dScale, dOffset] = statistics as [
    tf.TensorInfo,
    tf.TensorInfo,
    tf.TensorInfo,
    tf.TensorInfo,
  ];
  // Views only after the last allocation (heap growth detaches them).
  const gradient = floatView(backend, dy);
  const input = floatView(backend, x);
  const means = floatView(backend, mean);
  const variances = floatView(backend, variance);
  const scales = scale ? floatView(backend, scale) : undefined;
  const sumDy = new Float64Array(channels);
  const sumDyCentered = new Float64Array(channels);
  const size = input.length;
  for (let offset = 0; offset < size; offset += channels) {
    for (let channel = 0; channel < channels; channel++) {
      const dyValue = gradient[offset + channel] as number;
      sumDy[channel] = (sumDy[channel] as number) + dyValue;
      sumDyCentered[channel] =
        (sumDyCentered[channel] as number) +
        dyValue * ((input[offset + channel] as number) - (means[channel] as number));
    }
  }
  const factor = new Float32Array(channels);
  const outMean = floatView(backend, dMean);
  const outVariance = floatView(backend, dVariance);
  const outScale = floatView(backend, dScale);
  const outOffset = floatView(backend, dOffset);
  for (let channel = 0; channel < channels; channel++) {
    const r = 1 / Math.sqrt(Math.fround((variances[channel] as number) + epsilon));
    const s = scales ? (scales[channel] as number) : 1;
    factor[channel] = r * s;
    outOffset[channel] = sumDy[channel] as number;
    outScale[channel] = r * (sumDyCentered[channel] as number);
    outMean[channel] = -r * s * (sumDy[channel] as number);
    outVariance[channel] = -0.5 * r * r * r * s * (sumDyCentered[channel] as number);
  }
  const result = floatView(backend, dx);
  for (let offset = 0; offset < size; offset += channels) {
    for (let channel = 0; channel < channels; channel++) {
      result[offset + channel] = (gradient[offset + channel] as number) * (factor[channel] as number);
    }
  }
  return [dx, dMean, dVariance, dScale, dOffset];
}

const marker = Symbol.for('tfkit.batchNormGradient');
let stockGradient: tf.GradConfig | undefined;

function isChannelVector(tensor: tf.Tensor | undefined, channels: number): boolean {
  return tensor === undefined || (tensor.rank === 1 && tensor.size === channels && tensor.dtype === 'float32');
}

/**
 * The gradient of `FusedBatchNorm`: tfkit's kernel where the active backend has it (wasm), the
 * operands are float32 and mean / variance / scale are per-channel vectors of the last axis; the
 * stock gradient otherwise (same values on every backend).
 */
function batchNormGradient(stock: tf.GradConfig): tf.GradConfig {
  const gradFunc: tf.GradConfig['gradFunc'] = (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const single = dy as tf.Tensor;
    const channels = x?.shape[x.rank - 1] ?? -1;
    if (
      Array.isArray(dy) ||
      x === undefined ||
      single.dtype !== 'float32' ||
      x.dtype !== 'float32' ||
      !isChannelVector(mean, channels) ||
      !isChannelVector(variance, channels) ||
      !isChannelVector(scale ?? undefined, channels) ||
      !tf.getKernel(batchNormGradKernelName, tf.getBackend())
    ) {
      return stock.gradFunc(dy, saved, attrs);
    }
    // Computed once, here, as the stock gradient computes its shared terms (the tape's 'backward'
    // scope frees the outputs nobody asks for).
    const inputs: tf.NamedTensorMap = { dy: single, x, mean, variance };
    if (scale) inputs.scale = scale;
    const [dx, dMean, dVariance, dScale, dOffset] = tf
      .engine()
      .runKernel(batchNormGradKernelName, inputs, attrs as tf.NamedAttrMap) as tf.Tensor[];
    return {
      x: () => dx as tf.Tensor,
      mean: () => dMean as tf.Tensor,
      variance: () => dVariance as tf.Tensor,
      scale: () => dScale as tf.Tensor,
      offset: () => dOffset as tf.Tensor,
    };
  };
  (gradFunc as unknown as Record<symbol, unknown>)[marker] = true;
  const config: tf.GradConfig = {
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc,
  };
  return config;
}

/**
 * Registers the batch-norm gradient kernel for wasm and makes the `FusedBatchNorm` gradient use it
 * there (idempotent). On other backends, and for statistics that are not per-channel vectors, the
 * gradient stays the stock composition.
 *
 * @returns the kernel and gradient names registered by this call
 */
export function registerBatchNormGradient(): string[] {
  const registered: string[] = [];
  if (!tf.getKernel(batchNormGradKernelName, 'wasm')) {
    tf.registerKernel({
      kernelName: batchNormGradKernelName,
      backendName: 'wasm',
      kernelFunc: batchNormGrad as unknown as tf.KernelFunc,
    });
    registered.push(batchNormGradKernelName);
  }
  const existing = tf.getGradient('FusedBatchNorm');
  if (existing && (existing.gradFunc as unknown as Record<symbol, unknown>)[marker] !== true) {
    stockGradient = existing;
    tf.registerGradient(batchNormGradient(existing));
    registered.push('FusedBatchNorm gradient');
  }
  return registered;
}

/** The stock `FusedBatchNorm` gradient replaced by {@link registerBatchNormGradient} (tests, benchmarks). */
export function stockBatchNormGradient(): tf.GradConfig | undefined {
  return stockGradient;
}
