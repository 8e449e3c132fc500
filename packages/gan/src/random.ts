/** Small seeded pseudo-random generators: library code never uses `Math.random`. */

/** A uniform generator in [0, 1) with a 32-bit state. */
export interface Random {
  /** Next number in [0, 1). */
  next(): number;
}

/** mulberry32: a tiny, fast 32-bit PRNG, good enough for noise, shuffling and seeds. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Mixes integers into one 32-bit seed (splitmix-style avalanche), so that `(seed, epoch, step)` give independent streams. */
export function mixSeed(...parts: number[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    hash = Math.imul(hash ^ (part >>> 0), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    hash = (hash + Math.floor(part / 4294967296)) >>> 0;
  }
  return hash >>> 0;
}

/** Fills a new Float32Array with uniform noise in [low, high). */
export function uniformNoise(count: number, seed: number, low = -1, high = 1): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(count);
  const span = high - low;
  for (let index = 0; index < count; index++) out[index] = low + span * random.next();
  return out;
}

/** A seeded Fisher-Yates permutation of `0..count-1`. */
export function permutation(count: number, seed: number): Uint32Array {
  const random = mulberry32(seed);
  const order = new Uint32Array(count);
  for (let index = 0; index < count; index++) order[index] = index;
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(random.next() * (index + 1));
    const swap = order[index]!;
    order[index] = order[other]!;
    order[other] = swap;
  }
  return order;
}
