import { createRng, type Rng } from '@tfkit/core';
import type { EnvSpec } from './registration.js';
import type { Space } from './spaces/space.js';

/** Extra information returned by `reset` and `step` (Gymnasium's `info` dict). */
export type Info = Record<string, unknown>;

/** What `reset` returns (Gymnasium's `(obs, info)`). */
export interface ResetResult<Obs> {
  /** The first observation of the episode. */
  observation: Obs;
  /** Auxiliary information. */
  info: Info;
}

/** What `step` returns (Gymnasium's `(obs, reward, terminated, truncated, info)`). */
export interface StepResult<Obs> {
  /** The observation after the action. */
  observation: Obs;
  /** The reward of this transition. */
  reward: number;
  /** The MDP reached a terminal state (pole fell, cart left the track): call `reset`. */
  terminated: boolean;
  /** The episode was cut short from outside the MDP (time limit): call `reset`. */
  truncated: boolean;
  /** Auxiliary information. */
  info: Info;
}

/** Arguments of `reset` (Gymnasium's keyword arguments `seed=`, `options=`). */
export interface ResetParams {
  /** Re-seeds the environment's generator; omitted, the current stream continues. */
  seed?: number;
  /** Environment-specific reset options (CartPole: `{ low, high }`). */
  options?: Record<string, unknown>;
}

/** Environment metadata (Gymnasium's `metadata` dict, camelCase). */
export interface EnvMetadata {
  /** Render modes the environment supports. */
  renderModes: readonly string[];
  /** Frames per second for rendering. */
  renderFps?: number;
  /** Further entries. */
  [key: string]: unknown;
}

/** A rendered frame: an RGB image (`rgb_array`) or a text picture (`ansi`). */
export type RenderFrame = RgbFrame | string;

/** An RGB image, row-major, 3 bytes per pixel (numpy shape `(height, width, 3)`). */
export interface RgbFrame {
  /** `height * width * 3` bytes. */
  data: Uint8Array;
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
}

/**
 * Base class of every environment (Gymnasium's `gymnasium.Env`).
 *
 * @remarks
 * Subclasses set `actionSpace`, `observationSpace`, `metadata` and `renderMode`, and implement
 * `step` and `reset`. The first line of `reset` should be `this.reseed(params.seed)` — the
 * counterpart of Python's `super().reset(seed=seed)`: a seed re-creates {@link Env.rng}, no seed
 * keeps the current stream.
 * @typeParam Obs - observation type
 * @typeParam Act - action type
 * @example
 * ```ts
 * class Coin extends Env<number, number> {
 *   readonly actionSpace = new Discrete(2);
 *   readonly observationSpace = new Discrete(2);
 *   reset(params: ResetParams = {}) {
 *     this.reseed(params.seed);
 *     return { observation: this.rng.integers(2), info: {} };
 *   }
 *   step(action: number) {
 *     const observation = this.rng.integers(2);
 *     return { observation, reward: observation === action ? 1 : 0, terminated: true, truncated: false, info: {} };
 *   }
 * }
 * ```
 */
export abstract class Env<Obs = unknown, Act = unknown> {
  /** The space of valid actions. */
  abstract readonly actionSpace: Space<Act>;
  /** The space of observations. */
  abstract readonly observationSpace: Space<Obs>;
  #metadata: EnvMetadata = { renderModes: [] };
  #renderMode: string | undefined;
  #spec: EnvSpec | undefined;
  #rng: Rng | undefined;
  #rngSeed: number | undefined;

  /**
   * Runs one timestep of the dynamics.
   *
   * @param action - an element of {@link Env.actionSpace}
   * @returns observation, reward, terminated, truncated, info
   */
  abstract step(action: Act): StepResult<Obs>;

  /**
   * Starts a new episode.
   *
   * @param params - `seed` and `options`
   * @returns the first observation and info
   */
  abstract reset(params?: ResetParams): ResetResult<Obs>;

  /**
   * Renders according to {@link Env.renderMode}.
   *
   * @returns a frame, or `undefined` when there is nothing to return
   */
  render(): RenderFrame | undefined {
    return undefined;
  }

  /** Releases resources; calling it twice is allowed. */
  close(): void {}

  /** Metadata such as `renderModes` and `renderFps`. */
  get metadata(): EnvMetadata {
    return this.#metadata;
  }
  set metadata(value: EnvMetadata) {
    this.#metadata = value;
  }

  /** The render mode chosen at construction, if any. */
  get renderMode(): string | undefined {
    return this.#renderMode;
  }
  set renderMode(value: string | undefined) {
    this.#renderMode = value;
  }

  /** The spec `make` created this env from (`undefined` when constructed directly). */
  get spec(): EnvSpec | undefined {
    return this.#spec;
  }
  set spec(value: EnvSpec | undefined) {
    this.#spec = value;
  }

  /** The innermost environment (itself for an unwrapped env). */
  get unwrapped(): Env<unknown, unknown> {
    return this as Env<unknown, unknown>;
  }

  /** The environment's generator (Gymnasium's `np_random`), created from entropy on first use. */
  get rng(): Rng {
    if (this.#rng === undefined) {
      this.#rng = createRng();
      this.#rngSeed = this.#rng.seed;
    }
    return this.#rng;
  }
  set rng(value: Rng) {
    this.#rng = value;
    this.#rngSeed = -1;
  }

  /** The seed of {@link Env.rng} (Gymnasium's `np_random_seed`); -1 when the generator was assigned directly. */
  get rngSeed(): number {
    if (this.#rngSeed === undefined) void this.rng;
    return this.#rngSeed!;
  }

  /** @internal Whether a generator exists yet (for the env checker). */
  get hasRng(): boolean {
    return this.#rng !== undefined;
  }

  /**
   * Re-creates {@link Env.rng} from `seed` when one is given (Gymnasium's `super().reset(seed=seed)`).
   *
   * @param seed - a non-negative integer, or `undefined` to keep the current stream
   * @throws {@link TfkitOptionError} for a negative or non-integer seed
   */
  protected reseed(seed: number | undefined): void {
    if (seed !== undefined && seed !== null) {
      this.#rng = createRng(seed);
      this.#rngSeed = seed;
    }
  }

  /** @returns `<ClassName<id>>` or `<ClassName instance>` like Gymnasium */
  toString(): string {
    const spec = this.spec;
    return spec === undefined ? `<${this.constructor.name} instance>` : `<${this.constructor.name}<${spec.id}>>`;
  }
}
