import { hasMarker, TfkitError, TfkitOptionError } from '@tfkit/core';

const packageName = '@tfkit/vision-transfer';

/**
 * The one invalid-option error of tfkit, under this package's old name.
 *
 * @deprecated Use `TfkitOptionError` from `@tfkit/core`; this alias goes in the next minor version.
 */
export const VisionOptionError = TfkitOptionError;
/** @deprecated Use `TfkitOptionError` from `@tfkit/core`. */
export type VisionOptionError = TfkitOptionError;

/**
 * The invalid-option error of this package.
 *
 * @param option - the option or argument that is wrong
 * @param message - what is wrong and what to pass instead
 * @param value - the rejected value, when useful
 * @returns the error, to throw
 * @internal
 */
export function optionError(option: string, message: string, value?: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, value });
}

const weightsLoadName = 'Tfkit_WeightsLoadError';
const weightsLoadMarker = Symbol.for(`tfkit.error.${weightsLoadName}`);

/** Weight files could not be read, fetched or matched to the model. */
export class WeightsLoadError extends TfkitError {
  /** @internal */
  readonly [weightsLoadMarker] = true;
  /** File, directory or URL the weights were read from. */
  readonly source: string;
  /** For a mismatch: one line per layer that did not fit (`layer: expected [..] got [..]`). */
  readonly mismatches: string[];

  /**
   * @param options - where the weights came from, what went wrong and what to do, the per-layer
   *   mismatches, the cause
   */
  constructor({
    source,
    message,
    mismatches,
    cause,
  }: {
    source: string;
    message: string;
    mismatches?: string[] | undefined;
    cause?: unknown;
  }) {
    super({ name: weightsLoadName, package: packageName, message, cause });
    this.source = source;
    this.mismatches = mismatches ?? [];
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link WeightsLoadError}, from any copy of this package
   */
  static override isInstance(error: unknown): error is WeightsLoadError {
    return hasMarker(error, weightsLoadMarker);
  }
}

const weightsOfflineName = 'Tfkit_WeightsOfflineError';
const weightsOfflineMarker = Symbol.for(`tfkit.error.${weightsOfflineName}`);

/**
 * A download was needed but the network (or the host) is not reachable, and nothing usable is
 * cached. The message names the URL, the expected hash and the exact path where a user can place
 * the file by hand.
 */
export class WeightsOfflineError extends TfkitError {
  /** @internal */
  readonly [weightsOfflineMarker] = true;
  /** The URL that could not be fetched. */
  readonly url: string;
  /** The directory the file must be put in for the loader to find it without a network. */
  readonly cacheDirectory: string;
  /** The exact path of the file to place by hand (inside `cacheDirectory`), when one file is needed. */
  readonly file: string | undefined;
  /** The expected hex digest of that file (md5 or SHA-256, as published), when known. */
  readonly expectedHash: string | undefined;

  /**
   * @param options - the URL, where to put the file, its expected hash, the message, the cause
   */
  constructor({
    url,
    cacheDirectory,
    file,
    expectedHash,
    message,
    cause,
  }: {
    url: string;
    cacheDirectory: string;
    file?: string | undefined;
    expectedHash?: string | undefined;
    message: string;
    cause?: unknown;
  }) {
    super({ name: weightsOfflineName, package: packageName, message, cause });
    this.url = url;
    this.cacheDirectory = cacheDirectory;
    this.file = file;
    this.expectedHash = expectedHash;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link WeightsOfflineError}, from any copy of this package
   */
  static override isInstance(error: unknown): error is WeightsOfflineError {
    return hasMarker(error, weightsOfflineMarker);
  }
}

const imageInputName = 'Tfkit_ImageInputError';
const imageInputMarker = Symbol.for(`tfkit.error.${imageInputName}`);

/** Input images could not be read or have the wrong shape. */
export class ImageInputError extends TfkitError {
  /** @internal */
  readonly [imageInputMarker] = true;

  /**
   * @param options - what is wrong and what to do, and the cause
   */
  constructor({ message, cause }: { message: string; cause?: unknown }) {
    super({ name: imageInputName, package: packageName, message, cause });
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is an {@link ImageInputError}, from any copy of this package
   */
  static override isInstance(error: unknown): error is ImageInputError {
    return hasMarker(error, imageInputMarker);
  }
}
