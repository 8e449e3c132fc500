import { TfkitError as CoreTfkitError, hasMarker, TfkitOptionError } from '@tfkit/core';

const packageName = '@tfkit/datasets';

/**
 * The one invalid-option error of tfkit, re-exported for convenience.
 *
 * @deprecated Import `TfkitOptionError` from `@tfkit/core`; this alias goes in the next minor version.
 */
export const DatasetOptionError = TfkitOptionError;
/** @deprecated Import `TfkitOptionError` from `@tfkit/core`. */
export type DatasetOptionError = TfkitOptionError;

/**
 * The error base of every tfkit package (`@tfkit/core`'s), re-exported for convenience: this package
 * no longer defines its own.
 *
 * @deprecated Import `TfkitError` from `@tfkit/core`; this re-export goes in the next minor version.
 */
export const TfkitError = CoreTfkitError;
/** @deprecated Import `TfkitError` from `@tfkit/core`. */
export type TfkitError = CoreTfkitError;

/**
 * Throws the invalid-option error of this package.
 *
 * @param option - the option or argument that is wrong
 * @param message - what is wrong and what to pass instead
 * @param value - the rejected value, when useful
 * @returns never; it throws
 * @throws {@link TfkitOptionError} always
 * @internal
 */
export function optionError(option: string, message: string, value?: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, value });
}

/** What is wrong with an IDX file. */
export type IdxProblem =
  | 'magic'
  | 'truncated-gzip'
  | 'corrupt-gzip'
  | 'truncated'
  | 'trailing-bytes'
  | 'count-mismatch';

const idxFormatName = 'Tfkit_IdxFormatError';
const idxFormatMarker = Symbol.for(`tfkit.error.${idxFormatName}`);

/** An IDX file (MNIST format) is malformed: wrong magic, truncated, or images and labels disagree. */
export class IdxFormatError extends CoreTfkitError {
  /** @internal */
  readonly [idxFormatMarker] = true;
  /** The file that is wrong (or `'<buffer>'`). */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: IdxProblem;

  /**
   * @param options - the file, what is wrong, details and what to do, and the cause
   */
  constructor({
    file,
    problem,
    message,
    cause,
  }: { file: string; problem: IdxProblem; message: string; cause?: unknown }) {
    super({ name: idxFormatName, package: packageName, message: `${file}: ${message}`, cause });
    this.file = file;
    this.problem = problem;
  }

  /**
   * @param error - any value
   * @returns whether `error` is an {@link IdxFormatError} from any copy of this package
   */
  static override isInstance(error: unknown): error is IdxFormatError {
    return hasMarker(error, idxFormatMarker);
  }
}

const notFoundName = 'Tfkit_DatasetNotFoundError';
const notFoundMarker = Symbol.for(`tfkit.error.${notFoundName}`);

/** The files of a dataset split were not found in any of the places searched. */
export class DatasetNotFoundError extends CoreTfkitError {
  /** @internal */
  readonly [notFoundMarker] = true;
  /** Every directory that was searched, in order. */
  readonly searched: readonly string[];
  /** The file names that are needed in one of them. */
  readonly files: readonly string[];

  /**
   * @param options - where to put which files, the directories searched, the files needed, the cause
   */
  constructor({
    message,
    searched,
    files,
    cause,
  }: {
    message: string;
    searched: readonly string[];
    files: readonly string[];
    cause?: unknown;
  }) {
    super({ name: notFoundName, package: packageName, message, cause });
    this.searched = searched;
    this.files = files;
  }

  /**
   * @param error - any value
   * @returns whether `error` is a {@link DatasetNotFoundError}
   */
  static override isInstance(error: unknown): error is DatasetNotFoundError {
    return hasMarker(error, notFoundMarker);
  }
}

/** What is wrong with an image or an image folder. */
export type ImageProblem = 'not-an-image' | 'corrupt' | 'empty-class' | 'no-classes' | 'unknown-class';

const imageDataName = 'Tfkit_ImageDataError';
const imageDataMarker = Symbol.for(`tfkit.error.${imageDataName}`);

/** An image file cannot be decoded, or an image folder has no usable files. */
export class ImageDataError extends CoreTfkitError {
  /** @internal */
  readonly [imageDataMarker] = true;
  /** The file or folder that is wrong. */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: ImageProblem;

  /**
   * @param options - the file or folder, what is wrong, details and what to do, the cause
   */
  constructor({
    file,
    problem,
    message,
    cause,
  }: { file: string; problem: ImageProblem; message: string; cause?: unknown }) {
    super({ name: imageDataName, package: packageName, message: `${file}: ${message}`, cause });
    this.file = file;
    this.problem = problem;
  }

  /**
   * @param error - any value
   * @returns whether `error` is an {@link ImageDataError}
   */
  static override isInstance(error: unknown): error is ImageDataError {
    return hasMarker(error, imageDataMarker);
  }
}
