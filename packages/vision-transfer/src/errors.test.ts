import { TfkitError, TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { ImageInputError, VisionOptionError, WeightsLoadError, WeightsOfflineError } from './errors.js';

describe('errors', () => {
  it('follow the core pattern: named parameters, package prefix, own marker', () => {
    const load = new WeightsLoadError({
      source: 'a.h5',
      message: 'bad. Re-download it.',
      mismatches: ['x: not in file'],
    });
    expect(load.message).toBe('[@tfkit/vision-transfer] bad. Re-download it.');
    expect(load).toMatchObject({ name: 'Tfkit_WeightsLoadError', source: 'a.h5', mismatches: ['x: not in file'] });
    const offline = new WeightsOfflineError({
      url: 'https://example.org/w.h5',
      cacheDirectory: '/cache/models',
      file: '/cache/models/w.h5',
      expectedHash: 'ab'.repeat(16),
      message: 'offline.',
    });
    expect(offline).toMatchObject({ file: '/cache/models/w.h5', expectedHash: 'ab'.repeat(16) });
    const input = new ImageInputError({ message: 'not an image.' });
    for (const error of [load, offline, input]) expect(TfkitError.isInstance(error)).toBe(true);
    expect(WeightsLoadError.isInstance(load)).toBe(true);
    expect(WeightsLoadError.isInstance(offline)).toBe(false);
    expect(WeightsOfflineError.isInstance(offline)).toBe(true);
    expect(ImageInputError.isInstance(input)).toBe(true);
    expect(ImageInputError.isInstance(load)).toBe(false);
  });

  it('isInstance works across package copies (by marker, not by class or name)', () => {
    const copy = Object.assign(new Error('x'), { [Symbol.for('tfkit.error.Tfkit_WeightsOfflineError')]: true });
    expect(WeightsOfflineError.isInstance(copy)).toBe(true);
    const sameName = Object.assign(new Error('x'), { name: 'Tfkit_WeightsOfflineError' });
    expect(WeightsOfflineError.isInstance(sameName)).toBe(false);
  });

  it('VisionOptionError is the deprecated alias of TfkitOptionError', () => {
    expect(VisionOptionError).toBe(TfkitOptionError);
  });
});
