import { TfkitOptionError } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { describe, expect, it } from 'vitest';
import {
  angleLogicPolicy,
  formatExperiment,
  linearPolicy,
  randomPolicy,
  randomSearch,
  runExperiment,
} from './experiment.js';

describe('runExperiment and the book policies (CartPole-v0)', () => {
  it('the random policy lands in the book ballpark (min 9, max 63, average ~20-22)', () => {
    const result = runExperiment(make('CartPole-v0'), randomPolicy({ seed: 0 }), { episodes: 100, seed: 0 });
    expect(result.rewards).toHaveLength(100);
    expect(result.mean).toBeGreaterThan(15);
    expect(result.mean).toBeLessThan(30);
    expect(result.min).toBeGreaterThanOrEqual(8);
    expect(result.max).toBeLessThan(120);
    expect(result.policy).toBe('policy_random');
  });

  it('is reproducible with a seed and differs with another', () => {
    const first = runExperiment(make('CartPole-v0'), randomPolicy({ seed: 3 }), { episodes: 20, seed: 3 });
    const again = runExperiment(make('CartPole-v0'), randomPolicy({ seed: 3 }), { episodes: 20, seed: 3 });
    const other = runExperiment(make('CartPole-v0'), randomPolicy({ seed: 4 }), { episodes: 20, seed: 4 });
    expect(again.rewards).toEqual(first.rewards);
    expect(other.rewards).not.toEqual(first.rewards);
  });

  it('the angle-logic policy averages ~42 (book: min 24, max 66, average 42.81)', () => {
    const result = runExperiment(make('CartPole-v0'), angleLogicPolicy(), { episodes: 100, seed: 0 });
    expect(result.mean).toBeGreaterThan(34);
    expect(result.mean).toBeLessThan(52);
    expect(result.min).toBeGreaterThan(20);
    expect(result.max).toBeLessThan(80);
  });

  it('random search finds a linear policy that scores 200 and then averages 200', () => {
    const env = make('CartPole-v0');
    const search = randomSearch(env, { seed: 0, candidates: 200 });
    expect(search.score).toBe(200);
    expect(search.tried).toBeLessThanOrEqual(200);
    expect(search.theta).toHaveLength(4);
    const result = runExperiment(env, search.policy, { episodes: 100, seed: 1 });
    expect(result.mean).toBeGreaterThan(190);
    expect(result.max).toBe(200);
  });

  it('rewardsMax stops episodes early', () => {
    const result = runExperiment(make('CartPole-v0'), linearPolicy([0, 0, 1, 1]), {
      episodes: 5,
      rewardsMax: 50,
      seed: 0,
    });
    expect(result.max).toBeLessThanOrEqual(50);
  });

  it('formats the book line exactly', () => {
    expect(formatExperiment({ policy: 'policy_random', min: 9, max: 63, mean: 20.26, rewards: [] })).toBe(
      'Policy:policy_random, Min reward:9.0, Max reward:63.0, Average reward:20.26',
    );
    expect(formatExperiment({ policy: 'p', min: 200, max: 200, mean: 200, rewards: [] })).toBe(
      'Policy:p, Min reward:200.0, Max reward:200.0, Average reward:200.0',
    );
  });

  it('rejects a non-positive episode count with a typed error', () => {
    expect(() => runExperiment(make('CartPole-v0'), angleLogicPolicy(), { episodes: 0 })).toThrowError(/episodes/);
    try {
      runExperiment(make('CartPole-v0'), angleLogicPolicy(), { episodes: -1 });
    } catch (error) {
      expect(TfkitOptionError.isInstance(error)).toBe(true);
    }
  });
});
