import { makeCast, makeIdentity } from './identity.js';
import { makeLeakyRelu } from './leaky-relu.js';
import { makeBatchMatMul, makeFusedMatMul } from './mat-mul.js';
import { makeMaxPoolGrad } from './max-pool-grad.js';
import { makeReduce } from './reduce.js';
import { makeTile } from './tile.js';
import { overrideWasmKernel } from './wasm-heap.js';

/** The kernels {@link registerMathKernels} replaces on the wasm backend. */
export const mathKernelNames = [
  'BatchMatMul',
  '_FusedMatMul',
  'Tile',
  'Sum',
  'Mean',
  'MaxPoolGrad',
  'Identity',
  'Cast',
  'LeakyRelu',
] as const;

/**
 * Registers the matmul / tile / reduction / pooling-gradient kernels for wasm (idempotent).
 *
 * - `BatchMatMul`, `_FusedMatMul`: transposed operands are materialised and the XNNPACK path is
 *   used for every transpose combination and batch (stock wasm runs them in a scalar loop).
 * - `Tile`: block copies instead of per-element index arithmetic.
 * - `Sum`, `Mean`: reductions over leading or interleaved axes without a transpose.
 * - `MaxPoolGrad`: correct for windows whose maximum is negative.
 * - `Identity`, `Cast` to the same dtype: share the input's data like cpu instead of copying it
 *   (tfjs clones every tensor saved for the backward pass).
 * - `LeakyRelu`: `x * step(x, alpha)` in two vectorised kernels instead of a scalar loop.
 *
 * @returns names registered by this call (empty when already registered)
 */
export function registerMathKernels(): string[] {
  const registered: string[] = [];
  const register = (name: string, make: Parameters<typeof overrideWasmKernel>[1]) => {
    if (overrideWasmKernel(name, make)) registered.push(name);
  };
  register('BatchMatMul', makeBatchMatMul);
  register('_FusedMatMul', makeFusedMatMul);
  register('Tile', makeTile);
  register('Sum', (stock) => makeReduce('Sum', stock));
  register('Mean', (stock) => makeReduce('Mean', stock));
  register('MaxPoolGrad', makeMaxPoolGrad);
  register('Identity', makeIdentity);
  register('Cast', makeCast);
  register('LeakyRelu', makeLeakyRelu);
  return registered;
}
