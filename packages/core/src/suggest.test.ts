import { describe, expect, it } from 'vitest';
import { closestMatches, didYouMean, editDistance } from './index.js';

describe('suggestions', () => {
  it('computes Levenshtein distances', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('CartPole', 'CartPole')).toBe(0);
  });

  it('ranks close matches like difflib, case-insensitively', () => {
    expect(closestMatches('cartpole-v1', ['CartPole-v0', 'CartPole-v1', 'Taxi-v4'])).toEqual([
      'CartPole-v1',
      'CartPole-v0',
    ]);
    expect(closestMatches('xyz', ['CartPole-v1'])).toEqual([]);
    expect(
      closestMatches('FrozenLake-v9', ['FrozenLake-v1', 'Taxi-v4'], { normalize: (id) => id.replace(/-v\d+$/, '') }),
    ).toEqual(['FrozenLake-v1']);
  });

  it('writes a hint only when something is close', () => {
    expect(didYouMean('lerning-rate', ['learning-rate', 'seed'])).toBe(' Did you mean "learning-rate"?');
    expect(didYouMean('zzz', ['learning-rate'])).toBe('');
  });
});
