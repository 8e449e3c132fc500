/** Registers the matmul / tile / reduction / pooling-gradient kernels for wasm. @returns names registered by this call. */
export function registerMathKernels(): string[] {
  return [];
}
