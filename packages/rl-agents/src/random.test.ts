import { describe, expect, it } from 'vitest';
import { deriveSeed, Random } from './random.js';

describe('Random', () => {
  it('is reproducible, stays in range and restores its state', () => {
    const first = new Random(5);
    const again = new Random(5);
    const values = Array.from({ length: 1000 }, () => first.next());
    expect(Array.from({ length: 1000 }, () => again.next())).toEqual(values);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Random(6).next()).not.toBe(values[0]);
    const state = first.getState();
    const next = first.int(10);
    first.setState(state);
    expect(first.int(10)).toBe(next);
  });

  it('draws uniform integers and standard normals with the right moments', () => {
    const random = new Random(1);
    const counts = [0, 0, 0, 0];
    for (let index = 0; index < 40_000; index++) (counts[random.int(4)] as number)++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    const samples = Array.from({ length: 20_000 }, () => random.normal());
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('derives distinct non-negative seeds per stream', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, stream) => deriveSeed(7, stream)));
    expect(seeds.size).toBe(100);
    for (const seed of seeds) expect(seed).toBeGreaterThanOrEqual(0);
  });
});
