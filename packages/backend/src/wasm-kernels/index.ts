import { registerActivationGradients } from './activation-gradients.js';
import { registerBatchNormGradient } from './batch-norm-gradient.js';
import { registerConvKernels } from './conv.js';
import { registerLeakyReluGradient } from './leaky-relu.js';
import { registerMathKernels } from './math.js';

/**
 * Registers tfkit's training kernels for the tfjs wasm backend (idempotent).
 *
 * - `conv.ts`: `Conv2DBackpropFilter`, `Conv2DBackpropInput`, `DepthwiseConv2dNativeBackpropFilter`,
 *   `DepthwiseConv2dNativeBackpropInput`.
 * - `math.ts`: fast transposed `BatchMatMul` / `_FusedMatMul`, `Tile`, leading-axis `Sum` / `Mean`,
 *   a correct `MaxPoolGrad`, and `Identity` / same-dtype `Cast` without a copy.
 * - `activation-gradients.ts`: one-pass gradients of `Relu`, `Relu6` and `ClipByValue` (a tfjs
 *   gradient override that uses tfkit's kernel on wasm and the stock composition elsewhere).
 * - `leaky-relu.ts`: the `LeakyRelu` gradient as `dy * step(x, alpha)` (two vectorised kernels
 *   instead of three scalar ones; the same kind of override).
 * - `batch-norm-gradient.ts`: every gradient of `FusedBatchNorm` (Keras `BatchNormalization`) in
 *   two passes instead of about a dozen element-wise kernels (the same kind of override).
 *
 * @returns the names of the kernels that were registered by this call (empty when already done)
 */
export function registerWasmTrainingKernels(): string[] {
  return [
    ...registerConvKernels(),
    ...registerMathKernels(),
    ...registerActivationGradients(),
    ...registerBatchNormGradient(),
    ...registerLeakyReluGradient(),
  ];
}
