const marker = Symbol.for('tfkit.error');

/**
 * Base class of every error thrown by tfkit packages (a copy of `@tfkit/backend`'s, so that this
 * package does not depend on it).
 *
 * @remarks
 * Use {@link TfkitError.isInstance} rather than `instanceof`: the `Symbol.for('tfkit.error')`
 * marker is shared by every copy of every tfkit package.
 */
export class TfkitError extends Error {
  /** @internal */
  readonly [marker] = true;

  /**
   * @param name - stable error name, e.g. `'Tfkit_IdxFormatError'`
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
   * @param error - any value
   * @returns whether `error` carries the tfkit marker
   */
  static isInstance(error: unknown): error is TfkitError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** What is wrong with an IDX file. */
export type IdxProblem =
  | 'magic'
  | 'truncated-gzip'
  | 'corrupt-gzip'
  | 'truncated'
  | 'trailing-bytes'
  | 'count-mismatch';

/** An IDX file (MNIST format) is malformed: wrong magic, truncated, or images and labels disagree. */
export class IdxFormatError extends TfkitError {
  /** The file that is wrong (or `'<buffer>'`). */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: IdxProblem;

  /**
   * @param file - the file that is wrong
   * @param problem - what is wrong
   * @param message - details and what to do
   * @param options - `{ cause }`
   */
  constructor(file: string, problem: IdxProblem, message: string, options?: { cause?: unknown }) {
    super('Tfkit_IdxFormatError', `[@tfkit/datasets] ${file}: ${message}`, options);
    this.file = file;
    this.problem = problem;
  }

  /**
   * @param error - any value
   * @returns whether `error` is an {@link IdxFormatError} from any copy of this package
   */
  static override isInstance(error: unknown): error is IdxFormatError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_IdxFormatError';
  }
}

/** The files of a dataset split were not found in any of the places searched. */
export class DatasetNotFoundError extends TfkitError {
  /** Every directory that was searched, in order. */
  readonly searched: readonly string[];
  /** The file names that are needed in one of them. */
  readonly files: readonly string[];

  /**
   * @param message - where to put which files
   * @param searched - directories searched
   * @param files - files needed
   * @param options - `{ cause }`
   */
  constructor(message: string, searched: readonly string[], files: readonly string[], options?: { cause?: unknown }) {
    super('Tfkit_DatasetNotFoundError', `[@tfkit/datasets] ${message}`, options);
    this.searched = searched;
    this.files = files;
  }

  /**
   * @param error - any value
   * @returns whether `error` is a {@link DatasetNotFoundError}
   */
  static override isInstance(error: unknown): error is DatasetNotFoundError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_DatasetNotFoundError';
  }
}

/** A download failed on every mirror, or its checksum or size did not match. */
export class DownloadError extends TfkitError {
  /** The URLs that were tried, in order. */
  readonly urls: readonly string[];

  /**
   * @param message - what failed and what to do
   * @param urls - URLs tried
   * @param options - `{ cause }`
   */
  constructor(message: string, urls: readonly string[], options?: { cause?: unknown }) {
    super('Tfkit_DownloadError', `[@tfkit/datasets] ${message}`, options);
    this.urls = urls;
  }

  /**
   * @param error - any value
   * @returns whether `error` is a {@link DownloadError}
   */
  static override isInstance(error: unknown): error is DownloadError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_DownloadError';
  }
}

/** What is wrong with an image or an image folder. */
export type ImageProblem = 'not-an-image' | 'corrupt' | 'empty-class' | 'no-classes' | 'unknown-class';

/** An image file cannot be decoded, or an image folder has no usable files. */
export class ImageDataError extends TfkitError {
  /** The file or folder that is wrong. */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: ImageProblem;

  /**
   * @param file - the file or folder
   * @param problem - what is wrong
   * @param message - details and what to do
   * @param options - `{ cause }`
   */
  constructor(file: string, problem: ImageProblem, message: string, options?: { cause?: unknown }) {
    super('Tfkit_ImageDataError', `[@tfkit/datasets] ${file}: ${message}`, options);
    this.file = file;
    this.problem = problem;
  }

  /**
   * @param error - any value
   * @returns whether `error` is an {@link ImageDataError}
   */
  static override isInstance(error: unknown): error is ImageDataError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_ImageDataError';
  }
}

/** An argument is not valid (wrong shape, unknown mode, out-of-range option). */
export class DatasetOptionError extends TfkitError {
  /**
   * @param message - what is wrong and what to pass instead
   * @param options - `{ cause }`
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('Tfkit_DatasetOptionError', `[@tfkit/datasets] ${message}`, options);
  }

  /**
   * @param error - any value
   * @returns whether `error` is a {@link DatasetOptionError}
   */
  static override isInstance(error: unknown): error is DatasetOptionError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_DatasetOptionError';
  }
}
