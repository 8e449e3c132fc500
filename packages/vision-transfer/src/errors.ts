import { TfkitError } from '@tfkit/backend';

const prefix = '[@tfkit/vision-transfer]';

/** An option or argument passed to a vision-transfer function is not valid. */
export class VisionOptionError extends TfkitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Tfkit_VisionOptionError', `${prefix} ${message}`, options);
  }

  static override isInstance(error: unknown): error is VisionOptionError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_VisionOptionError';
  }
}

/** Weight files could not be read, fetched or matched to the model. */
export class WeightsLoadError extends TfkitError {
  /** File, directory or URL the weights were read from. */
  readonly source: string;
  /** For a mismatch: one line per layer that did not fit (`layer: expected [..] got [..]`). */
  readonly mismatches: string[];

  constructor(source: string, message: string, options?: { mismatches?: string[]; cause?: unknown }) {
    super('Tfkit_WeightsLoadError', `${prefix} ${message}`, { cause: options?.cause });
    this.source = source;
    this.mismatches = options?.mismatches ?? [];
  }

  static override isInstance(error: unknown): error is WeightsLoadError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_WeightsLoadError';
  }
}

/** A download was needed but the network (or the host) is not reachable. */
export class WeightsOfflineError extends TfkitError {
  /** The URL that could not be fetched. */
  readonly url: string;
  /** Where the files must be put for the loader to find them without a network. */
  readonly cacheDirectory: string;

  constructor(url: string, cacheDirectory: string, message: string, options?: { cause?: unknown }) {
    super('Tfkit_WeightsOfflineError', `${prefix} ${message}`, options);
    this.url = url;
    this.cacheDirectory = cacheDirectory;
  }

  static override isInstance(error: unknown): error is WeightsOfflineError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_WeightsOfflineError';
  }
}

/** Input images could not be read or have the wrong shape. */
export class ImageInputError extends TfkitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Tfkit_ImageInputError', `${prefix} ${message}`, options);
  }

  static override isInstance(error: unknown): error is ImageInputError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_ImageInputError';
  }
}
