import { describeValue, hasMarker, TfkitError, TfkitOptionError } from '@tfkit/core';

const packageName = '@tfkit/gym-lite';

const resetNeededName = 'Tfkit_ResetNeededError';
const resetNeededMarker = Symbol.for(`tfkit.error.${resetNeededName}`);

/**
 * `step()` or `render()` was called before `reset()` (Gymnasium's `ResetNeeded`).
 *
 * @example
 * ```ts
 * throw new ResetNeededError({ message: 'Cannot call step() before reset().' });
 * ```
 */
export class ResetNeededError extends TfkitError {
  /** @internal */
  readonly [resetNeededMarker] = true;

  /** @param options - `message`: what was called too early (the remedy is appended) */
  constructor({ message }: { message: string }) {
    super({ name: resetNeededName, package: packageName, message: `${message} Call env.reset() first.` });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link ResetNeededError}
   */
  static override isInstance(error: unknown): error is ResetNeededError {
    return hasMarker(error, resetNeededMarker);
  }
}

const invalidActionName = 'Tfkit_InvalidActionError';
const invalidActionMarker = Symbol.for(`tfkit.error.${invalidActionName}`);

/**
 * An action is not an element of the environment's action space (NaN, 2, -1, 0.5, `'a'` for CartPole).
 *
 * @example
 * ```ts
 * throw new InvalidActionError({ action: 2, space: 'Discrete(2)' });
 * ```
 */
export class InvalidActionError extends TfkitError {
  /** @internal */
  readonly [invalidActionMarker] = true;
  /** The rejected action. */
  readonly action: unknown;

  /**
   * @param options - `action`: the rejected action; `space`: text form of the action space
   */
  constructor({ action, space }: { action: unknown; space: string }) {
    super({
      name: invalidActionName,
      package: packageName,
      message:
        `Action ${describeValue(action)} is not in the action space ${space}. ` +
        'Pass an element of env.actionSpace (check with env.actionSpace.contains(action)).',
    });
    this.action = action;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link InvalidActionError}
   */
  static override isInstance(error: unknown): error is InvalidActionError {
    return hasMarker(error, invalidActionMarker);
  }
}

/** Why an environment id could not be found. */
export type UnknownEnvReason = 'malformed' | 'namespace' | 'name' | 'version' | 'deprecated';

const unknownEnvName = 'Tfkit_UnknownEnvError';
const unknownEnvMarker = Symbol.for(`tfkit.error.${unknownEnvName}`);

/**
 * An environment id is not registered (Gymnasium's `NameNotFound`, `VersionNotFound`, `DeprecatedEnv`, ...).
 *
 * @example
 * ```ts
 * throw new UnknownEnvError({ id, reason: 'name', message: `Environment '${id}' doesn't exist.`, closeMatches: ['CartPole-v1'] });
 * ```
 */
export class UnknownEnvError extends TfkitError {
  /** @internal */
  readonly [unknownEnvMarker] = true;
  /** The id that was asked for. */
  readonly id: string;
  /** Which part of the id did not match. */
  readonly reason: UnknownEnvReason;
  /** Registered ids that are close to the one asked for, best first. */
  readonly closeMatches: readonly string[];

  /**
   * @param options - `id` asked for, `reason` (which part did not match), `message` (the
   *   explanation) and `closeMatches` (registered ids close to `id`, best first)
   */
  constructor({
    id,
    reason,
    message,
    closeMatches,
  }: {
    id: string;
    reason: UnknownEnvReason;
    message: string;
    closeMatches: readonly string[];
  }) {
    const hint =
      closeMatches.length > 0
        ? ` Did you mean: ${closeMatches.map((match) => `'${match}'`).join(', ')}?`
        : ' Use registeredIds() to list the registered environments.';
    super({ name: unknownEnvName, package: packageName, message: `${message}${hint}` });
    this.id = id;
    this.reason = reason;
    this.closeMatches = closeMatches;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link UnknownEnvError}
   */
  static override isInstance(error: unknown): error is UnknownEnvError {
    return hasMarker(error, unknownEnvMarker);
  }
}

const registrationName = 'Tfkit_RegistrationError';
const registrationMarker = Symbol.for(`tfkit.error.${registrationName}`);

/**
 * A registration is invalid (Gymnasium's `RegistrationError`).
 *
 * @example
 * ```ts
 * throw new RegistrationError({ message: 'Register it with an entryPoint.' });
 * ```
 */
export class RegistrationError extends TfkitError {
  /** @internal */
  readonly [registrationMarker] = true;

  /** @param options - `message`: what is wrong with the registration and how to fix it */
  constructor({ message }: { message: string }) {
    super({ name: registrationName, package: packageName, message });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link RegistrationError}
   */
  static override isInstance(error: unknown): error is RegistrationError {
    return hasMarker(error, registrationMarker);
  }
}

const spaceName = 'Tfkit_SpaceError';
const spaceMarker = Symbol.for(`tfkit.error.${spaceName}`);

/**
 * A space was built or used with invalid arguments (bad bounds, bad mask, ...).
 *
 * @example
 * ```ts
 * throw new SpaceError({ message: 'Discrete(n) needs a positive integer n.' });
 * ```
 */
export class SpaceError extends TfkitError {
  /** @internal */
  readonly [spaceMarker] = true;

  /** @param options - `message`: what is wrong and how to fix it */
  constructor({ message }: { message: string }) {
    super({ name: spaceName, package: packageName, message });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link SpaceError}
   */
  static override isInstance(error: unknown): error is SpaceError {
    return hasMarker(error, spaceMarker);
  }
}

/**
 * An option (constructor, `make`, `reset`) or a seed is invalid.
 *
 * @deprecated Use {@link TfkitOptionError} from `@tfkit/core` (re-exported here); this alias goes
 *   away in the next minor version.
 */
export const InvalidOptionError = TfkitOptionError;
/** @deprecated Use {@link TfkitOptionError}. */
export type InvalidOptionError = TfkitOptionError;

const renderModeName = 'Tfkit_RenderModeError';
const renderModeMarker = Symbol.for(`tfkit.error.${renderModeName}`);

/**
 * A render mode is not supported here (e.g. `'human'` in Node without a `humanRenderer`).
 *
 * @example
 * ```ts
 * throw new RenderModeError({ message: "Render mode 'human' needs a humanRenderer in Node." });
 * ```
 */
export class RenderModeError extends TfkitError {
  /** @internal */
  readonly [renderModeMarker] = true;

  /** @param options - `message`: which mode and what to use instead */
  constructor({ message }: { message: string }) {
    super({ name: renderModeName, package: packageName, message });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link RenderModeError}
   */
  static override isInstance(error: unknown): error is RenderModeError {
    return hasMarker(error, renderModeMarker);
  }
}

const envCheckName = 'Tfkit_EnvCheckError';
const envCheckMarker = Symbol.for(`tfkit.error.${envCheckName}`);

/**
 * `checkEnv()` or the passive env checker found a contract violation.
 *
 * @example
 * ```ts
 * throw new EnvCheckError({ message: 'reset() must return { observation, info }.', cause: error });
 * ```
 */
export class EnvCheckError extends TfkitError {
  /** @internal */
  readonly [envCheckMarker] = true;

  /**
   * @param options - `message`: which rule of the Env contract is broken and how to fix it;
   *   `cause`: e.g. the error the env threw
   */
  constructor({ message, cause }: { message: string; cause?: unknown }) {
    super({ name: envCheckName, package: packageName, message, cause });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link EnvCheckError}
   */
  static override isInstance(error: unknown): error is EnvCheckError {
    return hasMarker(error, envCheckMarker);
  }
}

/**
 * Throws the one option error of tfkit for gym-lite.
 *
 * @internal
 */
export function optionError(option: string, message: string, value?: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, ...(value === undefined ? {} : { value }) });
}
