/**
 * The one training-loop contract of tfkit. Every long-running loop (`trainGan`, `quickRun`,
 * `trainTransferModel`, the naive-NN policy, `DqnAgent.learn`, `trainDqnUntilSolved`, sweeps)
 * takes its callbacks at the top level of its options, named like tfjs `fit`'s
 * `CustomCallbackArgs`, and stops on an `AbortSignal`.
 *
 * - `onEpochEnd(epoch, logs)`: after each pass over the data (`epoch` counts from 0).
 * - `onBatchEnd(batch, logs)`: after each optimisation step on a batch (`batch` counts from 0
 *   over the whole run).
 * - `onEpisodeEnd(episode, logs)`: after each finished RL episode (`episode` counts from 0).
 * - `onStep(step, logs)`: after each environment step (`step` counts from 1: the number of steps
 *   taken so far).
 * - `signal`: when it aborts, the loop stops at the next batch or step boundary and returns what it
 *   has (with `stopped: true` where the result type has it); it does not throw.
 * - The step budget of RL loops is called `totalTimesteps` (Stable-Baselines3's name); epoch
 *   budgets are `epochs`.
 *
 * A callback may return a promise; the loop awaits it before going on.
 */

/** A training-loop callback: the index of what just ended and its logs. */
export type LoopCallback<Logs> = (index: number, logs: Logs) => void | Promise<void>;

/** Callbacks of epoch/batch loops (supervised and GAN training). */
export interface EpochCallbacks<EpochLogs, BatchLogs> {
  /** Called after each epoch with its logs. */
  onEpochEnd?: LoopCallback<EpochLogs> | undefined;
  /** Called after each batch with its logs. */
  onBatchEnd?: LoopCallback<BatchLogs> | undefined;
}

/** Callbacks of episode/step loops (reinforcement learning). */
export interface EpisodeCallbacks<EpisodeLogs, StepLogs> {
  /** Called after each finished episode with its logs. */
  onEpisodeEnd?: LoopCallback<EpisodeLogs> | undefined;
  /** Called after each environment step with its logs. */
  onStep?: LoopCallback<StepLogs> | undefined;
}

/** How a loop is told to stop early. */
export interface StopSignal {
  /** When aborted, the loop stops at the next boundary and returns what it has. */
  signal?: AbortSignal | undefined;
}

/**
 * Whether a loop should stop now.
 *
 * @param signal - the loop's `signal` option
 * @returns true once the signal has aborted
 */
export function shouldStop(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * Calls a loop callback if it is set and awaits it only when it returned a promise, so that a
 * synchronous callback costs no microtask in a hot loop.
 *
 * @param callback - the callback, or undefined
 * @param index - the epoch, batch, episode or step index
 * @param logs - its logs
 * @returns a promise only when the callback returned one
 */
export function invokeCallback<Logs>(
  callback: LoopCallback<Logs> | undefined,
  index: number,
  logs: Logs,
): void | Promise<void> {
  if (callback === undefined) return;
  return callback(index, logs);
}
