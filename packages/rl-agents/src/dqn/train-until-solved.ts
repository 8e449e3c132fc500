import { type LoopCallback, TfkitOptionError } from '@tfkit/core';
import type { AgentEnv } from '../env.js';
import { packageName } from '../errors.js';
import { DqnAgent } from './agent.js';
import type { DqnConfig } from './config.js';
import type {
  DqnEpisodeLogs,
  DqnEvaluationLogs,
  DqnStepLogs,
  HistoryPoint,
  LearnEvent,
  LearnOptions,
} from './learning.js';

/** Options of {@link trainDqnUntilSolved}. */
export interface TrainUntilSolvedOptions {
  /** Seed of the agent (weights, exploration, env resets). @defaultValue `0` */
  seed?: number;
  /** Environment-step budget. @defaultValue `100000` */
  totalTimesteps?: number;
  /**
   * Environment-step budget.
   *
   * @deprecated Use `totalTimesteps`; goes away in the next minor version.
   */
  budget?: number;
  /** Evaluation mean that counts as solved. @defaultValue the env's `spec.rewardThreshold`, else `475` */
  threshold?: number;
  /** Evaluate every this many environment steps. @defaultValue `1000` */
  evalFreq?: number;
  /** Greedy episodes per evaluation. @defaultValue `20` */
  evalEpisodes?: number;
  /** Environment for evaluations. @defaultValue evaluate on `env` between training episodes */
  evalEnv?: AgentEnv;
  /** Agent configuration (defaults: {@link dqnDefaults}). */
  config?: DqnConfig;
  /** Called after each training episode (see {@link LearnOptions.onEpisodeEnd}). */
  onEpisodeEnd?: LoopCallback<DqnEpisodeLogs> | undefined;
  /** Called after each environment step (see {@link LearnOptions.onStep}). */
  onStep?: LoopCallback<DqnStepLogs> | undefined;
  /** Called after each greedy evaluation (see {@link LearnOptions.onEvaluationEnd}). */
  onEvaluationEnd?: LoopCallback<DqnEvaluationLogs> | undefined;
  /** Stops training at the next step boundary; the result then has `stopped: true`. */
  signal?: AbortSignal | undefined;
  /**
   * Progress: every training episode and every evaluation. Return `false` to stop.
   *
   * @deprecated Use `onEpisodeEnd`, `onEvaluationEnd` and `signal`; goes away in the next minor version.
   */
  onProgress?: ((event: LearnEvent) => boolean | undefined | Promise<boolean | undefined>) | undefined;
  /** Keep the trained agent (the caller then disposes it). @defaultValue `false` */
  keepAgent?: boolean;
}

/** What {@link trainDqnUntilSolved} returns. */
export interface TrainUntilSolvedResult {
  /** True when an evaluation reached the threshold within the budget. */
  solved: boolean;
  /** True when `signal` (or the deprecated `onProgress` returning false) stopped training before that. */
  stopped: boolean;
  /** Environment steps taken (at the solving evaluation, when solved). */
  envSteps: number;
  /** Wall-clock seconds of the whole run. */
  wallSeconds: number;
  /** CPU seconds of this process during the run (robust to a busy machine), when measurable. */
  cpuSeconds: number | undefined;
  /** Mean of the last evaluation. */
  evalMean: number;
  /** Gradient steps taken. */
  updates: number;
  /** Acting throughput: environment steps per second spent acting. */
  actingStepsPerSecond: number;
  /** Learning throughput: gradient steps per second spent learning. */
  updatesPerSecond: number;
  /** Learning curve: training episode returns and evaluation means against environment steps. */
  history: { episodes: HistoryPoint[]; evaluations: HistoryPoint[] };
  /** The agent, when `keepAgent` was set. */
  agent?: DqnAgent;
}

function cpuNow(): number | undefined {
  const usage = (
    globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }
  ).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1e6 : undefined;
}

/**
 * Trains a DQN agent (tfkit's defaults unless `config` says otherwise) until a greedy evaluation
 * reaches the threshold (475 on CartPole-v1) or the budget runs out. The function behind
 * `pnpm bench` and the CLI's learning-curve chart.
 *
 * @param env - the training environment, e.g. `make('CartPole-v1')`
 * @param options - see {@link TrainUntilSolvedOptions}
 * @returns whether and when it solved, timings, throughput and the learning curve
 * @throws {@link TfkitOptionError} for a bad budget or configuration
 * @example
 * ```ts
 * const result = await trainDqnUntilSolved(make('CartPole-v1'), { seed: 1, evalEnv: make('CartPole-v1') });
 * console.log(result.solved, result.envSteps, result.wallSeconds.toFixed(1));
 * // true 24000 9.8
 * ```
 */
export async function trainDqnUntilSolved(
  env: AgentEnv,
  options: TrainUntilSolvedOptions = {},
): Promise<TrainUntilSolvedResult> {
  const totalTimesteps = options.totalTimesteps ?? options.budget ?? 100_000;
  if (!Number.isInteger(totalTimesteps) || totalTimesteps < 1) {
    throw new TfkitOptionError({
      package: packageName,
      option: options.totalTimesteps === undefined && options.budget !== undefined ? 'budget' : 'totalTimesteps',
      message: `must be a positive integer, got ${totalTimesteps}.`,
      value: totalTimesteps,
    });
  }
  const threshold = options.threshold ?? env.spec?.rewardThreshold ?? 475;
  const startWall = performance.now();
  const startCpu = cpuNow();
  const agent = new DqnAgent(env, { ...options.config, seed: options.seed ?? options.config?.seed ?? 0 });
  // Solving (or the deprecated onProgress returning false) aborts `solvedOrStopped`; the caller's
  // signal is forwarded to it.
  const solvedOrStopped = new AbortController();
  const forwardAbort = (): void => solvedOrStopped.abort();
  options.signal?.addEventListener('abort', forwardAbort);
  if (options.signal?.aborted) solvedOrStopped.abort();
  let solved = false;
  let progressStopped = false;
  let evalMean = Number.NaN;
  let envSteps = 0;
  try {
    const result = await agent.learn(env, {
      totalTimesteps,
      evalFreq: options.evalFreq ?? 1000,
      evalEpisodes: options.evalEpisodes ?? 20,
      signal: solvedOrStopped.signal,
      onStep: options.onStep,
      onEpisodeEnd: async (episode, logs) => {
        await options.onEpisodeEnd?.(episode, logs);
        if ((await options.onProgress?.({ type: 'episode', episode: episode + 1, ...logs })) === false) {
          progressStopped = true;
          solvedOrStopped.abort();
        }
      },
      onEvaluationEnd: async (index, logs) => {
        await options.onEvaluationEnd?.(index, logs);
        const answer = await options.onProgress?.({ type: 'eval', ...logs });
        evalMean = logs.mean;
        if (logs.mean >= threshold) {
          solved = true;
          envSteps = logs.numTimesteps;
          solvedOrStopped.abort();
        } else if (answer === false) {
          progressStopped = true;
          solvedOrStopped.abort();
        }
      },
      ...(options.evalEnv ? { evalEnv: options.evalEnv } : {}),
    });
    if (!solved) envSteps = result.numTimesteps;
    const endCpu = cpuNow();
    return {
      solved,
      stopped: !solved && (progressStopped || options.signal?.aborted === true),
      envSteps,
      wallSeconds: (performance.now() - startWall) / 1000,
      cpuSeconds: startCpu === undefined || endCpu === undefined ? undefined : endCpu - startCpu,
      evalMean,
      updates: result.numUpdates,
      actingStepsPerSecond: result.steps / Math.max(result.actingSeconds, 1e-9),
      updatesPerSecond: result.updates / Math.max(result.learningSeconds, 1e-9),
      history: { episodes: result.episodes, evaluations: result.evaluations },
      ...(options.keepAgent ? { agent } : {}),
    };
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
    if (!options.keepAgent) agent.dispose();
  }
}
