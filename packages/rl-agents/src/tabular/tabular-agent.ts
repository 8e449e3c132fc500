/**
 * Tabular control without a model: Q-learning and SARSA on any environment with `Discrete`
 * observation and action spaces (gym-lite's FrozenLake, CliffWalking, Taxi, or your own), with
 * epsilon and learning-rate schedules, seeds and learning curves.
 */
import {
  createRng,
  deriveSeed,
  invokeCallback,
  type LoopCallback,
  type Rng,
  shouldStop,
  TfkitOptionError,
} from '@tfkit/core';
import { packageName, RlEnvMismatchError, RlNotDiscreteError } from '../errors.js';

/** An environment with integer observations and actions (gym-lite's toy-text envs fit). */
export interface DiscreteEnv {
  /** Starts an episode; `seed` reseeds the environment's generator. */
  reset(options?: { seed?: number }): { observation: number };
  /** Advances one step. */
  step(action: number): { observation: number; reward: number; terminated: boolean; truncated: boolean };
  /** A `Discrete` space: `n` states. */
  readonly observationSpace: object;
  /** A `Discrete` space: `n` actions. */
  readonly actionSpace: object;
}

/** A value that is fixed, or scheduled by the episode index (from 0), e.g. `linearSchedule(1, 0.05, 2000)`. */
export type EpisodeSchedule = number | ((episode: number) => number);

/** Configuration of a {@link TabularAgent}. */
export interface TabularConfig {
  /**
   * `'q-learning'` bootstraps from the best next action (off-policy); `'sarsa'` from the next
   * action it actually takes (on-policy).
   * @defaultValue `'q-learning'`
   */
  algorithm?: 'q-learning' | 'sarsa';
  /** Step size alpha in (0, 1], or a schedule by episode. @defaultValue `0.1` */
  learningRate?: EpisodeSchedule;
  /** Discount factor in [0, 1]. @defaultValue `0.99` */
  gamma?: number;
  /** Exploration rate epsilon in [0, 1], or a schedule by episode. @defaultValue `0.1` */
  epsilon?: EpisodeSchedule;
  /** Initial value of every `Q[s][a]` (optimistic values explore). @defaultValue `0` */
  initialValue?: number;
  /** Seed of exploration and of the first env reset. @defaultValue `0` */
  seed?: number;
}

/** What `onEpisodeEnd` receives. */
export interface TabularEpisodeLogs {
  /** The agent's environment steps so far. */
  numTimesteps: number;
  /** The episode's return. */
  episodeReturn: number;
  /** The episode's length in steps. */
  episodeLength: number;
  /** The exploration rate of the episode. */
  epsilon: number;
  /** Whether the episode ended in a terminal state (else it was cut by a time limit or the budget). */
  terminated: boolean;
}

/** What `onStep` receives. */
export interface TabularStepLogs {
  /** The state acted in. */
  state: number;
  /** The action taken. */
  action: number;
  /** Its reward. */
  reward: number;
  /** The next state. */
  nextState: number;
  /** Whether the episode ended in a terminal state. */
  terminated: boolean;
  /** Whether the episode was cut (time limit). */
  truncated: boolean;
}

/** Options of {@link TabularAgent.learn}: the tfkit training-loop contract. */
export interface TabularLearnOptions {
  /** Episodes to play in this call (the default budget when `totalTimesteps` is not given). @defaultValue `1000` */
  episodes?: number | undefined;
  /** Environment steps to take in this call; with `episodes` too, whichever ends first. */
  totalTimesteps?: number | undefined;
  /** Called after each episode (`episode` counts the agent's episodes from 0); may return a promise. */
  onEpisodeEnd?: LoopCallback<TabularEpisodeLogs> | undefined;
  /** Called after each step (`step` is the agent's step count, from 1). */
  onStep?: LoopCallback<TabularStepLogs> | undefined;
  /** Stops at the next step; the result then has `stopped: true`. */
  signal?: AbortSignal | undefined;
  /** Seed of the first reset of this call. @defaultValue derived from the agent's seed on the first call, else no reseed */
  seed?: number | undefined;
}

/** What {@link TabularAgent.learn} returns: the learning curve of this call. */
export interface TabularLearnResult {
  /** Return of every finished episode of this call, in order (the learning curve). */
  returns: number[];
  /** Length of every finished episode of this call. */
  lengths: number[];
  /** Environment steps taken in this call. */
  steps: number;
  /** True when `signal` stopped learning early. */
  stopped: boolean;
}

/** What {@link evaluateTabularPolicy} returns. */
export interface TabularEvaluation {
  /** Mean return. */
  meanReturn: number;
  /** Fraction of episodes with a positive return (FrozenLake: the goal was reached). */
  successRate: number;
  /** Every episode's return. */
  returns: Float64Array;
  /** Mean episode length. */
  meanLength: number;
}

function discreteSize(space: object, what: 'observation space' | 'action space'): number {
  const n = (space as { n?: unknown }).n;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    const text = String(space);
    throw new RlNotDiscreteError({ what, found: text === '[object Object]' ? 'a space without n' : text });
  }
  return n;
}

function optionError(option: string, message: string, value: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, value });
}

function scheduleOf(
  option: string,
  value: EpisodeSchedule,
  low: number,
  lowOpen: boolean,
): (episode: number) => number {
  const check = (rate: number, episode: number | undefined): number => {
    if (typeof rate !== 'number' || !(lowOpen ? rate > low : rate >= low) || !(rate <= 1)) {
      throw optionError(
        option,
        `must be in ${lowOpen ? '(' : '['}${low}, 1]${episode === undefined ? '' : ` (the schedule gave it for episode ${episode})`}, got ${String(rate)}.`,
        rate,
      );
    }
    return rate;
  };
  if (typeof value === 'function') return (episode) => check(value(episode), episode);
  check(value, undefined);
  return () => value;
}

function firstArgmax(values: Float64Array, offset: number, count: number): number {
  let best = 0;
  for (let action = 1; action < count; action++)
    if ((values[offset + action] as number) > (values[offset + best] as number)) best = action;
  return best;
}

/**
 * Tabular Q-learning and SARSA (Sutton & Barto 6.5 and 6.4) for any environment with `Discrete`
 * observation and action spaces; epsilon-greedy exploration, greedy ties to the first action
 * (like numpy's argmax). Generalises the CartPole `QTableAgent` (which discretises a `Box`).
 *
 * @remarks
 * Holds no tensors; `dispose()` and `[Symbol.dispose]` exist for symmetry and do nothing.
 * @example
 * ```ts
 * const env = make('Taxi-v4');
 * const agent = new TabularAgent(env, { algorithm: 'q-learning', seed: 1 });
 * const { returns } = await agent.learn(env, { episodes: 5000 });
 * evaluateTabularPolicy(env, agent.policy(), { episodes: 1000, seed: 0 }).meanReturn; // ~8
 * ```
 */
export class TabularAgent {
  /** Number of states. */
  readonly nStates: number;
  /** Number of actions. */
  readonly nActions: number;
  /** The algorithm. */
  readonly algorithm: 'q-learning' | 'sarsa';
  /** `Q[s * nActions + a]`, flat. */
  readonly Q: Float64Array;
  /** Episodes finished over all `learn` calls. */
  numEpisodes = 0;
  /** Environment steps over all `learn` calls. */
  numTimesteps = 0;
  readonly #gamma: number;
  readonly #learningRate: (episode: number) => number;
  readonly #epsilon: (episode: number) => number;
  readonly #seed: number;
  readonly #random: Rng;

  /**
   * @param env - an environment with `Discrete` spaces, or `{ nStates, nActions }`
   * @param config - see {@link TabularConfig}
   * @throws {@link RlNotDiscreteError} when a space is not `Discrete`
   * @throws {@link TfkitOptionError} for an unknown algorithm or a rate outside its range
   */
  constructor(env: DiscreteEnv | { nStates: number; nActions: number }, config: TabularConfig = {}) {
    if ('nStates' in env) {
      for (const [option, value] of [
        ['nStates', env.nStates],
        ['nActions', env.nActions],
      ] as const) {
        if (!Number.isSafeInteger(value) || value < 1)
          throw optionError(option, `must be a positive integer, got ${String(value)}.`, value);
      }
      this.nStates = env.nStates;
      this.nActions = env.nActions;
    } else {
      this.nStates = discreteSize(env.observationSpace, 'observation space');
      this.nActions = discreteSize(env.actionSpace, 'action space');
    }
    const { algorithm = 'q-learning', gamma = 0.99, initialValue = 0, seed = 0 } = config;
    if (algorithm !== 'q-learning' && algorithm !== 'sarsa') {
      throw optionError('algorithm', `must be 'q-learning' or 'sarsa', got ${String(algorithm)}.`, algorithm);
    }
    if (typeof gamma !== 'number' || !(gamma >= 0 && gamma <= 1)) {
      throw optionError('gamma', `must be a discount in [0, 1], got ${String(gamma)}. Pass e.g. 0.99.`, gamma);
    }
    if (typeof initialValue !== 'number' || !Number.isFinite(initialValue)) {
      throw optionError('initialValue', `must be a finite number, got ${String(initialValue)}.`, initialValue);
    }
    this.algorithm = algorithm;
    this.#gamma = gamma;
    this.#learningRate = scheduleOf('learningRate', config.learningRate ?? 0.1, 0, true);
    this.#epsilon = scheduleOf('epsilon', config.epsilon ?? 0.1, 0, false);
    this.#seed = seed;
    this.#random = createRng(deriveSeed(seed, 51));
    this.Q = new Float64Array(this.nStates * this.nActions).fill(initialValue);
  }

  /**
   * The greedy action in `state` (ties to the first action).
   *
   * @param state - a state in `[0, nStates)`
   * @returns the action
   * @throws {@link RlEnvMismatchError} for a state outside the table
   */
  predict(state: number): number {
    this.#checkState(state);
    return firstArgmax(this.Q, state * this.nActions, this.nActions);
  }

  /**
   * The action values of `state` (a copy).
   *
   * @param state - a state in `[0, nStates)`
   * @returns `nActions` values
   */
  qValues(state: number): Float64Array {
    this.#checkState(state);
    return this.Q.slice(state * this.nActions, (state + 1) * this.nActions);
  }

  /**
   * The greedy policy of the table.
   *
   * @returns an action per state
   */
  policy(): Int32Array {
    return Int32Array.from({ length: this.nStates }, (_, state) =>
      firstArgmax(this.Q, state * this.nActions, this.nActions),
    );
  }

  #checkState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state >= this.nStates) {
      throw new RlEnvMismatchError({ what: 'state', expected: this.nStates, actual: state });
    }
  }

  #act(state: number, epsilon: number): number {
    if (this.#random.random32() < epsilon) return this.#random.integers(this.nActions);
    return firstArgmax(this.Q, state * this.nActions, this.nActions);
  }

  /**
   * Learns by playing `episodes` episodes (or `totalTimesteps` steps) of `env`, updating the table
   * after every step. Counters and the table carry over between calls.
   *
   * @param env - the environment (its spaces must match the table)
   * @param options - see {@link TabularLearnOptions}: `episodes`, `totalTimesteps`, `onEpisodeEnd`, `onStep`, `signal`, `seed`
   * @returns the returns and lengths of this call's episodes (the learning curve) and `stopped`
   * @throws {@link RlEnvMismatchError} when the env's spaces do not match the table
   * @throws {@link TfkitOptionError} for a bad budget, or a schedule giving a rate out of range
   * @example
   * ```ts
   * const { returns } = await agent.learn(env, { episodes: 2000, onEpisodeEnd: (episode, { episodeReturn }) => {} });
   * ```
   */
  async learn(env: DiscreteEnv, options: TabularLearnOptions = {}): Promise<TabularLearnResult> {
    const episodes = options.episodes ?? (options.totalTimesteps === undefined ? 1000 : Number.POSITIVE_INFINITY);
    const totalTimesteps = options.totalTimesteps ?? Number.POSITIVE_INFINITY;
    for (const [option, value] of [
      ['episodes', episodes],
      ['totalTimesteps', totalTimesteps],
    ] as const) {
      if (value !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(value) || value < 1)) {
        throw optionError(option, `must be a positive integer, got ${String(value)}.`, value);
      }
    }
    for (const [what, expected, actual] of [
      ['observation space size', this.nStates, discreteSize(env.observationSpace, 'observation space')],
      ['action count', this.nActions, discreteSize(env.actionSpace, 'action space')],
    ] as const) {
      if (expected !== actual) throw new RlEnvMismatchError({ what, expected, actual });
    }
    const result: TabularLearnResult = { returns: [], lengths: [], steps: 0, stopped: false };
    const { Q, nActions } = this;
    const gamma = this.#gamma;
    const sarsa = this.algorithm === 'sarsa';
    let firstSeed = options.seed ?? (this.numTimesteps === 0 ? deriveSeed(this.#seed, 52) : undefined);
    for (let episode = 0; episode < episodes && result.steps < totalTimesteps; episode++) {
      if (shouldStop(options.signal)) break;
      const epsilon = this.#epsilon(this.numEpisodes);
      const alpha = this.#learningRate(this.numEpisodes);
      let state = env.reset(firstSeed === undefined ? {} : { seed: firstSeed }).observation;
      firstSeed = undefined;
      this.#checkState(state);
      let action = this.#act(state, epsilon);
      let episodeReturn = 0;
      let length = 0;
      let terminated = false;
      for (;;) {
        const step = env.step(action);
        const next = step.observation;
        this.#checkState(next);
        terminated = step.terminated;
        const nextAction = terminated || step.truncated ? 0 : this.#act(next, epsilon);
        const offset = next * nActions;
        const bootstrap = terminated
          ? 0
          : (Q[offset + (sarsa ? nextAction : firstArgmax(Q, offset, nActions))] as number);
        const index = state * nActions + action;
        Q[index] = (Q[index] as number) + alpha * (step.reward + gamma * bootstrap - (Q[index] as number));
        episodeReturn += step.reward;
        length++;
        this.numTimesteps++;
        result.steps++;
        if (options.onStep) {
          const logs = { state, action, reward: step.reward, nextState: next, terminated, truncated: step.truncated };
          await invokeCallback(options.onStep, this.numTimesteps, logs);
        }
        if (terminated || step.truncated || result.steps >= totalTimesteps || shouldStop(options.signal)) break;
        state = next;
        action = sarsa ? nextAction : this.#act(next, epsilon);
      }
      result.returns.push(episodeReturn);
      result.lengths.push(length);
      this.numEpisodes++;
      const logs = { numTimesteps: this.numTimesteps, episodeReturn, episodeLength: length, epsilon, terminated };
      await invokeCallback(options.onEpisodeEnd, this.numEpisodes - 1, logs);
    }
    result.stopped = shouldStop(options.signal);
    return result;
  }

  /** Nothing to free (plain typed arrays); here for symmetry with the other agents. */
  dispose(): void {}

  /** Same as {@link TabularAgent.dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Plays a fixed tabular policy for `episodes` episodes (the first reset seeded, later ones
 * continuing the env's stream) and summarises the returns.
 *
 * @param env - an environment with integer observations
 * @param policy - an action per state (e.g. `valueIteration(env).policy` or `agent.policy()`)
 * @param options - `episodes` (1000) and `seed` (0) of the first reset
 * @returns mean return, success rate (positive returns), every return and the mean length
 * @throws {@link TfkitOptionError} for a bad `episodes`
 * @example
 * ```ts
 * const env = make('FrozenLake-v1');
 * evaluateTabularPolicy(env, valueIteration(env).policy, { episodes: 10_000, seed: 0 }).successRate; // ~0.74
 * ```
 */
export function evaluateTabularPolicy(
  env: DiscreteEnv,
  policy: ArrayLike<number>,
  options: { episodes?: number; seed?: number } = {},
): TabularEvaluation {
  const { episodes = 1000, seed = 0 } = options;
  if (!Number.isSafeInteger(episodes) || episodes < 1) {
    throw optionError('episodes', `must be a positive integer, got ${String(episodes)}.`, episodes);
  }
  const returns = new Float64Array(episodes);
  let successes = 0;
  let steps = 0;
  for (let episode = 0; episode < episodes; episode++) {
    let state = env.reset(episode === 0 ? { seed } : {}).observation;
    let total = 0;
    for (;;) {
      const step = env.step(policy[state] as number);
      total += step.reward;
      steps++;
      if (step.terminated || step.truncated) break;
      state = step.observation;
    }
    returns[episode] = total;
    if (total > 0) successes++;
  }
  let sum = 0;
  for (const value of returns) sum += value;
  return { meanReturn: sum / episodes, successRate: successes / episodes, returns, meanLength: steps / episodes };
}
