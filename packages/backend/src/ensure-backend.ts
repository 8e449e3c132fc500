import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, optionError, TfkitError, TfkitOptionError } from './errors.js';
import { registerWasmTrainingKernels } from './wasm-kernels/index.js';
import {
  resolveWasmThreads,
  type ThreadRequest,
  useThreadedWasm,
  type WasmThreads,
  wasmThreadsInUse,
} from './wasm-threads.js';

/** The compute backends tfkit can run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What {@link ensureBackend} chose. */
export interface BackendInfo {
  /** The active tfjs backend. */
  name: BackendName;
  /** True only when TensorFlow reports a GPU device in use (tfjs-node-gpu with CUDA 11 / cuDNN 8). */
  gpu: boolean;
  /** Where it came from: an npm package name, or `'@tensorflow/tfjs'` for the cpu backend. */
  source: string;
  /**
   * Compute threads the backend really uses: for wasm, the size of XNNPACK's thread pool as tfjs's
   * C++ reports it (`get_threads_count`), 1 on the single-threaded binary.
   */
  threads: number;
  /** One line saying what was chosen and why (also what is logged). */
  reason: string;
  /** Training kernels tfkit registered for this backend (wasm only). */
  kernels: string[];
}

/** Lazily imports a tfjs backend package; injectable for tests and bundlers. */
export type BackendImporter = () => Promise<unknown>;

/** Options of {@link ensureBackend}. */
export interface EnsureBackendOptions {
  /**
   * Backends to try, in order.
   * @defaultValue `['tensorflow', 'wasm', 'cpu']`, or only `TFKIT_BACKEND` when that is set
   */
  prefer?: readonly BackendName[];
  /**
   * Where the one-line report goes: `true` for `console.error`, `false` for nowhere, or a function.
   * @defaultValue `true`
   */
  log?: boolean | ((line: string) => void);
  /**
   * Importers for the native packages, in the order tried for `'tensorflow'`.
   * @defaultValue imports `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`
   */
  lib?: { tensorflowGpu?: BackendImporter; tensorflow?: BackendImporter };
  /**
   * Register tfkit's wasm training kernels when wasm is chosen.
   * @defaultValue `true`
   */
  wasmKernels?: boolean;
  /**
   * XNNPACK threads of the wasm backend. `'auto'` takes every available core
   * (`os.availableParallelism()`, at most 8, the size of tfjs's wasm worker pool) on tfjs's threaded
   * SIMD binary, run on Node `worker_threads`; `1` takes the single-threaded SIMD binary. The
   * `TFKIT_WASM_THREADS` environment variable (`auto` or a count) overrides it. When workers cannot
   * start, wasm runs on one thread and the report line says why. {@link BackendInfo.threads}
   * reports the threads in use. Chosen when the wasm backend first starts in the process.
   * @defaultValue `'auto'`
   */
  wasmThreads?: WasmThreads;
  /** Environment to read `TFKIT_BACKEND` and `TFKIT_WASM_THREADS` from. @defaultValue `process.env` */
  env?: Record<string, string | undefined>;
}

const allBackends: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
// Held in variables so bundlers do not try to resolve packages we never declare.
const tfjsNodeGpu = '@tensorflow/tfjs-node-gpu';
const tfjsNode = '@tensorflow/tfjs-node';

let current: { key: string; promise: Promise<BackendInfo> } | undefined;

function isBackendName(value: string): value is BackendName {
  return (allBackends as readonly string[]).includes(value);
}

function availableParallelism(): number {
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = os?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return module?.availableParallelism?.() ?? 1;
}

/**
 * Picks, prepares and activates the fastest tfjs backend this machine can run.
 *
 * Order: `tensorflow` from `@tensorflow/tfjs-node-gpu`, then from `@tensorflow/tfjs-node` (both
 * imported lazily and never declared as dependencies), then `wasm` (with tfkit's training
 * kernels), then `cpu`. `TFKIT_BACKEND=tensorflow|wasm|cpu` forces one.
 *
 * @param options - see {@link EnsureBackendOptions}
 * @returns what was chosen; the same promise for repeated calls with the same options
 * @throws {@link BackendUnavailableError} when a forced backend cannot be loaded, naming the
 *   package to install and the tfjs version it must match
 * @throws {@link TfkitOptionError} when `TFKIT_BACKEND` or `prefer` names an unknown backend
 * @example
 * ```ts
 * const info = await ensureBackend();
 * // [@tfkit/backend] using wasm (SIMD, 1 thread) from @tensorflow/tfjs-backend-wasm: ...
 * ```
 */
export function ensureBackend(options: EnsureBackendOptions = {}): Promise<BackendInfo> {
  const env =
    options.env ?? (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const forced = env.TFKIT_BACKEND?.trim();
  let order: readonly BackendName[];
  if (forced) {
    if (!isBackendName(forced)) {
      throw optionError(
        'TFKIT_BACKEND',
        `TFKIT_BACKEND="${forced}" is not a backend; use one of ${allBackends.join(', ')} or unset it.`,
        forced,
      );
    }
    order = [forced];
  } else {
    order = options.prefer ?? allBackends;
    for (const name of order) {
      if (!isBackendName(name)) {
        throw optionError('prefer', `prefer contains "${String(name)}"; use only ${allBackends.join(', ')}.`, name);
      }
    }
    if (order.length === 0) throw optionError('prefer', 'prefer is empty; name at least one backend.', order);
  }
  const threads = order.includes('wasm') ? resolveWasmThreads(options.wasmThreads, env) : undefined;
  const key = `${order.join(',')}|${options.wasmKernels !== false}|${threads?.threads ?? ''}|${threads?.explicit ?? ''}`;
  if (current?.key === key) return current.promise;
  const promise = pick(order, Boolean(forced), options, threads);
  current = { key, promise };
  promise.catch(() => {
    if (current?.promise === promise) current = undefined;
  });
  return promise;
}

async function pick(
  order: readonly BackendName[],
  forced: boolean,
  options: EnsureBackendOptions,
  threads: ThreadRequest | undefined,
): Promise<BackendInfo> {
  const skipped: string[] = [];
  const strict = forced || order.length === 1;
  for (const name of order) {
    try {
      const notes: string[] = [];
      const info = await activate(name, options, threads, notes);
      const reasons = [...skipped, ...notes];
      if (forced && skipped.length === 0) reasons.unshift('forced by TFKIT_BACKEND');
      const why = reasons.length > 0 ? ` (${reasons.join('; ')})` : '';
      info.reason = `[@tfkit/backend] using ${describe(info)}${why}`;
      if (info.name !== 'tensorflow') quietCpuBanner();
      report(options.log, info.reason);
      return info;
    } catch (error) {
      if (strict || TfkitOptionError.isInstance(error)) throw error;
      skipped.push(`${name}: ${TfkitError.isInstance(error) ? shortReason(error) : String(error)}`);
    }
  }
  throw new BackendUnavailableError({
    backend: order.join('/'),
    message: `no backend could be started: ${skipped.join('; ')}.`,
  });
}

/**
 * tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js..." on its
 * first tensor (also when it is only a fallback next to wasm). ensureBackend already reports the
 * choice and why tfjs-node is not used, so the banner is switched off by marking that backend
 * instance as used: no console patching and no global flag such as `PROD`, which would also hide
 * every other tfjs warning.
 */
function quietCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: unknown } | null;
  if (cpu && cpu.firstUse === true) cpu.firstUse = false;
}

function shortReason(error: TfkitError): string {
  return error.message.replace('[@tfkit/backend] ', '').split('. ')[0] ?? error.message;
}

function describe(info: BackendInfo): string {
  if (info.name === 'tensorflow') return `tensorflow on ${info.gpu ? 'GPU' : 'CPU'} from ${info.source}`;
  if (info.name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
    return `wasm (${simd}, ${info.threads} thread${info.threads === 1 ? '' : 's'}, ${info.kernels.length} training kernels) from ${info.source}`;
  }
  return 'cpu (pure JavaScript, slow for convolutions) from @tensorflow/tfjs';
}

function report(log: EnsureBackendOptions['log'], line: string): void {
  if (log === false) return;
  if (typeof log === 'function') log(line);
  else console.error(line);
}

async function activate(
  name: BackendName,
  options: EnsureBackendOptions,
  threads: ThreadRequest | undefined,
  notes: string[],
): Promise<BackendInfo> {
  switch (name) {
    case 'tensorflow':
      return activateTensorflow(options);
    case 'wasm':
      return activateWasm(options, threads ?? resolveWasmThreads(options.wasmThreads, {}), notes);
    case 'cpu':
      if (!(await tf.setBackend('cpu')))
        throw new BackendUnavailableError({ backend: 'cpu', message: 'the cpu backend failed to start.' });
      await tf.ready();
      return { name: 'cpu', gpu: false, source: '@tensorflow/tfjs', threads: 1, reason: '', kernels: [] };
  }
}

async function activateTensorflow(options: EnsureBackendOptions): Promise<BackendInfo> {
  const candidates: Array<[string, BackendImporter]> = [
    [tfjsNodeGpu, options.lib?.tensorflowGpu ?? (() => import(/* @vite-ignore */ tfjsNodeGpu))],
    [tfjsNode, options.lib?.tensorflow ?? (() => import(/* @vite-ignore */ tfjsNode))],
  ];
  const failures: string[] = [];
  for (const [packageName, importer] of candidates) {
    try {
      await importer();
    } catch (error) {
      failures.push(`${packageName}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    if (!tf.findBackend('tensorflow') || !(await tf.setBackend('tensorflow'))) {
      failures.push(`${packageName} loaded but registered no working "tensorflow" backend`);
      continue;
    }
    await tf.ready();
    const backend = tf.backend() as { isUsingGpuDevice?: boolean };
    const gpu = packageName === tfjsNodeGpu && backend.isUsingGpuDevice === true;
    return { name: 'tensorflow', gpu, source: packageName, threads: availableParallelism(), reason: '', kernels: [] };
  }
  throw new BackendUnavailableError({
    backend: 'tensorflow',
    message: `neither ${tfjsNodeGpu} nor ${tfjsNode} could be loaded. Install one at the same version as @tensorflow/tfjs (${tf.version.tfjs}): \`npm i ${tfjsNode}@${tf.version.tfjs}\`, or use TFKIT_BACKEND=wasm. Details: ${failures.join('; ')}`,
    packageName: tfjsNode,
  });
}

async function activateWasm(
  options: EnsureBackendOptions,
  request: ThreadRequest,
  notes: string[],
): Promise<BackendInfo> {
  const packageName = '@tensorflow/tfjs-backend-wasm';
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new BackendUnavailableError({
      backend: 'wasm',
      message: `${packageName} could not be loaded; install it at ${tf.version.tfjs}.`,
      packageName,
      cause: error,
    });
  }
  const engine = tf.engine() as unknown as { registry: Record<string, tf.KernelBackend | undefined> };
  const started = engine.registry.wasm;
  let threadState: { fallback: string | undefined } | undefined;
  if (started) {
    // wasm already runs in this process (an earlier ensureBackend or tf.setBackend('wasm')): its
    // binary cannot change any more.
    const running = wasmThreadsInUse(started);
    if (request.explicit && running !== request.threads) {
      throw optionError(
        'wasmThreads',
        `${request.threads} thread(s) asked, but the wasm backend already runs on ${running} in this process; it must be chosen before the wasm backend starts: call ensureBackend({ wasmThreads }) first in the process, or set TFKIT_WASM_THREADS before it starts.`,
        request.threads,
      );
    }
  } else {
    const directory = await wasmDirectory();
    if (directory) wasm.setWasmPaths(directory);
    if (request.threads > 1) threadState = await useThreadedWasm(wasm, request.threads);
  }
  if (tf.getBackend() !== 'wasm') {
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
    } catch (error) {
      throw new BackendUnavailableError({
        backend: 'wasm',
        message: `the wasm backend failed to start: ${String(error)}.`,
        packageName,
        cause: error,
      });
    }
    if (!ok)
      throw new BackendUnavailableError({ backend: 'wasm', message: 'the wasm backend failed to start.', packageName });
  }
  await tf.ready();
  const kernels = options.wasmKernels === false ? [] : registerWasmTrainingKernels();
  const threads = wasmThreadsInUse(tf.backend());
  if (threadState?.fallback) notes.push(threadState.fallback);
  if (request.note && threads > 1) notes.push(request.note);
  return { name: 'wasm', gpu: false, source: packageName, threads, reason: '', kernels };
}

/** Directory of the installed .wasm binaries, so Node never fetches them over the network. */
async function wasmDirectory(): Promise<string | undefined> {
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode) return undefined;
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const require = createRequire(import.meta.url);
  const file = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  return path.dirname(file) + path.sep;
}

/** Forgets the memoised choice so that the next {@link ensureBackend} call picks again. For tests. */
export function resetBackendChoice(): void {
  current = undefined;
}
