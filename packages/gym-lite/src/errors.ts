const marker = Symbol.for('tfkit.error');

/**
 * Base class of every error thrown by tfkit packages (gym-lite's own copy, same marker).
 *
 * @remarks
 * gym-lite has no dependencies, so it carries this tiny copy of `@tfkit/backend`'s base error.
 * Use {@link TfkitError.isInstance} rather than `instanceof`: the `Symbol.for('tfkit.error')`
 * marker is shared by every copy of every tfkit package.
 */
export class TfkitError extends Error {
  /** @internal */
  readonly [marker] = true;

  /**
   * @param name - stable error name, e.g. `'Tfkit_ResetNeededError'`
   * @param message - what went wrong and what to do about it
   * @param options - `{ cause }` of the error, kept for debugging
   */
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }

  /**
   * True for any tfkit error, from any copy of any tfkit package.
   *
   * @param error - anything that was thrown
   * @returns whether `error` carries the tfkit marker
   */
  static isInstance(error: unknown): error is TfkitError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

const prefix = '[@tfkit/gym-lite]';

function hasName(error: unknown, name: string): boolean {
  return TfkitError.isInstance(error) && error.name === name;
}

/**
 * `step()` or `render()` was called before `reset()` (Gymnasium's `ResetNeeded`).
 */
export class ResetNeededError extends TfkitError {
  /** @param message - what was called too early */
  constructor(message: string) {
    super('Tfkit_ResetNeededError', `${prefix} ${message} Call env.reset() first.`);
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link ResetNeededError}
   */
  static override isInstance(error: unknown): error is ResetNeededError {
    return hasName(error, 'Tfkit_ResetNeededError');
  }
}

/**
 * An action is not an element of the environment's action space (NaN, 2, -1, 0.5, `'a'` for CartPole).
 */
export class InvalidActionError extends TfkitError {
  /** The rejected action. */
  readonly action: unknown;

  /**
   * @param action - the rejected action
   * @param space - text form of the action space
   */
  constructor(action: unknown, space: string) {
    super(
      'Tfkit_InvalidActionError',
      `${prefix} Action ${describeValue(action)} is not in the action space ${space}. ` +
        'Pass an element of env.actionSpace (check with env.actionSpace.contains(action)).',
    );
    this.action = action;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link InvalidActionError}
   */
  static override isInstance(error: unknown): error is InvalidActionError {
    return hasName(error, 'Tfkit_InvalidActionError');
  }
}

/** Why an environment id could not be found. */
export type UnknownEnvReason = 'malformed' | 'namespace' | 'name' | 'version' | 'deprecated';

/**
 * An environment id is not registered (Gymnasium's `NameNotFound`, `VersionNotFound`, `DeprecatedEnv`, ...).
 */
export class UnknownEnvError extends TfkitError {
  /** The id that was asked for. */
  readonly id: string;
  /** Which part of the id did not match. */
  readonly reason: UnknownEnvReason;
  /** Registered ids that are close to the one asked for, best first. */
  readonly closeMatches: readonly string[];

  /**
   * @param id - the id that was asked for
   * @param reason - which part did not match
   * @param message - the explanation
   * @param closeMatches - registered ids close to `id`
   */
  constructor(id: string, reason: UnknownEnvReason, message: string, closeMatches: readonly string[]) {
    const hint =
      closeMatches.length > 0
        ? ` Did you mean: ${closeMatches.map((match) => `'${match}'`).join(', ')}?`
        : ' Use registeredIds() to list the registered environments.';
    super('Tfkit_UnknownEnvError', `${prefix} ${message}${hint}`);
    this.id = id;
    this.reason = reason;
    this.closeMatches = closeMatches;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link UnknownEnvError}
   */
  static override isInstance(error: unknown): error is UnknownEnvError {
    return hasName(error, 'Tfkit_UnknownEnvError');
  }
}

/** A registration is invalid (Gymnasium's `RegistrationError`). */
export class RegistrationError extends TfkitError {
  /** @param message - what is wrong with the registration and how to fix it */
  constructor(message: string) {
    super('Tfkit_RegistrationError', `${prefix} ${message}`);
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link RegistrationError}
   */
  static override isInstance(error: unknown): error is RegistrationError {
    return hasName(error, 'Tfkit_RegistrationError');
  }
}

/** A space was built or used with invalid arguments (bad bounds, bad mask, ...). */
export class SpaceError extends TfkitError {
  /** @param message - what is wrong and how to fix it */
  constructor(message: string) {
    super('Tfkit_SpaceError', `${prefix} ${message}`);
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link SpaceError}
   */
  static override isInstance(error: unknown): error is SpaceError {
    return hasName(error, 'Tfkit_SpaceError');
  }
}

/** An option (constructor, `make`, `reset`) or a seed is invalid. */
export class InvalidOptionError extends TfkitError {
  /** @param message - which option is wrong and what is accepted */
  constructor(message: string) {
    super('Tfkit_InvalidOptionError', `${prefix} ${message}`);
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link InvalidOptionError}
   */
  static override isInstance(error: unknown): error is InvalidOptionError {
    return hasName(error, 'Tfkit_InvalidOptionError');
  }
}

/** A render mode is not supported here (e.g. `'human'` in Node without a `humanRenderer`). */
export class RenderModeError extends TfkitError {
  /** @param message - which mode and what to use instead */
  constructor(message: string) {
    super('Tfkit_RenderModeError', `${prefix} ${message}`);
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link RenderModeError}
   */
  static override isInstance(error: unknown): error is RenderModeError {
    return hasName(error, 'Tfkit_RenderModeError');
  }
}

/** `checkEnv()` or the passive env checker found a contract violation. */
export class EnvCheckError extends TfkitError {
  /**
   * @param message - which rule of the Env contract is broken and how to fix it
   * @param options - `{ cause }`, e.g. the error the env threw
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('Tfkit_EnvCheckError', `${prefix} ${message}`, options);
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link EnvCheckError}
   */
  static override isInstance(error: unknown): error is EnvCheckError {
    return hasName(error, 'Tfkit_EnvCheckError');
  }
}

/** @internal Short, safe text form of any value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}' (string)`;
  if (typeof value === 'number') return `${Object.is(value, -0) ? '-0' : String(value)} (number)`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  return `${typeof value}`;
}
