import type { Env, RenderFrame, ResetParams, ResetResult, StepResult } from '../core.js';
import { checkRender, checkResetResult, checkSpace, checkStepResult } from '../env-checker.js';
import { InvalidActionError } from '../errors.js';
import type { EnvSpec } from '../registration.js';
import { Wrapper } from './wrapper.js';

/**
 * Checks the env against the API (Gymnasium's `PassiveEnvChecker`): the spaces at construction,
 * the first `reset`, `step` and `render` results, and (unlike Gymnasium) every action.
 *
 * @remarks
 * Gymnasium leaves action checking to each env (CartPole asserts). gym-lite checks every action
 * against `actionSpace.contains` here and throws {@link InvalidActionError}, so a NaN, 2, -1, 0.5 or
 * a string never reaches the dynamics of any env made with `make()`.
 * @example
 * ```ts
 * const env = new PassiveEnvChecker(new CartPoleEnv());
 * env.reset();
 * env.step(0.5); // throws Tfkit_InvalidActionError
 * ```
 */
export class PassiveEnvChecker<Obs, Act> extends Wrapper<Obs, Act> {
  #checkedReset = false;
  #checkedStep = false;
  #checkedRender = false;

  /**
   * @param env - the environment
   * @throws {@link EnvCheckError} when the env has no valid action or observation space
   */
  constructor(env: Env<Obs, Act>) {
    super(env);
    checkSpace(env.actionSpace, 'action');
    checkSpace(env.observationSpace, 'observation');
  }

  /**
   * @param action - the action, checked against the action space
   * @returns the wrapped env's result (checked on the first call)
   * @throws {@link InvalidActionError} when the action is not in the action space
   */
  override step(action: Act): StepResult<Obs> {
    const actionSpace = this.env.actionSpace;
    if (!actionSpace.contains(action)) throw new InvalidActionError({ action, space: actionSpace.toString() });
    if (this.#checkedStep) return this.env.step(action);
    this.#checkedStep = true;
    return checkStepResult(this.env.step(action), this.env.observationSpace);
  }

  /**
   * @param params - seed and options
   * @returns the wrapped env's result (checked on the first call)
   */
  override reset(params?: ResetParams): ResetResult<Obs> {
    if (this.#checkedReset) return this.env.reset(params);
    this.#checkedReset = true;
    return checkResetResult(this.env.reset(params), this.env.observationSpace);
  }

  /** @returns the wrapped env's frame (checked on the first call) */
  override render(): RenderFrame | undefined {
    if (this.#checkedRender) return this.env.render();
    this.#checkedRender = true;
    return checkRender(this.env as Env<unknown, unknown>);
  }

  protected override transformSpec(spec: EnvSpec): EnvSpec {
    return spec.with({ disableEnvChecker: false });
  }
}
