import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { TfkitOptionError } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatExperiment, randomPolicy, runExperiment } from './experiment.js';
import { trainNaiveNnPolicy } from './naive-nn.js';

beforeAll(async () => {
  await ensureBackend({ prefer: ['cpu'], log: false });
});

describe('trainNaiveNnPolicy (the book naive NN policy)', () => {
  it('imitates good random-linear-policy episodes and beats the random policy (book: average ~65-71)', async () => {
    const before = tf.memory().numTensors;
    const env = make('CartPole-v0');
    const losses: number[] = [];
    const policy = await trainNaiveNnPolicy(env, {
      seed: 0,
      episodes: 150,
      epochs: 6,
      batchSize: 64,
      onEpoch: (_epoch, loss) => losses.push(loss),
    });
    expect(policy.samples).toBeGreaterThan(300);
    expect(losses).toHaveLength(6);
    expect(losses.at(-1) as number).toBeLessThan(losses[0] as number);
    const result = runExperiment(make('CartPole-v0'), policy, { episodes: 20, seed: 1 });
    console.log(formatExperiment(result));
    const random = runExperiment(make('CartPole-v0'), randomPolicy({ seed: 1 }), { episodes: 20, seed: 1 });
    expect(result.policy).toBe('policy_naive_nn');
    expect(result.mean).toBeGreaterThan(random.mean + 15);
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains the same policy for the same seed', async () => {
    const options = { seed: 7, episodes: 60, epochs: 2, batchSize: 64, rewardThreshold: 40 };
    const first = await trainNaiveNnPolicy(make('CartPole-v0'), options);
    const second = await trainNaiveNnPolicy(make('CartPole-v0'), options);
    const weights = (policy: typeof first) => policy.model.getWeights().map((tensor) => Array.from(tensor.dataSync()));
    expect(weights(second)).toEqual(weights(first));
    first.dispose();
    second.dispose();
  });

  it('reports epochs through onEpochEnd and the deprecated onEpoch alike, and stops on the signal', async () => {
    const before = tf.memory().numTensors;
    const options = { seed: 7, episodes: 60, epochs: 3, batchSize: 64, rewardThreshold: 40 };
    const fresh: number[] = [];
    const old: number[] = [];
    const controller = new AbortController();
    {
      using policy = await trainNaiveNnPolicy(make('CartPole-v0'), {
        ...options,
        signal: controller.signal,
        onEpochEnd: async (epoch, logs) => {
          fresh.push(logs.loss);
          if (epoch === 1) controller.abort();
        },
        onEpoch: (_epoch, loss) => old.push(loss),
      });
      expect(fresh).toHaveLength(2);
      expect(old).toEqual(fresh);
      expect(policy.epochs).toBe(2);
      expect(policy.stopped).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says what to do when no episode passes the threshold', async () => {
    await expect(trainNaiveNnPolicy(make('CartPole-v0'), { episodes: 3, rewardThreshold: 1000 })).rejects.toThrow(
      TfkitOptionError,
    );
  });
});
