import type { Rng } from '@tfkit/core';
import type { EnvMetadata, Info, ResetParams, RgbFrame } from '../core.js';
import type { EnvSpec } from '../registration.js';
import type { Space } from '../spaces/space.js';

/** When a vector env resets a finished sub-environment (Gymnasium's `AutoresetMode`). */
export type AutoresetMode = 'next-step' | 'same-step';

/** What a vector env's `reset` returns. */
export interface VectorResetResult {
  /** `numEnvs * observationSize` values, row-major (numpy shape `(numEnvs, ...)`). */
  observations: Float32Array;
  /** Auxiliary information. */
  info: Info;
}

/** What a vector env's `step` returns (struct of arrays). */
export interface VectorStepResult {
  /** `numEnvs * observationSize` values, row-major. */
  observations: Float32Array;
  /** One reward per sub-environment. */
  rewards: Float32Array;
  /** 1 where the sub-environment terminated on this step. */
  terminations: Uint8Array;
  /** 1 where the sub-environment was truncated on this step. */
  truncations: Uint8Array;
  /** Auxiliary information (same-step mode: `finalObservation`, `finalObservationMask`). */
  info: Info;
}

/**
 * Base of vectorized environments (Gymnasium's `VectorEnv`): `numEnvs` sub-environments stepped
 * together with batched, struct-of-arrays results.
 */
export abstract class VectorEnv {
  /** Number of sub-environments. */
  abstract readonly numEnvs: number;
  /** Action space of one sub-environment. */
  abstract readonly singleActionSpace: Space<unknown>;
  /** Observation space of one sub-environment. */
  abstract readonly singleObservationSpace: Space<unknown>;
  /** Batched action space. */
  abstract readonly actionSpace: Space<unknown>;
  /** Batched observation space. */
  abstract readonly observationSpace: Space<unknown>;
  /** Metadata, including `autoresetMode`. */
  abstract readonly metadata: EnvMetadata;
  /** The render mode, if any. */
  abstract readonly renderMode: string | undefined;
  /** The spec `makeVec` created this env from. */
  spec: EnvSpec | undefined;
  /** The generator used for resets. */
  abstract rng: Rng;

  /**
   * Resets every sub-environment.
   *
   * @param params - `seed` and `options`
   */
  abstract reset(params?: ResetParams): VectorResetResult;

  /**
   * Steps every sub-environment.
   *
   * @param actions - one action per sub-environment
   */
  abstract step(actions: ArrayLike<number>): VectorStepResult;

  /** @returns one frame per sub-environment, or `undefined` */
  render(): RgbFrame[] | undefined {
    return undefined;
  }

  /** Releases resources. */
  close(): void {}

  /** @returns the class name and size */
  toString(): string {
    return `${this.constructor.name}(numEnvs=${this.numEnvs})`;
  }
}
