/** Registers the convolution gradient kernels for wasm. @returns names registered by this call. */
export function registerConvKernels(): string[] {
  return [];
}
