import { TfkitOptionError } from '@tfkit/core';
import type { Env, ResetParams, ResetResult, StepResult } from '../core.js';

import type { EnvSpec } from '../registration.js';
import { Wrapper } from './wrapper.js';

const packageName = '@tfkit/gym-lite';

/**
 * Truncates the episode after `maxEpisodeSteps` steps (Gymnasium's `TimeLimit`):
 * `truncated` becomes true when `elapsedSteps >= maxEpisodeSteps`, whatever `terminated` is.
 *
 * @example
 * ```ts
 * const env = new TimeLimit(new CartPoleEnv(), 10);
 * ```
 */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  /** The step count at which episodes are truncated. */
  readonly maxEpisodeSteps: number;
  /** Steps since the last reset (`undefined` before the first reset). */
  elapsedSteps: number | undefined;

  /**
   * @param env - the environment
   * @param maxEpisodeSteps - a positive integer
   * @throws {@link TfkitOptionError} when `maxEpisodeSteps` is not a positive integer
   */
  constructor(env: Env<Obs, Act>, maxEpisodeSteps: number) {
    if (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'maxEpisodeSteps',
        message: `TimeLimit needs a positive integer maxEpisodeSteps, got ${String(maxEpisodeSteps)}.`,
        value: maxEpisodeSteps,
      });
    }
    super(env);
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  /**
   * @param action - the action
   * @returns the step result, with `truncated: true` once the limit is reached
   */
  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    const elapsed = (this.elapsedSteps ?? 0) + 1;
    this.elapsedSteps = elapsed;
    if (elapsed >= this.maxEpisodeSteps) result.truncated = true;
    return result;
  }

  /**
   * @param params - seed and options
   * @returns the reset result; the step count restarts at 0
   */
  override reset(params?: ResetParams): ResetResult<Obs> {
    this.elapsedSteps = 0;
    return this.env.reset(params);
  }

  protected override transformSpec(spec: EnvSpec): EnvSpec {
    return spec.with({ maxEpisodeSteps: this.maxEpisodeSteps });
  }
}
