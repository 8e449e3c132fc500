import { deriveSeed, permutation } from '@tfkit/core';

/**
 * The order of examples in one epoch: `0..size-1`, shuffled (Fisher-Yates, `@tfkit/core`'s sfc32
 * seeded with `deriveSeed(seed, epoch)`) when `shuffle` is true. Each epoch's order depends only on
 * the seed and the epoch number.
 *
 * @param size - number of examples
 * @param shuffle - whether to shuffle
 * @param seed - the seed (any integer)
 * @param epoch - the epoch number, from 0
 * @returns the example indices in visiting order
 * @example
 * ```ts
 * epochOrder(5, true, 42, 0); // the same permutation every time
 * ```
 */
export function epochOrder(size: number, shuffle: boolean, seed: number, epoch: number): number[] {
  if (!shuffle) return Array.from({ length: size }, (_, index) => index);
  return Array.from(permutation(size, deriveSeed(seed, epoch)));
}
