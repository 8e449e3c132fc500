import { hasMarker, TfkitError } from '@tfkit/core';

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

// The CLI's own errors carry no `package`: they are printed as `tfkit <command>: error: <message>`,
// which already says who speaks, so a `[@tfkit/demos]` prefix would only repeat it.

const usageErrorName = 'Tfkit_CliUsageError';
const usageErrorMarker = Symbol.for(`tfkit.error.${usageErrorName}`);

/** Bad command-line input; printed as one line and exits with {@link exitCodes.usage}. */
export class CliUsageError extends TfkitError {
  readonly [usageErrorMarker] = true;

  /** @param options - `message`: what is wrong and what to type instead */
  constructor({ message, cause }: { message: string; cause?: unknown }) {
    super({ name: usageErrorName, message, cause });
  }

  static override isInstance(error: unknown): error is CliUsageError {
    return hasMarker(error, usageErrorMarker);
  }
}

const unavailableErrorName = 'Tfkit_FeatureUnavailableError';
const unavailableErrorMarker = Symbol.for(`tfkit.error.${unavailableErrorName}`);

/** A workspace package does not (yet) export what a command needs. */
export class FeatureUnavailableError extends TfkitError {
  readonly [unavailableErrorMarker] = true;
  /** The package that lacks the feature. */
  readonly packageName: string;

  /** @param options - `packageName` lacks `what` (e.g. `'`keepAgent` in trainDqnUntilSolved'`) */
  constructor({ packageName, what }: { packageName: string; what: string }) {
    super({
      name: unavailableErrorName,
      message: `${packageName} does not provide ${what} yet; update the workspace (git pull && pnpm build) and retry.`,
    });
    this.packageName = packageName;
  }

  static override isInstance(error: unknown): error is FeatureUnavailableError {
    return hasMarker(error, unavailableErrorMarker);
  }
}

/** First line of an error's message, for one-line reporting. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? text).trim();
}
