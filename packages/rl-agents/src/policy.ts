/**
 * Policies and episode results: what every agent of this package plays and returns.
 */
import type { AgentEnv } from './env.js';

/** Something that picks a discrete action from an observation. */
export interface Policy {
  /** Name printed in results, e.g. `'policy_random'`. */
  readonly name: string;
  /**
   * Picks an action.
   * @param observation - the current observation
   * @param env - the environment (for its action space)
   * @returns an integer action in `[0, env.actionSpace.n)`
   */
  act(observation: ArrayLike<number>, env: AgentEnv): number;
}

/** Returns of a series of episodes with their summary (what `runExperiment` of `@tfkit/rl-agents/book` and the agents' `learn` return). */
export interface ExperimentResult {
  /** Name of the policy. */
  policy: string;
  /** Smallest episode return. */
  min: number;
  /** Largest episode return. */
  max: number;
  /** Mean episode return. */
  mean: number;
  /** Every episode's return, in order. */
  rewards: number[];
}

/**
 * Plays one episode and returns its total reward.
 *
 * @param env - the environment
 * @param policy - the policy
 * @param options - `seed` of the reset (omit to continue the stream) and `rewardsMax`
 * @returns the episode's return
 */
export function playEpisode(
  env: AgentEnv,
  policy: Policy,
  options: { seed?: number; rewardsMax?: number } = {},
): number {
  const rewardsMax = options.rewardsMax ?? Number.POSITIVE_INFINITY;
  let { observation } = env.reset(options.seed === undefined ? {} : { seed: options.seed });
  let total = 0;
  for (;;) {
    const result = env.step(policy.act(observation, env));
    total += result.reward;
    observation = result.observation;
    if (result.terminated || result.truncated || total >= rewardsMax) return total;
  }
}

/**
 * Summarises a list of episode returns.
 *
 * @param policy - the policy's name
 * @param rewards - the episode returns
 * @returns min, max, mean and the returns
 */
export function summarise(policy: string, rewards: number[]): ExperimentResult {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const reward of rewards) {
    min = Math.min(min, reward);
    max = Math.max(max, reward);
    sum += reward;
  }
  return { policy, min, max, mean: rewards.length > 0 ? sum / rewards.length : Number.NaN, rewards };
}
