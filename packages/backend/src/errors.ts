import { hasMarker, TfkitError, TfkitOptionError } from '@tfkit/core';

const packageName = '@tfkit/backend';

const unavailableName = 'Tfkit_BackendUnavailableError';
const unavailableMarker = Symbol.for(`tfkit.error.${unavailableName}`);

/** Constructor arguments of {@link BackendUnavailableError}. */
export interface BackendUnavailableErrorOptions {
  /** Name of the backend that was asked for, e.g. `'tensorflow'` or `'wasm'`. */
  backend: string;
  /** What went wrong and what to do about it. */
  message: string;
  /** npm package to install to get the backend, if any. */
  packageName?: string | undefined;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/**
 * The backend that was asked for cannot be loaded here.
 *
 * @remarks
 * The message names the package to install and the tfjs version it must match, or the
 * environment variable to change.
 * @example
 * ```ts
 * try {
 *   await ensureBackend({ prefer: ['tensorflow'] });
 * } catch (error) {
 *   if (BackendUnavailableError.isInstance(error)) console.error(`npm i ${error.packageName}`);
 * }
 * ```
 */
export class BackendUnavailableError extends TfkitError {
  /** @internal */
  readonly [unavailableMarker] = true;
  /** Name of the backend that was asked for. */
  readonly backend: string;
  /** npm package to install to get it, if any. */
  readonly packageName: string | undefined;

  /**
   * @param options - backend, message, packageName and cause
   */
  constructor({ backend, message, packageName: install, cause }: BackendUnavailableErrorOptions) {
    super({ name: unavailableName, package: packageName, message, cause });
    this.backend = backend;
    this.packageName = install;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link BackendUnavailableError}, from any copy of this package
   */
  static override isInstance(error: unknown): error is BackendUnavailableError {
    return hasMarker(error, unavailableMarker);
  }
}

/**
 * An invalid `TFKIT_BACKEND`, `prefer`, `wasmThreads` or `TFKIT_WASM_THREADS`.
 *
 * @deprecated Use `TfkitOptionError` from `@tfkit/core` (the same class); this alias goes in the
 * next minor version.
 */
export const BackendOptionError = TfkitOptionError;
/** @deprecated Use `TfkitOptionError` from `@tfkit/core`. */
export type BackendOptionError = TfkitOptionError;

/**
 * Builds `@tfkit/backend`'s {@link TfkitOptionError} (for `throw optionError(...)`).
 *
 * @internal
 * @param option - the option as the user wrote it
 * @param message - what is wrong and what to do
 * @param value - the rejected value
 * @returns the error to throw
 */
export function optionError(option: string, message: string, value?: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, value });
}

/**
 * Re-exported from `@tfkit/core` (the same classes, not copies), so that code which only imports
 * `@tfkit/backend` can still test `TfkitError.isInstance(error)`.
 */
export { TfkitError, TfkitOptionError };
