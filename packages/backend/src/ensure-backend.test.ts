import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { TfkitError as CoreTfkitError, TfkitOptionError } from '@tfkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BackendOptionError,
  BackendUnavailableError,
  ensureBackend,
  resetBackendChoice,
  TfkitError,
  WasmKernelError,
} from './index.js';
import { expectNoTensorLeak, maxRelativeError, seededRandom } from './testing.js';

afterEach(() => resetBackendChoice());

describe('ensureBackend', () => {
  it('falls through tensorflow (not installable here) to wasm and reports why', async () => {
    const lines: string[] = [];
    const info = await ensureBackend({ env: {}, log: (line) => lines.push(line) });
    expect(info.name).toBe('wasm');
    expect(info.gpu).toBe(false);
    expect(info.source).toBe('@tensorflow/tfjs-backend-wasm');
    // The default is every available core (at most 8) on the threaded binary.
    expect(info.threads).toBe(Math.min(os.availableParallelism(), 8));
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[@tfkit\/backend\] using wasm \(SIMD/);
    expect(lines[0]).toContain('tensorflow: neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node');
  });

  it('memoises the choice for the same options', async () => {
    const first = ensureBackend({ env: {}, log: false, prefer: ['cpu'] });
    expect(ensureBackend({ env: {}, log: false, prefer: ['cpu'] })).toBe(first);
    expect((await first).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('honours TFKIT_BACKEND over prefer', async () => {
    const info = await ensureBackend({ env: { TFKIT_BACKEND: 'cpu' }, log: false, prefer: ['wasm'] });
    expect(info.name).toBe('cpu');
    expect(info.reason).toContain('forced by TFKIT_BACKEND');
  });

  it('throws a typed error naming the package and tfjs version when tensorflow is forced but missing', async () => {
    const error = await ensureBackend({ env: { TFKIT_BACKEND: 'tensorflow' }, log: false }).catch((caught) => caught);
    expect(BackendUnavailableError.isInstance(error)).toBe(true);
    expect(TfkitError.isInstance(error)).toBe(true);
    expect(error.packageName).toBe('@tensorflow/tfjs-node');
    expect(error.message).toContain(`@tensorflow/tfjs-node@${tf.version.tfjs}`);
  });

  it('uses an injected tensorflow importer and reports a GPU honestly', async () => {
    // A fake "tensorflow" backend registered by the importer, like tfjs-node-gpu does on import.
    const importer = async () => {
      if (!tf.findBackend('tensorflow')) {
        tf.registerBackend('tensorflow', () => {
          const cpu = tf.findBackend('cpu') as object;
          return Object.assign(Object.create(Object.getPrototypeOf(cpu)), cpu, { isUsingGpuDevice: false });
        });
      }
    };
    const info = await ensureBackend({
      env: {},
      log: false,
      prefer: ['tensorflow'],
      lib: { tensorflowGpu: importer },
    });
    expect(info).toMatchObject({ name: 'tensorflow', gpu: false, source: '@tensorflow/tfjs-node-gpu' });
    tf.removeBackend('tensorflow');
    await tf.setBackend('cpu');
  });

  it('rejects unknown backend names with a typed error', () => {
    expect(() => ensureBackend({ env: { TFKIT_BACKEND: 'webgpu' } })).toThrowError(/TFKIT_BACKEND="webgpu"/);
    let caught: unknown;
    try {
      ensureBackend({ env: {}, prefer: ['gpu' as never] });
    } catch (error) {
      caught = error;
    }
    expect(TfkitOptionError.isInstance(caught)).toBe(true);
    expect(BackendOptionError).toBe(TfkitOptionError);
    expect((caught as TfkitOptionError).option).toBe('prefer');
    expect((caught as Error).message).toMatch(
      /^\[@tfkit\/backend\] Invalid option `prefer`: .*use only tensorflow, wasm, cpu\.$/,
    );
  });
});

describe('errors', () => {
  it("uses @tfkit/core's base and recognises copies by marker, not by class", () => {
    expect(TfkitError).toBe(CoreTfkitError);
    const error = new BackendUnavailableError({ backend: 'wasm', message: 'gone. Install it.', packageName: 'x' });
    expect(error.message).toBe('[@tfkit/backend] gone. Install it.');
    expect(error.name).toBe('Tfkit_BackendUnavailableError');
    expect(error.package).toBe('@tfkit/backend');
    expect(CoreTfkitError.isInstance(error)).toBe(true);
    expect(WasmKernelError.isInstance(error)).toBe(false);
    // A second copy of the package (another class, same marker) is still recognised.
    const copy = Object.assign(new Error('copy'), { [Symbol.for('tfkit.error.Tfkit_BackendUnavailableError')]: true });
    expect(BackendUnavailableError.isInstance(copy)).toBe(true);
    const kernel = new WasmKernelError({ kernelName: 'Conv2D', message: 'bad shape.' });
    expect(kernel.message).toBe('[@tfkit/backend] Conv2D: bad shape.');
    expect(WasmKernelError.isInstance(kernel) && !BackendUnavailableError.isInstance(kernel)).toBe(true);
  });
});

describe('expectNoTensorLeak', () => {
  it('passes clean code and reports leaks', async () => {
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        tf.ones([2]).add(1);
      });
    });
    let leaked: tf.Tensor | undefined;
    await expect(
      expectNoTensorLeak(() => {
        leaked = tf.ones([3]);
      }),
    ).rejects.toThrow(/1 tensor\(s\)/);
    leaked?.dispose();
  });
});

describe('seededRandom and maxRelativeError', () => {
  it('repeats a sequence for a seed and differs across seeds', () => {
    const first = seededRandom(3);
    const again = seededRandom(3);
    const other = seededRandom(4);
    const a = [first(), first(), first()];
    expect([again(), again(), again()]).toEqual(a);
    expect([other(), other(), other()]).not.toEqual(a);
    for (const value of a) expect(value >= 0 && value < 1).toBe(true);
  });

  it('measures the largest difference against the largest reference value', () => {
    expect(maxRelativeError([1, 2, 4], [1, 2, 4])).toBe(0);
    expect(maxRelativeError([1, 2.5, 4], [1, 2, 4])).toBeCloseTo(0.125, 12);
    expect(() => maxRelativeError([1], [1, 2])).toThrow(/lengths differ/);
  });
});
