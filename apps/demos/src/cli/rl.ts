import { FeatureUnavailableError } from './errors.js';
import type { GymEnv } from './gym.js';
import { importPackage } from './packages.js';

/** A policy as `@tfkit/rl-agents` defines it. */
export interface Policy {
  readonly name: string;
  act(observation: ArrayLike<number>, env: GymEnv): number;
}

/** What `runExperiment` returns. */
export interface ExperimentResult {
  policy: string;
  min: number;
  max: number;
  mean: number;
  rewards: number[];
}

/** One point of a learning curve. */
export interface HistoryPoint {
  numTimesteps: number;
  value: number;
}

/** Events of `DqnAgent.learn`'s callback. */
export type LearnEvent =
  | {
      type: 'episode';
      numTimesteps: number;
      episode: number;
      episodeReturn: number;
      episodeLength: number;
      epsilon: number;
    }
  | { type: 'eval'; numTimesteps: number; mean: number; std: number; returns: number[] };

/** What `DqnAgent.learn` returns. */
export interface LearnResult {
  numTimesteps: number;
  numUpdates: number;
  stopped: boolean;
  episodes: HistoryPoint[];
  evaluations: HistoryPoint[];
  actingSeconds: number;
  learningSeconds: number;
  steps: number;
  updates: number;
}

/** The part of `DqnAgent` the CLI uses. */
export interface DqnAgent {
  learn(
    env: GymEnv,
    options: {
      totalTimesteps: number;
      callback?: (event: LearnEvent) => boolean | undefined | Promise<boolean | undefined>;
      evalEnv?: GymEnv;
      evalFreq?: number;
      evalEpisodes?: number;
      seed?: number;
    },
  ): Promise<LearnResult>;
  predict(observation: ArrayLike<number>, options?: { deterministic?: boolean }): number;
  evaluate(
    env: GymEnv,
    options?: { episodes?: number; seed?: number },
  ): { mean: number; std: number; returns: number[] };
  dispose(): void;
}

/** The part of `@tfkit/rl-agents` the CLI uses; optional members are checked where used. */
export interface RlAgents {
  runExperiment(
    env: GymEnv,
    policy: Policy,
    options?: {
      episodes?: number;
      rewardsMax?: number;
      seed?: number;
      onEpisode?: (episode: number, reward: number) => void;
    },
  ): ExperimentResult;
  formatExperiment(result: ExperimentResult): string;
  randomPolicy(options?: { seed?: number }): Policy;
  angleLogicPolicy(): Policy;
  randomSearch?(
    env: GymEnv,
    options?: { candidates?: number; seed?: number },
  ): { policy: Policy; score: number; tried: number };
  DqnAgent?: new (env: GymEnv, config?: Record<string, unknown>) => DqnAgent;
  saveDqnAgent?(agent: DqnAgent, file: string): Promise<number>;
  trainDqnUntilSolved?(
    env: GymEnv,
    options: {
      seed?: number;
      budget?: number;
      threshold?: number;
      evalFreq?: number;
      evalEpisodes?: number;
      evalEnv?: GymEnv;
      onProgress?: (event: LearnEvent) => boolean | undefined | Promise<boolean | undefined>;
      keepAgent?: boolean;
    },
  ): Promise<{
    solved: boolean;
    envSteps: number;
    wallSeconds: number;
    evalMean: number;
    updates: number;
    actingStepsPerSecond: number;
    updatesPerSecond: number;
    history: { episodes: HistoryPoint[]; evaluations: HistoryPoint[] };
    agent?: DqnAgent;
  }>;
  trainNaiveNnPolicy?(
    env: GymEnv,
    options?: {
      seed?: number;
      epochs?: number;
      batchSize?: number;
      episodes?: number;
      onEpoch?: (epoch: number, loss: number) => void;
    },
  ): Promise<Policy & { dispose(): void; readonly samples: number }>;
  QTableAgent?: new (
    env: GymEnv,
    config?: Record<string, unknown>,
  ) => Policy & {
    learn(
      env: GymEnv,
      options?: { episodes?: number; onEpisode?: (episode: number, reward: number) => void },
    ): ExperimentResult;
  };
  bookQTableConfig?: Record<string, unknown>;
  runBookDqn?(
    env: GymEnv,
    config?: { episodes?: number; seed?: number; onEpisode?: (episode: number, reward: number) => void },
  ): ExperimentResult;
  [name: string]: unknown;
}

/** Loads `@tfkit/rl-agents` (experiment runner and the book's simple policies at least). */
export function loadRl(): Promise<RlAgents> {
  return importPackage<RlAgents>('@tfkit/rl-agents', [
    'runExperiment',
    'formatExperiment',
    'randomPolicy',
    'angleLogicPolicy',
  ]);
}

/** `rl[name]` as a function, or "not available yet". */
export function requireFunction<T>(rl: RlAgents, name: string): T {
  const value = rl[name];
  if (typeof value !== 'function') throw new FeatureUnavailableError('@tfkit/rl-agents', `\`${name}\``);
  return value as T;
}
