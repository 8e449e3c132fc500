import type { Rng } from '@tfkit/core';
import { TfkitOptionError } from '@tfkit/core';
import type { EnvMetadata, RenderFrame, ResetParams, ResetResult, StepResult } from '../core.js';
import { Env } from '../core.js';
import type { EnvSpec, WrapperSpec } from '../registration.js';
import type { Space } from '../spaces/space.js';

const packageName = '@tfkit/gym-lite';

/**
 * Base class of wrappers (Gymnasium's `gymnasium.Wrapper`): forwards everything to `env`.
 *
 * @remarks
 * `actionSpace`, `observationSpace` and `metadata` come from the wrapped env unless the wrapper
 * assigns its own; `renderMode`, `spec`, `rng` and `unwrapped` always come from below.
 * @typeParam Obs - observation type of the wrapped env
 * @typeParam Act - action type of the wrapped env
 * @typeParam WrapperObs - observation type this wrapper returns (defaults to `Obs`)
 * @typeParam WrapperAct - action type this wrapper accepts (defaults to `Act`)
 * @example
 * ```ts
 * class CountSteps extends Wrapper<Float32Array, number> {
 *   steps = 0;
 *   override step(action: number) {
 *     this.steps++;
 *     return this.env.step(action);
 *   }
 * }
 * ```
 */
export class Wrapper<Obs = unknown, Act = unknown, WrapperObs = Obs, WrapperAct = Act> extends Env<
  WrapperObs,
  WrapperAct
> {
  /** The wrapped environment. */
  readonly env: Env<Obs, Act>;
  #actionSpace: Space<WrapperAct> | undefined;
  #observationSpace: Space<WrapperObs> | undefined;
  #metadata: EnvMetadata | undefined;
  #cachedSpec: EnvSpec | undefined;
  #cachedFrom: EnvSpec | undefined;

  /**
   * @param env - the environment to wrap
   * @throws {@link TfkitOptionError} when `env` is not an {@link Env}
   */
  constructor(env: Env<Obs, Act>) {
    super();
    if (!(env instanceof Env)) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'env',
        message: `A wrapper needs an Env to wrap, got ${typeof env}. Extend Env from @tfkit/gym-lite for custom environments.`,
      });
    }
    this.env = env;
  }

  /**
   * Forwards to `env.step`.
   *
   * @param action - the action
   * @returns the wrapped env's step result
   */
  step(action: WrapperAct): StepResult<WrapperObs> {
    return this.env.step(action as unknown as Act) as unknown as StepResult<WrapperObs>;
  }

  /**
   * Forwards to `env.reset`.
   *
   * @param params - seed and options
   * @returns the wrapped env's reset result
   */
  reset(params?: ResetParams): ResetResult<WrapperObs> {
    return this.env.reset(params) as unknown as ResetResult<WrapperObs>;
  }

  /** @returns the wrapped env's frame */
  override render(): RenderFrame | undefined {
    return this.env.render();
  }

  /** Closes the wrapped env. */
  override close(): void {
    this.env.close();
  }

  /** The wrapper's own action space if assigned, else the wrapped env's. */
  get actionSpace(): Space<WrapperAct> {
    return this.#actionSpace ?? (this.env.actionSpace as unknown as Space<WrapperAct>);
  }
  set actionSpace(space: Space<WrapperAct>) {
    this.#actionSpace = space;
  }

  /** The wrapper's own observation space if assigned, else the wrapped env's. */
  get observationSpace(): Space<WrapperObs> {
    return this.#observationSpace ?? (this.env.observationSpace as unknown as Space<WrapperObs>);
  }
  set observationSpace(space: Space<WrapperObs>) {
    this.#observationSpace = space;
  }

  /** The wrapper's own metadata if assigned, else the wrapped env's. */
  override get metadata(): EnvMetadata {
    return this.#metadata ?? this.env.metadata;
  }
  override set metadata(value: EnvMetadata) {
    this.#metadata = value;
  }

  /** The wrapped env's render mode. */
  override get renderMode(): string | undefined {
    return this.env.renderMode;
  }
  override set renderMode(_value: string | undefined) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'renderMode',
      message: 'renderMode is chosen when the innermost env is created; pass it to make().',
    });
  }

  /**
   * The wrapped env's spec as changed by this wrapper: by default this wrapper is appended to
   * `additionalWrappers`; `TimeLimit`, `OrderEnforcing` and `PassiveEnvChecker` set their field instead.
   */
  override get spec(): EnvSpec | undefined {
    const inner = this.env.spec;
    if (inner === undefined) return undefined;
    if (this.#cachedFrom !== inner || this.#cachedSpec === undefined) {
      this.#cachedSpec = this.transformSpec(inner);
      this.#cachedFrom = inner;
    }
    return this.#cachedSpec;
  }
  override set spec(value: EnvSpec | undefined) {
    this.env.spec = value;
  }

  /**
   * How this wrapper changes the spec it reports (override in subclasses).
   *
   * @param spec - the wrapped env's spec
   * @returns the spec with this wrapper recorded
   */
  protected transformSpec(spec: EnvSpec): EnvSpec {
    const wrapperSpec: WrapperSpec = {
      name: this.constructor.name,
      entryPoint: `@tfkit/gym-lite:${this.constructor.name}`,
      kwargs: this.wrapperKwargs(),
    };
    return spec.with({ additionalWrappers: [...spec.additionalWrappers, wrapperSpec] });
  }

  /**
   * The constructor options that recreate this wrapper, or `null` when it cannot be recreated
   * (Gymnasium's `RecordConstructorArgs`).
   *
   * @returns JSON-compatible options or `null`
   */
  protected wrapperKwargs(): Record<string, unknown> | null {
    return null;
  }

  /** The innermost environment. */
  override get unwrapped(): Env<unknown, unknown> {
    return this.env.unwrapped;
  }

  /** The wrapped env's generator. */
  override get rng(): Rng {
    return this.env.rng;
  }
  override set rng(value: Rng) {
    this.env.rng = value;
  }

  /** The wrapped env's seed. */
  override get rngSeed(): number {
    return this.env.rngSeed;
  }

  /** @internal */
  override get hasRng(): boolean {
    return this.env.hasRng;
  }

  /** @returns `<WrapperName<inner>>` like Gymnasium */
  override toString(): string {
    return `<${this.constructor.name}${this.env.toString()}>`;
  }
}

/**
 * Transforms observations of `reset` and `step` with {@link ObservationWrapper.observation}.
 *
 * @example
 * ```ts
 * class Scale extends ObservationWrapper<Float32Array, number, Float32Array> {
 *   observation(observation: Float32Array) {
 *     return observation.map((value) => value * 2);
 *   }
 * }
 * ```
 */
export abstract class ObservationWrapper<WrapperObs, Act, Obs> extends Wrapper<Obs, Act, WrapperObs, Act> {
  /**
   * @param params - seed and options
   * @returns the transformed first observation and info
   */
  override reset(params?: ResetParams): ResetResult<WrapperObs> {
    const result = this.env.reset(params);
    return { observation: this.observation(result.observation), info: result.info };
  }

  /**
   * @param action - the action
   * @returns the step result with the transformed observation
   */
  override step(action: Act): StepResult<WrapperObs> {
    const result = this.env.step(action);
    return {
      observation: this.observation(result.observation),
      reward: result.reward,
      terminated: result.terminated,
      truncated: result.truncated,
      info: result.info,
    };
  }

  /**
   * The transformation.
   *
   * @param observation - the wrapped env's observation
   * @returns the new observation
   */
  abstract observation(observation: Obs): WrapperObs;
}

/**
 * Transforms rewards of `step` with {@link RewardWrapper.reward}.
 *
 * @example
 * ```ts
 * class Halve extends RewardWrapper<Float32Array, number> {
 *   reward(reward: number) { return reward / 2; }
 * }
 * ```
 */
export abstract class RewardWrapper<Obs, Act> extends Wrapper<Obs, Act, Obs, Act> {
  /**
   * @param action - the action
   * @returns the step result with the transformed reward
   */
  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    result.reward = this.reward(result.reward);
    return result;
  }

  /**
   * The transformation.
   *
   * @param reward - the wrapped env's reward
   * @returns the new reward
   */
  abstract reward(reward: number): number;
}

/**
 * Transforms actions before `step` with {@link ActionWrapper.action}.
 *
 * @example
 * ```ts
 * class Flip extends ActionWrapper<Float32Array, number, number> {
 *   action(action: number) { return 1 - action; }
 * }
 * ```
 */
export abstract class ActionWrapper<Obs, WrapperAct, Act> extends Wrapper<Obs, Act, Obs, WrapperAct> {
  /**
   * @param action - the wrapper's action
   * @returns the wrapped env's step result for the transformed action
   */
  override step(action: WrapperAct): StepResult<Obs> {
    return this.env.step(this.action(action));
  }

  /**
   * The transformation.
   *
   * @param action - the wrapper's action
   * @returns an action of the wrapped env
   */
  abstract action(action: WrapperAct): Act;
}
