import { createRng, deriveSeed, type Rng, TfkitOptionError } from '@tfkit/core';
import { type AgentEnv, actionCount, checkEnvFits, observationSize, spaceBounds } from './env.js';
import { packageName } from './errors.js';
import { type ExperimentResult, type Policy, summarise } from './policy.js';

/** Configuration of a {@link QTableAgent}. */
export interface QTableConfig {
  /** Bins per observation dimension (one number for all, or one per dimension). @defaultValue `10` */
  bins?: number | number[];
  /**
   * Lower bounds of the discretisation, per dimension. @defaultValue the observation space's
   * `low`, with infinite bounds replaced by `-1` (the book clips the velocities to +-1)
   */
  low?: number[];
  /** Upper bounds, per dimension. @defaultValue the space's `high`, infinite ones replaced by `1` */
  high?: number[];
  /** Learning rate, or a function of the episode index. @defaultValue `0.8` */
  learningRate?: number | ((episode: number) => number);
  /** Discount factor. @defaultValue `0.9` */
  discount?: number;
  /** Exploration rate (epsilon), or a function of the episode index. @defaultValue `0.2` */
  explorationRate?: number | ((episode: number) => number);
  /** Seed of exploration and of the first env reset. @defaultValue `0` */
  seed?: number;
  /** Name printed by the experiment formatter. @defaultValue `'policy_q_table'` */
  name?: string;
  /**
   * Bootstrap from the next state even when it is terminal (what the book's code does).
   * @defaultValue `false`
   */
  bootstrapTerminal?: boolean;
}

/** Options of {@link QTableAgent.learn}. */
export interface QTableLearnOptions {
  /** Episodes to train. @defaultValue `1000` */
  episodes?: number;
  /** Stop once the mean of the last `solveWindow` returns reaches this. @defaultValue never */
  stopAtMean?: number;
  /** Window of the solved check. @defaultValue `100` */
  solveWindow?: number;
  /** Called after each episode. */
  onEpisode?: (episode: number, reward: number) => void;
}

/** What {@link QTableAgent.learn} returns: the training returns' summary, plus when it solved. */
export interface QTableLearnResult extends ExperimentResult {
  /** Index of the episode after which the window mean first reached `stopAtMean`, or `undefined`. */
  solvedAtEpisode: number | undefined;
}

/**
 * Tabular Q-learning over a discretised observation (the book's Q-table agent, and with
 * decaying rates the agent that solves CartPole-v0).
 *
 * @example
 * ```ts
 * const env = make('CartPole-v0');
 * const agent = new QTableAgent(env, solvingQTableConfig);
 * console.log(formatExperiment(agent.learn(env, { episodes: 1000 })));
 * ```
 */
export class QTableAgent implements Policy {
  /** Name printed by the experiment formatter. */
  readonly name: string;
  /** Bins per dimension. */
  readonly bins: number[];
  /** Lower discretisation bounds. */
  readonly low: number[];
  /** Upper discretisation bounds. */
  readonly high: number[];
  /** The table, `states x actions`, row-major. */
  readonly table: Float64Array;
  /** Number of actions. */
  readonly numActions: number;
  private readonly config: {
    bootstrapTerminal: boolean;
    discount: number;
    learningRate: (episode: number) => number;
    explorationRate: (episode: number) => number;
    seed: number;
  };
  private readonly random: Rng;
  private episodesDone = 0;

  /**
   * @param env - the environment (gives sizes and default bounds)
   * @param config - see {@link QTableConfig}
   * @throws {@link TfkitOptionError} for bad bins, bounds or rates
   */
  constructor(env: AgentEnv, config: QTableConfig = {}) {
    const size = observationSize(env);
    this.numActions = actionCount(env);
    this.name = config.name ?? 'policy_q_table';
    const bins = config.bins ?? 10;
    this.bins = typeof bins === 'number' ? new Array(size).fill(bins) : [...bins];
    if (this.bins.length !== size || this.bins.some((count) => !Number.isInteger(count) || count < 1)) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'bins',
        message: `bins must be a positive integer or ${size} of them, got ${JSON.stringify(bins)}.`,
      });
    }
    const space = spaceBounds(env);
    const finite = (value: number | undefined, fallback: number): number =>
      value !== undefined && Number.isFinite(value) && Math.abs(value) < 1e30 ? value : fallback;
    this.low = config.low ? [...config.low] : Array.from({ length: size }, (_, index) => finite(space?.low[index], -1));
    this.high = config.high
      ? [...config.high]
      : Array.from({ length: size }, (_, index) => finite(space?.high[index], 1));
    if (
      this.low.length !== size ||
      this.high.length !== size ||
      this.low.some((low, index) => !(low < (this.high[index] as number)))
    ) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'low',
        message: `low and high need ${size} numbers each with low < high.`,
      });
    }
    const discount = config.discount ?? 0.9;
    if (!(discount >= 0 && discount <= 1))
      throw new TfkitOptionError({
        package: packageName,
        option: 'discount',
        message: `discount must be in [0, 1], got ${discount}.`,
      });
    const asSchedule = (value: number | ((episode: number) => number), name: string): ((episode: number) => number) => {
      if (typeof value === 'function') return value;
      if (!(value >= 0 && value <= 1))
        throw new TfkitOptionError({
          package: packageName,
          option: name,
          message: `${name} must be in [0, 1], got ${value}.`,
        });
      return () => value;
    };
    const seed = config.seed ?? 0;
    this.config = {
      bootstrapTerminal: config.bootstrapTerminal ?? false,
      discount,
      learningRate: asSchedule(config.learningRate ?? 0.8, 'learningRate'),
      explorationRate: asSchedule(config.explorationRate ?? 0.2, 'explorationRate'),
      seed,
    };
    const states = this.bins.reduce((product, count) => product * count, 1);
    this.table = new Float64Array(states * this.numActions);
    this.random = createRng(deriveSeed(seed, 11));
  }

  /** Index of the table row of an observation. */
  stateIndex(observation: ArrayLike<number>): number {
    let index = 0;
    for (let dimension = 0; dimension < this.bins.length; dimension++) {
      const count = this.bins[dimension] as number;
      const low = this.low[dimension] as number;
      const high = this.high[dimension] as number;
      let bin = Math.floor((((observation[dimension] as number) - low) / (high - low)) * count);
      if (!(bin >= 0)) bin = 0;
      else if (bin >= count) bin = count - 1;
      index = index * count + bin;
    }
    return index;
  }

  private best(state: number): number {
    const offset = state * this.numActions;
    let best = 0;
    for (let action = 1; action < this.numActions; action++) {
      if ((this.table[offset + action] as number) > (this.table[offset + best] as number)) best = action;
    }
    return best;
  }

  /** Greedy action of an observation (the {@link Policy} interface). */
  act(observation: ArrayLike<number>): number {
    return this.best(this.stateIndex(observation));
  }

  /**
   * Trains for a number of episodes with epsilon-greedy exploration and the update
   * `Q(s,a) += lr * (r + discount * max Q(s') - Q(s,a))` (no bootstrap from terminal states).
   *
   * @param env - the environment
   * @param options - see {@link QTableLearnOptions}
   * @returns the training returns' summary and the episode it solved at, if any
   */
  learn(env: AgentEnv, options: QTableLearnOptions = {}): QTableLearnResult {
    checkEnvFits(env, this.bins.length, this.numActions);
    const episodes = options.episodes ?? 1000;
    const window = options.solveWindow ?? 100;
    const rewards: number[] = [];
    let windowSum = 0;
    let solvedAtEpisode: number | undefined;
    const table = this.table;
    const actions = this.numActions;
    for (let episode = 0; episode < episodes; episode++) {
      const global = this.episodesDone++;
      const epsilon = this.config.explorationRate(global);
      const rate = this.config.learningRate(global);
      const reset = env.reset(global === 0 ? { seed: deriveSeed(this.config.seed, 12) } : {});
      let state = this.stateIndex(reset.observation);
      let total = 0;
      for (;;) {
        const action = this.random.random32() < epsilon ? this.random.integers(actions) : this.best(state);
        const result = env.step(action);
        total += result.reward;
        const next = this.stateIndex(result.observation);
        const bootstrap =
          result.terminated && !this.config.bootstrapTerminal
            ? 0
            : this.config.discount * (table[next * actions + this.best(next)] as number);
        const index = state * actions + action;
        table[index] = (table[index] as number) + rate * (result.reward + bootstrap - (table[index] as number));
        state = next;
        if (result.terminated || result.truncated) break;
      }
      rewards.push(total);
      windowSum += total;
      if (rewards.length > window) windowSum -= rewards[rewards.length - 1 - window] as number;
      options.onEpisode?.(episode, total);
      if (
        solvedAtEpisode === undefined &&
        options.stopAtMean !== undefined &&
        rewards.length >= window &&
        windowSum / window >= options.stopAtMean
      ) {
        solvedAtEpisode = episode;
        break;
      }
    }
    return { ...summarise(this.name, rewards), solvedAtEpisode };
  }
}

/**
 * Q-learning that solves CartPole-v0: coarse bins on what matters (1, 1, 6, 12 for cart position,
 * cart velocity, pole angle, pole angular velocity), exploration and learning rates decaying
 * with `1 - log10((episode + 1) / 25)` to floors of 0.1, discount 1.
 */
export const solvingQTableConfig: QTableConfig = {
  bins: [1, 1, 6, 12],
  low: [-2.4, -0.5, -0.20943951, -0.87266463],
  high: [2.4, 0.5, 0.20943951, 0.87266463],
  discount: 1,
  learningRate: (episode) => Math.max(0.1, Math.min(0.5, 1 - Math.log10((episode + 1) / 25))),
  explorationRate: (episode) => Math.max(0.1, Math.min(1, 1 - Math.log10((episode + 1) / 25))),
  name: 'policy_q_learning',
};
