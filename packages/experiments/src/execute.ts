import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { optionError } from './errors.js';
import type { TrialRecord } from './store.js';
import type { TrialSpec } from './sweep.js';
import { checkTrialOutput, type TrialDefinition, TrialRegistry } from './trial.js';
import { builtinTrials } from './trials/index.js';

/** Options of {@link executeTrial}. */
export interface ExecuteTrialOptions {
  /** Root of artifact directories: the trial writes under `<root>/<trialId>/`. */
  artifactRoot: string;
  /** Aborts the trial (it may stop early; the runner then discards it). */
  signal?: AbortSignal;
}

function workerLabel(): string {
  return `${hostname()}:${process.pid}${threadId === 0 ? '' : `:t${threadId}`}`;
}

const clockTicks = 100; // USER_HZ on Linux

/**
 * CPU seconds of the calling OS thread (Linux: /proc/thread-self/stat, 10 ms resolution), so that a
 * trial in a worker thread is measured alone; elsewhere the process's CPU time on the main thread.
 */
function cpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    if (threadId !== 0) return undefined;
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
}

/** What a failed record says of its error. */
type RecordedError = NonNullable<TrialRecord['error']>;

/**
 * The `{ name, message, stack? }` a failed record stores for anything that was thrown.
 *
 * @internal
 */
export function recordedError(error: unknown): RecordedError {
  return error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
    : { name: 'Error', message: String(error) };
}

/**
 * The record of a trial that failed outside its own code (its worker thread or process died):
 * no metrics, the error, and `worker` saying where.
 *
 * @internal
 */
export function failedTrialRecord(spec: TrialSpec, error: RecordedError, worker: string): TrialRecord {
  return {
    version: 1,
    sweep: spec.sweep,
    trial: spec.trial,
    trialId: spec.trialId,
    configId: spec.configId,
    parameters: spec.parameters,
    seed: spec.seed,
    status: 'failed',
    metrics: {},
    curves: {},
    artifacts: {},
    error,
    startedAt: new Date().toISOString(),
    wallSeconds: 0,
    worker,
  };
}

/**
 * Runs one trial and turns what happens into a {@link TrialRecord}: `'ok'` with its metrics,
 * curves and artifacts, or `'failed'` with the error (never throws for a trial's own error).
 *
 * @param spec - the trial
 * @param registry - where its kind is
 * @param options - artifact root and abort signal
 * @returns the record to store
 */
export async function executeTrial(
  spec: TrialSpec,
  registry: TrialRegistry,
  options: ExecuteTrialOptions,
): Promise<TrialRecord> {
  const startedAt = new Date().toISOString();
  const start = performance.now();
  const cpuStart = cpuSeconds();
  const artifactDirectory = path.resolve(options.artifactRoot, spec.trialId);
  const base = {
    version: 1 as const,
    sweep: spec.sweep,
    trial: spec.trial,
    trialId: spec.trialId,
    configId: spec.configId,
    parameters: spec.parameters,
    seed: spec.seed,
    startedAt,
    worker: workerLabel(),
  };
  const timing = () => {
    const cpuEnd = cpuSeconds();
    return {
      wallSeconds: (performance.now() - start) / 1000,
      ...(cpuStart !== undefined && cpuEnd !== undefined ? { cpuSeconds: cpuEnd - cpuStart } : {}),
    };
  };
  try {
    const trial = registry.get(spec.trial);
    const output = await trial.run(spec.parameters as never, {
      seed: spec.seed,
      trialId: spec.trialId,
      artifactDirectory,
      artifactPath: async (name) => {
        await mkdir(artifactDirectory, { recursive: true });
        return path.join(artifactDirectory, name);
      },
      signal: options.signal ?? new AbortController().signal,
    });
    const clean = checkTrialOutput(spec.trial, output);
    return { ...base, status: 'ok', ...clean, ...timing() } as TrialRecord;
  } catch (error) {
    return {
      ...base,
      status: 'failed',
      metrics: {},
      curves: {},
      artifacts: {},
      error: recordedError(error),
      ...timing(),
    };
  }
}

function isTrialDefinition(value: unknown): value is TrialDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TrialDefinition).name === 'string' &&
    typeof (value as TrialDefinition).run === 'function' &&
    typeof (value as TrialDefinition).parameters === 'object'
  );
}

/**
 * The module specifier for a trial module: a URL as is, a path resolved against the working
 * directory as a `file:` URL.
 *
 * @internal
 */
export function moduleUrl(specifier: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !/^[a-z]:[\\/]/i.test(specifier)) return specifier;
  return pathToFileURL(path.resolve(specifier)).href;
}

/**
 * The built-in trial kinds plus those exported by `modules` (each module exports
 * `trials` (a list or a {@link TrialRegistry}), a default of either, or trial definitions by name).
 *
 * @param modules - paths or URLs of trial modules
 * @returns a new registry
 * @throws when a module cannot be imported (its own error), or exports no trial
 * @example
 * ```ts
 * const registry = await loadTrialRegistry(['./my-trials.mjs']);
 * ```
 */
export async function loadTrialRegistry(modules: readonly string[] = []): Promise<TrialRegistry> {
  const registry = new TrialRegistry(builtinTrials.list());
  for (const specifier of modules) {
    const exports = (await import(moduleUrl(specifier))) as Record<string, unknown>;
    const found: TrialDefinition[] = [];
    const take = (value: unknown) => {
      if (
        value instanceof TrialRegistry ||
        (typeof value === 'object' && value !== null && typeof (value as TrialRegistry).list === 'function')
      )
        found.push(...(value as TrialRegistry).list());
      else if (Array.isArray(value)) found.push(...value.filter(isTrialDefinition));
      else if (isTrialDefinition(value)) found.push(value);
    };
    if ('trials' in exports) take(exports.trials);
    else if ('default' in exports) take(exports.default);
    else for (const value of Object.values(exports)) take(value);
    if (found.length === 0)
      throw optionError(
        'trialModules',
        `${specifier} exports no trial; export const trials = [defineTrial({ ... })].`,
        specifier,
      );
    for (const trial of found) registry.register(trial);
  }
  return registry;
}
