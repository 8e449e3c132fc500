/**
 * `@tfkit/experiments/distributed`: sweeps on many machines through BullMQ on Redis. `submitSweep`
 * enqueues a sweep's trials (one BullMQ job per trial, job id = sweep + trial id, so submitting
 * again adds only what is missing); `startWorker` runs trials from the queue in a worker-thread
 * pool on any machine; results come back through Redis (one hash per sweep, keyed by trial id: a
 * trial is stored exactly once) and `sweepResults` reads them into the local JSON-lines store.
 *
 * @packageDocumentation
 */
import { availableParallelism, hostname } from 'node:os';
import path from 'node:path';
import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { aggregateResults, type SweepSummary } from './aggregate.js';
import { optionError, RedisUnavailableError } from './errors.js';
import { failedTrialRecord, loadTrialRegistry, moduleUrl, recordedError } from './execute.js';
import { createTrialPool, sweepMetric, sweepPaths } from './runner.js';
import { ResultsStore, type TrialRecord } from './store.js';
import { expandSweep, type MetricChoice, type SweepDefinition, type TrialSpec, validateSweep } from './sweep.js';
import type { TrialRegistry } from './trial.js';

/** Where the queue lives. */
export interface RedisOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` or `rediss://:password@host:6380/0`. */
  redis: string;
  /** Key prefix of every key (BullMQ's and the results). @defaultValue `'tfkit'` */
  prefix?: string;
  /** Seconds to wait for Redis before {@link RedisUnavailableError}. @defaultValue `5` */
  connectTimeoutSeconds?: number;
}

/** The BullMQ queue every sweep's trials go to. */
export const queueName = 'tfkit-trials';

/** A trial job's data. */
interface TrialJobData {
  spec: TrialSpec;
  trialModules: string[];
  /** Shared artifact directory root, when the submitter gave one. */
  sharedDirectory?: string;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

function isConnectionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = (error as Error)?.message ?? '';
  return (
    (code !== undefined && networkCodes.has(code)) ||
    /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|Reached the max retries|timed out|enableOfflineQueue/i.test(
      message,
    )
  );
}

function keys(prefix: string, sweep: string) {
  return {
    sweeps: `${prefix}:sweeps`,
    meta: `${prefix}:sweep:${sweep}`,
    results: `${prefix}:sweep:${sweep}:results`,
  };
}

/**
 * Connects to Redis once (no endless retry), for commands that should fail fast.
 *
 * @internal
 */
async function connectOnce(options: RedisOptions): Promise<Redis> {
  const timeout = (options.connectTimeoutSeconds ?? 5) * 1000;
  const client = new Redis(options.redis, {
    lazyConnect: true,
    connectTimeout: timeout,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw new RedisUnavailableError({ url: options.redis, message: `${(error as Error).message}.`, cause: error });
  }
}

async function guard<T>(options: RedisOptions, what: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (RedisUnavailableError.isInstance(error)) throw error;
    if (isConnectionError(error))
      throw new RedisUnavailableError({
        url: options.redis,
        message: `lost while ${what} (${(error as Error).message}).`,
        cause: error,
      });
    throw error;
  }
}

// Stores a record unless the trial already has an 'ok' one; returns 1 when written.
const storeRecordScript = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and string.find(current, '"status":"ok"', 1, true) then return 0 end
if current and ARGV[3] == 'failed' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/** Options of {@link submitSweep}. */
export interface SubmitSweepOptions extends RedisOptions {
  /** More trial modules (paths are turned into `file:` URLs: they must exist at the same path on every worker). */
  trialModules?: readonly string[];
  /** Registry to validate against. @defaultValue built-ins plus the trial modules */
  registry?: TrialRegistry;
  /** A directory every worker mounts at the same path: artifacts go to `<dir>/<sweep>/artifacts/`. */
  sharedDirectory?: string;
  /** Tries per trial when a worker fails outside the trial (a trial's own error is a result, not retried). @defaultValue `3` */
  attempts?: number;
}

/** What {@link submitSweep} returns. */
export interface SubmitSweepResult {
  /** The sweep's name (its id in Redis). */
  sweep: string;
  /** Trials of the sweep. */
  total: number;
  /** Jobs added now. */
  enqueued: number;
  /** Trials already complete in Redis (not enqueued again). */
  alreadyDone: number;
}

/**
 * Enqueues a sweep's trials on Redis. Submitting the same sweep again adds only trials that have
 * no result and no job yet (resume after a lost Redis or an edited sweep).
 *
 * @param definition - the sweep
 * @param options - Redis URL, trial modules, shared directory, attempts
 * @returns counts
 * @throws {@link RedisUnavailableError} when Redis cannot be reached or is lost while submitting
 * @throws {@link SweepDefinitionError} for an invalid sweep
 * @example
 * ```ts
 * const { sweep, enqueued } = await submitSweep(definition, { redis: 'redis://queue-host:6379' });
 * ```
 */
export async function submitSweep(
  definition: SweepDefinition,
  options: SubmitSweepOptions,
): Promise<SubmitSweepResult> {
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw optionError('attempts', `must be a positive integer, got ${attempts}.`, attempts);
  const trialModules = [...(definition.trialModules ?? []), ...(options.trialModules ?? [])].map(moduleUrl);
  const registry = options.registry ?? (await loadTrialRegistry(trialModules));
  const sweep = validateSweep({ ...definition, ...(trialModules.length > 0 ? { trialModules } : {}) }, registry);
  const trials = expandSweep(sweep, registry);
  const prefix = options.prefix ?? 'tfkit';
  const client = await connectOnce(options);
  const queue = new Queue<TrialJobData>(queueName, {
    connection: client.duplicate({ maxRetriesPerRequest: 1, enableOfflineQueue: true }),
    prefix,
  });
  queue.on('error', () => {});
  try {
    return await guard(options, 'submitting', async () => {
      const names = keys(prefix, sweep.name);
      const metric = sweepMetric(sweep, registry);
      await client.hset(names.meta, {
        definition: JSON.stringify(sweep),
        total: String(trials.length),
        metric: metric ? JSON.stringify(metric) : '',
        submittedAt: new Date().toISOString(),
      });
      await client.sadd(names.sweeps, sweep.name);
      const done = new Set<string>();
      const stored = await client.hgetall(names.results);
      for (const [trialId, line] of Object.entries(stored)) if (line.includes('"status":"ok"')) done.add(trialId);
      const todo = trials.filter((trial) => !done.has(trial.trialId));
      const sharedDirectory = options.sharedDirectory ? path.resolve(options.sharedDirectory) : undefined;
      let enqueued = 0;
      for (let start = 0; start < todo.length; start += 500) {
        const batch = todo.slice(start, start + 500);
        // A job id that is still waiting, active or failed is not added again; remove failed ones to retry them.
        for (const trial of batch) {
          const id = `${sweep.name}--${trial.trialId}`;
          const existing = await queue.getJob(id);
          if (existing && (await existing.getState()) === 'failed') await existing.remove();
        }
        const added = await queue.addBulk(
          batch.map((spec) => ({
            name: sweep.name,
            data: { spec, trialModules, ...(sharedDirectory ? { sharedDirectory } : {}) },
            opts: {
              jobId: `${sweep.name}--${spec.trialId}`,
              attempts,
              removeOnComplete: true,
              removeOnFail: 10_000,
              backoff: { type: 'fixed', delay: 1000 },
            },
          })),
        );
        enqueued += added.length;
      }
      return {
        sweep: sweep.name,
        total: trials.length,
        enqueued: todo.length === 0 ? 0 : enqueued,
        alreadyDone: done.size,
      };
    });
  } finally {
    await queue.close().catch(() => {});
    client.disconnect();
  }
}

/** Progress of a sweep on Redis. */
export interface DistributedStatus {
  sweep: string;
  total: number;
  /** Trials with a result (ok or failed). */
  done: number;
  ok: number;
  failed: number;
  /** Trials a worker is running now. */
  running: number;
  /** Trials waiting in the queue (or waiting for a retry). */
  waiting: number;
  /** Trials whose job failed outside the trial more often than the retry limit (no result). */
  lost: number;
  /** Workers connected to the queue. */
  workers: number;
}

/**
 * Reads a sweep's progress from Redis.
 *
 * @param sweep - the sweep's name
 * @param options - Redis URL and prefix
 * @returns counts of done, running, waiting, lost trials and connected workers
 * @throws {@link RedisUnavailableError} when Redis cannot be reached
 * @throws {@link TfkitOptionError} (option `sweep`) when Redis has no such sweep
 */
export async function sweepStatus(sweep: string, options: RedisOptions): Promise<DistributedStatus> {
  const reader = await openStatusReader(options);
  try {
    return await reader.read(sweep);
  } finally {
    await reader.close();
  }
}

/** One connection and queue handle for repeated status reads. */
async function openStatusReader(options: RedisOptions) {
  const prefix = options.prefix ?? 'tfkit';
  const client = await connectOnce(options);
  const queue = new Queue<TrialJobData>(queueName, {
    connection: client.duplicate({ maxRetriesPerRequest: 1 }),
    prefix,
  });
  queue.on('error', () => {});
  const read = (sweep: string): Promise<DistributedStatus> =>
    guard(options, 'reading the status', async () => {
      const names = keys(prefix, sweep);
      if (!(await client.exists(names.meta))) {
        const known = await client.smembers(names.sweeps);
        throw optionError(
          'sweep',
          `Redis has no sweep '${sweep}'; submitted sweeps: ${known.join(', ') || 'none'}. Submit it with tfkit sweep submit.`,
          sweep,
        );
      }
      const total = Number(await client.hget(names.meta, 'total'));
      const results = await client.hgetall(names.results);
      const lines = Object.values(results);
      const ok = lines.filter((line) => line.includes('"status":"ok"')).length;
      const ofSweep = (jobs: Array<Job | undefined>) => jobs.filter((job) => job?.name === sweep);
      const [active, waiting, delayed, failedJobs, workers] = await Promise.all([
        queue.getActive(),
        queue.getWaiting(),
        queue.getDelayed(),
        queue.getFailed(),
        queue.getWorkers(),
      ]);
      const lost = ofSweep(failedJobs).filter((job) => !((job!.data as TrialJobData).spec.trialId in results)).length;
      return {
        sweep,
        total,
        done: lines.length,
        ok,
        failed: lines.length - ok,
        running: ofSweep(active).length,
        waiting: ofSweep(waiting).length + ofSweep(delayed).length,
        lost,
        workers: workers.length,
      };
    });
  const close = async () => {
    await queue.close().catch(() => {});
    client.disconnect();
  };
  return { read, close };
}

/** Options of {@link sweepResults}. */
export interface SweepResultsOptions extends RedisOptions {
  /** Also append the records to `<outDir>/<sweep>/results.jsonl` (deduplicated by trial id). */
  outDir?: string;
}

/** What {@link sweepResults} returns. */
export interface DistributedResults {
  sweep: string;
  definition: SweepDefinition;
  /** One record per trial that has a result. */
  records: TrialRecord[];
  summary: SweepSummary;
  /** The local results file, when `outDir` was given. */
  resultsFile?: string;
}

/**
 * Reads a sweep's results from Redis, aggregates them, and optionally merges them into the local
 * JSON-lines store.
 *
 * @param sweep - the sweep's name
 * @param options - Redis URL, prefix, local output directory
 * @returns the records (each trial once) and the summary
 * @throws {@link RedisUnavailableError} when Redis cannot be reached
 * @throws {@link TfkitOptionError} (option `sweep`) when Redis has no such sweep
 */
export async function sweepResults(sweep: string, options: SweepResultsOptions): Promise<DistributedResults> {
  const prefix = options.prefix ?? 'tfkit';
  const client = await connectOnce(options);
  try {
    const { definitionText, metricText, lines } = await guard(options, 'reading results', async () => {
      const names = keys(prefix, sweep);
      return {
        definitionText: await client.hget(names.meta, 'definition'),
        metricText: await client.hget(names.meta, 'metric'),
        lines: await client.hgetall(names.results),
      };
    });
    if (!definitionText)
      throw optionError('sweep', `Redis has no sweep '${sweep}'. Submit it with tfkit sweep submit.`, sweep);
    const definition = JSON.parse(definitionText) as SweepDefinition;
    const records = Object.values(lines).map((line) => JSON.parse(line) as TrialRecord);
    let resultsFile: string | undefined;
    if (options.outDir !== undefined) {
      const paths = sweepPaths(options.outDir, sweep);
      const store = await ResultsStore.open(paths.resultsFile);
      for (const record of records) await store.append(record);
      resultsFile = paths.resultsFile;
    }
    const metric = metricText ? (JSON.parse(metricText) as MetricChoice) : undefined;
    return {
      sweep,
      definition,
      records,
      summary: aggregateResults(records, metric ? { metric } : {}),
      ...(resultsFile ? { resultsFile } : {}),
    };
  } finally {
    client.disconnect();
  }
}

/** Options of {@link waitForSweep}. */
export interface WaitForSweepOptions extends RedisOptions {
  /** Poll interval in milliseconds. @defaultValue `500` */
  intervalMs?: number;
  /** Called after every poll. */
  onProgress?: (status: DistributedStatus) => void;
  /** Stops waiting (returns the last status). */
  signal?: AbortSignal;
}

/**
 * Waits until every trial of a sweep has a result (or was lost beyond its retry limit).
 *
 * @param sweep - the sweep's name
 * @param options - Redis URL, poll interval, progress, signal
 * @returns the final status
 * @throws {@link RedisUnavailableError} when Redis cannot be reached
 */
export async function waitForSweep(sweep: string, options: WaitForSweepOptions): Promise<DistributedStatus> {
  const reader = await openStatusReader(options);
  try {
    for (;;) {
      const status = await reader.read(sweep);
      options.onProgress?.(status);
      if (status.done + status.lost >= status.total || options.signal?.aborted) return status;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  } finally {
    await reader.close();
  }
}

/** Something a worker did, for logs. */
export type WorkerEvent =
  | { type: 'ready'; concurrency: number }
  | { type: 'trial-start'; sweep: string; trialId: string; attempt: number }
  | { type: 'trial-end'; record: TrialRecord; stored: boolean }
  | { type: 'stalled'; jobId: string }
  | { type: 'redis-lost'; error: RedisUnavailableError }
  | { type: 'redis-back' };

/** Options of {@link startWorker}. */
export interface StartWorkerOptions extends RedisOptions {
  /** Trials at once, each in a worker thread with a 1-thread backend. @defaultValue `os.availableParallelism()` */
  concurrency?: number;
  /** Where artifacts go when the sweep has no shared directory. @defaultValue `'sweeps'` */
  outDir?: string;
  /**
   * How long a trial's lock lasts without renewal; a killed worker's trial is retried by another
   * worker after at most about this long. @defaultValue `30000`
   */
  lockDurationMs?: number;
  /** How often workers look for stalled trials. @defaultValue `lockDurationMs / 2` */
  stalledIntervalMs?: number;
  /** Times a trial may stall (its worker died) before it is given up. @defaultValue `2` */
  maxStalledCount?: number;
  /** Closes the worker (running trials finish first). */
  signal?: AbortSignal;
  /** Log events. */
  onEvent?: (event: WorkerEvent) => void;
  /** @internal the pool's worker file */
  workerFile?: string | URL;
}

/** A running worker. */
export interface SweepWorker extends AsyncDisposable {
  /** Stops taking trials, waits for running ones, closes the pool and connections. */
  close(): Promise<void>;
  /** Resolves when the worker has closed. */
  readonly closed: Promise<void>;
}

/**
 * Starts a worker that runs trials from the queue: `concurrency` at a time, each in a worker
 * thread (the main thread stays free, so BullMQ renews its locks even during long trials). Each
 * result is written to Redis at most once per trial id. When Redis is lost the worker reports it
 * and carries on when Redis is back.
 *
 * @param options - Redis URL, concurrency, lock settings, signal, events
 * @returns the worker; `await worker.closed` to run until `signal` aborts
 * @throws {@link RedisUnavailableError} when Redis cannot be reached at start
 * @example
 * ```ts
 * const worker = await startWorker({ redis: 'redis://queue-host:6379', concurrency: 8 });
 * process.on('SIGTERM', () => worker.close());
 * ```
 */
export async function startWorker(options: StartWorkerOptions): Promise<SweepWorker> {
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw optionError('concurrency', `must be a positive integer, got ${concurrency}.`, concurrency);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const prefix = options.prefix ?? 'tfkit';
  const probe = await connectOnce(options);
  probe.disconnect();
  const emit = options.onEvent ?? (() => {});
  const connection = new Redis(options.redis, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(250 * times, 2000),
  });
  let lost = false;
  connection.on('error', (error) => {
    if (!lost && isConnectionError(error)) {
      lost = true;
      emit({
        type: 'redis-lost',
        error: new RedisUnavailableError({
          url: options.redis,
          message: `connection lost (${error.message}); retrying.`,
          cause: error,
        }),
      });
    }
  });
  connection.on('ready', () => {
    if (lost) {
      lost = false;
      emit({ type: 'redis-back' });
    }
  });
  const pool = createTrialPool(concurrency, options.workerFile);
  const storeRecord = async (record: TrialRecord): Promise<boolean> => {
    const written = await connection.eval(
      storeRecordScript,
      1,
      keys(prefix, record.sweep).results,
      record.trialId,
      JSON.stringify(record),
      record.status,
    );
    return written === 1;
  };
  const worker = new Worker<TrialJobData>(
    queueName,
    async (job) => {
      const { spec, trialModules, sharedDirectory } = job.data;
      const existing = await connection.hget(keys(prefix, spec.sweep).results, spec.trialId);
      if (existing?.includes('"status":"ok"')) return { trialId: spec.trialId, status: 'duplicate' };
      emit({ type: 'trial-start', sweep: spec.sweep, trialId: spec.trialId, attempt: job.attemptsMade + 1 });
      const artifactRoot = sharedDirectory
        ? path.join(sharedDirectory, spec.sweep, 'artifacts')
        : sweepPaths(options.outDir ?? 'sweeps', spec.sweep).artifactRoot;
      let record: TrialRecord;
      try {
        record = await pool.run({ spec, trialModules, artifactRoot });
      } catch (error) {
        // The worker thread died (out of memory, process.exit in a trial). Retry, and on the last
        // attempt record the failure so that the sweep ends.
        if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
        record = failedTrialRecord(spec, recordedError(error), `${hostname()}:${process.pid}`);
      }
      const stored = await storeRecord(record);
      emit({ type: 'trial-end', record, stored });
      return { trialId: spec.trialId, status: record.status };
    },
    {
      connection,
      prefix,
      concurrency,
      lockDuration,
      stalledInterval: options.stalledIntervalMs ?? Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: options.maxStalledCount ?? 2,
      autorun: true,
      name: `${hostname()}:${process.pid}`,
    },
  );
  worker.on('error', () => {}); // connection errors are reported through 'redis-lost'
  worker.on('stalled', (jobId) => {
    emit({ type: 'stalled', jobId });
    // A trial that stalled beyond the limit is failed by BullMQ: record that, unless it has a result.
    void (async () => {
      const job = await Job.fromId<TrialJobData>(worker as never, jobId).catch(() => undefined);
      if (!job || (await job.getState()) !== 'failed') return;
      const { spec } = job.data;
      await storeRecord(
        failedTrialRecord(
          spec,
          {
            name: 'Tfkit_TrialLostError',
            message: `the worker running this trial died ${(options.maxStalledCount ?? 2) + 1} times; see the workers' logs (out of memory?).`,
          },
          'lost',
        ),
      ).catch(() => {});
    })();
  });
  await worker.waitUntilReady();
  emit({ type: 'ready', concurrency });
  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const close = () => {
    closing ??= (async () => {
      await worker.close();
      await pool.destroy();
      connection.disconnect();
      resolveClosed();
    })();
    return closing;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  if (options.signal?.aborted) void close();
  return { close, closed, [Symbol.asyncDispose]: close };
}
