/**
 * Backend set-up for tfjs trials: one thread per trial, so that trials running side by side in a
 * pool do not fight for cores.
 *
 * @internal
 */

/**
 * Picks the tfjs backend for a trial with one compute thread. The pool sets
 * `TFKIT_WASM_THREADS=1` in every worker; `ensureBackend` of this tfkit version runs wasm on one
 * thread by default (the single-threaded SIMD binary), so no option is passed.
 *
 * @returns the backend's name
 */
export async function ensureTrialBackend(): Promise<string> {
  const backend = await import('@tfkit/backend');
  const info = await backend.ensureBackend({ log: false });
  return info.name;
}
