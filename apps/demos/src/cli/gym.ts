import { CliUsageError } from './errors.js';
import { importPackage } from './packages.js';

/** An RGB frame from `render()` in `rgb_array` mode. */
export interface RgbFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The part of a gym-lite environment the CLI uses. */
export interface GymEnv {
  reset(options?: { seed?: number }): { observation: Float32Array; info: Record<string, unknown> };
  step(action: number): {
    observation: Float32Array;
    reward: number;
    terminated: boolean;
    truncated: boolean;
    info: Record<string, unknown>;
  };
  render(): unknown;
  close(): void;
  readonly actionSpace: { readonly n: number; sample(): number; seed(seed?: number): unknown };
  readonly observationSpace: { readonly shape: readonly number[] };
  readonly metadata: { renderFps?: number; renderModes: readonly string[] };
  readonly spec?: { id: string; maxEpisodeSteps?: number; rewardThreshold?: number } | null;
}

/** The part of `@tfkit/gym-lite` the CLI uses. */
export interface GymLite {
  make(id: string, options?: { renderMode?: string; maxEpisodeSteps?: number }): GymEnv;
  registeredIds(): string[];
  spec(id: string): { id: string; maxEpisodeSteps?: number; rewardThreshold?: number; entryPoint?: unknown };
}

/** Loads `@tfkit/gym-lite`, or throws "not available yet". */
export function loadGym(): Promise<GymLite> {
  return importPackage<GymLite>('@tfkit/gym-lite', ['make', 'registeredIds', 'spec']);
}

/** `make(id)`, turning an unknown id into a usage error (exit code 2) with gym-lite's close matches. */
export function makeEnv(gym: GymLite, id: string, options?: { renderMode?: string }): GymEnv {
  try {
    return gym.make(id, options);
  } catch (error) {
    if (error instanceof Error && /UnknownEnv/.test(error.name)) throw new CliUsageError(error.message.split('\n')[0]!);
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
