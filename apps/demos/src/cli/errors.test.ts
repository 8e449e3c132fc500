import { TfkitError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { CliUsageError, FeatureUnavailableError } from './errors.js';

describe('CLI errors', () => {
  it('are tfkit errors with named parameters, unprefixed messages and their own markers', () => {
    const usage = new CliUsageError({ message: '--episodes must be >= 1, got 0.' });
    expect(usage.message).toBe('--episodes must be >= 1, got 0.');
    expect(usage.name).toBe('Tfkit_CliUsageError');
    expect(TfkitError.isInstance(usage)).toBe(true);
    expect(CliUsageError.isInstance(usage)).toBe(true);
    expect(FeatureUnavailableError.isInstance(usage)).toBe(false);

    const unavailable = new FeatureUnavailableError({ packageName: '@tfkit/rl-agents', what: '`keepAgent`' });
    expect(unavailable.packageName).toBe('@tfkit/rl-agents');
    expect(unavailable.message).toMatch(/^@tfkit\/rl-agents does not provide `keepAgent` yet; update the workspace/);
    expect(FeatureUnavailableError.isInstance(unavailable)).toBe(true);
    expect(CliUsageError.isInstance(unavailable)).toBe(false);
  });

  it('recognizes an error from another copy of the CLI by its marker, not by its name', () => {
    const fromOtherCopy = Object.assign(new Error('bad'), {
      [Symbol.for('tfkit.error.Tfkit_CliUsageError')]: true,
    });
    expect(CliUsageError.isInstance(fromOtherCopy)).toBe(true);
    const sameNameOnly = Object.assign(new Error('bad'), { name: 'Tfkit_CliUsageError' });
    expect(CliUsageError.isInstance(sameNameOnly)).toBe(false);
  });
});
