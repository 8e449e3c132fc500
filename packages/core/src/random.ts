import { TfkitOptionError } from './errors.js';

const packageName = '@tfkit/core';

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
 * The seeded pseudo-random generator of every tfkit package: sfc32 (128-bit state) seeded
 * through splitmix32, with numpy-`Generator`-like methods.
 *
 * @remarks
 * Plays the role of Gymnasium's `np_random` in `@tfkit/gym-lite` and of every seeded stream
 * elsewhere (weight init, exploration, shuffling, noise). The bit stream is not numpy's PCG64, so the same
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
   * @throws {@link TfkitOptionError} when `seed` is not a non-negative safe integer
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
   * @throws {@link TfkitOptionError} when the bounds are not integers or the range is empty
   */
  integers(lowOrHigh: number, high?: number): number {
    const low = high === undefined ? 0 : lowOrHigh;
    const end = high === undefined ? lowOrHigh : high;
    const range = end - low;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(end) || range <= 0 || !Number.isSafeInteger(range)) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'integers',
        message: `integers(${lowOrHigh}, ${high}) needs integer bounds with low < high; pass e.g. integers(2) or integers(0, 2).`,
      });
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
   * A float64 uniform in [0, 1) from one 32-bit draw (faster, 32 random bits), for noise and
   * exploration where 53 bits are not needed.
   *
   * @returns a number in [0, 1)
   */
  random32(): number {
    return this.nextUint32() / twoPow32;
  }

  /**
   * Fills `target` with uniform numbers in [low, high), one 32-bit draw each.
   *
   * @param target - the array to fill
   * @param low - lower bound
   * @param high - upper bound
   * @returns `target`
   * @defaultValue low 0, high 1
   */
  fillUniform<T extends Float32Array | Float64Array>(target: T, low = 0, high = 1): T {
    const span = high - low;
    for (let index = 0; index < target.length; index++) target[index] = low + span * (this.nextUint32() / twoPow32);
    return target;
  }

  /**
   * Fills `target` with normal samples (Box-Muller, both values of each pair used).
   *
   * @param target - the array to fill
   * @param mean - the mean
   * @param standardDeviation - the standard deviation
   * @returns `target`
   * @defaultValue mean 0, standardDeviation 1
   */
  fillNormal<T extends Float32Array | Float64Array>(target: T, mean = 0, standardDeviation = 1): T {
    for (let index = 0; index < target.length; index += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - this.random()));
      const angle = 2 * Math.PI * this.random();
      target[index] = mean + standardDeviation * radius * Math.cos(angle);
      if (index + 1 < target.length) target[index + 1] = mean + standardDeviation * radius * Math.sin(angle);
    }
    return target;
  }

  /**
   * Shuffles `items` in place (Fisher-Yates, unbiased through {@link Rng.integers}).
   *
   * @param items - the array to shuffle
   * @returns `items`
   */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let index = items.length - 1; index > 0; index--) {
      const other = this.integers(index + 1);
      const kept = items[index];
      items[index] = items[other];
      items[other] = kept;
    }
    return items;
  }

  /**
   * A random permutation of `0..count-1`.
   *
   * @param count - how many indices
   * @returns a new `Uint32Array`
   */
  permutation(count: number): Uint32Array {
    const order = new Uint32Array(count);
    for (let index = 0; index < count; index++) order[index] = index;
    return this.shuffle(order);
  }

  /**
   * An index drawn with the given (not necessarily normalised) non-negative weights, like
   * numpy's `choice(p=...)` through a cumulative sum.
   *
   * @param weights - non-negative weights, at least one positive
   * @returns an index into `weights`
   */
  choiceIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let index = 0; index < weights.length; index++) total += weights[index]!;
    const target = this.random() * total;
    let cumulative = 0;
    for (let index = 0; index < weights.length; index++) {
      cumulative += weights[index]!;
      if (target < cumulative) return index;
    }
    return weights.length - 1;
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
    throw new TfkitOptionError({
      package: packageName,
      option: 'seed',
      message: `must be an integer, got ${typeof seed === 'number' ? seed : typeof seed}. Pass a non-negative integer such as 42.`,
      value: seed,
    });
  }
  if (seed < 0) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'seed',
      message: `must be greater or equal to zero, got ${seed}. Pass a non-negative integer.`,
      value: seed,
    });
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
 * @throws {@link TfkitOptionError} for a negative or non-integer seed
 * @example
 * ```ts
 * const rng = createRng(7);
 * rng.random(); // same number on every run
 * ```
 */
export function createRng(seed?: number): Rng {
  return new Rng(seed === undefined ? entropySeed() : seed);
}

/**
 * Derives an independent seed from a seed and any number of stream indices (a worker, an epoch,
 * an env index), so that `(seed, 0)` and `(seed, 1)` give unrelated generators.
 *
 * @param seed - a non-negative safe integer
 * @param streams - stream indices (non-negative safe integers)
 * @returns a seed in [0, 2^32)
 * @example
 * ```ts
 * const envSeed = deriveSeed(42, envIndex);
 * const epochRng = createRng(deriveSeed(seed, epoch));
 * ```
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let hash = mixWord(0x9e3779b9 ^ (seed >>> 0), Math.floor(seed / twoPow32) >>> 0);
  for (const stream of streams) {
    hash = mixWord(hash ^ 0x85ebca6b, stream >>> 0);
    hash = mixWord(hash, Math.floor(stream / twoPow32) >>> 0);
  }
  return hash >>> 0;
}

function mixWord(hash: number, word: number): number {
  let z = (hash + Math.imul(word ^ 0x27d4eb2d, 0x9e3779b1)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded random permutation of `0..count-1` (a fresh {@link Rng} from `seed`).
 *
 * @param count - how many indices
 * @param seed - a non-negative safe integer
 * @returns a new `Uint32Array`
 * @example
 * ```ts
 * permutation(5, 42); // the same order on every run
 * ```
 */
export function permutation(count: number, seed: number): Uint32Array {
  return new Rng(seed).permutation(count);
}
