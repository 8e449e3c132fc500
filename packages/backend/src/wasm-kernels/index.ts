import { registerConvKernels } from './conv.js';
import { registerMathKernels } from './math.js';

/**
 * Registers tfkit's training kernels for the tfjs wasm backend (idempotent).
 *
 * - `conv.ts`: `Conv2DBackpropFilter`, `Conv2DBackpropInput`, `DepthwiseConv2dNativeBackpropFilter`,
 *   `DepthwiseConv2dNativeBackpropInput`.
 * - `math.ts`: fast transposed `BatchMatMul` / `_FusedMatMul`, `Tile`, leading-axis `Sum` / `Mean`,
 *   and a correct `MaxPoolGrad`.
 *
 * @returns the names of the kernels that were registered by this call (empty when already done)
 */
export function registerWasmTrainingKernels(): string[] {
  return [...registerConvKernels(), ...registerMathKernels()];
}
