/**
 * The worker-thread entry of the local pool (loaded by piscina by file name): runs one trial per
 * task with the trial modules of the sweep.
 *
 * @internal
 */
import { executeTrial, loadTrialRegistry } from './execute.js';
import type { TrialRecord } from './store.js';
import type { TrialSpec } from './sweep.js';
import type { TrialRegistry } from './trial.js';

/** A task of the pool. */
export interface PoolTask {
  spec: TrialSpec;
  trialModules: readonly string[];
  artifactRoot: string;
}

let cached: { key: string; registry: Promise<TrialRegistry> } | undefined;

/**
 * Runs one trial in this worker thread.
 *
 * @param task - the trial, the modules that define its kind, where artifacts go
 * @returns its record
 */
export default async function runPoolTask(task: PoolTask): Promise<TrialRecord> {
  const key = JSON.stringify(task.trialModules);
  if (cached?.key !== key) cached = { key, registry: loadTrialRegistry(task.trialModules) };
  const registry = await cached.registry;
  return executeTrial(task.spec, registry, { artifactRoot: task.artifactRoot });
}
