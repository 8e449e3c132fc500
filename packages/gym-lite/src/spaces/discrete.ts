import { SpaceError } from '../errors.js';
import { Space, type SpaceJSON } from './space.js';

/**
 * The integers `{start, ..., start + n - 1}` (Gymnasium's `spaces.Discrete`).
 *
 * @remarks
 * Elements are JavaScript numbers. `contains` accepts integer-valued numbers only: `NaN`, `0.5`,
 * strings, booleans and bigints are not elements (Python's `1.0` float is rejected by Gymnasium;
 * JavaScript cannot tell `1.0` from `1`, so both are accepted).
 * @example
 * ```ts
 * const space = new Discrete(3, -1, { seed: 42 }); // {-1, 0, 1}
 * space.sample();                                  // -1, 0 or 1
 * space.sample(new Int8Array([0, 0, 1]));          // 1
 * space.contains(0.5);                             // false
 * ```
 */
export class Discrete extends Space<number> {
  /** Number of elements. */
  readonly n: number;
  /** Smallest element. */
  readonly start: number;

  /**
   * @param n - number of elements, a positive integer
   * @param start - the smallest element
   * @param options - `seed` of the sampler
   * @defaultValue start 0
   * @throws {@link SpaceError} when `n` is not a positive integer or `start` not an integer
   */
  constructor(n: number, start = 0, options: { seed?: number } = {}) {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new SpaceError({
        message: `Discrete(n) needs a positive integer n, got ${String(n)}. Pass e.g. new Discrete(2).`,
      });
    }
    if (!Number.isSafeInteger(start)) {
      throw new SpaceError({ message: `Discrete start must be an integer, got ${String(start)}.` });
    }
    super([], 'int64', options.seed);
    this.n = n;
    this.start = start;
  }

  /**
   * A uniform element; with `mask`, uniform among the elements whose mask entry is 1; with
   * `probability`, drawn from that distribution.
   *
   * @param mask - optional `n` values of 0/1 (Gymnasium: `np.int8` array); all zeros returns `start`
   * @param probability - optional `n` probabilities in [0, 1] summing to 1
   * @returns an element
   * @throws {@link SpaceError} for a mask or probability of the wrong length or with invalid values, or both given
   */
  sample(mask?: ArrayLike<number> | null, probability?: ArrayLike<number> | null): number {
    if (mask != null && probability != null) {
      throw new SpaceError({
        message: 'Discrete.sample accepts a mask or a probability, not both. Pass only one of them.',
      });
    }
    if (mask != null) {
      if (mask.length !== this.n) {
        throw new SpaceError({ message: `The sample mask must have length ${this.n}, got ${mask.length}.` });
      }
      let valid = 0;
      for (let index = 0; index < this.n; index++) {
        const value = mask[index];
        if (value !== 0 && value !== 1) {
          throw new SpaceError({
            message: `All values of the sample mask must be 0 or 1, got ${String(value)} at index ${index}.`,
          });
        }
        valid += value;
      }
      if (valid === 0) return this.start;
      let pick = this.rng.integers(valid);
      for (let index = 0; index < this.n; index++) {
        if (mask[index] === 1) {
          if (pick === 0) return this.start + index;
          pick--;
        }
      }
      return this.start;
    }
    if (probability != null) {
      if (probability.length !== this.n) {
        throw new SpaceError({
          message: `The sample probability must have length ${this.n}, got ${probability.length}.`,
        });
      }
      let sum = 0;
      for (let index = 0; index < this.n; index++) {
        const value = probability[index]!;
        if (!(value >= 0 && value <= 1)) {
          throw new SpaceError({
            message: `All sample probabilities must be in [0, 1], got ${String(value)} at index ${index}.`,
          });
        }
        sum += value;
      }
      if (Math.abs(sum - 1) > 1e-8 + 1e-5) {
        throw new SpaceError({ message: `The sample probabilities must sum to 1, got ${sum}.` });
      }
      const draw = this.rng.random() * sum;
      let cumulative = 0;
      let last = 0;
      for (let index = 0; index < this.n; index++) {
        const value = probability[index]!;
        if (value > 0) last = index;
        cumulative += value;
        if (draw < cumulative) return this.start + index;
      }
      return this.start + last;
    }
    return this.start + this.rng.integers(this.n);
  }

  /**
   * @param value - anything
   * @returns true for an integer number in `[start, start + n)`
   */
  contains(value: unknown): value is number {
    return typeof value === 'number' && Number.isInteger(value) && value >= this.start && value < this.start + this.n;
  }

  /**
   * @param other - anything
   * @returns true for a `Discrete` with the same `n` and `start`
   */
  equals(other: unknown): boolean {
    return other instanceof Discrete && other.n === this.n && other.start === this.start;
  }

  /** @returns `{ type: 'Discrete', n, start, dtype: 'int64' }` */
  toJSON(): SpaceJSON {
    return { type: 'Discrete', n: this.n, start: this.start, dtype: 'int64' };
  }

  /**
   * @param samples - elements
   * @returns the same integers as a plain array
   */
  toJsonable(samples: readonly number[]): number[] {
    return samples.map((sample) => Number(sample));
  }

  /**
   * @param values - integers
   * @returns the same integers
   * @throws {@link SpaceError} when a value is not an integer
   */
  fromJsonable(values: readonly unknown[]): number[] {
    return values.map((value) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new SpaceError({ message: `Discrete.fromJsonable expects integers, got ${String(value)}.` });
      }
      return value;
    });
  }

  /** @returns Gymnasium's text form, e.g. `Discrete(2)` or `Discrete(3, start=-1)` */
  override toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}
