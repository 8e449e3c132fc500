import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { TfkitOptionError } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentEnv } from '../env.js';
import { RlEnvMismatchError } from '../errors.js';
import { DqnAgent, type resolveDqnConfig } from './agent.js';
import { trainDqnUntilSolved } from './train-until-solved.js';

beforeAll(async () => {
  await ensureBackend({ prefer: ['cpu'], log: false });
});

function threeNumberEnv(): AgentEnv {
  const env = make('CartPole-v1');
  return {
    observationSpace: { shape: [3] },
    actionSpace: { n: 2 },
    reset: (options) => ({ observation: env.reset(options).observation.subarray(0, 3) }),
    step: (action) => {
      const result = env.step(action);
      return { ...result, observation: result.observation.subarray(0, 3) };
    },
  };
}

describe('DqnAgent configuration', () => {
  it('rejects a negative buffer size, a batch larger than the buffer and other bad values with typed errors', () => {
    const env = make('CartPole-v1');
    const attempt = (config: Parameters<typeof resolveDqnConfig>[0]): unknown => {
      try {
        new DqnAgent(env, config);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const negative = attempt({ bufferSize: -10 });
    expect(TfkitOptionError.isInstance(negative)).toBe(true);
    expect((negative as TfkitOptionError).option).toBe('bufferSize');
    expect((negative as Error).message).toMatch(/^\[@tfkit\/rl-agents\] Invalid option `bufferSize`: /);
    const tooBig = attempt({ bufferSize: 32, batchSize: 64 });
    expect((tooBig as TfkitOptionError).option).toBe('batchSize');
    expect((tooBig as Error).message).toMatch(/lower batchSize or raise bufferSize/);
    expect((attempt({ gamma: 1.5 }) as TfkitOptionError).option).toBe('gamma');
    expect((attempt({ hiddenLayers: [0] }) as TfkitOptionError).option).toBe('hiddenLayers');
    expect((attempt({ engine: 'gpu' as never }) as TfkitOptionError).option).toBe('engine');
    expect((attempt({ model: () => tf.sequential() }) as TfkitOptionError).option).toBe('model');
    expect(attempt({})).toBeUndefined();
  });

  it('rejects an environment or observation of the wrong size', async () => {
    const agent = new DqnAgent(make('CartPole-v1'));
    await expect(agent.learn(threeNumberEnv(), { totalTimesteps: 10 })).rejects.toSatisfy(
      (error) => RlEnvMismatchError.isInstance(error) && (error as RlEnvMismatchError).actual === 3,
    );
    expect(() => agent.predict([1, 2, 3])).toThrow(RlEnvMismatchError);
    await expect(agent.learn(make('CartPole-v1'), { totalTimesteps: 0 })).rejects.toThrow(TfkitOptionError);
  });
});

describe('DqnAgent learning', () => {
  it('stores time-limit cuts as not terminated, so they bootstrap', async () => {
    const env = make('CartPole-v1', { maxEpisodeSteps: 5 });
    const agent = new DqnAgent(env, { learningStarts: 1000, bufferSize: 100, batchSize: 8, seed: 2 });
    const result = await agent.learn(env, { totalTimesteps: 20 });
    expect(result.episodes.map((episode) => episode.value)).toEqual([5, 5, 5, 5]);
    expect(Array.from(agent.buffer.terminated.subarray(0, 20)).every((flag) => flag === 0)).toBe(true);
    expect(agent.counters.numTimesteps).toBe(20);
  });

  it('without an evalEnv, evaluates on the training env between episodes and a callback can stop', async () => {
    const env = make('CartPole-v1');
    const agent = new DqnAgent(env, {
      learningStarts: 100,
      trainFreq: 50,
      gradientSteps: 2,
      hiddenLayers: [16],
      seed: 3,
    });
    const events: string[] = [];
    const result = await agent.learn(env, {
      totalTimesteps: 2000,
      evalFreq: 300,
      evalEpisodes: 2,
      callback: (event) => {
        events.push(event.type);
        return event.type === 'eval' && events.filter((type) => type === 'eval').length === 2 ? false : undefined;
      },
    });
    expect(result.stopped).toBe(true);
    expect(result.evaluations).toHaveLength(2);
    expect(result.numTimesteps).toBeLessThan(2000);
    // Each evaluation comes right after a training episode ended.
    expect(events[events.indexOf('eval') - 1]).toBe('episode');
    for (const point of result.evaluations) expect(point.numTimesteps).toBeGreaterThanOrEqual(300);
  });

  it('follows the linear epsilon schedule', async () => {
    const env = make('CartPole-v1');
    const agent = new DqnAgent(env, { explorationSteps: 100, explorationFinalEps: 0.1, learningStarts: 10_000 });
    expect(agent.epsilon).toBe(1);
    await agent.learn(env, { totalTimesteps: 50 });
    expect(agent.epsilon).toBeCloseTo(0.55, 10);
    await agent.learn(env, { totalTimesteps: 100 });
    expect(agent.epsilon).toBe(0.1);
  });

  it('learns CartPole-v1 with a seed: a greedy evaluation averages above 150 within 30k steps', async () => {
    const untrained = new DqnAgent(make('CartPole-v1'), { seed: 1 });
    expect(untrained.evaluate(make('CartPole-v1'), { episodes: 10, seed: 0 }).mean).toBeLessThan(60);
    const result = await trainDqnUntilSolved(make('CartPole-v1'), {
      seed: 1,
      budget: 30_000,
      threshold: 150,
      evalFreq: 2000,
      evalEpisodes: 10,
      evalEnv: make('CartPole-v1'),
    });
    expect(result.solved).toBe(true);
    expect(result.evalMean).toBeGreaterThan(150);
    expect(result.envSteps).toBeGreaterThan(500); // after learningStarts, so it was learned
    const evaluations = result.history.evaluations.map((point) => point.value);
    expect(evaluations.at(-1) as number).toBeGreaterThan(evaluations[0] as number);
    expect(result.history.evaluations.length).toBeGreaterThan(0);
    expect(result.history.episodes.length).toBeGreaterThan(10);
    expect(result.updates).toBeGreaterThan(0);
  });

  it('keeps tf.memory().numTensors flat in steady state (tfjs engine)', async () => {
    const env = make('CartPole-v1');
    const before = tf.memory().numTensors;
    const agent = new DqnAgent(env, {
      engine: 'tfjs',
      hiddenLayers: [16],
      learningStarts: 100,
      trainFreq: 50,
      gradientSteps: 2,
      batchSize: 16,
      bufferSize: 1000,
      seed: 4,
    });
    const counts: number[] = [];
    const evalEnv = make('CartPole-v1');
    await agent.learn(env, {
      totalTimesteps: 1500,
      evalEnv,
      evalFreq: 500,
      evalEpisodes: 1,
      callback: (event) => {
        if (event.numTimesteps > 200) counts.push(tf.memory().numTensors);
        return undefined;
      },
    });
    expect(counts.length).toBeGreaterThan(5);
    expect(new Set(counts).size).toBe(1);
    agent.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
