import { TfkitOptionError } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { describe, expect, it } from 'vitest';
import { runExperiment } from './book/experiment.js';
import { bookQTableConfig } from './book/q-table-presets.js';
import { RlEnvMismatchError } from './errors.js';
import { QTableAgent, solvingQTableConfig } from './q-table.js';

describe('QTableAgent', () => {
  it('discretises with the book bounds: velocities clipped to +-1, 10 bins per dimension', () => {
    const agent = new QTableAgent(make('CartPole-v0'), bookQTableConfig);
    expect(agent.bins).toEqual([10, 10, 10, 10]);
    expect(agent.low[1]).toBe(-1);
    expect(agent.high[3]).toBe(1);
    expect(agent.low[0]).toBeCloseTo(-4.8, 5);
    expect(agent.table).toHaveLength(10_000 * 2);
    expect(agent.stateIndex([0, 0, 0, 0])).toBe(5 * 1000 + 5 * 100 + 5 * 10 + 5);
    expect(agent.stateIndex([-100, -100, -100, -100])).toBe(0);
    expect(agent.stateIndex([100, 100, 100, 100])).toBe(9999);
  });

  it('the book preset reproduces its ballpark over 1000 episodes (book: min 8, max 180, average 17.59)', () => {
    const env = make('CartPole-v0');
    const result = new QTableAgent(env, { ...bookQTableConfig, seed: 0 }).learn(env, { episodes: 1000 });
    expect(result.rewards).toHaveLength(1000);
    expect(result.mean).toBeGreaterThan(12);
    expect(result.mean).toBeLessThan(35);
    expect(result.min).toBeLessThanOrEqual(10);
    expect(result.max).toBeGreaterThan(60);
  });

  it('Q-learning with decaying rates solves CartPole-v0 (mean >= 195 over 100 consecutive episodes)', () => {
    const env = make('CartPole-v0');
    const agent = new QTableAgent(env, { ...solvingQTableConfig, seed: 1 });
    const result = agent.learn(env, { episodes: 1000, stopAtMean: 195 });
    expect(result.solvedAtEpisode).toBeDefined();
    expect(result.solvedAtEpisode as number).toBeLessThan(1000);
    const window = result.rewards.slice(-100);
    expect(window.reduce((a, b) => a + b, 0) / 100).toBeGreaterThanOrEqual(195);
    // The greedy policy it learned plays well too.
    expect(runExperiment(make('CartPole-v0'), agent, { episodes: 20, seed: 5 }).mean).toBeGreaterThan(150);
  });

  it('rejects bad configurations and mismatched environments with typed errors', () => {
    const env = make('CartPole-v0');
    expect(() => new QTableAgent(env, { bins: [10, 10] })).toThrow(TfkitOptionError);
    expect(() => new QTableAgent(env, { discount: 2 })).toThrow(/discount/);
    expect(() => new QTableAgent(env, { learningRate: -0.1 })).toThrow(/learningRate/);
    const agent = new QTableAgent(env);
    const wrong = {
      ...env,
      observationSpace: { shape: [3] },
      actionSpace: { n: 2 },
      reset: env.reset.bind(env),
      step: env.step.bind(env),
    };
    expect(() => agent.learn(wrong, { episodes: 1 })).toThrow(RlEnvMismatchError);
  });
});
