import { TfkitError, TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { DatasetNotFoundError, DatasetOptionError, IdxFormatError, ImageDataError } from './errors.js';
import { epochOrder } from './index.js';

describe('errors', () => {
  it('follow the core pattern: named parameters, package prefix, own marker', () => {
    const error = new IdxFormatError({ file: 'a.gz', problem: 'magic', message: 'bad magic. Replace the file.' });
    expect(error.message).toBe('[@tfkit/datasets] a.gz: bad magic. Replace the file.');
    expect(error.name).toBe('Tfkit_IdxFormatError');
    expect(error.problem).toBe('magic');
    expect(IdxFormatError.isInstance(error)).toBe(true);
    expect(TfkitError.isInstance(error)).toBe(true);
    expect(ImageDataError.isInstance(error)).toBe(false);
    const image = new ImageDataError({ file: 'x.png', problem: 'corrupt', message: 'cannot decode.' });
    expect(ImageDataError.isInstance(image)).toBe(true);
    expect(IdxFormatError.isInstance(image)).toBe(false);
    const notFound = new DatasetNotFoundError({ message: 'put them there.', searched: ['/a'], files: ['f'] });
    expect(DatasetNotFoundError.isInstance(notFound)).toBe(true);
    expect(notFound.searched).toEqual(['/a']);
  });

  it('isInstance works across copies: a plain object with the marker counts, the same name without it does not', () => {
    const copy = Object.assign(new Error('x'), {
      [Symbol.for('tfkit.error')]: true,
      [Symbol.for('tfkit.error.Tfkit_IdxFormatError')]: true,
    });
    expect(IdxFormatError.isInstance(copy)).toBe(true);
    const impostor = Object.assign(new Error('x'), { name: 'Tfkit_IdxFormatError', [Symbol.for('tfkit.error')]: true });
    expect(IdxFormatError.isInstance(impostor)).toBe(false);
  });

  it('option errors are the core TfkitOptionError; DatasetOptionError is its deprecated alias', () => {
    expect(DatasetOptionError).toBe(TfkitOptionError);
    expect(() => epochOrder(3, true, 1, 0)).not.toThrow();
  });
});
