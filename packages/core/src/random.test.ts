import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, permutation, Rng, TfkitOptionError } from './index.js';

describe('Rng', () => {
  // Pinned from @tfkit/gym-lite's Rng before it moved here: existing seeds give the same numbers.
  it.each([
    [0, [2303143283, 0.3901505437385162, 9, 0.2773713520873297, -0.6386919737015717]],
    [42, [3427710138, 0.63710076184588, 8, 0.4916573297120564, 0.20392812553379058]],
    [2 ** 40 + 7, [3647385680, 0.1638212889549453, 3, 0.01317544160612284, 0.1850141813831785]],
  ])('seed %d gives the numbers it gave in gym-lite', (seed, expected) => {
    const rng = createRng(seed);
    expect([rng.nextUint32(), rng.random(), rng.integers(10), rng.normal(), rng.uniform(-1, 1)]).toEqual(expected);
  });

  it('restores state and clones', () => {
    const rng = new Rng(7);
    rng.random();
    const state = rng.getState();
    const copy = rng.clone();
    const next = [rng.random(), rng.random()];
    expect([copy.random(), copy.random()]).toEqual(next);
    rng.setState(state);
    expect([rng.random(), rng.random()]).toEqual(next);
  });

  it('draws integers in range without bias', () => {
    const rng = createRng(1);
    const counts = new Array<number>(3).fill(0);
    for (let index = 0; index < 30_000; index++) counts[rng.integers(3)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(rng.integers(5, 7)).toBeGreaterThanOrEqual(5);
    expect(() => rng.integers(0)).toThrowError(/integers\(0/);
    expect(() => rng.integers(1.5)).toThrowError(TfkitOptionError);
  });

  it('fills uniform and normal arrays with the right moments', () => {
    const rng = createRng(3);
    const uniform = rng.fillUniform(new Float32Array(20_001), -1, 1);
    const normal = rng.fillNormal(new Float64Array(20_001), 2, 3);
    const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean(uniform))).toBeLessThan(0.02);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...uniform)).toBeLessThan(1);
    const normalMean = mean(normal);
    const variance = mean(Array.from(normal, (value) => (value - normalMean) ** 2));
    expect(Math.abs(normalMean - 2)).toBeLessThan(0.1);
    expect(Math.abs(Math.sqrt(variance) - 3)).toBeLessThan(0.1);
    expect(Number.isNaN(normal[20_000])).toBe(false);
  });

  it('shuffles into a permutation and picks weighted indices', () => {
    const order = createRng(5).permutation(100);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, index) => index));
    expect([...order]).not.toEqual(Array.from({ length: 100 }, (_, index) => index));
    expect([...permutation(8, 42)]).toEqual([1, 4, 0, 7, 5, 3, 6, 2]);
    const rng = createRng(9);
    const counts = [0, 0, 0];
    for (let index = 0; index < 10_000; index++) counts[rng.choiceIndex([1, 0, 3])]! += 1;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2]! / 10_000 - 0.75)).toBeLessThan(0.02);
  });

  it('rejects bad seeds with a typed error naming the option', () => {
    for (const seed of [-1, 1.5, Number.NaN, '3' as unknown as number]) {
      try {
        createRng(seed);
        expect.unreachable();
      } catch (error) {
        expect(TfkitOptionError.isInstance(error)).toBe(true);
        expect((error as TfkitOptionError).option).toBe('seed');
        expect((error as Error).message).toMatch(/^\[@tfkit\/core\] Invalid option `seed`/);
      }
    }
    expect(createRng().seed).toBeGreaterThanOrEqual(0);
  });
});

describe('deriveSeed', () => {
  it('is deterministic, 32-bit, and separates streams and high seed bits', () => {
    expect(deriveSeed(42, 0)).toBe(204109372);
    expect(deriveSeed(42, 1)).toBe(1379176303);
    const seen = new Set<number>();
    for (let stream = 0; stream < 1000; stream++) seen.add(deriveSeed(42, stream));
    expect(seen.size).toBe(1000);
    expect(deriveSeed(1)).not.toBe(deriveSeed(1 + 2 ** 32));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
    for (const value of seen) expect(value >>> 0).toBe(value);
  });
});
