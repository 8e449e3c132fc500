import { createRng, deriveSeed, TfkitOptionError } from '@tfkit/core';
import { type AgentEnv, actionCount, observationSize } from '../env.js';
import { packageName } from '../errors.js';
import { type ExperimentResult, type Policy, playEpisode, summarise } from '../policy.js';

/** Options of {@link runExperiment}. */
export interface ExperimentOptions {
  /** Number of episodes. @defaultValue `100` */
  episodes?: number;
  /**
   * Stop an episode once its return reaches this value (the book's `rewards_max`); the env's own
   * time limit applies anyway. @defaultValue `Infinity`
   */
  rewardsMax?: number;
  /** Seed of the first `reset`; later episodes continue the env's stream. @defaultValue `0` */
  seed?: number;
  /** Called after each episode with its index and return. */
  onEpisode?: (episode: number, reward: number) => void;
}

/**
 * Plays `episodes` episodes of `env` with `policy` and summarises the returns (the book's
 * `experiment()` function).
 *
 * @param env - the environment, e.g. `make('CartPole-v0')`
 * @param policy - the policy to play
 * @param options - see {@link ExperimentOptions}
 * @returns min, max and mean return, and every return
 * @throws {@link TfkitOptionError} when `episodes` is not a positive integer
 * @example
 * ```ts
 * const result = runExperiment(make('CartPole-v0'), randomPolicy({ seed: 1 }), { episodes: 100, seed: 1 });
 * console.log(formatExperiment(result));
 * // Policy:policy_random, Min reward:9.0, Max reward:72.0, Average reward:22.17
 * ```
 */
export function runExperiment(env: AgentEnv, policy: Policy, options: ExperimentOptions = {}): ExperimentResult {
  const episodes = options.episodes ?? 100;
  if (!Number.isInteger(episodes) || episodes < 1) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'episodes',
      message: `episodes must be a positive integer, got ${episodes}; pass e.g. 100.`,
    });
  }
  const rewardsMax = options.rewardsMax ?? Number.POSITIVE_INFINITY;
  const rewards: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    rewards.push(playEpisode(env, policy, episode === 0 ? { seed: options.seed ?? 0, rewardsMax } : { rewardsMax }));
    options.onEpisode?.(episode, rewards[episode] as number);
  }
  return summarise(policy.name, rewards);
}

/** Formats a number as Python prints a float (`9.0`, `20.26`). */
function pythonFloat(value: number): string {
  if (Number.isInteger(value)) return value.toFixed(1);
  return String(Math.round(value * 1e12) / 1e12);
}

/**
 * The book's result line.
 *
 * @param result - a result of {@link runExperiment}
 * @returns e.g. `Policy:policy_random, Min reward:9.0, Max reward:63.0, Average reward:20.26`
 * @example
 * ```ts
 * formatExperiment({ policy: 'policy_random', min: 9, max: 63, mean: 20.26, rewards: [] });
 * // 'Policy:policy_random, Min reward:9.0, Max reward:63.0, Average reward:20.26'
 * ```
 */
export function formatExperiment(result: ExperimentResult): string {
  return `Policy:${result.policy}, Min reward:${pythonFloat(result.min)}, Max reward:${pythonFloat(result.max)}, Average reward:${pythonFloat(result.mean)}`;
}

/**
 * The book's random policy: a uniformly random action.
 *
 * @param options - `seed` of the policy's own generator (default `0`)
 * @returns a policy named `policy_random`
 * @example
 * ```ts
 * runExperiment(make('CartPole-v0'), randomPolicy({ seed: 0 }));
 * ```
 */
export function randomPolicy(options: { seed?: number } = {}): Policy {
  const random = createRng(deriveSeed(options.seed ?? 0, 101));
  return { name: 'policy_random', act: (_observation, env) => random.integers(actionCount(env)) };
}

/**
 * The book's hand logic: push right (1) when the pole leans right (angle > 0), else left (0).
 *
 * @returns a policy named `policy_logic`
 * @example
 * ```ts
 * runExperiment(make('CartPole-v0'), angleLogicPolicy()); // average ~42
 * ```
 */
export function angleLogicPolicy(): Policy {
  return { name: 'policy_logic', act: (observation) => ((observation[2] ?? 0) > 0 ? 1 : 0) };
}

/**
 * A linear policy: action 1 when `theta . observation > 0`, else 0.
 *
 * @param theta - one weight per observation number
 * @param name - printed name @defaultValue `'policy_theta'`
 * @returns the policy
 * @example
 * ```ts
 * linearPolicy([0.1, 0.2, 0.9, 0.5]).act(observation, env);
 * ```
 */
export function linearPolicy(theta: ArrayLike<number>, name = 'policy_theta'): Policy {
  const weights = Float64Array.from(theta as ArrayLike<number>);
  return {
    name,
    act: (observation) => {
      let sum = 0;
      for (let index = 0; index < weights.length; index++)
        sum += (weights[index] as number) * (observation[index] ?? 0);
      return sum > 0 ? 1 : 0;
    },
  };
}

/** Options of {@link randomSearch}. */
export interface RandomSearchOptions {
  /** Candidate thetas to try. @defaultValue `100` */
  candidates?: number;
  /** Episodes to score each candidate (mean return); more than one rejects lucky thetas. @defaultValue `5` */
  episodesPerCandidate?: number;
  /** Stop early once a candidate scores at least this. @defaultValue the env's `rewardThreshold` limit, else `Infinity` */
  stopAt?: number;
  /** Seed of the candidate generator and of the env resets. @defaultValue `0` */
  seed?: number;
  /** Called after each candidate. */
  onCandidate?: (index: number, score: number, theta: number[]) => void;
}

/** What {@link randomSearch} returns. */
export interface RandomSearchResult {
  /** The best theta found. */
  theta: number[];
  /** Its score (mean return over `episodesPerCandidate`). */
  score: number;
  /** Candidates tried. */
  tried: number;
  /** The best theta as a policy. */
  policy: Policy;
}

/**
 * The book's random search: draw `theta` uniformly from [-1, 1)^n, keep the best-scoring one.
 *
 * @param env - the environment
 * @param options - see {@link RandomSearchOptions}
 * @returns the best theta, its score and a policy playing it
 * @example
 * ```ts
 * const { theta, score } = randomSearch(make('CartPole-v0'), { seed: 0 }); // score 200
 * ```
 */
export function randomSearch(env: AgentEnv, options: RandomSearchOptions = {}): RandomSearchResult {
  const candidates = options.candidates ?? 100;
  const perCandidate = options.episodesPerCandidate ?? 5;
  const random = createRng(deriveSeed(options.seed ?? 0, 202));
  const size = observationSize(env);
  const stopAt = options.stopAt ?? env.spec?.maxEpisodeSteps ?? Number.POSITIVE_INFINITY;
  let best: number[] = new Array(size).fill(0);
  let bestScore = Number.NEGATIVE_INFINITY;
  let tried = 0;
  let first = true;
  for (let candidate = 0; candidate < candidates; candidate++) {
    const theta = Array.from({ length: size }, () => random.uniform(-1, 1));
    const policy = linearPolicy(theta);
    let total = 0;
    for (let episode = 0; episode < perCandidate; episode++) {
      total += playEpisode(env, policy, first ? { seed: options.seed ?? 0 } : {});
      first = false;
    }
    const score = total / perCandidate;
    tried++;
    options.onCandidate?.(candidate, score, theta);
    if (score > bestScore) {
      bestScore = score;
      best = theta;
    }
    if (bestScore >= stopAt) break;
  }
  return { theta: best, score: bestScore, tried, policy: linearPolicy(best) };
}
