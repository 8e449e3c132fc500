import { createRng, type Rng } from '@tfkit/core';

/** JSON form of a space (see {@link spaceFromJSON}); infinite bounds are written as `"Infinity"`/`"-Infinity"`. */
export type SpaceJSON =
  | { type: 'Discrete'; n: number; start: number; dtype: 'int64' }
  | { type: 'Box'; low: (number | string)[]; high: (number | string)[]; shape: number[]; dtype: string }
  | { type: 'MultiDiscrete'; nvec: number[]; start: number[]; dtype: 'int64' };

/**
 * Base class of every space (Gymnasium's `spaces.Space`): a set of valid values with a seeded sampler.
 *
 * @typeParam T - the type of the elements
 */
export abstract class Space<T> {
  /** Shape of one element (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** Element type name, numpy style (`'int64'`, `'float32'`, ...). */
  readonly dtype: string;
  #rng: Rng | undefined;

  /**
   * @param shape - shape of one element
   * @param dtype - element type name
   * @param seed - optional seed of the sampler
   */
  protected constructor(shape: readonly number[], dtype: string, seed?: number) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    if (seed !== undefined) this.seed(seed);
  }

  /** The space's generator, created from entropy on first use when never seeded. */
  get rng(): Rng {
    if (this.#rng === undefined) this.#rng = createRng();
    return this.#rng;
  }

  /**
   * Seeds the sampler (Gymnasium's `space.seed(seed)`).
   *
   * @param seed - a non-negative integer; omitted, a seed is drawn from entropy
   * @returns the seed used
   * @throws {@link TfkitOptionError} for a negative or non-integer seed
   */
  seed(seed?: number): number {
    this.#rng = createRng(seed);
    return this.#rng.seed;
  }

  /**
   * A random element.
   *
   * @returns an element of the space
   */
  abstract sample(...args: never[]): T;

  /**
   * Whether `value` is an element of this space.
   *
   * @param value - anything
   * @returns true when `value` belongs to the space
   */
  abstract contains(value: unknown): boolean;

  /**
   * Structural equality (Gymnasium's `__eq__`).
   *
   * @param other - anything
   * @returns true when `other` is the same kind of space with the same parameters
   */
  abstract equals(other: unknown): boolean;

  /**
   * JSON form of the space itself.
   *
   * @returns a plain object accepted by {@link spaceFromJSON}
   */
  abstract toJSON(): SpaceJSON;

  /**
   * Converts samples to JSON-compatible values (Gymnasium's `to_jsonable`).
   *
   * @param samples - elements of the space
   * @returns plain numbers / arrays
   */
  abstract toJsonable(samples: readonly T[]): unknown[];

  /**
   * Converts JSON values back to samples (Gymnasium's `from_jsonable`).
   *
   * @param values - output of {@link Space.toJsonable}
   * @returns elements of the space
   */
  abstract fromJsonable(values: readonly unknown[]): T[];
}

/** @internal `np.allclose`-style comparison (rtol 1e-5, atol 1e-8, equal infinities). */
export function allClose(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = b[index]!;
    if (x === y) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    if (Math.abs(x - y) > 1e-8 + 1e-5 * Math.abs(y)) return false;
  }
  return true;
}

/** @internal numpy-like text of a number (`inf`, `-inf`, shortest digits). */
export function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}

/** @internal JSON-safe number (infinities as strings). */
export function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** @internal Inverse of {@link jsonNumber}. */
export function parseJsonNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}
