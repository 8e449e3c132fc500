import * as tf from '@tensorflow/tfjs';
import { optionError } from './errors.js';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

/** XNNPACK threads for the wasm backend: `'auto'` (every available core) or a count (`1`: the single-threaded binary). */
export type WasmThreads = 'auto' | number;

/**
 * Most threads tfjs 4.22's threaded binary can run: emscripten pre-starts a pool of 8 pthread
 * workers and tfjs's C++ caps its XNNPACK pool at 8 (`max_num_threads` in `backend.cc`).
 */
export const maxWasmThreads = 8;

/** The threads {@link ensureBackend} will ask for, and why. */
export interface ThreadRequest {
  /** Threads to run XNNPACK on: 1 to {@link maxWasmThreads}. */
  threads: number;
  /** True when the user (option or `TFKIT_WASM_THREADS`) asked for a count, false for the default. */
  explicit: boolean;
  /** Text for the report when the count was lowered (e.g. capped at the pool size). */
  note: string | undefined;
}

function availableParallelism(): number {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = process?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus?: () => unknown[] }
    | undefined;
  return os?.availableParallelism?.() ?? os?.cpus?.().length ?? 1;
}

/**
 * Resolves `wasmThreads` and `TFKIT_WASM_THREADS` (which wins) to a thread count.
 *
 * @param option - the `wasmThreads` option
 * @param env - where `TFKIT_WASM_THREADS` is read
 * @returns the count and whether it was asked for
 * @throws {@link TfkitOptionError} for anything but `'auto'` or a positive integer
 */
export function resolveWasmThreads(
  option: WasmThreads | undefined,
  env: Record<string, string | undefined>,
): ThreadRequest {
  const fromEnv = env.TFKIT_WASM_THREADS?.trim();
  let requested: WasmThreads;
  let explicit = true;
  if (fromEnv) {
    if (fromEnv === 'auto') requested = 'auto';
    else if (/^[0-9]+$/.test(fromEnv) && Number(fromEnv) >= 1) requested = Number(fromEnv);
    else {
      throw optionError(
        'TFKIT_WASM_THREADS',
        `"${fromEnv}" is not a thread count; use auto, 1 (the single-threaded binary) or a whole number up to ${maxWasmThreads}, or unset it.`,
        fromEnv,
      );
    }
  } else if (option === undefined) {
    requested = 'auto';
    explicit = false;
  } else if (option === 'auto' || (Number.isInteger(option) && option >= 1)) {
    requested = option;
  } else {
    throw optionError(
      'wasmThreads',
      `must be 'auto' or a positive integer, got ${String(option)}. Pass 1 for the single-threaded binary.`,
      option,
    );
  }
  const wanted = requested === 'auto' ? availableParallelism() : requested;
  const threads = Math.max(1, Math.min(wanted, maxWasmThreads));
  const note =
    wanted > maxWasmThreads
      ? `${wanted} threads asked, ${maxWasmThreads} used (the size of tfjs's wasm worker pool)`
      : undefined;
  return { threads, explicit, note };
}

/** What the emscripten factory of the threaded binary resolves to (the parts tfjs and tfkit use). */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argumentTypes: string[]): (...args: unknown[]) => unknown;
  tfjs?: Record<string, (...args: unknown[]) => unknown>;
  PThread?: PThreadPool;
}

/** emscripten's pthread bookkeeping (`Module.PThread`). */
interface PThreadPool {
  unusedWorkers: Array<{ terminate(): unknown }>;
  runningWorkers: unknown[];
  terminateAllThreads(): void;
}

/** The emscripten module of a started wasm backend (`tf.backend().wasm`). */
interface WasmBackendModule {
  tfjs?: { getThreadsCount?: () => number };
  PThread?: PThreadPool;
}

/**
 * Threads the started wasm backend really runs XNNPACK on.
 *
 * @param backend - the started tfjs wasm backend
 * @returns `get_threads_count()` of tfjs's C++ (pthreadpool's size), or 1 for the single-threaded binary
 */
export function wasmThreadsInUse(backend: unknown): number {
  const module = (backend as { wasm?: WasmBackendModule } | undefined)?.wasm;
  const count = module?.tfjs?.getThreadsCount?.();
  return typeof count === 'number' && count >= 1 ? count : 1;
}

/**
 * pthread workers that run XNNPACK work for the started wasm backend: pthreadpool's threads
 * besides the calling one (0 for the single-threaded binary). Evidence for tests that the
 * threads reported are really there.
 *
 * @param backend - the started tfjs wasm backend
 * @returns the number of running emscripten pthread workers
 */
export function runningWasmWorkers(backend: unknown): number {
  return (backend as { wasm?: WasmBackendModule } | undefined)?.wasm?.PThread?.runningWorkers.length ?? 0;
}

/** Files of the threaded binary in the installed package, and the worker script on disk. */
interface ThreadedFiles {
  mainScript: string;
  binary: string;
  workerFile: string;
}

/** Why threads cannot work here, or undefined when they can. */
async function preflight(): Promise<{ files?: ThreadedFiles; problem?: string }> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (typeof node !== 'string') return { problem: 'not Node.js' };
  if (typeof SharedArrayBuffer === 'undefined') return { problem: 'no SharedArrayBuffer' };
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return { problem: 'no shared WebAssembly memory' };
  }
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) return { problem: 'no WebAssembly SIMD' };
  let files: ThreadedFiles;
  try {
    files = await writeWorkerScript();
  } catch (error) {
    return { problem: `the worker script could not be written (${firstLine(error)})` };
  }
  try {
    await probeWorker(files.workerFile);
  } catch (error) {
    return { problem: `worker_threads could not start (${firstLine(error)})` };
  }
  return { files };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/**
 * Writes tfjs's pthread worker source once to the OS temp directory (content-addressed, atomic,
 * checked by hash when reused): Node's `worker_threads` needs a file, not tfjs's `blob:` URL.
 */
async function writeWorkerScript(): Promise<ThreadedFiles> {
  const [{ createRequire }, path, fs, os, { sha256, writeFileAtomic }] = await Promise.all([
    import('node:module'),
    import('node:path'),
    import('node:fs'),
    import('node:os'),
    import('@tfkit/core/node'),
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
  const digest = sha256(workerSource);
  const workerFile = path.join(os.tmpdir(), `tfkit-wasm-threaded-worker-${digest.slice(0, 16)}.cjs`);
  const current = fs.existsSync(workerFile) ? sha256(fs.readFileSync(workerFile)) : undefined;
  if (current !== digest) await writeFileAtomic(workerFile, workerSource);
  return { mainScript, binary, workerFile };
}

/** Starts one worker on the worker file and waits until it runs (10 s at most). */
async function probeWorker(workerFile: string): Promise<void> {
  const { Worker } = await import('node:worker_threads');
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(workerFile);
    const timer = setTimeout(() => finish(new Error('no worker came online within 10 s')), 10_000);
    const finish = (error?: unknown): void => {
      clearTimeout(timer);
      worker.removeAllListeners();
      worker.on('error', () => {});
      void worker.terminate();
      if (error === undefined) resolve();
      else reject(error);
    };
    worker.once('online', () => finish());
    worker.once('error', (error) => finish(error));
    worker.once('exit', (code) => finish(new Error(`the worker exited with code ${code}`)));
  });
}

/** The text in tfjs 4.22's threaded glue that sizes emscripten's pre-started worker pool. */
const poolSizeSource = 'var pthreadPoolSize=8;';

/**
 * Loads the emscripten factory of the threaded binary in this thread, with its pre-started worker
 * pool sized to `workers` instead of 8: every pre-started worker instantiates the whole binary,
 * which costs startup time and memory, and XNNPACK only takes `threads - 1` of them. The pool size
 * is changed in the source text evaluated here (the workers load the file as installed); when the
 * text is not found (another tfjs build) the file is loaded as it is, with 8 workers.
 */
async function loadFactory(
  mainScript: string,
  workers: number,
): Promise<(config: object) => Promise<EmscriptenModule>> {
  const [{ createRequire }, fs, path, vm] = await Promise.all([
    import('node:module'),
    import('node:fs'),
    import('node:path'),
    import('node:vm'),
  ]);
  const require = createRequire(mainScript);
  const source = fs.readFileSync(mainScript, 'utf8');
  if (!source.includes(poolSizeSource)) return require(mainScript) as (config: object) => Promise<EmscriptenModule>;
  const patched = source.replace(poolSizeSource, `var pthreadPoolSize=${Math.max(1, workers)};`);
  const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${patched}\n})`, {
    filename: mainScript,
  }) as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: unknown },
    file: string,
    directory: string,
  ) => void;
  const module = { exports: {} as unknown };
  wrapper(module.exports as object, require, module, mainScript, path.dirname(mainScript));
  return module.exports as (config: object) => Promise<EmscriptenModule>;
}

/** Where the threaded start stands; read by ensureBackend for its report. */
export interface ThreadedWasmState {
  /** Why the single-threaded binary runs although threads were asked for; undefined when they run. */
  fallback: string | undefined;
}

/**
 * Replaces the `wasm` backend factory by one that loads tfjs's threaded SIMD binary with Node's
 * `worker_threads` (upstream keeps it off in Node, tfjs#3830, because its loader hands Node a
 * `blob:` URL for the pthread worker and the main script).
 *
 * The emscripten factory gets real files (the main script from the installed package, the worker
 * script from the temp directory), a worker pool of `threads - 1` instead of 8, and an `instantiateWasm` hook that answers the binary's
 * `emscripten_num_logical_cores` import with `2 × threads`: tfjs's C++ halves that number and caps
 * its XNNPACK pool there, so this lifts the "half the logical CPUs" cap without patching any
 * global (`os.cpus`) or file. The pool workers not taken by XNNPACK are terminated once it runs.
 *
 * When workers cannot start (checked first with one probe worker) or the threaded start fails, the
 * stock single-threaded SIMD factory runs instead and `state.fallback` says why.
 *
 * @param wasm - the imported `@tensorflow/tfjs-backend-wasm` module
 * @param threads - XNNPACK threads, 2 to {@link maxWasmThreads}
 * @returns the state, whose `fallback` is set once the backend has started (or failed to)
 */
export async function useThreadedWasm(wasm: WasmPackage, threads: number): Promise<ThreadedWasmState> {
  const state: ThreadedWasmState = { fallback: undefined };
  const { files, problem } = await preflight();
  if (!files) {
    state.fallback = `threads off: ${problem}`;
    return state;
  }
  const engine = tf.engine() as unknown as {
    registryFactory: Record<string, { factory: () => tf.KernelBackend | Promise<tf.KernelBackend> } | undefined>;
  };
  const stockFactory = engine.registryFactory.wasm?.factory;
  const { readFileSync } = await import('node:fs');
  const factory = await loadFactory(files.mainScript, threads - 1);

  const startThreaded = async (): Promise<tf.KernelBackend> => {
    const bytes = readFileSync(files.binary);
    let failInstantiate: (error: unknown) => void = () => {};
    const instantiateFailed = new Promise<never>((_, reject) => {
      failInstantiate = reject;
    });
    const config: Record<string, unknown> & { PThread?: PThreadPool } = {
      locateFile: (file: string, prefix: string) =>
        file.endsWith('.worker.js') ? files.workerFile : file.endsWith('.wasm') ? files.binary : prefix + file,
      mainScriptUrlOrBlob: files.mainScript,
      instantiateWasm: (
        imports: { env: Record<string, unknown> },
        receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
      ) => {
        // tfjs's C++: num_cores = emscripten_num_logical_cores() / 2, then
        // threads = min(max(requested, 1), 8, num_cores).
        const env = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
        WebAssembly.instantiate(bytes, { ...imports, env }).then(
          ({ instance, module }) => receiveInstance(instance, module),
          (error: unknown) => failInstantiate(error),
        );
        return {};
      },
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the threaded binary did not start within 60 s')), 60_000);
      (timer as { unref?: () => void }).unref?.();
    });
    let module: EmscriptenModule;
    try {
      module = await Promise.race([factory(config), timeout, instantiateFailed]);
    } catch (error) {
      config.PThread?.terminateAllThreads();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    // The same bridge tfjs's own init() builds.
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    wasm.setThreadsCount(threads);
    const backend = new wasm.BackendWasm(module as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
    const pool = module.PThread;
    if (pool) {
      // XNNPACK's pool is fixed now; the idle pre-started workers only cost memory.
      for (const worker of pool.unusedWorkers.splice(0)) void worker.terminate();
      // emscripten refs a worker while its pthread runs, and pthreadpool's threads run (parked on a
      // futex) until the pool is destroyed, which tfjs never does: unref them so that the process
      // still exits on its own. Node ends them with the process.
      for (const worker of pool.runningWorkers) (worker as { unref?: () => void }).unref?.();
    }
    return backend;
  };

  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        return await startThreaded();
      } catch (error) {
        state.fallback = `threads off: the threaded binary failed to start (${firstLine(error)})`;
        if (!stockFactory) throw error;
        return stockFactory();
      }
    },
    2,
  );
  return state;
}
