/**
 * Test helpers shared by every tfkit package. Runner-agnostic: failures throw plain errors.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '@tfkit/core';

/**
 * Runs `fn` and throws if it leaves tensors or backend data behind.
 *
 * `fn` must dispose everything it creates (including its own outputs). Works for sync and async
 * functions. Compares `tf.memory().numTensors` and `numDataBuffers` before and after.
 *
 * @param fn - the code under test
 * @returns whatever `fn` returns (it must not be a tensor that is still alive)
 * @throws Error naming how many tensors or data buffers leaked
 * @example
 * ```ts
 * await expectNoTensorLeak(() => tf.tidy(() => tf.ones([2]).add(1)).dispose());
 * ```
 */
export async function expectNoTensorLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory();
  const result = await fn();
  const after = tf.memory();
  const tensors = after.numTensors - before.numTensors;
  const buffers = after.numDataBuffers - before.numDataBuffers;
  if (tensors !== 0 || buffers !== 0) {
    throw new Error(
      `expectNoTensorLeak: ${tensors} tensor(s) and ${buffers} data buffer(s) leaked ` +
        `(numTensors ${before.numTensors} -> ${after.numTensors}, numDataBuffers ${before.numDataBuffers} -> ${after.numDataBuffers})`,
    );
  }
  return result;
}

/**
 * Uniform numbers in [0, 1) from `@tfkit/core`'s seeded `Rng`, for reproducible test data.
 *
 * @param seed - a non-negative integer (negative numbers and fractions are folded to 32 bits);
 *   the same seed gives the same sequence
 * @returns a function that returns the next number of the sequence
 * @example
 * ```ts
 * const random = seededRandom(1);
 * const values = Float32Array.from({ length: 4 }, () => random() * 2 - 1);
 * ```
 */
export function seededRandom(seed: number): () => number {
  const rng = createRng(seed >>> 0);
  return () => rng.random();
}

/**
 * `max |actual - expected| / max |expected|`: the relative error of a whole tensor, which tiny
 * entries cannot blow up.
 *
 * @param actual - values under test
 * @param expected - reference values (e.g. from the cpu backend)
 * @returns the relative error (0 for identical arrays)
 * @throws Error when the two arrays differ in length
 * @example
 * ```ts
 * expect(maxRelativeError(wasmValues, cpuValues)).toBeLessThanOrEqual(1e-5);
 * ```
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`maxRelativeError: lengths differ (${actual.length} vs ${expected.length})`);
  }
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    difference = Math.max(difference, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return difference / Math.max(scale, 1e-30);
}

/** What {@link runNodeProcess} saw. */
export interface NodeProcessResult {
  /** Exit code, or `null` when a signal ended the process. */
  code: number | null;
  /** The signal that ended it (`'SIGKILL'` when it did not exit on its own in time), or `null`. */
  signal: NodeJS.Signals | null;
  /** Everything it wrote to stdout. */
  stdout: string;
  /** Everything it wrote to stderr. */
  stderr: string;
}

/** Options of {@link runNodeProcess}. */
export interface RunNodeProcessOptions {
  /** Variables added to this process's environment (an empty string counts as unset for tfkit). */
  env?: Record<string, string>;
  /** Working directory. @defaultValue this process's */
  cwd?: string;
  /**
   * A process still running after this long is killed with SIGKILL and reported with that signal,
   * so that a test of "exits on its own" fails instead of hanging.
   * @defaultValue `90_000`
   */
  timeoutMs?: number;
}

/**
 * Runs `node ...args` in a child process and resolves once it exits, with its output.
 *
 * @param args - arguments after `node`, e.g. `['dist/cli.js', 'backend']`
 * @param options - environment, working directory and time limit
 * @returns exit code, signal, stdout and stderr
 * @example
 * ```ts
 * const run = await runNodeProcess(['dist/cli.js', 'backend'], { env: { TFKIT_WASM_THREADS: '2' } });
 * expect(run.signal).toBeNull(); // it exited on its own
 * ```
 */
export function runNodeProcess(args: string[], options: RunNodeProcessOptions = {}): Promise<NodeProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
