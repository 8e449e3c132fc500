import { describeValue, TfkitOptionError } from '@tfkit/core';
import type { RgbFrame } from '../../core.js';
import { InvalidActionError, RenderModeError, ResetNeededError } from '../../errors.js';

/**
 * The errors the toy-text environments throw, built in one place.
 *
 * @internal
 */
const packageName = '@tfkit/gym-lite';

/** Render modes of the toy-text environments (`'human'` needs a `humanRenderer`). */
export type ToyTextRenderMode = 'human' | 'ansi' | 'rgb_array';

/** Render options every toy-text environment takes. */
export interface ToyTextRenderOptions {
  /**
   * `'ansi'` (Gymnasium's text picture), `'rgb_array'` (an {@link RgbFrame}) or `'human'` (needs `humanRenderer`).
   * @defaultValue undefined (no rendering)
   */
  renderMode?: ToyTextRenderMode;
  /**
   * Receives each frame in `'human'` mode (e.g. to draw on a canvas); required for `'human'`.
   * @defaultValue undefined
   */
  humanRenderer?: (frame: RgbFrame) => void;
}

/** @internal */
export function optionError(option: string, message: string, value?: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, value });
}

/** @internal Throws for keys that are not options of the env. */
export function assertKnownOptions(envName: string, options: object, known: readonly string[]): void {
  if (options === null || typeof options !== 'object') {
    throw optionError('options', `${envName} takes an options object, got ${describeValue(options)}.`, options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw optionError(
        key,
        `${envName} has no option '${key}'. Its options are ${known.join(', ')} ` +
          '(make() also takes maxEpisodeSteps and disableEnvChecker).',
        (options as Record<string, unknown>)[key],
      );
    }
  }
}

/** @internal A boolean option, or its default when undefined. */
export function booleanOption(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw optionError(option, `must be true or false, got ${describeValue(value)}.`, value);
  }
  return value;
}

/** @internal A probability option in [0, 1], or its default when undefined. */
export function probabilityOption(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw optionError(
      option,
      `must be a probability in [0, 1], got ${describeValue(value)}. Omit it for the default ${fallback}.`,
      value,
    );
  }
  return value;
}

/** @internal Checks the render mode and the human renderer. */
export function checkRenderOptions(envName: string, options: ToyTextRenderOptions): void {
  const mode = options.renderMode;
  if (mode !== undefined && mode !== 'human' && mode !== 'ansi' && mode !== 'rgb_array') {
    throw new RenderModeError({
      message: `${envName} has no render mode '${String(mode)}'. Use one of human, ansi, rgb_array.`,
    });
  }
  if (mode === 'human' && typeof options.humanRenderer !== 'function') {
    throw new RenderModeError({
      message:
        "renderMode 'human' needs a display, which gym-lite does not open. Pass humanRenderer: (frame) => ... " +
        "(e.g. draw frame.data on a canvas), or use renderMode 'rgb_array' and display the frames yourself.",
    });
  }
}

/** @internal */
export function invalidAction(action: unknown, space: string): InvalidActionError {
  return new InvalidActionError({ action, space });
}

/** @internal */
export function resetNeeded(message: string): ResetNeededError {
  return new ResetNeededError({ message });
}
