import type { Env } from '../../core.js';
import type { EnvSpecInit } from '../../registration.js';
import { CliffWalkingEnv, type CliffWalkingOptions } from './cliff-walking.js';
import { FrozenLakeEnv, type FrozenLakeOptions } from './frozen-lake.js';
import { TaxiEnv, type TaxiOptions } from './taxi.js';

/**
 * String entry points of the toy-text environments.
 *
 * @internal
 */
export const toyTextEntryPoints: ReadonlyArray<
  readonly [string, (options: Record<string, unknown>) => Env<unknown, unknown>]
> = [
  [
    '@tfkit/gym-lite:FrozenLakeEnv',
    (options) => new FrozenLakeEnv(options as FrozenLakeOptions) as Env<unknown, unknown>,
  ],
  [
    '@tfkit/gym-lite:CliffWalkingEnv',
    (options) => new CliffWalkingEnv(options as CliffWalkingOptions) as Env<unknown, unknown>,
  ],
  ['@tfkit/gym-lite:TaxiEnv', (options) => new TaxiEnv(options as TaxiOptions) as Env<unknown, unknown>],
];

/**
 * Gymnasium 1.4.0's toy-text registrations (gymnasium/envs/__init__.py): ids, kwargs, time limits
 * and reward thresholds. CliffWalking has neither a time limit nor a threshold there.
 *
 * @internal
 */
export const toyTextSpecs: readonly EnvSpecInit[] = [
  {
    id: 'FrozenLake-v1',
    entryPoint: '@tfkit/gym-lite:FrozenLakeEnv',
    kwargs: { mapName: '4x4' },
    maxEpisodeSteps: 100,
    rewardThreshold: 0.7,
  },
  {
    id: 'FrozenLake8x8-v1',
    entryPoint: '@tfkit/gym-lite:FrozenLakeEnv',
    kwargs: { mapName: '8x8' },
    maxEpisodeSteps: 200,
    rewardThreshold: 0.85,
  },
  { id: 'CliffWalking-v1', entryPoint: '@tfkit/gym-lite:CliffWalkingEnv' },
  { id: 'CliffWalkingSlippery-v1', entryPoint: '@tfkit/gym-lite:CliffWalkingEnv', kwargs: { isSlippery: true } },
  { id: 'Taxi-v4', entryPoint: '@tfkit/gym-lite:TaxiEnv', maxEpisodeSteps: 200, rewardThreshold: 8 },
];
