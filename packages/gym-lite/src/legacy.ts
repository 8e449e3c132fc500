import type { Env, Info, RenderFrame } from './core.js';
import type { Space } from './spaces/space.js';

/** The old Gym (<= 0.21) step result: `[observation, reward, done, info]`. */
export type LegacyStepResult<Obs> = [observation: Obs, reward: number, done: boolean, info: Info];

/** An environment with the old Gym API, as the classic tutorials use it. */
export interface LegacyEnv<Obs, Act, E extends Env<Obs, Act> = Env<Obs, Act>> {
  /** The wrapped new-API environment. */
  readonly env: E;
  /** The action space. */
  readonly actionSpace: Space<Act>;
  /** The observation space. */
  readonly observationSpace: Space<Obs>;
  /**
   * Starts an episode (using the seed given to {@link LegacyEnv.seed}, once).
   *
   * @returns the first observation only
   */
  reset(): Obs;
  /**
   * Steps; `done = terminated || truncated`, and when the episode ended
   * `info['TimeLimit.truncated'] = truncated && !terminated` (Gymnasium's
   * `convert_to_done_step_api`; gym 0.21 set the key only at the time limit, so a termination
   * before it read as absent rather than `false`).
   *
   * @param action - the action
   * @returns `[observation, reward, done, info]`
   */
  step(action: Act): LegacyStepResult<Obs>;
  /**
   * Old-style seeding: the seed is used by the next `reset()`.
   *
   * @param seed - a non-negative integer
   * @returns `[seed]`
   */
  seed(seed?: number): number[];
  /** @returns the wrapped env's frame */
  render(): RenderFrame | undefined;
  /** Closes the wrapped env. */
  close(): void;
}

/**
 * Adapts a Gymnasium-style env to the old Gym API (`reset()` returns the observation, `step()`
 * returns `[obs, reward, done, info]`), for code ported from the classic tutorials.
 *
 * @param env - a new-API env, e.g. from `make('CartPole-v0')`
 * @returns the legacy view of the same env
 * @example
 * ```ts
 * const env = toLegacyEnv(make('CartPole-v0'));
 * let observation = env.reset();
 * let done = false;
 * while (!done) [observation, , done] = env.step(observation[2] > 0 ? 1 : 0);
 * ```
 */
export function toLegacyEnv<Obs, Act, E extends Env<Obs, Act>>(env: E & Env<Obs, Act>): LegacyEnv<Obs, Act, E> {
  let pendingSeed: number | undefined;
  return {
    env,
    get actionSpace() {
      return env.actionSpace;
    },
    get observationSpace() {
      return env.observationSpace;
    },
    reset() {
      const seed = pendingSeed;
      pendingSeed = undefined;
      return env.reset(seed === undefined ? undefined : { seed }).observation;
    },
    step(action) {
      const { observation, reward, terminated, truncated, info } = env.step(action);
      if (terminated || truncated) info['TimeLimit.truncated'] = truncated && !terminated;
      return [observation, reward, terminated || truncated, info];
    },
    seed(seed) {
      pendingSeed = seed ?? 0;
      return [pendingSeed];
    },
    render() {
      return env.render();
    },
    close() {
      env.close();
    },
  };
}
