/**
 * Receives gym-lite's warnings (Gymnasium's `logger.warn`).
 *
 * @param message - the warning, prefixed `[@tfkit/gym-lite] WARN:`
 */
export type WarningHandler = (message: string) => void;

const shown = new Set<string>();
const deprecationPrefix = '[@tfkit/gym-lite] DEPRECATION:';

/**
 * The default handler: `console.warn`, each distinct message once per process, and deprecation
 * notices not at all — like Python's default warnings filter.
 */
export const defaultWarningHandler: WarningHandler = (message) => {
  if (shown.has(message) || message.startsWith(deprecationPrefix)) return;
  shown.add(message);
  console.warn(message);
};

let handler: WarningHandler = defaultWarningHandler;

/**
 * Replaces the function that receives warnings (pass `undefined` to restore the default).
 *
 * @param next - the new handler, or `undefined` for {@link defaultWarningHandler}
 * @returns the previous handler
 * @example
 * ```ts
 * const warnings: string[] = [];
 * const previous = setWarningHandler((message) => warnings.push(message));
 * // ... step after termination ...
 * setWarningHandler(previous);
 * ```
 */
export function setWarningHandler(next: WarningHandler | undefined): WarningHandler {
  const previous = handler;
  handler = next ?? defaultWarningHandler;
  return previous;
}

/** @internal Emits a warning through the current handler. */
export function warn(message: string): void {
  handler(`[@tfkit/gym-lite] WARN: ${message}`);
}

/** @internal Emits a deprecation notice (hidden by the default handler, like Python's `DeprecationWarning`). */
export function deprecation(message: string): void {
  handler(`${deprecationPrefix} ${message}`);
}
