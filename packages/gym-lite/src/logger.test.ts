import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultWarningHandler, deprecation, setWarningHandler, warn } from './logger.js';

afterEach(() => {
  setWarningHandler(undefined);
  vi.restoreAllMocks();
});

describe('warnings', () => {
  it('prints each distinct warning once by default and hides deprecations', () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    warn('logger test message A');
    warn('logger test message A');
    warn('logger test message B');
    deprecation('logger test deprecation');
    expect(consoleWarn.mock.calls).toEqual([
      ['[@tfkit/gym-lite] WARN: logger test message A'],
      ['[@tfkit/gym-lite] WARN: logger test message B'],
    ]);
  });

  it('sends every warning and deprecation to a custom handler and restores the default', () => {
    const received: string[] = [];
    const previous = setWarningHandler((message) => received.push(message));
    expect(previous).toBe(defaultWarningHandler);
    warn('again');
    warn('again');
    deprecation('old');
    expect(received).toEqual([
      '[@tfkit/gym-lite] WARN: again',
      '[@tfkit/gym-lite] WARN: again',
      '[@tfkit/gym-lite] DEPRECATION: old',
    ]);
    setWarningHandler(undefined);
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    warn('after restore');
    expect(consoleWarn).toHaveBeenCalledTimes(1);
  });
});
