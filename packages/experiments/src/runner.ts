import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@tfkit/core/node';
import { Piscina } from 'piscina';
import { aggregateResults, type SweepSummary } from './aggregate.js';
import { optionError } from './errors.js';
import { executeTrial, failedTrialRecord, loadTrialRegistry, recordedError } from './execute.js';
import type { PoolTask } from './pool-worker.js';
import { ResultsStore, type TrialRecord } from './store.js';
import { expandSweep, type MetricChoice, type SweepDefinition, type TrialSpec, validateSweep } from './sweep.js';
import type { TrialRegistry } from './trial.js';

/** Progress of a running sweep. */
export interface SweepProgress {
  /** Trials of the sweep. */
  total: number;
  /** Finished (ok or failed), including those found done in the store. */
  done: number;
  /** Finished with `'failed'` in this run or before. */
  failed: number;
  /** Running now. */
  running: number;
  /** Found complete in the store at start (not run again). */
  skipped: number;
  /** Seconds since the run started. */
  elapsedSeconds: number;
  /** Estimated seconds left (NaN until a trial has finished in this run). */
  etaSeconds: number;
}

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** Directory of sweeps: results go to `<outDir>/<sweep name>/`. @defaultValue `'sweeps'` */
  outDir?: string;
  /**
   * Trials run at once, each in its own worker thread. `0` runs them one after another in this
   * thread (the sequential baseline).
   * @defaultValue `os.availableParallelism()`
   */
  concurrency?: number;
  /** More trial kinds: modules imported in every worker (added to the sweep's own `trialModules`). */
  trialModules?: readonly string[];
  /** Registry to validate against in this thread. @defaultValue built-ins plus the trial modules */
  registry?: TrialRegistry;
  /** Run trials again that failed before. @defaultValue `false` */
  retryFailed?: boolean;
  /** Stops the sweep: no new trial starts, running ones are terminated (and run again on resume). */
  signal?: AbortSignal;
  /** Called whenever a trial starts or ends. */
  onProgress?: (progress: SweepProgress) => void;
  /** Called with each finished trial's record, after it is stored. */
  onTrialEnd?: (record: TrialRecord) => void;
  /** @internal The pool's worker file (tests that run from source point it at the built one). */
  workerFile?: string | URL;
}

/** What {@link runSweep} returns. */
export interface RunSweepResult {
  /** The sweep's name. */
  sweep: string;
  /** `<outDir>/<name>`. */
  directory: string;
  /** The JSON-lines results file. */
  resultsFile: string;
  /** Every current record of the sweep (earlier runs included). */
  records: TrialRecord[];
  /** Aggregated over seeds, ranked by the sweep's metric. */
  summary: SweepSummary;
  /** True when `signal` stopped it before every trial finished. */
  stopped: boolean;
  /** Trials run in this call. */
  ran: number;
  /** Trials found complete and not run again. */
  skipped: number;
  /** Trials that failed in this call. */
  failed: number;
  /** Wall seconds of this call. */
  wallSeconds: number;
}

/** The files of a sweep directory. */
export function sweepPaths(
  outDir: string,
  name: string,
): { directory: string; resultsFile: string; definitionFile: string; artifactRoot: string; reportFile: string } {
  const directory = path.resolve(outDir, name);
  return {
    directory,
    resultsFile: path.join(directory, 'results.jsonl'),
    definitionFile: path.join(directory, 'sweep.json'),
    artifactRoot: path.join(directory, 'artifacts'),
    reportFile: path.join(directory, 'report.html'),
  };
}

/**
 * The trial pool both runners use: `threads` worker threads, one trial each at a time, every
 * thread's tfjs backend on one compute thread (`TFKIT_WASM_THREADS=1`) so that trials don't fight
 * for cores.
 *
 * @internal
 */
export function createTrialPool(threads: number, workerFile: string | URL | undefined): Piscina<PoolTask, TrialRecord> {
  return new Piscina<PoolTask, TrialRecord>({
    filename: String(workerFile ?? defaultWorkerFile()),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    env: { ...process.env, TFKIT_WASM_THREADS: '1' },
  });
}

/** The built pool worker next to this module, or the package's `dist/` one when running from source. */
export function defaultWorkerFile(): string {
  const sibling = fileURLToPath(new URL('./pool-worker.js', import.meta.url));
  if (existsSync(sibling)) return sibling;
  return fileURLToPath(new URL('../dist/pool-worker.js', import.meta.url));
}

/**
 * The metric a sweep ranks by: its own, else its trial kind's default.
 *
 * @internal
 */
export function sweepMetric(definition: SweepDefinition, registry: TrialRegistry): MetricChoice | undefined {
  return (
    definition.metric ?? (registry.has(definition.trial) ? registry.get(definition.trial).defaultMetric : undefined)
  );
}

/**
 * Runs a sweep on this machine: every trial not yet complete in `<outDir>/<name>/results.jsonl`,
 * `concurrency` at a time, each in a worker thread of a piscina pool (one tfjs backend thread per
 * trial). A trial that throws is recorded as failed and the sweep goes on. Aborting `signal`
 * stops cleanly; calling again resumes (complete trials are never run again).
 *
 * @param definition - the sweep
 * @param options - output directory, concurrency, trial modules, signal, progress
 * @returns the records, the aggregated summary, and what this call did
 * @throws {@link SweepDefinitionError} for an invalid sweep
 * @throws {@link TfkitOptionError} for a bad `concurrency`
 * @throws {@link ResultsStoreError} when the results file is damaged or cannot be written
 * @example
 * ```ts
 * const result = await runSweep(sweep, { outDir: 'sweeps', onProgress: (p) => console.log(p.done, '/', p.total) });
 * console.log(result.summary.best?.configuration.parameters);
 * ```
 */
export async function runSweep(definition: SweepDefinition, options: RunSweepOptions = {}): Promise<RunSweepResult> {
  const started = performance.now();
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 0)
    throw optionError(
      'concurrency',
      `must be a non-negative integer (0 runs trials in sequence), got ${concurrency}.`,
      concurrency,
    );
  const trialModules = [...(definition.trialModules ?? []), ...(options.trialModules ?? [])];
  const registry = options.registry ?? (await loadTrialRegistry(trialModules));
  const sweep = validateSweep(definition, registry);
  const trials = expandSweep(sweep, registry);
  const paths = sweepPaths(options.outDir ?? 'sweeps', sweep.name);
  const store = await ResultsStore.open(paths.resultsFile);
  await writeFileAtomic(paths.definitionFile, `${JSON.stringify(sweep, null, 2)}\n`);
  const pending: TrialSpec[] = trials.filter(
    (trial) => !store.isComplete(trial.trialId) && (options.retryFailed || !store.has(trial.trialId)),
  );
  const skipped = trials.length - pending.length;
  const ids = new Set(trials.map((trial) => trial.trialId));
  const failedBefore = store
    .records()
    .filter(
      (record) =>
        ids.has(record.trialId) &&
        record.status === 'failed' &&
        !pending.some((trial) => trial.trialId === record.trialId),
    ).length;
  let running = 0;
  let ran = 0;
  let failed = 0;
  const durations: number[] = [];
  const lanes = Math.max(1, Math.min(concurrency, pending.length));
  const report = () => {
    if (!options.onProgress) return;
    const elapsedSeconds = (performance.now() - started) / 1000;
    const left = pending.length - ran;
    const mean =
      durations.length > 0 ? durations.reduce((sum, value) => sum + value, 0) / durations.length : Number.NaN;
    options.onProgress({
      total: trials.length,
      done: skipped + ran,
      failed: failedBefore + failed,
      running,
      skipped,
      elapsedSeconds,
      etaSeconds: (mean * Math.max(0, left - running)) / lanes + (running > 0 ? mean / 2 : 0),
    });
  };
  const finish = async (record: TrialRecord) => {
    await store.append(record);
    ran++;
    if (record.status === 'failed') failed++;
    durations.push(record.wallSeconds);
    options.onTrialEnd?.(record);
  };
  const signal = options.signal;
  let next = 0;
  report();
  if (concurrency === 0) {
    for (const spec of pending) {
      if (signal?.aborted) break;
      running = 1;
      report();
      const record = await executeTrial(spec, registry, {
        artifactRoot: paths.artifactRoot,
        ...(signal ? { signal } : {}),
      });
      running = 0;
      if (signal?.aborted) break; // a trial cut short is not a result
      await finish(record);
      report();
    }
  } else if (pending.length > 0) {
    const pool = createTrialPool(lanes, options.workerFile);
    try {
      const lane = async () => {
        while (next < pending.length && !signal?.aborted) {
          const spec = pending[next++]!;
          running++;
          report();
          try {
            const record = await pool.run(
              { spec, trialModules, artifactRoot: paths.artifactRoot },
              signal ? { signal } : {},
            );
            running--;
            await finish(record);
          } catch (error) {
            running--;
            if (signal?.aborted) break;
            // The worker thread itself died (out of memory, process.exit in a trial): record it.
            await finish(failedTrialRecord(spec, recordedError(error), 'pool'));
          }
          report();
        }
      };
      await Promise.all(Array.from({ length: lanes }, lane));
    } finally {
      await pool.destroy();
    }
  }
  const records = store.records().filter((record) => ids.has(record.trialId));
  const metric = sweepMetric(sweep, registry);
  return {
    sweep: sweep.name,
    directory: paths.directory,
    resultsFile: paths.resultsFile,
    records,
    summary: aggregateResults(records, metric ? { metric } : {}),
    stopped:
      Boolean(signal?.aborted) && store.records().filter((record) => ids.has(record.trialId)).length < trials.length,
    ran,
    skipped,
    failed,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
