/**
 * `@tfkit/gym-lite`: Gymnasium-faithful CartPole and toy-text environments (FrozenLake, CliffWalking, Taxi) in pure TypeScript, and the Gym-style API
 * around it (spaces, registry, wrappers, vector env, env checker, legacy adapter).
 * Synchronous, runs in Node and browsers; its one dependency is `@tfkit/core` (pure: no Node,
 * tfjs or DOM imports), whose error base, option error and seeded generator it re-exports.
 *
 * @packageDocumentation
 */

export { createRng, entropySeed, Rng, type RngState, TfkitError, TfkitOptionError } from '@tfkit/core';
export {
  Env,
  type EnvMetadata,
  type Info,
  type RenderFrame,
  type ResetParams,
  type ResetResult,
  type RgbFrame,
  type StepResult,
} from './core.js';
export { type CheckEnvOptions, checkEnv } from './env-checker.js';
export {
  CartPoleEnv,
  type CartPoleOptions,
  type CartPoleRenderMode,
  type KinematicsIntegrator,
} from './envs/cart-pole.js';
export { CliffWalkingEnv, type CliffWalkingOptions } from './envs/toy-text/cliff-walking.js';
export {
  type DiscreteMdp,
  DiscreteMdpEnv,
  type DiscreteMdpEnvOptions,
  type MdpTransition,
  type TransitionInfo,
} from './envs/toy-text/discrete-mdp.js';
export {
  FrozenLakeEnv,
  type FrozenLakeOptions,
  frozenLakeMaps,
  generateRandomMap,
} from './envs/toy-text/frozen-lake.js';
export type { ToyTextRenderMode, ToyTextRenderOptions } from './envs/toy-text/options.js';
export { TaxiEnv, type TaxiInfo, type TaxiOptions, taxiMap } from './envs/toy-text/taxi.js';
export {
  EnvCheckError,
  InvalidActionError,
  InvalidOptionError,
  RegistrationError,
  RenderModeError,
  ResetNeededError,
  SpaceError,
  UnknownEnvError,
  type UnknownEnvReason,
} from './errors.js';
export { type LegacyEnv, type LegacyStepResult, toLegacyEnv } from './legacy.js';
export { defaultWarningHandler, setWarningHandler, type WarningHandler } from './logger.js';
export {
  type ActionOf,
  closeMatches,
  type EnvCreator,
  type EnvRegistry,
  EnvSpec,
  type EnvSpecInit,
  type MadeEnv,
  type MakeOptions,
  type MakeVecOptions,
  make,
  makeVec,
  type ObservationOf,
  parseEnvId,
  register,
  registeredIds,
  registry,
  spec,
  unregister,
  type VectorEnvCreator,
  type WrapperSpec,
} from './registration.js';
export { Box, type BoxArray, type BoxArrays, type BoxDtype } from './spaces/box.js';
export { Discrete } from './spaces/discrete.js';
export { spaceFromJSON } from './spaces/from-json.js';
export { MultiDiscrete } from './spaces/multi-discrete.js';
export { Space, type SpaceJSON } from './spaces/space.js';
export { CartPoleVectorEnv, type CartPoleVectorOptions } from './vector/cart-pole-vector.js';
export {
  type AutoresetMode,
  VectorEnv,
  type VectorResetResult,
  type VectorStepResult,
} from './vector/vector-env.js';
export { Autoreset } from './wrappers/autoreset.js';
export { OrderEnforcing } from './wrappers/order-enforcing.js';
export { PassiveEnvChecker } from './wrappers/passive-env-checker.js';
export { type EpisodeStatistics, RecordEpisodeStatistics } from './wrappers/record-episode-statistics.js';
export { TimeLimit } from './wrappers/time-limit.js';
export { ActionWrapper, ObservationWrapper, RewardWrapper, Wrapper } from './wrappers/wrapper.js';

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
