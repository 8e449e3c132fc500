import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { TfkitOptionError } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentEnv } from '../env.js';
import { RlEnvMismatchError } from '../errors.js';
import { DqnAgent } from './agent.js';
import type { resolveDqnConfig } from './config.js';
import type { LearnEvent } from './learning.js';
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
      totalTimesteps: 30_000,
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

describe('DqnAgent training-loop contract', () => {
  const smallConfig = { hiddenLayers: [16], learningStarts: 100, trainFreq: 25, gradientSteps: 2, seed: 7 };

  it('onEpisodeEnd, onStep and onEvaluationEnd see the same run as the deprecated callback', async () => {
    const run = async (style: 'new' | 'old') => {
      const env = make('CartPole-v1');
      const agent = new DqnAgent(env, smallConfig);
      const episodes: unknown[] = [];
      const evaluations: unknown[] = [];
      let steps = 0;
      const result = await agent.learn(env, {
        totalTimesteps: 1200,
        evalFreq: 400,
        evalEpisodes: 1,
        ...(style === 'new'
          ? {
              onEpisodeEnd: (episode: number, logs: { episodeReturn: number }) => {
                episodes.push([episode + 1, logs.episodeReturn]);
              },
              onStep: (step: number) => {
                steps = step;
              },
              onEvaluationEnd: async (_index: number, logs: { mean: number }) => {
                evaluations.push(logs.mean);
              },
            }
          : {
              callback: (event: LearnEvent) => {
                if (event.type === 'episode') episodes.push([event.episode, event.episodeReturn]);
                else evaluations.push(event.mean);
                return undefined;
              },
            }),
      });
      return { episodes, evaluations, steps, result, q: Array.from(agent.qValues([0.01, 0.02, 0.03, 0.04])) };
    };
    const fresh = await run('new');
    const old = await run('old');
    expect(fresh.steps).toBe(1200);
    expect(fresh.episodes.length).toBeGreaterThan(5);
    expect(fresh.evaluations).toHaveLength(2); // at the ends of the episodes after steps 400 and 800
    expect(fresh.episodes).toEqual(old.episodes);
    expect(fresh.evaluations).toEqual(old.evaluations);
    expect(fresh.q).toEqual(old.q);
    expect(fresh.result.stopped).toBe(false);
  });

  it('stops at the next step when the signal aborts, returning what it has with stopped: true', async () => {
    const env = make('CartPole-v1');
    const agent = new DqnAgent(env, smallConfig);
    const controller = new AbortController();
    const result = await agent.learn(env, {
      totalTimesteps: 5000,
      signal: controller.signal,
      onStep: (step) => {
        if (step === 321) controller.abort();
      },
    });
    expect(result.stopped).toBe(true);
    expect(result.steps).toBe(321);
    expect(agent.counters.numTimesteps).toBe(321);
    const again = await agent.learn(env, { totalTimesteps: 10, signal: controller.signal });
    expect(again.steps).toBe(0);
    expect(again.stopped).toBe(true);
  });

  it('disposes with `using` ([Symbol.dispose])', () => {
    const before = tf.memory().numTensors;
    {
      using agent = new DqnAgent(make('CartPole-v1'), { engine: 'tfjs', hiddenLayers: [4] });
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      expect(typeof agent[Symbol.dispose]).toBe('function');
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainDqnUntilSolved options', () => {
  const config = { hiddenLayers: [8], learningStarts: 50, trainFreq: 50, gradientSteps: 1 };

  it('takes totalTimesteps, and budget as a deprecated alias (same run)', async () => {
    const fresh = await trainDqnUntilSolved(make('CartPole-v1'), {
      config,
      totalTimesteps: 600,
      evalFreq: 300,
      evalEpisodes: 1,
    });
    const old = await trainDqnUntilSolved(make('CartPole-v1'), { config, budget: 600, evalFreq: 300, evalEpisodes: 1 });
    expect(fresh.envSteps).toBe(600);
    expect(old.envSteps).toBe(600);
    expect(old.history).toEqual(fresh.history);
    expect(fresh.solved || fresh.stopped).toBe(false);
    await expect(trainDqnUntilSolved(make('CartPole-v1'), { budget: 0 })).rejects.toSatisfy(
      (error) => TfkitOptionError.isInstance(error) && (error as TfkitOptionError).option === 'budget',
    );
    await expect(trainDqnUntilSolved(make('CartPole-v1'), { totalTimesteps: -1 })).rejects.toThrow(/totalTimesteps/);
  });

  it('stops on the signal or on the deprecated onProgress returning false, and reports stopped', async () => {
    const controller = new AbortController();
    const episodes: number[] = [];
    const bySignal = await trainDqnUntilSolved(make('CartPole-v1'), {
      config,
      totalTimesteps: 5000,
      signal: controller.signal,
      onEpisodeEnd: (episode) => {
        episodes.push(episode);
        if (episode === 4) controller.abort();
      },
    });
    expect(episodes).toEqual([0, 1, 2, 3, 4]);
    expect(bySignal.stopped).toBe(true);
    expect(bySignal.solved).toBe(false);
    expect(bySignal.history.episodes).toHaveLength(5);
    const events: string[] = [];
    const byProgress = await trainDqnUntilSolved(make('CartPole-v1'), {
      config,
      totalTimesteps: 5000,
      onProgress: (event) => {
        events.push(event.type);
        return events.length === 3 ? false : undefined;
      },
    });
    expect(byProgress.stopped).toBe(true);
    expect(byProgress.history.episodes).toHaveLength(3);
  });
});
