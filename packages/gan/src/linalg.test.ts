import { createRng } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { frechetDistance, meanAndCovariance, multiply, symmetricEigen, symmetricSqrt } from './linalg.js';

function randomSpd(n: number, seed: number): Float64Array {
  const random = createRng(seed);
  const a = Float64Array.from({ length: n * n }, () => random.random() - 0.5);
  const at = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) at[i * n + j] = a[j * n + i]!;
  const spd = multiply(a, at, n);
  for (let i = 0; i < n; i++) spd[i * n + i] = spd[i * n + i]! + 0.1;
  return spd;
}

describe('linear algebra for FID', () => {
  it('finds the eigenvalues of a known symmetric matrix', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
    expect(Array.from(values).sort((a, b) => a - b)).toEqual([
      expect.closeTo(1, 12),
      expect.closeTo(3, 12),
      expect.closeTo(5, 12),
    ]);
    // Columns are orthonormal.
    const vtv = multiply(
      Float64Array.from({ length: 9 }, (_, k) => vectors[(k % 3) * 3 + Math.floor(k / 3)]!),
      vectors,
      3,
    );
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(vtv[i * 3 + j]).toBeCloseTo(i === j ? 1 : 0, 12);
  });

  it('computes a square root whose square is the matrix', () => {
    const n = 24;
    const spd = randomSpd(n, 3);
    const root = symmetricSqrt(spd, n);
    const square = multiply(root, root, n);
    for (let i = 0; i < n * n; i++) expect(square[i]).toBeCloseTo(spd[i]!, 9);
  });

  it('gives FID 0 for identical statistics and the closed form for 1-D Gaussians', () => {
    const n = 16;
    const stats = { mean: Float64Array.from({ length: n }, (_, i) => i / 3), covariance: randomSpd(n, 9) };
    expect(frechetDistance(stats, stats, n)).toBeCloseTo(0, 8);
    // 1-D: (m1 - m2)^2 + s1 + s2 - 2 sqrt(s1 s2)
    const one = { mean: Float64Array.of(1), covariance: Float64Array.of(4) };
    const two = { mean: Float64Array.of(3), covariance: Float64Array.of(9) };
    expect(frechetDistance(one, two, 1)).toBeCloseTo(4 + 4 + 9 - 12, 12);
  });

  it('computes mean and unbiased covariance', () => {
    const { mean, covariance } = meanAndCovariance(Float64Array.from([1, 2, 3, 6, 5, 4]), 3, 2);
    expect(Array.from(mean)).toEqual([3, 4]);
    expect(Array.from(covariance)).toEqual([4, 2, 2, 4]);
  });
});
