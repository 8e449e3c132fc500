import { hasMarker, TfkitError, TfkitOptionError } from '@tfkit/core';

/** @internal The package name every rl-agents error message starts with. */
export const packageName = '@tfkit/rl-agents';

/**
 * An agent or experiment option is not valid (negative buffer size, batch larger than buffer...).
 *
 * @deprecated Use {@link TfkitOptionError} from `@tfkit/core` (re-exported here); this alias goes
 *   away in the next minor version.
 */
export const RlConfigError = TfkitOptionError;
/** @deprecated Use {@link TfkitOptionError}. */
export type RlConfigError = TfkitOptionError;

/**
 * The base of the errors thrown by `@tfkit/rl-agents`.
 *
 * @deprecated Every tfkit error now derives from `TfkitError` of `@tfkit/core` (re-exported
 *   here); check a specific class's `isInstance`. This alias goes away in the next minor version.
 */
export const RlAgentsError = TfkitError;
/** @deprecated Use {@link TfkitError}. */
export type RlAgentsError = TfkitError;

const envMismatchName = 'Tfkit_RlEnvMismatchError';
const envMismatchMarker = Symbol.for(`tfkit.error.${envMismatchName}`);

/**
 * An environment does not match the agent (observation size or action count).
 *
 * @example
 * ```ts
 * throw new RlEnvMismatchError({ what: 'observation size', expected: 4, actual: 3 });
 * ```
 */
export class RlEnvMismatchError extends TfkitError {
  /** @internal */
  readonly [envMismatchMarker] = true;
  /** What does not match: `'observation size'` or `'action count'`. */
  readonly what: string;
  /** What the agent expects. */
  readonly expected: number;
  /** What the environment gives. */
  readonly actual: number;

  /**
   * @param options - `what` (`'observation size'` or `'action count'`), `expected` (the agent's
   *   value) and `actual` (the environment's value)
   */
  constructor({ what, expected, actual }: { what: string; expected: number; actual: number }) {
    super({
      name: envMismatchName,
      package: packageName,
      message: `the environment's ${what} is ${actual} but the agent was built for ${expected}; build the agent from this environment (or pass a matching one).`,
    });
    this.what = what;
    this.expected = expected;
    this.actual = actual;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link RlEnvMismatchError} from any copy of this package
   */
  static override isInstance(error: unknown): error is RlEnvMismatchError {
    return hasMarker(error, envMismatchMarker);
  }
}

const checkpointName = 'Tfkit_RlCheckpointError';
const checkpointMarker = Symbol.for(`tfkit.error.${checkpointName}`);

/**
 * A checkpoint file is missing, truncated, corrupt or of another kind of agent.
 *
 * @example
 * ```ts
 * throw new RlCheckpointError({ path, message: 'failed its checksum; the file is corrupt, save the agent again.' });
 * ```
 */
export class RlCheckpointError extends TfkitError {
  /** @internal */
  readonly [checkpointMarker] = true;
  /** The file concerned. */
  readonly path: string;

  /**
   * @param options - `path` (the file concerned), `message` (what is wrong and what to do) and `cause`
   */
  constructor({ path, message, cause }: { path: string; message: string; cause?: unknown }) {
    super({ name: checkpointName, package: packageName, message: `${path}: ${message}`, cause });
    this.path = path;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link RlCheckpointError} from any copy of this package
   */
  static override isInstance(error: unknown): error is RlCheckpointError {
    return hasMarker(error, checkpointMarker);
  }
}
