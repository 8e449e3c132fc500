import { TfkitOptionError } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { describe, expect, it } from 'vitest';
import { linearSchedule } from '../dqn/replay-buffer.js';
import { RlEnvMismatchError, RlNotDiscreteError } from '../errors.js';
import { policyIteration, valueIteration } from '../planning/planners.js';
import { type DiscreteEnv, evaluateTabularPolicy, TabularAgent } from './tabular-agent.js';

/** A corridor of 4 cells: action 1 moves right (reward 1 at the end), action 0 stays (reward 0). */
function corridor(): DiscreteEnv {
  let state = 0;
  return {
    observationSpace: { n: 4 },
    actionSpace: { n: 2 },
    reset: () => {
      state = 0;
      return { observation: state };
    },
    step: (action) => {
      if (action === 1) state++;
      const terminated = state === 3;
      return { observation: state, reward: terminated ? 1 : 0, terminated, truncated: false };
    },
  };
}

describe('TabularAgent', () => {
  it('Q-learning learns the corridor exactly: Q(s, right) = gamma^(2 - s)', async () => {
    const agent = new TabularAgent(corridor(), { gamma: 0.9, learningRate: 0.5, epsilon: 0.5, seed: 1 });
    const { returns, lengths, steps, stopped } = await agent.learn(corridor(), { episodes: 300 });
    expect(returns).toHaveLength(300);
    expect(returns.every((value) => value === 1)).toBe(true);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(steps);
    expect(stopped).toBe(false);
    for (let state = 0; state < 3; state++) expect(agent.qValues(state)[1]).toBeCloseTo(0.9 ** (2 - state), 6);
    expect(Array.from(agent.policy()).slice(0, 3)).toEqual([1, 1, 1]);
    expect(agent.predict(0)).toBe(1);
  });

  it('Q-learning on Taxi-v4 reaches a greedy mean return >= 7.5 within 5,000 episodes, close to the planned optimum', async () => {
    const env = make('Taxi-v4');
    const agent = new TabularAgent(env, {
      learningRate: 0.5,
      epsilon: linearSchedule(1, 0.01, 2500),
      seed: 0,
    });
    const { returns } = await agent.learn(env, { episodes: 5000 });
    expect(returns).toHaveLength(5000);
    const early = returns.slice(0, 100).reduce((a, b) => a + b, 0) / 100;
    const late = returns.slice(-100).reduce((a, b) => a + b, 0) / 100;
    expect(late).toBeGreaterThan(early + 100); // the learning curve climbs from about -700
    const learned = evaluateTabularPolicy(make('Taxi-v4'), agent.policy(), { episodes: 2000, seed: 0 });
    const planned = evaluateTabularPolicy(make('Taxi-v4'), valueIteration(env).policy, { episodes: 2000, seed: 0 });
    expect(learned.meanReturn).toBeGreaterThanOrEqual(7.5);
    expect(learned.meanReturn).toBeLessThanOrEqual(planned.meanReturn + 1e-9);
    expect(learned.successRate).toBe(1);
  });

  it('SARSA learns Taxi-v4 on-policy with a decaying epsilon', async () => {
    const env = make('Taxi-v4');
    const agent = new TabularAgent(env, {
      algorithm: 'sarsa',
      learningRate: 0.5,
      epsilon: linearSchedule(1, 0, 4000),
      seed: 0,
    });
    await agent.learn(env, { episodes: 5000 });
    expect(
      evaluateTabularPolicy(make('Taxi-v4'), agent.policy(), { episodes: 1000, seed: 0 }).meanReturn,
    ).toBeGreaterThan(7);
  });

  it('is reproducible per seed, follows totalTimesteps, reports episodes and steps, and stops on the signal', async () => {
    const run = async (seed: number) => {
      const env = make('FrozenLake-v1');
      const agent = new TabularAgent(env, { seed, epsilon: 0.5 });
      const { lengths } = await agent.learn(env, { episodes: 200 });
      return [...lengths, ...agent.Q];
    };
    expect(await run(3)).toEqual(await run(3));
    expect(await run(4)).not.toEqual(await run(3));
    const env = make('FrozenLake-v1');
    const agent = new TabularAgent(env, { seed: 1 });
    const budget = await agent.learn(env, { totalTimesteps: 250 });
    expect(budget.steps).toBe(250);
    expect(agent.numTimesteps).toBe(250);
    const controller = new AbortController();
    const episodes: number[] = [];
    let lastStep = 0;
    const stopped = await agent.learn(env, {
      episodes: 1000,
      signal: controller.signal,
      onStep: (step) => {
        lastStep = step;
      },
      onEpisodeEnd: async (episode, logs) => {
        episodes.push(episode);
        expect(logs.numTimesteps).toBe(lastStep);
        if (episodes.length === 7) controller.abort();
      },
    });
    expect(stopped.stopped).toBe(true);
    expect(stopped.returns).toHaveLength(7);
    expect(episodes).toEqual(Array.from({ length: 7 }, (_, index) => agent.numEpisodes - 7 + index));
  });

  it('rejects non-discrete envs, mismatched envs and bad options with typed errors', async () => {
    expect(() => new TabularAgent(make('CartPole-v1') as unknown as DiscreteEnv)).toThrow(RlNotDiscreteError);
    const agent = new TabularAgent(make('FrozenLake-v1'));
    await expect(agent.learn(make('FrozenLake8x8-v1'))).rejects.toSatisfy(
      (error) => RlEnvMismatchError.isInstance(error) && (error as RlEnvMismatchError).actual === 64,
    );
    expect(() => agent.predict(16)).toThrow(RlEnvMismatchError);
    for (const [config, option] of [
      [{ gamma: 2 }, 'gamma'],
      [{ learningRate: 0 }, 'learningRate'],
      [{ epsilon: -0.1 }, 'epsilon'],
      [{ algorithm: 'td' as 'sarsa' }, 'algorithm'],
    ] as const) {
      let caught: unknown;
      try {
        new TabularAgent(make('FrozenLake-v1'), config);
      } catch (error) {
        caught = error;
      }
      expect((caught as TfkitOptionError).option).toBe(option);
    }
    const badSchedule = new TabularAgent(make('FrozenLake-v1'), { epsilon: () => 2 });
    await expect(badSchedule.learn(make('FrozenLake-v1'), { episodes: 1 })).rejects.toThrow(/epsilon.*episode 0/);
    await expect(agent.learn(make('FrozenLake-v1'), { episodes: 0 })).rejects.toThrow(TfkitOptionError);
    expect(() => evaluateTabularPolicy(make('FrozenLake-v1'), agent.policy(), { episodes: 0 })).toThrow(
      TfkitOptionError,
    );
  });
});

describe("planning on gym-lite's toy-text envs (issue 12's targets, 10,000 seeded episodes)", () => {
  it('FrozenLake-v1: the value-iteration policy succeeds >= 0.72, and policy iteration finds the same policy', () => {
    const env = make('FrozenLake-v1');
    const iterated = valueIteration(env, { gamma: 0.99 });
    const planned = policyIteration(env, { gamma: 0.99 });
    expect(Array.from(planned.policy)).toEqual(Array.from(iterated.policy));
    expect(
      evaluateTabularPolicy(env, iterated.policy, { episodes: 10_000, seed: 0 }).successRate,
    ).toBeGreaterThanOrEqual(0.72);
  });

  it('FrozenLake8x8-v1 (gamma 0.995): success >= 0.89; policy iteration agrees', () => {
    const env = make('FrozenLake8x8-v1');
    const iterated = valueIteration(env, { gamma: 0.995 });
    expect(Array.from(policyIteration(env, { gamma: 0.995 }).policy)).toEqual(Array.from(iterated.policy));
    expect(
      evaluateTabularPolicy(env, iterated.policy, { episodes: 10_000, seed: 0 }).successRate,
    ).toBeGreaterThanOrEqual(0.89);
  });

  it("Taxi-v4: the planned policy earns the exact optimum of Gymnasium's start distribution (7.93)", () => {
    const env = make('Taxi-v4');
    const optimal = valueIteration(env, { gamma: 1 });
    const planned = valueIteration(env, { gamma: 0.99 });
    expect(Array.from(policyIteration(env, { gamma: 0.99 }).policy)).toEqual(Array.from(planned.policy));
    const start = (env.unwrapped as unknown as { initialStateDistribution: Float64Array }).initialStateDistribution;
    const expected = start.reduce((sum, probability, state) => sum + probability * optimal.V[state]!, 0);
    expect(expected).toBeCloseTo(7.93, 9);
    const evaluation = evaluateTabularPolicy(env, planned.policy, { episodes: 10_000, seed: 0 });
    expect(evaluation.successRate).toBe(1);
    expect(Math.abs(evaluation.meanReturn - expected)).toBeLessThan(0.1); // 10,000 episodes: standard error ~0.03
  });
});
