import { TfkitError, TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import {
  EnvCheckError,
  InvalidActionError,
  InvalidOptionError,
  RegistrationError,
  RenderModeError,
  ResetNeededError,
  SpaceError,
  UnknownEnvError,
} from './index.js';

describe('gym-lite errors follow the core pattern', () => {
  const errors = [
    new ResetNeededError({ message: 'Cannot call step() before reset().' }),
    new InvalidActionError({ action: 2, space: 'Discrete(2)' }),
    new UnknownEnvError({ id: 'CartPol-v1', reason: 'name', message: 'Nope.', closeMatches: ['CartPole-v1'] }),
    new RegistrationError({ message: 'Bad registration.' }),
    new SpaceError({ message: 'Bad space.' }),
    new RenderModeError({ message: 'Bad mode.' }),
    new EnvCheckError({ message: 'Bad env.', cause: new Error('inner') }),
  ];
  const classes = [
    ResetNeededError,
    InvalidActionError,
    UnknownEnvError,
    RegistrationError,
    SpaceError,
    RenderModeError,
    EnvCheckError,
  ];

  it('prefix the message, keep the remedy, and recognise only their own class', () => {
    for (const [index, error] of errors.entries()) {
      expect(error.message.startsWith('[@tfkit/gym-lite] ')).toBe(true);
      expect(TfkitError.isInstance(error)).toBe(true);
      expect(error.package).toBe('@tfkit/gym-lite');
      for (const [other, type] of classes.entries()) expect(type.isInstance(error)).toBe(index === other);
    }
    expect(errors[0]!.message).toMatch(/Call env\.reset\(\) first\.$/);
    expect(errors[1]!.message).toContain('Action 2 (number) is not in the action space Discrete(2)');
    expect(errors[2]!.message).toContain("Did you mean: 'CartPole-v1'?");
    expect((errors[6] as EnvCheckError).cause).toBeInstanceOf(Error);
  });

  it('recognise a copy from another realm by its marker (a plain object carrying it)', () => {
    const foreign = { [Symbol.for('tfkit.error.Tfkit_ResetNeededError')]: true };
    expect(ResetNeededError.isInstance(foreign)).toBe(true);
    expect(SpaceError.isInstance(foreign)).toBe(false);
  });

  it('keeps InvalidOptionError as a deprecated alias of TfkitOptionError', () => {
    expect(InvalidOptionError).toBe(TfkitOptionError);
    const error = new InvalidOptionError({ package: '@tfkit/gym-lite', option: 'numEnvs', message: 'must be > 0.' });
    expect(TfkitOptionError.isInstance(error)).toBe(true);
    expect(error.message).toBe('[@tfkit/gym-lite] Invalid option `numEnvs`: must be > 0.');
  });
});
