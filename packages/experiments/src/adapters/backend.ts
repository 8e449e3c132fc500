/**
 * Backend set-up for tfjs trials: one thread per trial, so that trials running side by side in a
 * pool do not fight for cores.
 *
 * @internal
 */

/**
 * Picks the tfjs backend for a trial with one compute thread: `wasmThreads: 1` (the
 * single-threaded SIMD binary; `@tfkit/backend`'s default is every core). The pool also sets
 * `TFKIT_WASM_THREADS=1` in every worker thread, which `ensureBackend` reads.
 *
 * @returns the backend's name
 */
export async function ensureTrialBackend(): Promise<string> {
  const backend = await import('@tfkit/backend');
  const info = await backend.ensureBackend({ log: false, wasmThreads: 1 });
  return info.name;
}
