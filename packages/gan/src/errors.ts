import { hasMarker, TfkitError, TfkitOptionError } from '@tfkit/core';

/** The package name that prefixes every message of this package. */
export const packageName = '@tfkit/gan';

const baseName = 'Tfkit_GanError';
const baseMarker = Symbol.for(`tfkit.error.${baseName}`);

/** Constructor arguments of {@link GanError} and its subclasses. */
export interface GanErrorOptions {
  /** What went wrong and what to do (the `[@tfkit/gan]` prefix is added). */
  message: string;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/**
 * The common base of the errors `@tfkit/gan` defines ({@link GanDataError},
 * {@link GanCheckpointError}, {@link GanAssetError}, {@link GanEncoderError},
 * {@link GanDisposedError}). Check with
 * `GanError.isInstance(error)` (any of them) or a subclass's `isInstance`, not `instanceof`.
 *
 * @remarks
 * Invalid options throw `TfkitOptionError` from `@tfkit/core` and failed file writes
 * `FileWriteError` from `@tfkit/core/node`; `TfkitError.isInstance` is true for all of them.
 */
export class GanError extends TfkitError {
  /** @internal */
  readonly [baseMarker] = true;

  /**
   * @param options - the subclass's name, the message and the cause
   */
  protected constructor({ name, message, cause }: GanErrorOptions & { name: string }) {
    super({ name, package: packageName, message, cause });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is one of the errors `@tfkit/gan` defines, from any copy of the package
   */
  static override isInstance(error: unknown): error is GanError {
    return hasMarker(error, baseMarker);
  }
}

const dataName = 'Tfkit_GanDataError';
const dataMarker = Symbol.for(`tfkit.error.${dataName}`);

/**
 * Training or scoring data of the wrong size, shape or range, or a run that diverged (non-finite
 * losses). The message says what to pass instead.
 */
export class GanDataError extends GanError {
  /** @internal */
  readonly [dataMarker] = true;

  /** @param options - message and cause */
  constructor({ message, cause }: GanErrorOptions) {
    super({ name: dataName, message, cause });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link GanDataError}
   */
  static override isInstance(error: unknown): error is GanDataError {
    return hasMarker(error, dataMarker);
  }
}

const checkpointName = 'Tfkit_GanCheckpointError';
const checkpointMarker = Symbol.for(`tfkit.error.${checkpointName}`);

/** A checkpoint that is corrupt, incomplete, or belongs to another preset, style, seed or batch size. */
export class GanCheckpointError extends GanError {
  /** @internal */
  readonly [checkpointMarker] = true;

  /** @param options - message and cause */
  constructor({ message, cause }: GanErrorOptions) {
    super({ name: checkpointName, message, cause });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link GanCheckpointError}
   */
  static override isInstance(error: unknown): error is GanCheckpointError {
    return hasMarker(error, checkpointMarker);
  }
}

const assetName = 'Tfkit_GanAssetError';
const assetMarker = Symbol.for(`tfkit.error.${assetName}`);

/** A file shipped in the package (the scorer's classifier) is missing or damaged. */
export class GanAssetError extends GanError {
  /** @internal */
  readonly [assetMarker] = true;

  /** @param options - message and cause */
  constructor({ message, cause }: GanErrorOptions) {
    super({ name: assetName, message, cause });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link GanAssetError}
   */
  static override isInstance(error: unknown): error is GanAssetError {
    return hasMarker(error, assetMarker);
  }
}

const encoderName = 'Tfkit_GanEncoderError';
const encoderMarker = Symbol.for(`tfkit.error.${encoderName}`);

/** The PNG encoder (sharp, imported lazily) cannot be loaded. */
export class GanEncoderError extends GanError {
  /** @internal */
  readonly [encoderMarker] = true;

  /** @param options - message and cause */
  constructor({ message, cause }: GanErrorOptions) {
    super({ name: encoderName, message, cause });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link GanEncoderError}
   */
  static override isInstance(error: unknown): error is GanEncoderError {
    return hasMarker(error, encoderMarker);
  }
}

const disposedName = 'Tfkit_GanDisposedError';
const disposedMarker = Symbol.for(`tfkit.error.${disposedName}`);

/** A {@link Gan} (or another disposable of this package) was used after `dispose()`. */
export class GanDisposedError extends GanError {
  /** @internal */
  readonly [disposedMarker] = true;

  /** @param options - message and cause */
  constructor({ message, cause }: GanErrorOptions) {
    super({ name: disposedName, message, cause });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link GanDisposedError}
   */
  static override isInstance(error: unknown): error is GanDisposedError {
    return hasMarker(error, disposedMarker);
  }
}

/**
 * A `TfkitOptionError` with this package's name.
 *
 * @param option - the option as the user wrote it
 * @param message - what is wrong and what to pass instead
 * @param value - the rejected value
 * @returns the error to throw
 * @internal
 */
export function optionError(option: string, message: string, value?: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, ...(value === undefined ? {} : { value }) });
}
