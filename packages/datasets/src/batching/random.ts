/**
 * mulberry32: a small, fast, seedable PRNG (32-bit state). Returns floats in `[0, 1)`.
 *
 * @param seed - any integer; the same seed gives the same sequence
 * @returns a function drawing the next number
 * @example
 * ```ts
 * const random = mulberry32(42);
 * random(); // the same first number for every run with seed 42
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed and an epoch number into one 32-bit seed (murmur3 finaliser). */
function mix(seed: number, epoch: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The order of examples in one epoch: `0..size-1`, shuffled (Fisher-Yates) with a PRNG seeded by
 * `(seed, epoch)` when `shuffle` is true. Each epoch's order depends only on the seed and the epoch number.
 *
 * @param size - number of examples
 * @param shuffle - whether to shuffle
 * @param seed - the seed
 * @param epoch - the epoch number, from 0
 * @returns the example indices in visiting order
 * @example
 * ```ts
 * epochOrder(5, true, 42, 0); // the same permutation every time
 * ```
 */
export function epochOrder(size: number, shuffle: boolean, seed: number, epoch: number): number[] {
  const order = Array.from({ length: size }, (_, index) => index);
  if (!shuffle) return order;
  const random = mulberry32(mix(seed, epoch));
  for (let index = size - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const kept = order[index]!;
    order[index] = order[other]!;
    order[other] = kept;
  }
  return order;
}
