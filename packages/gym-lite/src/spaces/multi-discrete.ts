import { SpaceError } from '../errors.js';
import { Space, type SpaceJSON } from './space.js';

/**
 * A vector of independent discrete values, element `i` in `[start[i], start[i] + nvec[i])`
 * (Gymnasium's `spaces.MultiDiscrete`); the batched action space of a vector env.
 *
 * @example
 * ```ts
 * const space = new MultiDiscrete([2, 2, 2]);
 * space.sample(); // Int32Array(3) of 0/1
 * ```
 */
export class MultiDiscrete extends Space<Int32Array> {
  /** Number of values of each entry. */
  readonly nvec: Int32Array;
  /** Smallest value of each entry. */
  readonly start: Int32Array;

  /**
   * @param nvec - positive integer counts, one per entry
   * @param options - `start` per entry (default zeros) and `seed`
   * @throws {@link SpaceError} when a count is not a positive integer
   */
  constructor(nvec: ArrayLike<number>, options: { start?: ArrayLike<number>; seed?: number } = {}) {
    super([nvec.length], 'int64', options.seed);
    for (let index = 0; index < nvec.length; index++) {
      const count = nvec[index]!;
      if (!Number.isInteger(count) || count <= 0 || count > 2147483647) {
        throw new SpaceError({
          message: `MultiDiscrete counts must be positive integers, got ${String(count)} at ${index}.`,
        });
      }
    }
    this.nvec = Int32Array.from(nvec);
    const start = options.start ?? new Array<number>(nvec.length).fill(0);
    if (start.length !== nvec.length) {
      throw new SpaceError({ message: `MultiDiscrete start has ${start.length} entries, nvec has ${nvec.length}.` });
    }
    this.start = Int32Array.from(start);
  }

  /** @returns a new `Int32Array` with one uniform value per entry */
  sample(): Int32Array {
    const out = new Int32Array(this.nvec.length);
    for (let index = 0; index < out.length; index++)
      out[index] = this.start[index]! + this.rng.integers(this.nvec[index]!);
    return out;
  }

  /**
   * @param value - anything
   * @returns true for an array-like of integers within each entry's range
   */
  contains(value: unknown): value is Int32Array {
    if (!(ArrayBuffer.isView(value) || Array.isArray(value))) return false;
    const values = value as unknown as ArrayLike<unknown>;
    if (values.length !== this.nvec.length) return false;
    for (let index = 0; index < values.length; index++) {
      const entry = values[index];
      if (typeof entry !== 'number' || !Number.isInteger(entry)) return false;
      const start = this.start[index]!;
      if (entry < start || entry >= start + this.nvec[index]!) return false;
    }
    return true;
  }

  /**
   * @param other - anything
   * @returns true for a `MultiDiscrete` with equal `nvec` and `start`
   */
  equals(other: unknown): boolean {
    return (
      other instanceof MultiDiscrete &&
      other.nvec.length === this.nvec.length &&
      other.nvec.every((count, index) => count === this.nvec[index]) &&
      other.start.every((start, index) => start === this.start[index])
    );
  }

  /** @returns `{ type: 'MultiDiscrete', nvec, start, dtype: 'int64' }` */
  toJSON(): SpaceJSON {
    return { type: 'MultiDiscrete', nvec: Array.from(this.nvec), start: Array.from(this.start), dtype: 'int64' };
  }

  /**
   * @param samples - elements
   * @returns plain number arrays
   */
  toJsonable(samples: readonly Int32Array[]): number[][] {
    return samples.map((sample) => Array.from(sample));
  }

  /**
   * @param values - number arrays
   * @returns `Int32Array`s
   */
  fromJsonable(values: readonly unknown[]): Int32Array[] {
    return values.map((value) => Int32Array.from(value as number[]));
  }

  /** @returns e.g. `MultiDiscrete([2 2 2])` */
  override toString(): string {
    return `MultiDiscrete([${Array.from(this.nvec).join(' ')}])`;
  }
}
