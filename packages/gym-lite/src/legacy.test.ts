import { describe, expect, it } from 'vitest';
import type { CartPoleEnv } from './envs/cart-pole.js';
import { toLegacyEnv } from './legacy.js';
import { make } from './registration.js';

describe('toLegacyEnv', () => {
  it('gives the old Gym API: reset() -> obs, step() -> [obs, reward, done, info]', () => {
    const env = toLegacyEnv(make('CartPole-v1', { maxEpisodeSteps: 5 }));
    expect(env.seed(3)).toEqual([3]);
    const observation = env.reset();
    expect(observation).toBeInstanceOf(Float32Array);
    expect(env.env.unwrapped.rngSeed).toBe(3);
    const [next, reward, done, info] = env.step(0);
    expect(next).toBeInstanceOf(Float32Array);
    expect(reward).toBe(1);
    expect(done).toBe(false);
    expect(info).toEqual({});
    let last = env.step(1);
    for (let step = 0; step < 3; step++) last = env.step(step % 2);
    expect(last[2]).toBe(true);
    expect(last[3]['TimeLimit.truncated']).toBe(true);
    expect(env.actionSpace.contains(1)).toBe(true);
    expect(env.observationSpace.contains(env.reset())).toBe(true);
    expect(env.render()).toBeUndefined();
    env.close();
  });

  it('marks termination with TimeLimit.truncated false like Gymnasium convert_to_done_step_api', () => {
    const env = toLegacyEnv(make('CartPole-v1'));
    env.reset();
    (env.env.unwrapped as CartPoleEnv).state = [0, 0, 0.25, 0];
    const [, reward, done, info] = env.step(1);
    expect(reward).toBe(1);
    expect(done).toBe(true);
    expect(info['TimeLimit.truncated']).toBe(false);
  });
});
