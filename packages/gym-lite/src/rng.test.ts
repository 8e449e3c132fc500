import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors.js';
import { createRng, Rng } from './rng.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(123);
    const b = new Rng(123);
    const c = createRng(124);
    const first = Array.from({ length: 10 }, () => a.random());
    expect(Array.from({ length: 10 }, () => b.random())).toEqual(first);
    expect(Array.from({ length: 10 }, () => c.random())).not.toEqual(first);
    expect(a.seed).toBe(123);
    expect(createRng(2 ** 40 + 5).random()).not.toBe(createRng(5).random());
  });

  it('draws within range with sensible moments', () => {
    const rng = createRng(1);
    let sum = 0;
    let sumSquares = 0;
    const count = 20000;
    let minimum = Number.POSITIVE_INFINITY;
    let maximum = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < count; index++) {
      const value = rng.uniform(-0.05, 0.05);
      minimum = Math.min(minimum, value);
      maximum = Math.max(maximum, value);
      sum += value;
      const normal = rng.normal();
      sumSquares += normal * normal;
    }
    expect(minimum).toBeGreaterThanOrEqual(-0.05);
    expect(maximum).toBeLessThan(0.05);
    expect(Math.abs(sum / count)).toBeLessThan(0.002);
    expect(Math.abs(sumSquares / count - 1)).toBeLessThan(0.05);
    const integers = new Set<number>();
    let outOfRange = 0;
    for (let index = 0; index < 1000; index++) {
      integers.add(rng.integers(3, 7));
      if (!(rng.integers(2 ** 40) < 2 ** 40) || !(rng.exponential() >= 0)) outOfRange++;
    }
    expect([...integers].sort()).toEqual([3, 4, 5, 6]);
    expect(outOfRange).toBe(0);
  });

  it('clones and restores state', () => {
    const rng = createRng(5);
    rng.random();
    const copy = rng.clone();
    const state = rng.getState();
    const next = rng.random();
    expect(copy.random()).toBe(next);
    rng.setState(state);
    expect(rng.random()).toBe(next);
  });

  it('validates seeds and bounds, and draws entropy seeds without a seed', () => {
    expect(() => createRng(-1)).toThrow(InvalidOptionError);
    expect(() => createRng(0.5)).toThrow(/must be an integer/);
    expect(() => createRng(1).integers(0)).toThrow(InvalidOptionError);
    const unseeded = createRng();
    expect(Number.isSafeInteger(unseeded.seed)).toBe(true);
    expect(unseeded.seed).toBeGreaterThanOrEqual(0);
  });
});
