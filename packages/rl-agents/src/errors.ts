import { TfkitError } from '@tfkit/backend';

/** Base class of the errors thrown by `@tfkit/rl-agents`. */
export class RlAgentsError extends TfkitError {
  /**
   * @param name - stable error name, e.g. `'Tfkit_RlConfigError'`
   * @param message - what went wrong and what to do, without the package prefix
   * @param options - `{ cause }`
   */
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(name, `[@tfkit/rl-agents] ${message}`, options);
  }
}

/** An agent or experiment option is not valid (negative buffer size, batch larger than buffer...). */
export class RlConfigError extends RlAgentsError {
  /** The option at fault, e.g. `'bufferSize'`. */
  readonly option: string;

  /**
   * @param option - the option at fault
   * @param message - what is wrong and what to do
   */
  constructor(option: string, message: string) {
    super('Tfkit_RlConfigError', message);
    this.option = option;
  }

  /** True for an {@link RlConfigError} from any copy of this package. */
  static override isInstance(error: unknown): error is RlConfigError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_RlConfigError';
  }
}

/** An environment does not match the agent (observation size or action count). */
export class RlEnvMismatchError extends RlAgentsError {
  /** What the agent expects. */
  readonly expected: number;
  /** What the environment gives. */
  readonly actual: number;

  /**
   * @param what - `'observation size'` or `'action count'`
   * @param expected - the agent's value
   * @param actual - the environment's value
   */
  constructor(what: string, expected: number, actual: number) {
    super(
      'Tfkit_RlEnvMismatchError',
      `the environment's ${what} is ${actual} but the agent was built for ${expected}; build the agent from this environment (or pass a matching one).`,
    );
    this.expected = expected;
    this.actual = actual;
  }

  /** True for an {@link RlEnvMismatchError} from any copy of this package. */
  static override isInstance(error: unknown): error is RlEnvMismatchError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_RlEnvMismatchError';
  }
}

/** A checkpoint file is missing, truncated, corrupt or of another kind of agent. */
export class RlCheckpointError extends RlAgentsError {
  /** The file concerned. */
  readonly path: string;

  /**
   * @param path - the file concerned
   * @param message - what is wrong and what to do
   * @param options - `{ cause }`
   */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('Tfkit_RlCheckpointError', `${path}: ${message}`, options);
    this.path = path;
  }

  /** True for an {@link RlCheckpointError} from any copy of this package. */
  static override isInstance(error: unknown): error is RlCheckpointError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_RlCheckpointError';
  }
}
