import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { TfkitOptionError } from '@tfkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBackend, resetBackendChoice } from './index.js';
import { expectNoTensorLeak, maxRelativeError, runNodeProcess } from './testing.js';
import { maxWasmThreads, resolveWasmThreads, runningWasmWorkers, wasmThreadsInUse } from './wasm-threads.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = pathToFileURL(path.join(here, '..', 'dist', 'index.js')).href;

/** Runs `node args` with `env` added (backend choice unforced); resolves once it exits on its own. */
function runNode(args: string[], env: Record<string, string>) {
  return runNodeProcess(args, { cwd: here, env: { TFKIT_BACKEND: '', ...env } });
}

describe('resolveWasmThreads', () => {
  it("takes every available core for 'auto' and the default, up to the worker pool", () => {
    const cores = Math.min(os.availableParallelism(), maxWasmThreads);
    expect(resolveWasmThreads(undefined, {})).toEqual({ threads: cores, explicit: false, note: undefined });
    expect(resolveWasmThreads('auto', {})).toMatchObject({ threads: cores, explicit: true });
    expect(resolveWasmThreads(3, {})).toMatchObject({ threads: 3, explicit: true, note: undefined });
    expect(resolveWasmThreads(64, {})).toMatchObject({
      threads: 8,
      note: expect.stringContaining('64 threads asked, 8 used'),
    });
  });

  it('lets TFKIT_WASM_THREADS override the option and rejects bad values with a remedy', () => {
    expect(resolveWasmThreads(4, { TFKIT_WASM_THREADS: '1' })).toMatchObject({ threads: 1, explicit: true });
    expect(resolveWasmThreads(1, { TFKIT_WASM_THREADS: ' 2 ' })).toMatchObject({ threads: 2 });
    expect(resolveWasmThreads(1, { TFKIT_WASM_THREADS: '' })).toMatchObject({ threads: 1 });
    for (const bad of ['0', 'two', '1.5', '-2']) {
      let caught: unknown;
      try {
        resolveWasmThreads(undefined, { TFKIT_WASM_THREADS: bad });
      } catch (error) {
        caught = error;
      }
      expect(TfkitOptionError.isInstance(caught), bad).toBe(true);
      expect((caught as TfkitOptionError).option).toBe('TFKIT_WASM_THREADS');
      expect((caught as Error).message).toContain('use auto, 1');
    }
    expect(() => resolveWasmThreads(0, {})).toThrow(/Invalid option `wasmThreads`: must be 'auto' or a positive/);
    expect(() => resolveWasmThreads(2.5, {})).toThrow(/wasmThreads/);
  });
});

// In this process (its own vitest fork): the threaded binary must be chosen before wasm first starts.
describe('ensureBackend({ wasmThreads })', () => {
  it('runs 2 XNNPACK threads even where tfjs would cap it at half the logical CPUs', async () => {
    const lines: string[] = [];
    const info = await ensureBackend({ prefer: ['wasm'], wasmThreads: 2, log: (line) => lines.push(line), env: {} });
    expect(info.name).toBe('wasm');
    expect(info.threads).toBe(2);
    expect(lines[0]).toContain('wasm (SIMD, 2 threads');
    // The evidence behind the number: tfjs's C++ pool size, and one pthread worker besides this thread.
    expect(wasmThreadsInUse(tf.backend())).toBe(2);
    expect(runningWasmWorkers(tf.backend())).toBe(1);
    expect(info.kernels).toContain('BatchMatMul');
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    expect(backend.wasm.HEAPU8.buffer).toBeInstanceOf(SharedArrayBuffer);

    const values = Array.from({ length: 64 * 48 }, (_, index) => Math.sin(index));
    const product = async (): Promise<Float32Array> =>
      expectNoTensorLeak(async () => {
        const a = tf.tensor2d(values, [64, 48]);
        const result = tf.tidy(() => tf.matMul(a, a, true, false).relu());
        const data = (await result.data()) as Float32Array;
        tf.dispose([a, result]);
        return data;
      });
    const onWasm = await product();
    await tf.setBackend('cpu');
    const onCpu = await product();
    expect(maxRelativeError(onWasm, onCpu)).toBeLessThanOrEqual(1e-5);
  });

  it('keeps the running binary for the default, and refuses an explicit other count', async () => {
    resetBackendChoice();
    const info = await ensureBackend({ prefer: ['wasm'], log: false, env: {} });
    expect(info.threads).toBe(2);
    resetBackendChoice();
    const error = await Promise.resolve()
      .then(() => ensureBackend({ prefer: ['wasm', 'cpu'], wasmThreads: 4, log: false, env: {} }))
      .catch((caught: unknown) => caught);
    expect(TfkitOptionError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain('must be chosen before the wasm backend starts');
  });
});

describe('threads in child processes (built package)', () => {
  const fixture = path.join(here, '__fixtures__', 'thread-numbers.mjs');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tfkit-threads-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('gives the same gradients and seeded GAN / transfer losses at 1 and 2 threads, and exits on its own', async () => {
    const [one, two] = await Promise.all([
      runNode([fixture], { TFKIT_WASM_THREADS: '1' }),
      runNode([fixture], { TFKIT_WASM_THREADS: '2' }),
    ]);
    for (const run of [one, two]) {
      expect(run.signal, run.stderr).toBeNull();
      expect(run.code, run.stderr).toBe(0);
    }
    const single = JSON.parse(one.stdout) as {
      threads: number;
      runningWorkers: number;
      results: Record<string, number[][]>;
    };
    const threaded = JSON.parse(two.stdout) as typeof single;
    expect([single.threads, single.runningWorkers]).toEqual([1, 0]);
    expect([threaded.threads, threaded.runningWorkers]).toEqual([2, 1]);
    const names = Object.keys(single.results);
    expect(names).toEqual(
      expect.arrayContaining(['conv2d', 'depthwiseConv2d', 'matMul', 'fused matMul', 'gan losses', 'transfer losses']),
    );
    for (const name of names) {
      const expected = single.results[name] as number[][];
      const actual = threaded.results[name] as number[][];
      expect(actual.length, name).toBe(expected.length);
      expected.forEach((values, index) => {
        expect(values.every(Number.isFinite), `${name} ${index} finite`).toBe(true);
        expect(maxRelativeError(actual[index] as number[], values), `${name} output ${index}`).toBeLessThanOrEqual(
          1e-5,
        );
      });
    }
  });

  it('falls back to one thread with one line saying why when the worker script cannot be written', async () => {
    // A temp directory inside a regular file: the worker script cannot be written there.
    const blocker = path.join(scratch, 'not-a-directory');
    writeFileSync(blocker, '');
    const script = `import { ensureBackend } from ${JSON.stringify(dist)};
      const info = await ensureBackend({ prefer: ['wasm'] });
      console.log(JSON.stringify({ threads: info.threads }));`;
    const run = await runNode(['--input-type=module', '-e', script], {
      TFKIT_WASM_THREADS: '2',
      TMPDIR: path.join(blocker, 'tmp'),
      TMP: path.join(blocker, 'tmp'),
      TEMP: path.join(blocker, 'tmp'),
    });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ threads: 1 });
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/using wasm \(SIMD, 1 thread, .*threads off: the worker script could not be written/);
  });
});
