import { TfkitOptionError } from '@tfkit/core';
import type { AgentEnv } from '../env.js';
import { packageName } from '../errors.js';
import { DqnAgent, type DqnConfig, type HistoryPoint, type LearnEvent } from './agent.js';

/** Options of {@link trainDqnUntilSolved}. */
export interface TrainUntilSolvedOptions {
  /** Seed of the agent (weights, exploration, env resets). @defaultValue `0` */
  seed?: number;
  /** Environment-step budget. @defaultValue `100000` */
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
  /** Progress: every training episode and every evaluation. Return `false` to stop. */
  onProgress?: (event: LearnEvent) => boolean | undefined | Promise<boolean | undefined>;
  /** Keep the trained agent (the caller then disposes it). @defaultValue `false` */
  keepAgent?: boolean;
}

/** What {@link trainDqnUntilSolved} returns. */
export interface TrainUntilSolvedResult {
  /** True when an evaluation reached the threshold within the budget. */
  solved: boolean;
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
  const budget = options.budget ?? 100_000;
  if (!Number.isInteger(budget) || budget < 1)
    throw new TfkitOptionError({
      package: packageName,
      option: 'budget',
      message: `budget must be a positive integer, got ${budget}.`,
    });
  const threshold = options.threshold ?? env.spec?.rewardThreshold ?? 475;
  const startWall = performance.now();
  const startCpu = cpuNow();
  const agent = new DqnAgent(env, { ...options.config, seed: options.seed ?? options.config?.seed ?? 0 });
  let solved = false;
  let evalMean = Number.NaN;
  let envSteps = 0;
  try {
    const result = await agent.learn(env, {
      totalTimesteps: budget,
      evalFreq: options.evalFreq ?? 1000,
      evalEpisodes: options.evalEpisodes ?? 20,
      ...(options.evalEnv ? { evalEnv: options.evalEnv } : {}),
      callback: async (event) => {
        const answer = await options.onProgress?.(event);
        if (event.type === 'eval') {
          evalMean = event.mean;
          if (event.mean >= threshold) {
            solved = true;
            envSteps = event.numTimesteps;
            return false;
          }
        }
        return answer;
      },
    });
    if (!solved) envSteps = result.numTimesteps;
    const endCpu = cpuNow();
    return {
      solved,
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
    if (!options.keepAgent) agent.dispose();
  }
}
