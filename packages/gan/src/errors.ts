import { TfkitError } from '@tfkit/backend';

/** Codes of {@link GanError}. */
export type GanErrorCode = 'option' | 'data' | 'checkpoint' | 'asset' | 'io';

/**
 * Every error thrown by `@tfkit/gan`. Check with {@link GanError.isInstance} (or
 * `TfkitError.isInstance` for any tfkit error) rather than `instanceof`.
 */
export class GanError extends TfkitError {
  /** What kind of problem: a bad option, bad data, a bad checkpoint, a bad packaged asset, or file I/O. */
  readonly code: GanErrorCode;

  /**
   * @param code - what kind of problem
   * @param message - what went wrong and what to do (the `[@tfkit/gan]` prefix is added)
   * @param options - `{ cause }`
   */
  constructor(code: GanErrorCode, message: string, options?: { cause?: unknown }) {
    super(`Tfkit_Gan${code[0]!.toUpperCase()}${code.slice(1)}Error`, `[@tfkit/gan] ${message}`, options);
    this.code = code;
  }

  /** True for any error thrown by `@tfkit/gan`, from any copy of the package. */
  static override isInstance(error: unknown): error is GanError {
    return TfkitError.isInstance(error) && error.name.startsWith('Tfkit_Gan');
  }
}
