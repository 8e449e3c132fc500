const marker = Symbol.for('tfkit.error');

/**
 * Base class of every error thrown by tfkit packages.
 *
 * @remarks
 * Use {@link TfkitError.isInstance} rather than `instanceof`: two copies of a package (or an ESM
 * and a CJS copy) give two classes, but the `Symbol.for` marker is shared by all of them.
 */
export class TfkitError extends Error {
  /** @internal */
  readonly [marker] = true;

  /**
   * @param name - stable error name, e.g. `'Tfkit_BackendUnavailableError'`
   * @param message - what went wrong and what to do about it
   * @param options - `{ cause }` of the error, kept for debugging
   */
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }

  /** True for any tfkit error, from any copy of any tfkit package. */
  static isInstance(error: unknown): error is TfkitError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** The backend that was asked for cannot be loaded here. */
export class BackendUnavailableError extends TfkitError {
  /** Name of the backend that was asked for. */
  readonly backend: string;
  /** npm package to install to get it, if any. */
  readonly packageName: string | undefined;

  constructor(backend: string, message: string, options?: { packageName?: string; cause?: unknown }) {
    super('Tfkit_BackendUnavailableError', `[@tfkit/backend] ${message}`, { cause: options?.cause });
    this.backend = backend;
    this.packageName = options?.packageName;
  }

  static override isInstance(error: unknown): error is BackendUnavailableError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_BackendUnavailableError';
  }
}

/** An option passed to a backend function is not valid. */
export class BackendOptionError extends TfkitError {
  constructor(message: string) {
    super('Tfkit_BackendOptionError', `[@tfkit/backend] ${message}`);
  }

  static override isInstance(error: unknown): error is BackendOptionError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_BackendOptionError';
  }
}
