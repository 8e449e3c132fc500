import type { Env, ResetParams, ResetResult, StepResult } from '../core.js';
import { Wrapper } from './wrapper.js';

/**
 * Resets automatically on the step after an episode ends (Gymnasium 1.x's `Autoreset`, next-step
 * semantics): that step ignores the action and returns the new episode's first observation with
 * reward 0, `terminated` and `truncated` false, and the reset's info.
 *
 * @example
 * ```ts
 * const env = new Autoreset(make('CartPole-v1'));
 * ```
 */
export class Autoreset<Obs, Act> extends Wrapper<Obs, Act> {
  /** Whether the next `step` resets. */
  autoreset = false;

  /**
   * @param env - the environment
   */
  constructor(env: Env<Obs, Act>) {
    super(env);
  }

  /**
   * @param params - seed and options
   * @returns the reset result
   */
  override reset(params?: ResetParams): ResetResult<Obs> {
    this.autoreset = false;
    return this.env.reset(params);
  }

  /**
   * @param action - the action (ignored on a reset step)
   * @returns the step result, or the reset as a step result after an episode ended
   */
  override step(action: Act): StepResult<Obs> {
    let result: StepResult<Obs>;
    if (this.autoreset) {
      const reset = this.env.reset();
      result = { observation: reset.observation, reward: 0, terminated: false, truncated: false, info: reset.info };
    } else {
      result = this.env.step(action);
    }
    this.autoreset = result.terminated || result.truncated;
    return result;
  }

  protected override wrapperKwargs(): Record<string, unknown> {
    return {};
  }
}
