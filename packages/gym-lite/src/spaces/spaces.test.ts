import { describe, expect, it } from 'vitest';
import { SpaceError } from '../errors.js';
import { Box } from './box.js';
import { Discrete } from './discrete.js';
import { spaceFromJSON } from './from-json.js';
import { MultiDiscrete } from './multi-discrete.js';

describe('Discrete', () => {
  it('samples reproducibly after seed() and stays in range', () => {
    const space = new Discrete(3, -1);
    expect(space.seed(42)).toBe(42);
    const first = Array.from({ length: 50 }, () => space.sample());
    space.seed(42);
    const second = Array.from({ length: 50 }, () => space.sample());
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([-1, 0, 1]));
    const seededAtConstruction = new Discrete(3, -1, { seed: 42 });
    expect(Array.from({ length: 50 }, () => seededAtConstruction.sample())).toEqual(first);
  });

  it('samples uniformly enough', () => {
    const space = new Discrete(4, 0, { seed: 7 });
    const counts = [0, 0, 0, 0];
    for (let index = 0; index < 8000; index++) counts[space.sample()]! += 1;
    for (const count of counts) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('samples with an action mask and a probability', () => {
    const space = new Discrete(3, -1, { seed: 1 });
    for (let index = 0; index < 20; index++) expect(space.sample(new Int8Array([0, 0, 1]))).toBe(1);
    const masked = new Set(Array.from({ length: 50 }, () => space.sample([1, 0, 1])));
    expect(masked).toEqual(new Set([-1, 1]));
    expect(space.sample([0, 0, 0])).toBe(-1);
    for (let index = 0; index < 20; index++) expect(space.sample(null, [0, 0, 1])).toBe(1);
    const weighted = Array.from({ length: 4000 }, () => space.sample(null, [0, 0.3, 0.7]));
    expect(weighted.filter((value) => value === -1)).toHaveLength(0);
    expect(Math.abs(weighted.filter((value) => value === 1).length / 4000 - 0.7)).toBeLessThan(0.05);
    expect(() => space.sample([1, 0])).toThrow(SpaceError);
    expect(() => space.sample([1, 0, 2])).toThrow(/must be 0 or 1/);
    expect(() => space.sample([1, 0, 1], [0, 0, 1])).toThrow(/not both/);
    expect(() => space.sample(null, [0.5, 0.5, 0.5])).toThrow(/sum to 1/);
  });

  it('contains only integers in range', () => {
    const space = new Discrete(2);
    expect(space.contains(0)).toBe(true);
    expect(space.contains(1)).toBe(true);
    for (const value of [2, -1, 0.5, Number.NaN, '1', true, null, undefined, 1n, [1]]) {
      expect(space.contains(value)).toBe(false);
    }
    expect(new Discrete(3, 5).contains(7)).toBe(true);
    expect(new Discrete(3, 5).contains(8)).toBe(false);
  });

  it('compares, prints and serialises like Gymnasium', () => {
    expect(new Discrete(2).equals(new Discrete(2))).toBe(true);
    expect(new Discrete(2).equals(new Discrete(2, 1))).toBe(false);
    expect(new Discrete(2).equals(new Discrete(3))).toBe(false);
    expect(new Discrete(2).equals(new Box(0, 1))).toBe(false);
    expect(String(new Discrete(2))).toBe('Discrete(2)');
    expect(String(new Discrete(3, -1))).toBe('Discrete(3, start=-1)');
    const json = JSON.parse(JSON.stringify(new Discrete(3, -1)));
    expect(json).toEqual({ type: 'Discrete', n: 3, start: -1, dtype: 'int64' });
    expect(spaceFromJSON(json).equals(new Discrete(3, -1))).toBe(true);
    const space = new Discrete(3);
    expect(space.fromJsonable(space.toJsonable([0, 2]))).toEqual([0, 2]);
    expect(() => space.fromJsonable([0.5])).toThrow(SpaceError);
  });

  it('rejects invalid constructions', () => {
    expect(() => new Discrete(0)).toThrow(SpaceError);
    expect(() => new Discrete(1.5)).toThrow(SpaceError);
    expect(() => new Discrete(2, 0.5)).toThrow(SpaceError);
    expect(() => new Discrete(2).seed(-3)).toThrow(/greater or equal to zero/);
  });
});

describe('Box', () => {
  it('casts bounds to the dtype and infers shapes', () => {
    const box = new Box([-4.8, Number.NEGATIVE_INFINITY], [4.8, Number.POSITIVE_INFINITY]);
    expect([...box.shape]).toEqual([2]);
    expect(box.low[0]).toBe(-4.800000190734863);
    expect(box.dtype).toBe('float32');
    expect(box.isBounded()).toBe(false);
    expect(box.isBounded('below')).toBe(false);
    expect(new Box(0, 1).shape).toEqual([1]);
    expect([...new Box(0, 1, [2, 3]).shape]).toEqual([2, 3]);
    expect(new Box(0, 1, [2, 3]).size).toBe(6);
    const ints = new Box(Number.NEGATIVE_INFINITY, 5, [2], 'int32');
    expect(ints.low[0]).toBe(-2147483648);
    expect(ints.boundedBelow[0]).toBe(0);
  });

  it('samples inside the bounds with the right distribution per kind of bound', () => {
    const box = new Box(
      [-1, 0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [1, Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY],
      undefined,
      'float64',
      { seed: 3 },
    );
    let normalSum = 0;
    for (let index = 0; index < 2000; index++) {
      const sample = box.sample();
      expect(sample).toBeInstanceOf(Float64Array);
      expect(box.contains(sample)).toBe(true);
      normalSum += sample[3]!;
    }
    expect(Math.abs(normalSum / 2000)).toBeLessThan(0.1);
    const seeded = new Box(0, 1, [3], 'float32', { seed: 9 });
    const again = new Box(0, 1, [3], 'float32', { seed: 9 });
    expect(seeded.sample()).toEqual(again.sample());
    const bytes = new Box(0, 3, [100], 'uint8', { seed: 1 });
    const values = new Set(bytes.sample());
    expect(values).toEqual(new Set([0, 1, 2, 3]));
  });

  it('contains arrays of the right dtype, size and range only', () => {
    const box = new Box(-1, 1, [2]);
    expect(box.contains(new Float32Array([0, 1]))).toBe(true);
    expect(box.contains([0, 1])).toBe(true);
    expect(box.contains(new Float32Array([0, 1.5]))).toBe(false);
    expect(box.contains(new Float32Array([0, Number.NaN]))).toBe(false);
    expect(box.contains(new Float32Array([0]))).toBe(false);
    expect(box.contains(new Float64Array([0, 0]))).toBe(false);
    expect(box.contains(['0', 0])).toBe(false);
    expect(box.contains('ab')).toBe(false);
    expect(new Box(0, 10, [2], 'int32').contains([1.5, 2])).toBe(false);
    expect(new Box(0, 1).contains(0.5)).toBe(true);
  });

  it('compares with np.allclose semantics and round-trips JSON', () => {
    const box = new Box([-1, Number.NEGATIVE_INFINITY], [1, Number.POSITIVE_INFINITY]);
    expect(box.equals(new Box([-1, Number.NEGATIVE_INFINITY], [1 + 1e-9, Number.POSITIVE_INFINITY]))).toBe(true);
    expect(box.equals(new Box([-1, Number.NEGATIVE_INFINITY], [1.1, Number.POSITIVE_INFINITY]))).toBe(false);
    expect(box.equals(new Box([-1, -5], [1, 5]))).toBe(false);
    expect(box.equals(new Box([-1, Number.NEGATIVE_INFINITY], [1, Number.POSITIVE_INFINITY], [2], 'float64'))).toBe(
      false,
    );
    const json = JSON.parse(JSON.stringify(box));
    expect(json.low).toEqual([-1, '-Infinity']);
    expect(spaceFromJSON(json).equals(box)).toBe(true);
    const samples = [box.sample(), box.sample()];
    expect(box.fromJsonable(box.toJsonable(samples))).toEqual(samples);
    expect(String(new Box(-1, 2, [3]))).toBe('Box(-1, 2, (3,), float32)');
  });

  it('rejects invalid bounds', () => {
    expect(() => new Box(1, 0)).toThrow(/low must be <= high/);
    expect(() => new Box(Number.NaN, 0)).toThrow(/NaN/);
    expect(() => new Box([0, 0], [1, 1, 1])).toThrow(SpaceError);
    expect(() => new Box(0, Number.POSITIVE_INFINITY, [1], 'uint8')).toThrow(/infinite/);
    expect(() => new Box(0, 300, [1], 'uint8')).toThrow(/out of the uint8 range/);
    expect(() => new Box(0, 1, [1], 'complex64' as 'float32')).toThrow(/Invalid Box dtype/);
    expect(() => spaceFromJSON({ type: 'Tuple' } as never)).toThrow(SpaceError);
  });
});

describe('MultiDiscrete', () => {
  it('samples, contains, compares and serialises', () => {
    const space = new MultiDiscrete([2, 3], { seed: 0 });
    for (let index = 0; index < 20; index++) expect(space.contains(space.sample())).toBe(true);
    expect(space.contains([1, 2])).toBe(true);
    expect(space.contains([2, 0])).toBe(false);
    expect(space.contains([0.5, 0])).toBe(false);
    expect(space.contains([0])).toBe(false);
    expect(space.equals(new MultiDiscrete([2, 3]))).toBe(true);
    expect(space.equals(new MultiDiscrete([2, 2]))).toBe(false);
    expect(spaceFromJSON(space.toJSON()).equals(space)).toBe(true);
    expect(String(space)).toBe('MultiDiscrete([2 3])');
    expect(() => new MultiDiscrete([0])).toThrow(SpaceError);
  });
});
