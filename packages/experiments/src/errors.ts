import { hasMarker, TfkitError, TfkitOptionError } from '@tfkit/core';

/** The package name every error of `@tfkit/experiments` is prefixed with. */
export const packageName = '@tfkit/experiments';

const sweepDefinitionErrorName = 'Tfkit_SweepDefinitionError';
const sweepDefinitionErrorMarker = Symbol.for(`tfkit.error.${sweepDefinitionErrorName}`);

/**
 * A sweep definition (a JSON sweep file or a {@link SweepDefinition} object) is invalid: an unknown
 * trial or parameter, an empty grid, a value of the wrong type or out of range.
 *
 * @remarks `field` is the JSON path of the bad field, e.g. `grid.learningRate[1]`.
 * @example
 * ```ts
 * try {
 *   parseSweep(text, builtinTrials);
 * } catch (error) {
 *   if (SweepDefinitionError.isInstance(error)) console.error(error.field, error.message);
 * }
 * ```
 */
export class SweepDefinitionError extends TfkitError {
  /** @internal */
  readonly [sweepDefinitionErrorMarker] = true;
  /** JSON path of the offending field, e.g. `grid.learningRate[1]` or `seeds`. */
  readonly field: string;
  /** The sweep file, when the definition came from one. */
  readonly file: string | undefined;

  /**
   * @param options - the field, what is wrong with it (and what to do), the file and cause
   */
  constructor({ field, message, file, cause }: { field: string; message: string; file?: string; cause?: unknown }) {
    super({
      name: sweepDefinitionErrorName,
      package: packageName,
      message: `${file === undefined ? '' : `${file}: `}field \`${field}\`: ${message}`,
      cause,
    });
    this.field = field;
    this.file = file;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link SweepDefinitionError}
   */
  static override isInstance(error: unknown): error is SweepDefinitionError {
    return hasMarker(error, sweepDefinitionErrorMarker);
  }
}

const resultsStoreErrorName = 'Tfkit_ResultsStoreError';
const resultsStoreErrorMarker = Symbol.for(`tfkit.error.${resultsStoreErrorName}`);

/** The results file cannot be read or written, or holds a line that is not a trial record. */
export class ResultsStoreError extends TfkitError {
  /** @internal */
  readonly [resultsStoreErrorMarker] = true;
  /** The results file. */
  readonly file: string;

  /**
   * @param options - the file, what went wrong (and what to do) and the cause
   */
  constructor({ file, message, cause }: { file: string; message: string; cause?: unknown }) {
    super({ name: resultsStoreErrorName, package: packageName, message: `${file}: ${message}`, cause });
    this.file = file;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link ResultsStoreError}
   */
  static override isInstance(error: unknown): error is ResultsStoreError {
    return hasMarker(error, resultsStoreErrorMarker);
  }
}

const redisUnavailableErrorName = 'Tfkit_RedisUnavailableError';
const redisUnavailableErrorMarker = Symbol.for(`tfkit.error.${redisUnavailableErrorName}`);

/**
 * Redis cannot be reached (refused, timed out, lost mid-sweep). Nothing of the sweep is lost:
 * trials are in Redis, results in Redis and the local store; run the command again when Redis is
 * back and the sweep resumes.
 */
export class RedisUnavailableError extends TfkitError {
  /** @internal */
  readonly [redisUnavailableErrorMarker] = true;
  /** The Redis URL, with any password masked. */
  readonly url: string;

  /**
   * @param options - the Redis URL, what failed and the cause
   */
  constructor({ url, message, cause }: { url: string; message: string; cause?: unknown }) {
    const masked = maskRedisUrl(url);
    super({
      name: redisUnavailableErrorName,
      package: packageName,
      message: `Redis at ${masked} is unavailable: ${message} Start Redis (or check --redis and the network) and run the command again; the sweep resumes where it stopped.`,
      cause,
    });
    this.url = masked;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link RedisUnavailableError}
   */
  static override isInstance(error: unknown): error is RedisUnavailableError {
    return hasMarker(error, redisUnavailableErrorMarker);
  }
}

const trialFailedErrorName = 'Tfkit_TrialFailedError';
const trialFailedErrorMarker = Symbol.for(`tfkit.error.${trialFailedErrorName}`);

/** A trial's output is not what a trial must return (metrics of finite numbers, curves of points). */
export class TrialOutputError extends TfkitError {
  /** @internal */
  readonly [trialFailedErrorMarker] = true;
  /** The trial kind. */
  readonly trial: string;

  /**
   * @param options - the trial kind and what is wrong with its output
   */
  constructor({ trial, message }: { trial: string; message: string }) {
    super({
      name: trialFailedErrorName,
      package: packageName,
      message: `trial \`${trial}\` returned ${message} Return { metrics: { name: number }, curves?: { name: [[step, value], ...] }, artifacts?: { name: path } }.`,
    });
    this.trial = trial;
  }

  /**
   * @param error - anything that was thrown
   * @returns whether it is a {@link TrialOutputError}
   */
  static override isInstance(error: unknown): error is TrialOutputError {
    return hasMarker(error, trialFailedErrorMarker);
  }
}

/**
 * A redis URL with the password replaced by `***`.
 *
 * @param url - e.g. `redis://:secret@host:6379/0`
 * @returns e.g. `redis://:***@host:6379/0`
 */
export function maskRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/**
 * Throws a {@link TfkitOptionError} of this package.
 *
 * @internal
 */
export function optionError(option: string, message: string, value?: unknown): TfkitOptionError {
  return new TfkitOptionError({ package: packageName, option, message, value });
}
