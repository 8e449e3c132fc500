import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, optionError } from './errors.js';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

/** What the emscripten factory of the threaded binary resolves to (the parts tfjs needs). */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argumentTypes: string[]): (...args: unknown[]) => unknown;
  tfjs?: Record<string, (...args: unknown[]) => unknown>;
}

/**
 * Replaces the `wasm` backend factory by one that loads tfjs's threaded SIMD binary with Node's
 * `worker_threads` (upstream keeps it off in Node, tfjs#3830, because its loader hands Node a
 * `blob:` URL for the pthread worker and the main script).
 *
 * Here the emscripten factory gets real files instead: the main script from the installed package
 * and the worker script written once to the OS temp directory (atomically, content-addressed and
 * checked when reused). XNNPACK then runs on `threads` threads, capped by tfjs's C++ at half the
 * logical CPUs (at least 1, at most 8).
 *
 * @param wasm - the imported `@tensorflow/tfjs-backend-wasm` module
 * @param threads - XNNPACK threads to ask for
 * @throws {@link TfkitOptionError} when the wasm backend has already started or `threads` is invalid
 * @throws {@link BackendUnavailableError} outside Node or without shared WebAssembly memory
 */
export async function useThreadedWasm(wasm: WasmPackage, threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw optionError('wasmThreads', `must be a positive integer, got ${threads}.`, threads);
  }
  const registry = (tf.engine() as unknown as { registry?: Record<string, unknown> }).registry;
  if (registry?.wasm !== undefined) {
    throw optionError(
      'wasmThreads',
      'must be chosen before the wasm backend starts; call ensureBackend({ wasmThreads }) first in the process.',
      threads,
    );
  }
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (typeof node !== 'string' || typeof SharedArrayBuffer === 'undefined') {
    throw new BackendUnavailableError({
      backend: 'wasm',
      message: 'threaded wasm needs Node.js with SharedArrayBuffer; drop wasmThreads.',
      packageName: '@tensorflow/tfjs-backend-wasm',
    });
  }
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) {
    throw new BackendUnavailableError({
      backend: 'wasm',
      message: 'the threaded wasm binary needs WebAssembly SIMD; drop wasmThreads.',
      packageName: '@tensorflow/tfjs-backend-wasm',
    });
  }
  const [{ createRequire }, path, fs, os, crypto] = await Promise.all([
    import('node:module'),
    import('node:path'),
    import('node:fs'),
    import('node:os'),
    import('node:crypto'),
  ]);
  const require = createRequire(import.meta.url);
  const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const binary = path.join(
    path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')),
    'tfjs-backend-wasm-threaded-simd.wasm',
  );
  const { wasmWorkerContents } =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  // The worker source is kept in a template literal whose "\n" escapes became real newlines; put
  // them back as tfjs does before it makes its Blob.
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n');
  const digest = crypto.createHash('sha256').update(workerSource).digest('hex');
  const workerFile = path.join(os.tmpdir(), `tfkit-wasm-threaded-worker-${digest.slice(0, 16)}.cjs`);
  const current = fs.existsSync(workerFile)
    ? crypto.createHash('sha256').update(fs.readFileSync(workerFile, 'utf8')).digest('hex')
    : undefined;
  if (current !== digest) {
    const temporary = `${workerFile}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, workerSource);
    fs.renameSync(temporary, workerFile);
  }
  const factory = require(mainScript) as (config: object) => Promise<EmscriptenModule>;

  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await factory({
        locateFile: (file: string, prefix: string) =>
          file.endsWith('.worker.js') ? workerFile : file.endsWith('.wasm') ? binary : prefix + file,
        mainScriptUrlOrBlob: mainScript,
      });
      // The same bridge tfjs's own init() builds.
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      return new wasm.BackendWasm(module as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
    },
    2,
  );
  wasm.setThreadsCount(threads);
}
