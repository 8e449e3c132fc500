import { InvalidOptionError } from './errors.js';

const twoPow32 = 4294967296;
const twoPow53 = 9007199254740992;

/** The four 32-bit words of an {@link Rng}'s state. */
export type RngState = readonly [number, number, number, number];

function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A small, fast, seeded pseudo-random generator (sfc32) with numpy-`Generator`-like methods.
 *
 * @remarks
 * Plays the role of Gymnasium's `np_random`. The bit stream is not numpy's PCG64, so the same
 * seed gives different numbers than Python; the distributions and the seeding rules are the same.
 * Never uses `Math.random`.
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.uniform(-0.05, 0.05); // a float64 in [-0.05, 0.05)
 * rng.integers(2);          // 0 or 1
 * ```
 */
export class Rng {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;
  /** The seed this generator was created from. */
  readonly seed: number;

  /**
   * @param seed - a non-negative safe integer
   * @throws {@link InvalidOptionError} when `seed` is not a non-negative safe integer
   */
  constructor(seed: number) {
    assertSeed(seed);
    this.seed = seed;
    const low = seed >>> 0;
    const high = Math.floor(seed / twoPow32) >>> 0;
    const mix = splitMix32(low ^ Math.imul(high, 0x27d4eb2d) ^ 0x5bd1e995);
    this.#a = mix() ^ high;
    this.#b = mix();
    this.#c = mix() ^ low;
    this.#d = 1;
    for (let index = 0; index < 15; index++) this.nextUint32();
  }

  /**
   * The next raw 32-bit unsigned integer.
   *
   * @returns an integer in [0, 2^32)
   */
  nextUint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const rotated = (c << 21) | (c >>> 11);
    this.#c = (rotated + t) | 0;
    return t >>> 0;
  }

  /**
   * A float64 uniform in [0, 1) with 53 random bits (like numpy's `random()`).
   *
   * @returns a number in [0, 1)
   */
  random(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / twoPow53;
  }

  /**
   * A float64 uniform in [low, high), computed as `low + (high - low) * random()` like numpy.
   *
   * @param low - lower bound
   * @param high - upper bound
   * @returns a number in [low, high)
   * @defaultValue low 0, high 1
   */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /**
   * A uniform integer like numpy's `integers`: `integers(n)` is in [0, n), `integers(low, high)` in [low, high).
   *
   * @param lowOrHigh - the exclusive upper bound when `high` is omitted, else the inclusive lower bound
   * @param high - the exclusive upper bound
   * @returns an integer
   * @throws {@link InvalidOptionError} when the bounds are not integers or the range is empty
   */
  integers(lowOrHigh: number, high?: number): number {
    const low = high === undefined ? 0 : lowOrHigh;
    const end = high === undefined ? lowOrHigh : high;
    const range = end - low;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(end) || range <= 0 || !Number.isSafeInteger(range)) {
      throw new InvalidOptionError(
        `integers(${lowOrHigh}, ${high}) needs integer bounds with low < high; pass e.g. integers(2) or integers(0, 2).`,
      );
    }
    if (range <= twoPow32) {
      const limit = twoPow32 - (twoPow32 % range);
      let value = this.nextUint32();
      while (value >= limit) value = this.nextUint32();
      return low + (value % range);
    }
    const limit = twoPow53 - (twoPow53 % range);
    let value = this.random() * twoPow53;
    while (value >= limit) value = this.random() * twoPow53;
    return low + (value % range);
  }

  /**
   * A normal sample (Box-Muller).
   *
   * @param mean - the mean
   * @param standardDeviation - the standard deviation
   * @returns a number
   * @defaultValue mean 0, standardDeviation 1
   */
  normal(mean = 0, standardDeviation = 1): number {
    const radius = Math.sqrt(-2 * Math.log(1 - this.random()));
    return mean + standardDeviation * radius * Math.cos(2 * Math.PI * this.random());
  }

  /**
   * An exponential sample.
   *
   * @param scale - 1 / rate
   * @returns a non-negative number
   * @defaultValue scale 1
   */
  exponential(scale = 1): number {
    return -Math.log(1 - this.random()) * scale;
  }

  /**
   * The generator's state, for comparing or restoring generators.
   *
   * @returns the four state words
   */
  getState(): RngState {
    return [this.#a >>> 0, this.#b >>> 0, this.#c >>> 0, this.#d >>> 0];
  }

  /**
   * Restores a state from {@link Rng.getState}.
   *
   * @param state - four 32-bit words
   */
  setState(state: RngState): void {
    this.#a = state[0] | 0;
    this.#b = state[1] | 0;
    this.#c = state[2] | 0;
    this.#d = state[3] | 0;
  }

  /**
   * An independent copy that continues the same stream.
   *
   * @returns a new {@link Rng}
   */
  clone(): Rng {
    const copy = new Rng(this.seed);
    copy.setState(this.getState());
    return copy;
  }
}

function assertSeed(seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidOptionError(
      `Seed must be an integer, got ${typeof seed === 'number' ? seed : typeof seed}. Pass a non-negative integer such as 42.`,
    );
  }
  if (seed < 0) {
    throw new InvalidOptionError(`Seed must be greater or equal to zero, got ${seed}. Pass a non-negative integer.`);
  }
}

/**
 * A fresh seed from the platform's cryptographic source (`crypto.getRandomValues`), never `Math.random`.
 *
 * @returns a non-negative safe integer
 */
export function entropySeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (words[0]! & 0x1fffff) * twoPow32 + words[1]!;
}

/**
 * Creates a generator like Gymnasium's `seeding.np_random(seed)`.
 *
 * @param seed - a non-negative integer; omitted, a seed is drawn from {@link entropySeed}
 * @returns the generator; `rng.seed` is the seed it was created from
 * @throws {@link InvalidOptionError} for a negative or non-integer seed
 * @example
 * ```ts
 * const rng = createRng(7);
 * rng.random(); // same number on every run
 * ```
 */
export function createRng(seed?: number): Rng {
  return new Rng(seed === undefined ? entropySeed() : seed);
}
