import { TfkitOptionError } from '@tfkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Env, type ResetParams, type StepResult } from '../core.js';
import { CartPoleEnv } from '../envs/cart-pole.js';
import { EnvCheckError, InvalidActionError, ResetNeededError } from '../errors.js';
import { setWarningHandler } from '../logger.js';
import { make } from '../registration.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { Autoreset } from './autoreset.js';
import { OrderEnforcing } from './order-enforcing.js';
import { PassiveEnvChecker } from './passive-env-checker.js';
import { RecordEpisodeStatistics } from './record-episode-statistics.js';
import { TimeLimit } from './time-limit.js';
import { ActionWrapper, ObservationWrapper, RewardWrapper, Wrapper } from './wrapper.js';

afterEach(() => {
  setWarningHandler(undefined);
});

/** Runs until the pole falls, always pushing right. */
function runEpisode(env: Env<Float32Array, number>): StepResult<Float32Array>[] {
  const results: StepResult<Float32Array>[] = [];
  for (;;) {
    const result = env.step(1);
    results.push(result);
    if (result.terminated || result.truncated) return results;
  }
}

describe('Wrapper', () => {
  it('forwards everything to the wrapped env', () => {
    const inner = new CartPoleEnv({ renderMode: 'ansi' });
    const wrapper = new Wrapper(inner);
    expect(wrapper.actionSpace).toBe(inner.actionSpace);
    expect(wrapper.observationSpace).toBe(inner.observationSpace);
    expect(wrapper.metadata).toBe(inner.metadata);
    expect(wrapper.renderMode).toBe('ansi');
    expect(wrapper.unwrapped).toBe(inner);
    expect(new Wrapper(wrapper).unwrapped).toBe(inner);
    const { observation } = wrapper.reset({ seed: 5 });
    expect(Array.from(observation)).toEqual(Array.from(Float32Array.from(inner.state!)));
    expect(wrapper.rng).toBe(inner.rng);
    expect(wrapper.rngSeed).toBe(5);
    expect(wrapper.step(0).reward).toBe(1);
    expect(typeof wrapper.render()).toBe('string');
    expect(String(wrapper)).toBe('<Wrapper<CartPoleEnv instance>>');
    wrapper.actionSpace = new Discrete(3);
    expect((wrapper.actionSpace as Discrete).n).toBe(3);
    expect(inner.actionSpace.n).toBe(2);
    wrapper.metadata = { renderModes: [] };
    expect(inner.metadata.renderModes).toContain('ansi');
    expect(() => {
      wrapper.renderMode = 'rgb_array';
    }).toThrow(TfkitOptionError);
    expect(() => new Wrapper({} as Env)).toThrow(TfkitOptionError);
    wrapper.close();
  });

  it('records itself in the spec unless it is a standard wrapper', () => {
    const env = new RecordEpisodeStatistics(make('CartPole-v1'), { bufferLength: 5 });
    expect(env.spec?.additionalWrappers).toEqual([
      {
        name: 'RecordEpisodeStatistics',
        entryPoint: '@tfkit/gym-lite:RecordEpisodeStatistics',
        kwargs: { bufferLength: 5, statsKey: 'episode' },
      },
    ]);
    expect(env.spec).toBe(env.spec);
    const remade = make(env.spec!);
    expect(remade).toBeInstanceOf(RecordEpisodeStatistics);
    expect(String(remade)).toBe(
      '<RecordEpisodeStatistics<TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>>>>',
    );
    expect(() => make(new Wrapper(make('CartPole-v1')).spec!)).toThrow(/cannot be recreated/);
  });

  it('ObservationWrapper, RewardWrapper and ActionWrapper transform their part', () => {
    class Doubled extends ObservationWrapper<Float32Array, number, Float32Array> {
      observation(observation: Float32Array) {
        return observation.map((value) => value * 2);
      }
    }
    class Scaled extends RewardWrapper<Float32Array, number> {
      reward(reward: number) {
        return reward * 10;
      }
    }
    class Flipped extends ActionWrapper<Float32Array, number, number> {
      action(action: number) {
        return 1 - action;
      }
    }
    const plain = new CartPoleEnv();
    const doubled = new Doubled(new CartPoleEnv());
    const first = plain.reset({ seed: 3 }).observation;
    expect(Array.from(doubled.reset({ seed: 3 }).observation)).toEqual(Array.from(first, (value) => value * 2));
    const plainStep = plain.step(1);
    const doubledStep = doubled.step(1);
    expect(Array.from(doubledStep.observation)).toEqual(Array.from(plainStep.observation, (value) => value * 2));
    expect(doubledStep.reward).toBe(1);
    const scaled = new Scaled(new CartPoleEnv());
    scaled.reset({ seed: 3 });
    expect(scaled.step(0).reward).toBe(10);
    const flipped = new Flipped(new CartPoleEnv());
    const reference = new CartPoleEnv();
    flipped.reset({ seed: 8 });
    reference.reset({ seed: 8 });
    expect(flipped.step(0).observation).toEqual(reference.step(1).observation);
  });
});

describe('TimeLimit', () => {
  it('truncates at maxEpisodeSteps (even when also terminated) and counts from reset', () => {
    const env = new TimeLimit(new CartPoleEnv(), 3);
    env.reset({ seed: 0 });
    expect(env.elapsedSteps).toBe(0);
    expect(env.step(0).truncated).toBe(false);
    expect(env.step(0).truncated).toBe(false);
    expect(env.step(0).truncated).toBe(true);
    expect(env.elapsedSteps).toBe(3);
    env.reset();
    expect(env.step(0).truncated).toBe(false);
    const both = new TimeLimit(new CartPoleEnv(), 1);
    both.reset({ seed: 0 });
    (both.unwrapped as CartPoleEnv).state = [0, 0, 0.3, 0];
    const result = both.step(0);
    expect(result.terminated && result.truncated).toBe(true);
    expect(() => new TimeLimit(new CartPoleEnv(), 0)).toThrow(TfkitOptionError);
    expect(() => new TimeLimit(new CartPoleEnv(), 2.5)).toThrow(TfkitOptionError);
    expect(env.spec).toBeUndefined();
  });
});

describe('OrderEnforcing', () => {
  it('throws ResetNeededError for step and render before reset', () => {
    const env = new OrderEnforcing(new CartPoleEnv({ renderMode: 'ansi' }));
    expect(env.hasReset).toBe(false);
    expect(() => env.step(0)).toThrow(ResetNeededError);
    expect(() => env.render()).toThrow(/Cannot call env.render\(\) before calling env.reset\(\)/);
    env.reset();
    expect(env.hasReset).toBe(true);
    expect(typeof env.render()).toBe('string');
    expect(env.step(0).reward).toBe(1);
    const relaxed = new OrderEnforcing(new CartPoleEnv({ renderMode: 'ansi' }), { disableRenderOrderEnforcing: true });
    expect(relaxed.render()).toBeUndefined();
  });
});

describe('PassiveEnvChecker', () => {
  it('rejects actions outside the action space with a typed error before they reach the env', () => {
    const env = new PassiveEnvChecker(new CartPoleEnv());
    env.reset({ seed: 0 });
    const before = Array.from((env.unwrapped as CartPoleEnv).state as Float64Array);
    for (const action of [Number.NaN, 2, -1, 0.5, 'a']) {
      const attempt = () => env.step(action as number);
      expect(attempt).toThrow(InvalidActionError);
      expect(attempt).toThrow(/is not in the action space Discrete\(2\)/);
    }
    expect(Array.from((env.unwrapped as CartPoleEnv).state as Float64Array)).toEqual(before);
  });

  it('warns about observations outside the space and odd step values, and throws for a bad info', () => {
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    class Odd extends Env<Float32Array, number> {
      readonly actionSpace = new Discrete(2);
      readonly observationSpace = new Box(-1, 1, [2]);
      info: unknown = {};
      reset(params: ResetParams = {}) {
        this.reseed(params.seed);
        return { observation: new Float32Array([5, 0]), info: {} };
      }
      step() {
        return {
          observation: new Float64Array([0, 0]),
          reward: Number.NaN,
          terminated: 0,
          truncated: false,
          info: this.info,
        } as never;
      }
    }
    const odd = new PassiveEnvChecker(new Odd());
    odd.reset();
    expect(warnings.some((message) => message.includes('is not within the observation space'))).toBe(true);
    odd.step(0);
    expect(warnings.some((message) => message.includes('expecting a Float32Array, actual type: Float64Array'))).toBe(
      true,
    );
    expect(warnings.some((message) => message.includes('The reward is a NaN value'))).toBe(true);
    expect(warnings.some((message) => message.includes('`terminated` signal to be a boolean'))).toBe(true);
    const broken = new Odd();
    broken.info = 'nope';
    expect(() => new PassiveEnvChecker(broken).step(0)).toThrow(EnvCheckError);
    class NoSpace extends Env<number, number> {
      readonly actionSpace = undefined as never;
      readonly observationSpace = new Discrete(2);
      reset() {
        return { observation: 0, info: {} };
      }
      step() {
        return { observation: 0, reward: 0, terminated: false, truncated: false, info: {} };
      }
    }
    expect(() => new PassiveEnvChecker(new NoSpace())).toThrow(/action space must be a Space/);
  });
});

describe('RecordEpisodeStatistics', () => {
  it('adds { r, l, t } at the end of each episode and keeps bounded queues', () => {
    const env = new RecordEpisodeStatistics(new CartPoleEnv(), { bufferLength: 2 });
    const lengths: number[] = [];
    for (let episode = 0; episode < 3; episode++) {
      env.reset({ seed: episode });
      const results = runEpisode(env);
      lengths.push(results.length);
      for (const result of results.slice(0, -1)) expect(result.info).toEqual({});
      const statistics = results.at(-1)!.info['episode'] as { r: number; l: number; t: number };
      expect(statistics.r).toBe(results.length);
      expect(statistics.l).toBe(results.length);
      expect(statistics.t).toBeGreaterThanOrEqual(0);
    }
    expect(env.episodeCount).toBe(3);
    expect(env.lengthQueue).toEqual(lengths.slice(1));
    expect(env.returnQueue).toEqual(lengths.slice(1));
    expect(env.timeQueue).toHaveLength(2);
    const custom = new RecordEpisodeStatistics(new TimeLimit(new CartPoleEnv(), 2), { statsKey: 'stats' });
    custom.reset({ seed: 0 });
    custom.step(0);
    expect(custom.step(0).info['stats']).toMatchObject({ r: 2, l: 2 });
    expect(() => new RecordEpisodeStatistics(new CartPoleEnv(), { bufferLength: 0 })).toThrow(TfkitOptionError);
  });

  it('refuses to overwrite an info key', () => {
    const inner = new RecordEpisodeStatistics(new TimeLimit(new CartPoleEnv(), 1));
    const outer = new RecordEpisodeStatistics(inner);
    outer.reset({ seed: 0 });
    expect(() => outer.step(0)).toThrow(EnvCheckError);
  });
});

describe('Autoreset', () => {
  it('resets on the step after the episode ends, with reward 0 and the reset observation', () => {
    const env = new Autoreset(new TimeLimit(new CartPoleEnv(), 2));
    env.reset({ seed: 0 });
    env.step(0);
    const last = env.step(0);
    expect(last.truncated).toBe(true);
    expect(env.autoreset).toBe(true);
    const reset = env.step(1);
    expect(reset).toMatchObject({ reward: 0, terminated: false, truncated: false, info: {} });
    expect(Array.from(reset.observation)).toEqual(
      Array.from(Float32Array.from((env.unwrapped as CartPoleEnv).state as Float64Array)),
    );
    for (const value of (env.unwrapped as CartPoleEnv).state as Float64Array)
      expect(Math.abs(value)).toBeLessThan(0.05);
    expect(env.step(0).reward).toBe(1);
  });
});
