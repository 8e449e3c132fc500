import { TfkitError, TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { RlAgentsError, RlCheckpointError, RlConfigError, RlEnvMismatchError } from './index.js';

describe('rl-agents errors follow the core pattern', () => {
  it('take named parameters, prefix the message, keep the remedy and recognise only their own class', () => {
    const mismatch = new RlEnvMismatchError({ what: 'observation size', expected: 4, actual: 3 });
    const checkpoint = new RlCheckpointError({
      path: 'a.dqn',
      message: 'is truncated; save the agent again.',
      cause: 1,
    });
    expect(mismatch.message).toBe(
      "[@tfkit/rl-agents] the environment's observation size is 3 but the agent was built for 4; build the agent from this environment (or pass a matching one).",
    );
    expect([mismatch.what, mismatch.expected, mismatch.actual]).toEqual(['observation size', 4, 3]);
    expect(checkpoint.message).toBe('[@tfkit/rl-agents] a.dqn: is truncated; save the agent again.');
    expect(checkpoint.cause).toBe(1);
    expect(RlEnvMismatchError.isInstance(mismatch)).toBe(true);
    expect(RlEnvMismatchError.isInstance(checkpoint)).toBe(false);
    expect(RlCheckpointError.isInstance(checkpoint)).toBe(true);
    expect(TfkitError.isInstance(mismatch) && TfkitError.isInstance(checkpoint)).toBe(true);
    // Another copy of the package (or realm) is recognised by the marker alone.
    expect(RlCheckpointError.isInstance({ [Symbol.for('tfkit.error.Tfkit_RlCheckpointError')]: true })).toBe(true);
  });

  it('keeps RlConfigError and RlAgentsError as deprecated aliases of the core classes', () => {
    expect(RlConfigError).toBe(TfkitOptionError);
    expect(RlAgentsError).toBe(TfkitError);
    const error = new RlConfigError({ package: '@tfkit/rl-agents', option: 'gamma', message: 'must be in [0, 1].' });
    expect(RlConfigError.isInstance(error)).toBe(true);
    expect(error.option).toBe('gamma');
  });
});
