import { TfkitError, TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import {
  GanAssetError,
  GanCheckpointError,
  GanDataError,
  GanDisposedError,
  GanEncoderError,
  GanError,
} from './index.js';

const classes = [GanDataError, GanCheckpointError, GanAssetError, GanEncoderError, GanDisposedError] as const;

describe('gan errors', () => {
  it('have one class per kind, named Tfkit_Gan<Kind>Error, with the package prefix and the cause', () => {
    const cause = new Error('disk');
    for (const ErrorClass of classes) {
      const error = new ErrorClass({ message: 'what went wrong; what to do.', cause });
      expect(error.name).toBe(`Tfkit_${ErrorClass.name}`);
      expect(error.message).toBe('[@tfkit/gan] what went wrong; what to do.');
      expect(error.cause).toBe(cause);
      expect(error.package).toBe('@tfkit/gan');
      expect(GanError.isInstance(error)).toBe(true);
      expect(TfkitError.isInstance(error)).toBe(true);
      for (const Other of classes) expect(Other.isInstance(error)).toBe(Other === ErrorClass);
    }
  });

  it('are recognised across copies of the package (markers, not instanceof)', () => {
    const error = new GanCheckpointError({ message: 'corrupt; delete the directory.' });
    // A copy from another bundle or realm: the same Symbol.for markers on an unrelated object.
    const copy = Object.create(null) as Record<symbol, unknown>;
    for (const key of Object.getOwnPropertySymbols(error))
      copy[key] = (error as unknown as Record<symbol, unknown>)[key];
    expect(copy instanceof GanCheckpointError).toBe(false);
    expect(GanCheckpointError.isInstance(copy)).toBe(true);
    expect(GanError.isInstance(copy)).toBe(true);
    expect(GanDataError.isInstance(copy)).toBe(false);
    expect(GanError.isInstance({ name: 'Tfkit_GanDataError' })).toBe(false);
  });

  it('leave option errors to TfkitOptionError', () => {
    const error = new TfkitOptionError({ package: '@tfkit/gan', option: 'epochs', message: 'must be positive.' });
    expect(GanError.isInstance(error)).toBe(false);
    expect(TfkitError.isInstance(error)).toBe(true);
  });
});
