/** Float64 linear algebra for FID: symmetric eigendecomposition (cyclic Jacobi) and matrix square roots. */

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by the cyclic Jacobi method.
 *
 * @param matrix - `n * n` row-major, symmetric; not modified
 * @param n - order
 * @returns eigenvalues and the eigenvectors as the columns of a row-major `n * n` matrix
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i]! * a[i]!;
  const tolerance = 1e-24 * Math.max(scale, Number.MIN_VALUE);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

/** Square root of a symmetric positive semi-definite matrix (negative eigenvalues from round-off clipped to 0). */
export function symmetricSqrt(matrix: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const root = Math.sqrt(Math.max(values[k]!, 0));
    if (root === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k]! * root;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + vik * vectors[j * n + k]!;
    }
  }
  return out;
}

/** Row-major product of two `n * n` matrices. */
export function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + aik * b[k * n + j]!;
    }
  }
  return out;
}

/** Mean and covariance (divided by n - 1) of `rows` feature vectors of size `n`. */
export function meanAndCovariance(
  features: Float64Array | Float32Array,
  rows: number,
  n: number,
): { mean: Float64Array; covariance: Float64Array } {
  const mean = new Float64Array(n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) mean[j] = mean[j]! + features[r * n + j]!;
  for (let j = 0; j < n; j++) mean[j] = mean[j]! / rows;
  const covariance = new Float64Array(n * n);
  const centered = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) centered[j] = features[r * n + j]! - mean[j]!;
    for (let i = 0; i < n; i++) {
      const ci = centered[i]!;
      if (ci === 0) continue;
      for (let j = i; j < n; j++) covariance[i * n + j] = covariance[i * n + j]! + ci * centered[j]!;
    }
  }
  const divisor = Math.max(rows - 1, 1);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const value = covariance[i * n + j]! / divisor;
      covariance[i * n + j] = value;
      covariance[j * n + i] = value;
    }
  }
  return { mean, covariance };
}

/**
 * Fréchet distance between two Gaussians:
 * `|mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2)`.
 * The last trace equals `tr((S1 S2)^1/2)`, computed through symmetric matrices only.
 */
export function frechetDistance(
  first: { mean: Float64Array; covariance: Float64Array },
  second: { mean: Float64Array; covariance: Float64Array },
  n: number,
): number {
  let distance = 0;
  for (let j = 0; j < n; j++) distance += (first.mean[j]! - second.mean[j]!) ** 2;
  let traces = 0;
  for (let j = 0; j < n; j++) traces += first.covariance[j * n + j]! + second.covariance[j * n + j]!;
  const root = symmetricSqrt(first.covariance, n);
  const inner = multiply(multiply(root, second.covariance, n), root, n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const average = (inner[i * n + j]! + inner[j * n + i]!) / 2;
      inner[i * n + j] = average;
      inner[j * n + i] = average;
    }
  }
  const { values } = symmetricEigen(inner, n);
  let crossTrace = 0;
  for (const value of values) crossTrace += Math.sqrt(Math.max(value, 0));
  return Math.max(distance + traces - 2 * crossTrace, 0);
}
