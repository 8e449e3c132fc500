import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { TfkitOptionError } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReinforceAgent } from './reinforce.js';

beforeAll(async () => {
  await ensureBackend({ prefer: ['cpu'], log: false });
});

describe('ReinforceAgent', () => {
  it('improves the episode length by policy gradient and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const env = make('CartPole-v1');
    const agent = new ReinforceAgent(env, { seed: 0, hiddenLayers: [32], learningRate: 0.05 });
    const seen: number[] = [];
    const means = await agent.learn(env, {
      iterations: 12,
      gamesPerIteration: 8,
      onIteration: (_iteration, mean) => {
        seen.push(mean);
        return undefined;
      },
    });
    expect(means).toEqual(seen);
    const early = ((means[0] as number) + (means[1] as number)) / 2;
    const late = ((means.at(-1) as number) + (means.at(-2) as number)) / 2;
    expect(late).toBeGreaterThan(early * 1.5);
    expect([0, 1]).toContain(agent.act([0, 0, 0.05, 0]));
    agent.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops when onIteration returns false and rejects bad configs', async () => {
    const env = make('CartPole-v1');
    const agent = new ReinforceAgent(env, { seed: 1, hiddenLayers: [8] });
    const means = await agent.learn(env, { iterations: 10, gamesPerIteration: 2, onIteration: () => false });
    expect(means).toHaveLength(1);
    agent.dispose();
    expect(() => new ReinforceAgent(env, { learningRate: 0 })).toThrow(TfkitOptionError);
    expect(() => new ReinforceAgent(env, { hiddenLayers: [-1] })).toThrow(/hiddenLayers/);
  });
});
