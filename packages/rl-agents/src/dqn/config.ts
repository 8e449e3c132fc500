/**
 * The DQN's configuration: its type, its defaults (tuned for CartPole-v1) and its validation.
 */
import { TfkitOptionError } from '@tfkit/core';
import { packageName } from '../errors.js';
import type { QModelFactory } from './network.js';

/** Configuration of a {@link DqnAgent}. Every field has a default tuned for CartPole-v1. */
export interface DqnConfig {
  /**
   * Compute engine: `'native'` runs the network in plain TypeScript on Float32Arrays (fastest for
   * small nets: no per-op dispatch, no allocation); `'tfjs'` uses TensorFlow.js layers on the
   * active backend (needed for a custom `model`).
   * @defaultValue `'native'`
   */
  engine?: 'native' | 'tfjs';
  /**
   * Hidden layer widths (ReLU). One layer of 256 solved CartPole-v1 in 5 of 5 seeds (median 25k
   * steps) at a sixth of the arithmetic of rl-zoo's [256, 256]; [128] is cheaper per update but
   * lost a seed in our sweeps. @defaultValue `[256]`
   */
  hiddenLayers?: number[];
  /** Adam step size. @defaultValue `2.3e-3` */
  learningRate?: number;
  /** Replay buffer capacity. @defaultValue `100000` */
  bufferSize?: number;
  /** Minibatch size. @defaultValue `64` */
  batchSize?: number;
  /** Environment steps before learning starts. @defaultValue `500` */
  learningStarts?: number;
  /** Discount factor. @defaultValue `0.99` */
  gamma?: number;
  /** Train every this many environment steps. @defaultValue `128` */
  trainFreq?: number;
  /** Gradient steps per training round. @defaultValue `32` */
  gradientSteps?: number;
  /** Update the target network every this many environment steps. @defaultValue `10` */
  targetUpdateInterval?: number;
  /** Target update coefficient: `1` copies (hard update), less is Polyak averaging. @defaultValue `1` */
  tau?: number;
  /** Double DQN targets. @defaultValue `true` */
  doubleDqn?: boolean;
  /** Loss on the TD error. @defaultValue `'huber'` */
  loss?: 'huber' | 'mse';
  /** Clip the global gradient norm to this. @defaultValue `10` */
  maxGradNorm?: number;
  /** Epsilon at the start. @defaultValue `1` */
  explorationInitialEps?: number;
  /** Epsilon at the end of the schedule. @defaultValue `0.04` */
  explorationFinalEps?: number;
  /**
   * Length of the epsilon schedule as a fraction of the first `learn` call's `totalTimesteps`
   * (SB3's `exploration_fraction`); used when given without `explorationSteps`.
   * @defaultValue `0.16`
   */
  explorationFraction?: number;
  /** Length of the epsilon schedule in environment steps. @defaultValue `5000` */
  explorationSteps?: number;
  /** Seed of weights, exploration, sampling and the first env reset. @defaultValue `0` */
  seed?: number;
  /** tfjs engine only: factory of the Q-model (not saved; pass it again to `load`). */
  model?: QModelFactory;
}

/** The resolved configuration (all fields set except `model` and `explorationSteps`). */
export type ResolvedDqnConfig = Required<Omit<DqnConfig, 'model' | 'explorationSteps'>> & {
  explorationSteps: number | undefined;
};

/** Defaults of {@link DqnConfig}. */
export const dqnDefaults: ResolvedDqnConfig = {
  engine: 'native',
  hiddenLayers: [256],
  learningRate: 2.3e-3,
  bufferSize: 100_000,
  batchSize: 64,
  learningStarts: 500,
  gamma: 0.99,
  trainFreq: 128,
  gradientSteps: 32,
  targetUpdateInterval: 10,
  tau: 1,
  doubleDqn: true,
  loss: 'huber',
  maxGradNorm: 10,
  explorationInitialEps: 1,
  explorationFinalEps: 0.04,
  explorationFraction: 0.16,
  explorationSteps: 5000,
  seed: 0,
};

function optionError(option: string, message: string, value: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, value });
}

/**
 * Checks and completes a DQN configuration.
 *
 * @param config - user configuration
 * @returns the configuration with defaults filled in
 * @throws {@link TfkitOptionError} for a non-positive buffer size, a batch larger than the buffer,
 *   a discount outside [0, 1], a non-positive learning rate, bad layer sizes or an unknown engine
 * @example
 * ```ts
 * resolveDqnConfig({ hiddenLayers: [64] }).learningRate; // 2.3e-3
 * resolveDqnConfig({ gamma: 1.5 }); // throws TfkitOptionError (option 'gamma')
 * ```
 */
export function resolveDqnConfig(config: DqnConfig = {}): ResolvedDqnConfig {
  const resolved: ResolvedDqnConfig = { ...dqnDefaults, ...stripUndefined(config) } as ResolvedDqnConfig;
  if (config.explorationFraction !== undefined && config.explorationSteps === undefined) {
    resolved.explorationSteps = undefined;
  }
  delete (resolved as { model?: unknown }).model;
  for (const name of ['bufferSize', 'batchSize', 'trainFreq', 'gradientSteps', 'targetUpdateInterval'] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < 1) {
      throw optionError(name, `must be a positive integer, got ${String(value)}.`, value);
    }
  }
  if (resolved.batchSize > resolved.bufferSize) {
    throw optionError(
      'batchSize',
      `batchSize (${resolved.batchSize}) is larger than bufferSize (${resolved.bufferSize}); lower batchSize or raise bufferSize.`,
      resolved.batchSize,
    );
  }
  if (!Number.isInteger(resolved.learningStarts) || resolved.learningStarts < 0) {
    throw optionError(
      'learningStarts',
      `must be an integer >= 0, got ${resolved.learningStarts}.`,
      resolved.learningStarts,
    );
  }
  for (const name of ['gamma', 'explorationInitialEps', 'explorationFinalEps', 'explorationFraction'] as const) {
    if (!(resolved[name] >= 0 && resolved[name] <= 1)) {
      throw optionError(name, `must be in [0, 1], got ${resolved[name]}.`, resolved[name]);
    }
  }
  if (!(resolved.learningRate > 0)) {
    throw optionError(
      'learningRate',
      `must be > 0, got ${resolved.learningRate}. Pass e.g. 1e-3.`,
      resolved.learningRate,
    );
  }
  if (!(resolved.tau > 0 && resolved.tau <= 1)) {
    throw optionError('tau', `must be in (0, 1], got ${resolved.tau}. Pass 1 for hard target updates.`, resolved.tau);
  }
  if (!(resolved.maxGradNorm > 0)) {
    throw optionError(
      'maxGradNorm',
      `must be > 0 (Infinity for no clipping), got ${resolved.maxGradNorm}.`,
      resolved.maxGradNorm,
    );
  }
  if (resolved.explorationSteps !== undefined && !(resolved.explorationSteps >= 0)) {
    throw optionError('explorationSteps', `must be >= 0, got ${resolved.explorationSteps}.`, resolved.explorationSteps);
  }
  if (
    !Array.isArray(resolved.hiddenLayers) ||
    resolved.hiddenLayers.some((units) => !Number.isInteger(units) || units < 1)
  ) {
    throw optionError(
      'hiddenLayers',
      `must be positive integers, got ${JSON.stringify(resolved.hiddenLayers)}. Pass e.g. [256].`,
      resolved.hiddenLayers,
    );
  }
  if (resolved.engine !== 'native' && resolved.engine !== 'tfjs') {
    throw optionError('engine', `must be 'native' or 'tfjs', got ${String(resolved.engine)}.`, resolved.engine);
  }
  if (resolved.loss !== 'huber' && resolved.loss !== 'mse') {
    throw optionError('loss', `must be 'huber' or 'mse', got ${String(resolved.loss)}.`, resolved.loss);
  }
  if (config.model && resolved.engine !== 'tfjs') {
    throw optionError('model', "a custom model needs engine: 'tfjs'.", config.model);
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
