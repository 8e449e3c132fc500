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

const notDiscreteName = 'Tfkit_RlNotDiscreteError';
const notDiscreteMarker = Symbol.for(`tfkit.error.${notDiscreteName}`);

/**
 * An environment is not a finite, discrete one where a planner or a tabular agent needs it to be:
 * its observation or action space is not `Discrete`, or (for planning) it exposes no model
 * `unwrapped.P`.
 *
 * @example
 * ```ts
 * throw new RlNotDiscreteError({ what: 'observation space', found: 'Box(4)' });
 * ```
 */
export class RlNotDiscreteError extends TfkitError {
  /** @internal */
  readonly [notDiscreteMarker] = true;
  /** What is not discrete: `'observation space'`, `'action space'` or `'model'`. */
  readonly what: 'observation space' | 'action space' | 'model';

  /**
   * @param options - `what` is not discrete, and what was `found` instead
   */
  constructor({ what, found }: { what: 'observation space' | 'action space' | 'model'; found: string }) {
    super({
      name: notDiscreteName,
      package: packageName,
      message:
        what === 'model'
          ? `planning needs a finite model: a DiscreteMdp { nStates, nActions, P } or an env whose unwrapped.P lists [probability, nextState, reward, terminated] per state and action, got ${found}. Use a toy-text env such as make('FrozenLake-v1'), or write the model yourself.`
          : `this agent needs a Discrete ${what} (a finite number of states and actions), got ${found}. Use a toy-text env such as make('FrozenLake-v1') or make('Taxi-v4'), or discretise the env first.`,
    });
    this.what = what;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link RlNotDiscreteError} from any copy of this package
   */
  static override isInstance(error: unknown): error is RlNotDiscreteError {
    return hasMarker(error, notDiscreteMarker);
  }
}

const invalidMdpName = 'Tfkit_RlInvalidMdpError';
const invalidMdpMarker = Symbol.for(`tfkit.error.${invalidMdpName}`);

/**
 * A model `P` is not a valid MDP: the outcome probabilities of a (state, action) do not sum to 1,
 * an outcome is malformed, or a next state is out of range. The error names the state and action.
 *
 * @example
 * ```ts
 * throw new RlInvalidMdpError({ state: 3, action: 1, message: 'its probabilities sum to 0.9, not 1.' });
 * ```
 */
export class RlInvalidMdpError extends TfkitError {
  /** @internal */
  readonly [invalidMdpMarker] = true;
  /** The state at fault, when one is. */
  readonly state: number | undefined;
  /** The action at fault, when one is. */
  readonly action: number | undefined;

  /**
   * @param options - the `state` and `action` at fault (when one is) and what is wrong (`message`)
   */
  constructor({
    state,
    action,
    message,
  }: { state?: number | undefined; action?: number | undefined; message: string }) {
    const where = state === undefined ? 'the model' : `P[${state}]${action === undefined ? '' : `[${action}]`}`;
    super({
      name: invalidMdpName,
      package: packageName,
      message: `${where}: ${message} P[s][a] must list [probability, nextState, reward, terminated] outcomes whose probabilities sum to 1.`,
    });
    this.state = state;
    this.action = action;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link RlInvalidMdpError} from any copy of this package
   */
  static override isInstance(error: unknown): error is RlInvalidMdpError {
    return hasMarker(error, invalidMdpMarker);
  }
}
