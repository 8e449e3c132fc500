import { TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { createRng, Rng } from './index.js';

// Recorded from gym-lite's own sfc32 generator before it moved to @tfkit/core: the re-exported
// generator must give bit-identical numbers, so every seeded CartPole run stays the same.
const recorded: Record<number, [number, number, number, number, number]> = {
  0: [2303143283, 0.3901505437385162, -0.03899518387123137, 1, 0.2635261301528715],
  42: [3427710138, 0.63710076184588, 0.019189015904342216, 1, -0.37304376132214967],
  1099511627781: [259115750, 0.8639923208746507, -0.0009549082299333059, 0, 1.1261016540153033],
};

describe('Rng (re-exported from @tfkit/core)', () => {
  it('gives the numbers gym-lite gave before the move, for the same seeds', () => {
    for (const [seed, expected] of Object.entries(recorded)) {
      const rng = createRng(Number(seed));
      expect([rng.nextUint32(), rng.random(), rng.uniform(-0.05, 0.05), rng.integers(2), rng.normal()]).toEqual(
        expected,
      );
    }
  });

  it('is the core class and rejects bad seeds with TfkitOptionError', () => {
    expect(createRng(1)).toBeInstanceOf(Rng);
    expect(() => createRng(-1)).toThrow(/Pass a non-negative integer/);
    let caught: unknown;
    try {
      createRng(1.5);
    } catch (error) {
      caught = error;
    }
    expect(TfkitOptionError.isInstance(caught)).toBe(true);
    expect((caught as TfkitOptionError).option).toBe('seed');
  });
});
