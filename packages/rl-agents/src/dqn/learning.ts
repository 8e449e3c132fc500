/**
 * The types of `DqnAgent.learn`: its options (the tfkit training-loop contract), the logs its
 * callbacks receive, its result, and the per-call state its phases share.
 */
import type { LoopCallback } from '@tfkit/core';
import type { AgentEnv } from '../env.js';

/** What `onEpisodeEnd` (and the deprecated `callback`) receives after each training episode. */
export interface DqnEpisodeLogs {
  /** The agent's environment steps so far. */
  numTimesteps: number;
  /** The episode's return. */
  episodeReturn: number;
  /** The episode's length in steps. */
  episodeLength: number;
  /** The exploration rate of the episode's last step. */
  epsilon: number;
}

/** What `onStep` receives after each training step. */
export interface DqnStepLogs {
  /** The action taken. */
  action: number;
  /** Its reward. */
  reward: number;
  /** Whether the episode ended in a terminal state. */
  terminated: boolean;
  /** Whether the episode was cut (time limit). */
  truncated: boolean;
  /** The exploration rate of this step. */
  epsilon: number;
}

/** What `onEvaluationEnd` receives after each greedy evaluation. */
export interface DqnEvaluationLogs {
  /** The agent's environment steps when it ran. */
  numTimesteps: number;
  /** Mean return. */
  mean: number;
  /** Standard deviation of the returns. */
  std: number;
  /** Every return. */
  returns: number[];
}

/**
 * What the deprecated {@link LearnOptions.callback} receives.
 *
 * @deprecated Use `onEpisodeEnd` and `onEvaluationEnd`; goes away in the next minor version.
 */
export type LearnEvent =
  | ({ type: 'episode'; episode: number } & DqnEpisodeLogs)
  | ({ type: 'eval' } & DqnEvaluationLogs);

/** Options of `DqnAgent.learn`: the tfkit training-loop contract plus evaluation settings. */
export interface LearnOptions {
  /** Environment steps to take in this call. */
  totalTimesteps: number;
  /**
   * Called after each training episode: `episode` counts the agent's episodes from 0. May return
   * a promise (awaited).
   */
  onEpisodeEnd?: LoopCallback<DqnEpisodeLogs> | undefined;
  /**
   * Called after each environment step: `step` is the agent's step count (from 1). Costs a call
   * per step; leave it unset in hot loops.
   */
  onStep?: LoopCallback<DqnStepLogs> | undefined;
  /** Called after each greedy evaluation: `index` counts this call's evaluations from 0. */
  onEvaluationEnd?: LoopCallback<DqnEvaluationLogs> | undefined;
  /** Stops learning at the next step boundary; the result then has `stopped: true`. */
  signal?: AbortSignal | undefined;
  /**
   * Called after each episode and each evaluation; return `false` to stop learning.
   *
   * @deprecated Use `onEpisodeEnd`, `onEvaluationEnd` and `signal`; goes away in the next minor version.
   */
  callback?: ((event: LearnEvent) => boolean | undefined | Promise<boolean | undefined>) | undefined;
  /**
   * Environment for greedy evaluations. When omitted, evaluations (if `evalFreq` is set) run on
   * the training env between two training episodes.
   */
  evalEnv?: AgentEnv | undefined;
  /** Evaluate every this many environment steps (0 = never). @defaultValue `0` */
  evalFreq?: number | undefined;
  /** Episodes per evaluation. @defaultValue `20` */
  evalEpisodes?: number | undefined;
  /** Seed of the first training reset of this call. @defaultValue the agent's seed on the first call, else no reseed */
  seed?: number | undefined;
}

/** One point of the learning curve. */
export interface HistoryPoint {
  /** Environment steps when it happened. */
  numTimesteps: number;
  /** Episode return, or evaluation mean. */
  value: number;
}

/** What `DqnAgent.learn` returns. */
export interface LearnResult {
  /** Total environment steps of the agent so far. */
  numTimesteps: number;
  /** Total gradient steps so far. */
  numUpdates: number;
  /** True when `signal` (or the deprecated `callback`) stopped learning early. */
  stopped: boolean;
  /** Training episode returns of this call. */
  episodes: HistoryPoint[];
  /** Evaluation means of this call. */
  evaluations: HistoryPoint[];
  /** Seconds spent acting (env steps and action choice) in this call. */
  actingSeconds: number;
  /** Seconds spent in gradient steps in this call. */
  learningSeconds: number;
  /** Environment steps taken in this call. */
  steps: number;
  /** Gradient steps taken in this call. */
  updates: number;
}

/**
 * Splits wall time between acting and learning: `pause()` books the time since the last
 * `resume()` as acting, so callbacks and evaluations count as neither.
 *
 * @internal
 */
export class ActingClock {
  #phaseStart = now();

  constructor(private readonly result: LearnResult) {}

  /** Books the acting time so far and stops the clock. */
  pause(): void {
    this.result.actingSeconds += now() - this.#phaseStart;
  }

  /** Starts booking acting time again. */
  resume(): void {
    this.#phaseStart = now();
  }

  /** Runs `work` as learning time. */
  learning(work: () => void): void {
    this.pause();
    const start = now();
    work();
    this.#phaseStart = now();
    this.result.learningSeconds += this.#phaseStart - start;
  }
}

/** The state one `DqnAgent.learn` call shares between its phases. @internal */
export interface LearnRun {
  readonly env: AgentEnv;
  readonly options: LearnOptions;
  readonly result: LearnResult;
  readonly clock: ActingClock;
  readonly epsilonAt: (step: number) => number;
  readonly evalFreq: number;
  readonly evalEpisodes: number;
  /** Seed of the first evaluation's first reset; later evaluations continue the stream. */
  evalSeed: number | undefined;
  /** An evaluation is due at the end of the current training episode (no `evalEnv`). */
  evalDue: boolean;
  episodeReturn: number;
  episodeLength: number;
  /** Set when a callback (or the signal) asked to stop; learning ends after this step. */
  stop: boolean;
}

/** What one `DqnAgent` training step did. @internal */
export interface PlayedStep {
  readonly action: number;
  readonly epsilon: number;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

function now(): number {
  return performance.now() / 1000;
}
