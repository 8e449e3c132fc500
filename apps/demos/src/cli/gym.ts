import type { Env, RgbFrame } from '@tfkit/gym-lite';
import { CliUsageError } from './errors.js';

/** A gym-lite environment with CartPole's observation and action types. */
export type GymEnv = Env<Float32Array, number>;

/** `@tfkit/gym-lite` as the CLI uses it. */
export type GymLite = typeof import('@tfkit/gym-lite');

/** Loads `@tfkit/gym-lite` on first use. */
export function loadGym(): Promise<GymLite> {
  return import('@tfkit/gym-lite');
}

/** `make(id)`, turning an unknown id into a usage error (exit code 2) with gym-lite's close matches. */
export function makeEnv(gym: GymLite, id: string, options?: { renderMode?: string }): GymEnv {
  try {
    return gym.make(id, options) as GymEnv;
  } catch (error) {
    if (error instanceof Error && /UnknownEnv/.test(error.name))
      throw new CliUsageError({ message: error.message.split('\n')[0]! });
    throw error;
  }
}

/** Checks `value` is an RGB frame. */
export function isRgbFrame(value: unknown): value is RgbFrame {
  const frame = value as RgbFrame;
  return (
    typeof value === 'object' &&
    value !== null &&
    frame.data instanceof Uint8Array &&
    frame.data.length === frame.width * frame.height * 3
  );
}
