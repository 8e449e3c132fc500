/**
 * The one place that knows `@tfkit/rl-agents`' and `@tfkit/gym-lite`'s training API for the `dqn`
 * trial; when their option names change, only this file changes.
 *
 * @internal
 */
import type { DqnConfig } from '@tfkit/rl-agents';

/** What the DQN trial needs from a training run. */
export interface DqnRunOptions {
  envId: string;
  seed: number;
  totalTimesteps: number;
  evalFreq: number;
  evalEpisodes: number;
  /** Stop at the first evaluation at or above this (Infinity: never stop early). */
  threshold: number | undefined;
  config: DqnConfig;
  /** Save the trained agent here. */
  savePath?: string;
  /** Stops training at the next step. */
  signal?: AbortSignal;
}

/** What the DQN trial reads back. */
export interface DqnRunResult {
  solved: boolean;
  envSteps: number;
  /** Environment steps actually trained. */
  totalSteps: number;
  evalMean: number;
  updates: number;
  threshold: number;
  /** The env's own reward threshold (Infinity when it has none). */
  envThreshold: number;
  episodes: Array<{ numTimesteps: number; value: number }>;
  evaluations: Array<{ numTimesteps: number; value: number }>;
}

/**
 * Trains a DQN on a gym-lite env with `trainDqnUntilSolved` (training-loop contract: `totalTimesteps`, `signal`).
 */
export async function runDqn(options: DqnRunOptions): Promise<DqnRunResult> {
  const [gym, rl] = await Promise.all([import('@tfkit/gym-lite'), import('@tfkit/rl-agents')]);
  const env = gym.make(options.envId);
  const evalEnv = gym.make(options.envId);
  const envThreshold = env.spec?.rewardThreshold ?? Number.POSITIVE_INFINITY;
  const threshold = options.threshold ?? envThreshold;
  try {
    const result = await rl.trainDqnUntilSolved(env as never, {
      seed: options.seed,
      totalTimesteps: options.totalTimesteps,
      ...(options.signal ? { signal: options.signal } : {}),
      threshold,
      evalFreq: options.evalFreq,
      evalEpisodes: options.evalEpisodes,
      evalEnv: evalEnv as never,
      config: options.config,
      keepAgent: options.savePath !== undefined,
    });
    try {
      if (options.savePath !== undefined && result.agent) await rl.saveDqnAgent(result.agent, options.savePath);
    } finally {
      result.agent?.dispose();
    }
    return {
      solved: result.solved,
      envSteps: result.envSteps,
      // Training stops at the solving evaluation, else runs the budget: envSteps is what was trained.
      totalSteps: result.envSteps,
      evalMean: result.evalMean,
      updates: result.updates,
      threshold,
      envThreshold,
      episodes: result.history.episodes,
      evaluations: result.history.evaluations,
    };
  } finally {
    env.close();
    evalEnv.close();
  }
}
