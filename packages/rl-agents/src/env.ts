import { TfkitOptionError } from '@tfkit/core';
import { packageName, RlEnvMismatchError } from './errors.js';

/**
 * What the agents need from an environment: the Gymnasium-style API of `@tfkit/gym-lite`
 * (`make('CartPole-v1')` satisfies it) with a flat numeric observation and discrete actions.
 * Any object with this shape works.
 */
export interface AgentEnv {
  /** Starts an episode; `seed` reseeds the environment's generator. */
  reset(options?: { seed?: number }): { observation: ArrayLike<number> };
  /** Advances one step with a discrete action. */
  step(action: number): StepResult;
  /**
   * A box-like space: its `shape` gives the observation size; `low`/`high` give bounds (read at
   * run time, see {@link BoxLike}).
   */
  readonly observationSpace: object;
  /** A discrete space with `n` actions (read at run time, see {@link DiscreteLike}). */
  readonly actionSpace: object;
  /** The registration spec (gives `maxEpisodeSteps`, `rewardThreshold`), when made through a registry. */
  readonly spec?: { readonly maxEpisodeSteps?: number | null; readonly rewardThreshold?: number | null } | null;
}

/** What {@link AgentEnv.step} returns. */
export interface StepResult {
  /** The next observation. */
  observation: ArrayLike<number>;
  /** Reward of this step. */
  reward: number;
  /** True when the episode reached a terminal state (no bootstrapping). */
  terminated: boolean;
  /** True when the episode was cut (a time limit): bootstrap from the next observation. */
  truncated: boolean;
}

/** What the agents read from an observation space. */
export interface BoxLike {
  /** Shape of one observation. */
  readonly shape?: readonly number[];
  /** Lower bounds (flat), or one number for all. */
  readonly low?: ArrayLike<number> | number;
  /** Upper bounds (flat), or one number for all. */
  readonly high?: ArrayLike<number> | number;
}

/** What the agents read from an action space. */
export interface DiscreteLike {
  /** Number of actions. */
  readonly n?: number;
}

/** Number of numbers in one observation of `env`. */
export function observationSize(env: AgentEnv): number {
  const shape = (env.observationSpace as BoxLike | undefined)?.shape;
  if (!shape || shape.length === 0) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'env',
      message: 'the environment has no observationSpace.shape; pass a Box-observation env such as CartPole.',
    });
  }
  return shape.reduce((product, size) => product * size, 1);
}

/** Number of discrete actions of `env`. */
export function actionCount(env: AgentEnv): number {
  const n = (env.actionSpace as DiscreteLike | undefined)?.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'env',
      message: 'the environment has no discrete actionSpace.n; pass a Discrete-action env such as CartPole.',
    });
  }
  return n;
}

/** Throws {@link RlEnvMismatchError} when `env` does not fit an agent of the given sizes. */
export function checkEnvFits(env: AgentEnv, inputSize: number, numActions: number): void {
  const size = observationSize(env);
  if (size !== inputSize) throw new RlEnvMismatchError({ what: 'observation size', expected: inputSize, actual: size });
  const actions = actionCount(env);
  if (actions !== numActions)
    throw new RlEnvMismatchError({ what: 'action count', expected: numActions, actual: actions });
}

/** Bounds of one observation dimension from the space, or `undefined` when unknown. */
export function spaceBounds(env: AgentEnv): { low: number[]; high: number[] } | undefined {
  const { low, high } = env.observationSpace as BoxLike;
  const size = observationSize(env);
  if (low === undefined || high === undefined) return undefined;
  const pick = (value: ArrayLike<number> | number, index: number): number =>
    typeof value === 'number' ? value : (value[index] ?? Number.NaN);
  return {
    low: Array.from({ length: size }, (_, index) => pick(low, index)),
    high: Array.from({ length: size }, (_, index) => pick(high, index)),
  };
}
