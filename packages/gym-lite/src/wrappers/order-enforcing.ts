import type { Env, RenderFrame, ResetParams, ResetResult, StepResult } from '../core.js';
import { ResetNeededError } from '../errors.js';
import type { EnvSpec } from '../registration.js';
import { Wrapper } from './wrapper.js';

/**
 * Throws {@link ResetNeededError} when `step` (or `render`) is called before `reset`
 * (Gymnasium's `OrderEnforcing`).
 *
 * @example
 * ```ts
 * const env = new OrderEnforcing(new CartPoleEnv());
 * env.step(0); // throws Tfkit_ResetNeededError
 * ```
 */
export class OrderEnforcing<Obs, Act> extends Wrapper<Obs, Act> {
  #hasReset = false;
  readonly #disableRenderOrderEnforcing: boolean;

  /**
   * @param env - the environment
   * @param options - `disableRenderOrderEnforcing` allows `render` before `reset`
   * @defaultValue options.disableRenderOrderEnforcing false
   */
  constructor(env: Env<Obs, Act>, options: { disableRenderOrderEnforcing?: boolean } = {}) {
    super(env);
    this.#disableRenderOrderEnforcing = options.disableRenderOrderEnforcing === true;
  }

  /** Whether `reset` has been called. */
  get hasReset(): boolean {
    return this.#hasReset;
  }

  /**
   * @param action - the action
   * @returns the wrapped env's result
   * @throws {@link ResetNeededError} before the first `reset`
   */
  override step(action: Act): StepResult<Obs> {
    if (!this.#hasReset) throw new ResetNeededError({ message: 'Cannot call env.step() before calling env.reset().' });
    return this.env.step(action);
  }

  /**
   * @param params - seed and options
   * @returns the wrapped env's result
   */
  override reset(params?: ResetParams): ResetResult<Obs> {
    this.#hasReset = true;
    return this.env.reset(params);
  }

  /**
   * @returns the wrapped env's frame
   * @throws {@link ResetNeededError} before the first `reset` unless `disableRenderOrderEnforcing`
   */
  override render(): RenderFrame | undefined {
    if (!this.#disableRenderOrderEnforcing && !this.#hasReset) {
      throw new ResetNeededError({
        message:
          'Cannot call env.render() before calling env.reset(); if this is intended, construct OrderEnforcing with ' +
          '{ disableRenderOrderEnforcing: true }.',
      });
    }
    return this.env.render();
  }

  protected override transformSpec(spec: EnvSpec): EnvSpec {
    return spec.with({ orderEnforce: true });
  }
}
