import { TfkitOptionError } from '@tfkit/core';
import type { Env, ResetParams, ResetResult, StepResult } from '../core.js';
import { EnvCheckError } from '../errors.js';
import { Wrapper } from './wrapper.js';

const packageName = '@tfkit/gym-lite';

/** Statistics of one finished episode (Gymnasium's `info["episode"]`). */
export interface EpisodeStatistics {
  /** Cumulative reward. */
  r: number;
  /** Episode length in steps. */
  l: number;
  /** Wall-clock seconds since the episode started, rounded to 6 decimals. */
  t: number;
}

function now(): number {
  return globalThis.performance.now() / 1000;
}

/**
 * Records each episode's return, length and duration (Gymnasium's `RecordEpisodeStatistics`):
 * on the step that ends an episode, `info[statsKey] = { r, l, t }`.
 *
 * @example
 * ```ts
 * const env = new RecordEpisodeStatistics(make('CartPole-v1'));
 * // ... at the end of an episode: info.episode -> { r: 23, l: 23, t: 0.0001 }
 * env.returnQueue; // last 100 returns
 * ```
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  /** Finished episodes. */
  episodeCount = 0;
  /** Return of the current episode so far. */
  episodeReturns = 0;
  /** Length of the current episode so far. */
  episodeLengths = 0;
  /** Durations (s) of the last `bufferLength` episodes. */
  readonly timeQueue: number[] = [];
  /** Returns of the last `bufferLength` episodes. */
  readonly returnQueue: number[] = [];
  /** Lengths of the last `bufferLength` episodes. */
  readonly lengthQueue: number[] = [];
  readonly #bufferLength: number;
  readonly #statsKey: string;
  #episodeStartTime = -1;

  /**
   * @param env - the environment
   * @param options - `bufferLength` of the queues and the info `statsKey`
   * @defaultValue options `{ bufferLength: 100, statsKey: 'episode' }`
   * @throws {@link TfkitOptionError} for a non-positive `bufferLength`
   */
  constructor(env: Env<Obs, Act>, options: { bufferLength?: number; statsKey?: string } = {}) {
    super(env);
    const bufferLength = options.bufferLength ?? 100;
    if (!Number.isSafeInteger(bufferLength) || bufferLength <= 0) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'bufferLength',
        message: `bufferLength must be a positive integer, got ${String(bufferLength)}.`,
        value: bufferLength,
      });
    }
    this.#bufferLength = bufferLength;
    this.#statsKey = options.statsKey ?? 'episode';
  }

  /**
   * @param action - the action
   * @returns the step result; at the end of an episode `info[statsKey]` holds {@link EpisodeStatistics}
   * @throws {@link EnvCheckError} when the env's info already holds `statsKey`
   */
  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    this.episodeReturns += result.reward;
    this.episodeLengths += 1;
    if (result.terminated || result.truncated) {
      if (this.#statsKey in result.info) {
        throw new EnvCheckError({
          message: `The env's info already has the key '${this.#statsKey}'; pass another statsKey to RecordEpisodeStatistics.`,
        });
      }
      const elapsed = Math.round((now() - this.#episodeStartTime) * 1e6) / 1e6;
      const statistics: EpisodeStatistics = { r: this.episodeReturns, l: this.episodeLengths, t: elapsed };
      result.info[this.#statsKey] = statistics;
      this.#push(this.timeQueue, elapsed);
      this.#push(this.returnQueue, this.episodeReturns);
      this.#push(this.lengthQueue, this.episodeLengths);
      this.episodeCount += 1;
      this.#episodeStartTime = now();
    }
    return result;
  }

  /**
   * @param params - seed and options
   * @returns the reset result; the episode counters restart
   */
  override reset(params?: ResetParams): ResetResult<Obs> {
    const result = this.env.reset(params);
    this.#episodeStartTime = now();
    this.episodeReturns = 0;
    this.episodeLengths = 0;
    return result;
  }

  #push(queue: number[], value: number): void {
    queue.push(value);
    if (queue.length > this.#bufferLength) queue.shift();
  }

  protected override wrapperKwargs(): Record<string, unknown> {
    return { bufferLength: this.#bufferLength, statsKey: this.#statsKey };
  }
}
