/**
 * The one error base of every tfkit package.
 *
 * Each error class carries a `Symbol.for` marker of its own (and every tfkit error carries the
 * base marker), so `isInstance` works across two copies of a package, an ESM and a CJS copy, or
 * two realms, where `instanceof` does not. The pattern is vercel/ai's `AISDKError`:
 *
 * ```ts
 * const name = 'Tfkit_ResetNeededError';
 * const marker = Symbol.for(`tfkit.error.${name}`); // a `const`, so TypeScript types it `unique symbol`
 * export class ResetNeededError extends TfkitError {
 *   readonly [marker] = true;
 *   constructor({ message }: { message: string }) {
 *     super({ name, package: '@tfkit/gym-lite', message });
 *   }
 *   static override isInstance(error: unknown): error is ResetNeededError {
 *     return hasMarker(error, marker);
 *   }
 * }
 * ```
 */

const baseMarkerName = 'tfkit.error';
const baseMarker = Symbol.for(baseMarkerName);

/**
 * Whether `value` is an object that carries `marker` (set to `true`).
 *
 * @param value - anything, typically something that was thrown
 * @param marker - a class's marker, `Symbol.for('tfkit.error.<name>')`
 * @returns true when the marker is present
 */
export function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/** Constructor arguments of {@link TfkitError}. */
export interface TfkitErrorOptions {
  /** Stable error name, `Tfkit_<What>Error`; also what `error.name` reports. */
  name: string;
  /** What went wrong and what to do about it. Prefixed with `[package] ` when `package` is given. */
  message: string;
  /** The package that throws, e.g. `'@tfkit/gym-lite'`; it prefixes the message. */
  package?: string | undefined;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by tfkit packages.
 *
 * @remarks
 * Use {@link TfkitError.isInstance} (or a subclass's `isInstance`) rather than `instanceof`.
 * Messages start with `[@tfkit/<package>]` and end with a remedy.
 * @example
 * ```ts
 * try {
 *   env.step(0);
 * } catch (error) {
 *   if (TfkitError.isInstance(error)) console.error(error.name, error.message);
 * }
 * ```
 */
export class TfkitError extends Error {
  /** @internal */
  readonly [baseMarker] = true;
  /** The package that threw, when known. */
  readonly package: string | undefined;

  /**
   * @param options - name, message, package and cause
   */
  constructor({ name, message, package: packageName, cause }: TfkitErrorOptions) {
    super(
      packageName === undefined ? message : `[${packageName}] ${message}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = name;
    this.package = packageName;
  }

  /**
   * True for any tfkit error, from any copy of any tfkit package.
   *
   * @param error - anything that was thrown
   * @returns whether `error` carries the tfkit marker
   */
  static isInstance(error: unknown): error is TfkitError {
    return hasMarker(error, baseMarker);
  }

  /**
   * Whether `error` carries `marker`; the one-line body of every subclass's `isInstance`.
   *
   * @param error - anything that was thrown
   * @param marker - the subclass's marker, `Symbol.for('tfkit.error.<name>')`
   * @returns true when the marker is present
   */
  static hasMarker(error: unknown, marker: symbol): boolean {
    return hasMarker(error, marker);
  }
}

const optionErrorName = 'Tfkit_OptionError';
const optionErrorMarker = Symbol.for('tfkit.error.Tfkit_OptionError');

/** Constructor arguments of {@link TfkitOptionError}. */
export interface TfkitOptionErrorOptions {
  /** The package that rejects the option, e.g. `'@tfkit/rl-agents'`. */
  package: string;
  /** The option's name as the user wrote it, e.g. `'learningRate'` or `'seed'`. */
  option: string;
  /** What is wrong and what is accepted, e.g. `'must be a positive number, got -1. Pass e.g. 1e-3.'` */
  message: string;
  /** The value that was rejected, when useful. */
  value?: unknown;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * An invalid option, argument or setting, for every tfkit package: the one class for the idea.
 *
 * @remarks
 * The message reads `[<package>] Invalid option \`<option>\`: <message>`.
 * @example
 * ```ts
 * throw new TfkitOptionError({
 *   package: '@tfkit/rl-agents',
 *   option: 'gamma',
 *   message: `must be in [0, 1], got ${gamma}. Pass e.g. 0.99.`,
 *   value: gamma,
 * });
 * ```
 */
export class TfkitOptionError extends TfkitError {
  /** @internal */
  readonly [optionErrorMarker] = true;
  /** The option that was rejected. */
  readonly option: string;
  /** The rejected value, when given. */
  readonly value: unknown;

  /**
   * @param options - package, option, message, value and cause
   */
  constructor({ package: packageName, option, message, value, cause }: TfkitOptionErrorOptions) {
    super({ name: optionErrorName, package: packageName, message: `Invalid option \`${option}\`: ${message}`, cause });
    this.option = option;
    this.value = value;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link TfkitOptionError}
   */
  static override isInstance(error: unknown): error is TfkitOptionError {
    return hasMarker(error, optionErrorMarker);
  }
}

/**
 * A short, safe text form of any value for error messages (`'a' (string)`, `NaN (number)`,
 * `Float32Array(4)`, ...).
 *
 * @param value - anything
 * @returns a short description that never throws
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}' (string)`;
  if (typeof value === 'number') return `${Object.is(value, -0) ? '-0' : String(value)} (number)`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'boolean') return `${value} (boolean)`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  return typeof value;
}
