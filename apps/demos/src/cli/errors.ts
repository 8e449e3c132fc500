import { TfkitError } from '@tfkit/backend';

/** Exit codes of the `tfkit` CLI. */
export const exitCodes = {
  ok: 0,
  /** The command ran but failed (training diverged, a package threw). */
  failure: 1,
  /** Bad input: unknown option or model, bad number, missing file. */
  usage: 2,
  /** A package the command needs does not provide what it needs yet. */
  unavailable: 3,
} as const;

/** Bad command-line input; printed as one line and exits with {@link exitCodes.usage}. */
export class CliUsageError extends TfkitError {
  constructor(message: string) {
    super('Tfkit_CliUsageError', message);
  }

  static override isInstance(error: unknown): error is CliUsageError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_CliUsageError';
  }
}

/** A workspace package does not (yet) export what a command needs. */
export class FeatureUnavailableError extends TfkitError {
  /** The package that lacks the feature. */
  readonly packageName: string;

  constructor(packageName: string, what: string) {
    super(
      'Tfkit_FeatureUnavailableError',
      `${packageName} does not provide ${what} yet; update the workspace (git pull && pnpm build) and retry.`,
    );
    this.packageName = packageName;
  }

  static override isInstance(error: unknown): error is FeatureUnavailableError {
    return TfkitError.isInstance(error) && error.name === 'Tfkit_FeatureUnavailableError';
  }
}

/** First line of an error's message, for one-line reporting. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).trim();
}
