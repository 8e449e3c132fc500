import { createRng, TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { CartPoleEnv } from '../envs/cart-pole.js';
import { InvalidActionError, RenderModeError, ResetNeededError } from '../errors.js';
import { CartPoleVectorEnv } from './cart-pole-vector.js';

/** A single env put in sub-environment `index`'s state. */
function singleFrom(envs: CartPoleVectorEnv, index: number): CartPoleEnv {
  const env = new CartPoleEnv();
  env.reset({ seed: 0 });
  env.state = [envs.x[index]!, envs.xDot[index]!, envs.theta[index]!, envs.thetaDot[index]!];
  return env;
}

function randomActions(count: number, seed: number): Int32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: 150 }, () => Int32Array.from({ length: count }, () => rng.integers(2)));
}

describe('CartPoleVectorEnv', () => {
  it('exposes typed struct-of-arrays buffers and batched spaces', () => {
    const envs = new CartPoleVectorEnv({ numEnvs: 3, seed: 1 });
    const { observations, info } = envs.reset();
    expect(observations).toBeInstanceOf(Float32Array);
    expect(observations).toHaveLength(12);
    expect(info).toEqual({});
    expect([...envs.observationSpace.shape]).toEqual([3, 4]);
    expect(envs.observationSpace.contains(observations)).toBe(true);
    expect(envs.actionSpace.contains([0, 1, 1])).toBe(true);
    expect(envs.actionSpace.contains([0, 2, 1])).toBe(false);
    expect(envs.singleObservationSpace.equals(new CartPoleEnv().observationSpace)).toBe(true);
    expect(envs.metadata.autoresetMode).toBe('next-step');
    const result = envs.step([0, 1, 0]);
    expect(result.rewards).toBeInstanceOf(Float32Array);
    expect(result.terminations).toBeInstanceOf(Uint8Array);
    expect(result.truncations).toBeInstanceOf(Uint8Array);
    const again = envs.step([1, 1, 0]);
    expect(again).toBe(result);
    expect(again.observations).toBe(observations);
  });

  it('draws initial states like the single env: same seed gives the same first state for one env', () => {
    const envs = new CartPoleVectorEnv({ numEnvs: 1 });
    const single = new CartPoleEnv();
    expect(Array.from(envs.reset({ seed: 11 }).observations)).toEqual(
      Array.from(single.reset({ seed: 11 }).observation),
    );
    const wide = new CartPoleVectorEnv({ numEnvs: 5 });
    wide.reset({ seed: 4, options: { low: 0.1, high: 0.2 } });
    for (const row of [wide.x, wide.xDot, wide.theta, wide.thetaDot]) {
      for (const value of row) expect(value >= 0.1 && value < 0.2).toBe(true);
    }
    const first = Array.from(wide.reset({ seed: 4 }).observations);
    const second = Array.from(new CartPoleVectorEnv({ numEnvs: 5 }).reset({ seed: 4 }).observations);
    expect(second).toEqual(first);
    expect(Array.from(new CartPoleVectorEnv({ numEnvs: 5, seed: 4 }).reset().observations)).toEqual(first);
  });

  for (const autoresetMode of ['next-step', 'same-step'] as const) {
    it(`${autoresetMode}: every sub-environment follows the single-env dynamics exactly`, () => {
      const numEnvs = 8;
      const envs = new CartPoleVectorEnv({ numEnvs, autoresetMode, maxEpisodeSteps: 30 });
      envs.reset({ seed: 2 });
      let singles = Array.from({ length: numEnvs }, (_, index) => singleFrom(envs, index));
      let stepsInEpisode = new Array<number>(numEnvs).fill(0);
      let resetNext = new Array<boolean>(numEnvs).fill(false);
      let episodesEnded = 0;
      for (const actions of randomActions(numEnvs, 9)) {
        const { observations, rewards, terminations, truncations, info } = envs.step(actions);
        for (let index = 0; index < numEnvs; index++) {
          const row = Array.from(observations.subarray(index * 4, index * 4 + 4));
          if (resetNext[index]) {
            expect(rewards[index]).toBe(0);
            expect(terminations[index]).toBe(0);
            expect(truncations[index]).toBe(0);
            resetNext[index] = false;
            stepsInEpisode[index] = 0;
            singles[index] = singleFrom(envs, index);
            expect(row).toEqual(Array.from(Float32Array.from(singles[index]!.state!)));
            continue;
          }
          const expected = singles[index]!.step(actions[index]!);
          stepsInEpisode[index]! += 1;
          const truncated = stepsInEpisode[index]! >= 30;
          expect(rewards[index]).toBe(expected.reward);
          expect(terminations[index]).toBe(expected.terminated ? 1 : 0);
          expect(truncations[index]).toBe(truncated ? 1 : 0);
          const done = expected.terminated || truncated;
          if (done) episodesEnded++;
          if (autoresetMode === 'same-step') {
            const mask = info['finalObservationMask'] as Uint8Array;
            const finalObservation = info['finalObservation'] as Float32Array;
            expect(mask[index]).toBe(done ? 1 : 0);
            if (done) {
              expect(Array.from(finalObservation.subarray(index * 4, index * 4 + 4))).toEqual(
                Array.from(expected.observation),
              );
              expect(envs.steps[index]).toBe(0);
              stepsInEpisode[index] = 0;
              singles[index] = singleFrom(envs, index);
              const fresh = Array.from(Float32Array.from(singles[index]!.state!));
              expect(row).toEqual(fresh);
              for (const value of singles[index]!.state!) expect(Math.abs(value)).toBeLessThan(0.05);
              continue;
            }
          } else {
            expect(info).toEqual({});
            if (done) resetNext[index] = true;
          }
          expect(row).toEqual(Array.from(expected.observation));
        }
      }
      expect(episodesEnded).toBeGreaterThan(numEnvs);
      singles = [];
      stepsInEpisode = [];
      resetNext = [];
    });
  }

  it('gives the Sutton-Barto reward when asked', () => {
    const envs = new CartPoleVectorEnv({ numEnvs: 2, suttonBartoReward: true });
    envs.reset({ seed: 0 });
    envs.theta[1] = 0.25;
    const { rewards, terminations } = envs.step([0, 1]);
    expect(Array.from(rewards)).toEqual([0, -1]);
    expect(Array.from(terminations)).toEqual([0, 1]);
    expect(envs.step([0, 0]).rewards[1]).toBe(0);
  });

  it('returns copies with copy: true', () => {
    const envs = new CartPoleVectorEnv({ numEnvs: 2, copy: true, autoresetMode: 'same-step' });
    const first = envs.reset({ seed: 0 }).observations;
    const step = envs.step([0, 1]);
    expect(step.observations).not.toBe(first);
    expect(envs.step([0, 1]).observations).not.toBe(step.observations);
    expect(step.info['finalObservationMask']).toBeInstanceOf(Uint8Array);
  });

  it('validates actions, order and options', () => {
    const envs = new CartPoleVectorEnv({ numEnvs: 3 });
    expect(() => envs.step([0, 0, 0])).toThrow(ResetNeededError);
    envs.reset({ seed: 0 });
    const before = Array.from(envs.x);
    for (const actions of [
      [0, 1],
      [0, 1, 2],
      [0, Number.NaN, 1],
      [0.5, 0, 0],
      ['a', 0, 0],
      new Int32Array([0, -1, 1]),
      new Int32Array([0, 2, 1]),
      new Uint8Array([3, 0, 1]),
      new Uint32Array([2 ** 31, 0, 1]),
      new Float64Array([0, 1, 0.5]),
    ]) {
      expect(() => envs.step(actions as number[])).toThrow(InvalidActionError);
    }
    expect(Array.from(envs.x)).toEqual(before);
    expect(() => envs.step(new Int8Array([0, 1, 1]))).not.toThrow();
    expect(() => envs.step(new Float32Array([0, 1, 1]))).not.toThrow();
    expect(Array.from(envs.x)).not.toEqual(before);
    expect(() => new CartPoleVectorEnv({ numEnvs: 0 })).toThrow(TfkitOptionError);
    expect(() => new CartPoleVectorEnv({ autoresetMode: 'disabled' as 'next-step' })).toThrow(TfkitOptionError);
    expect(() => new CartPoleVectorEnv({ renderMode: 'human' as 'rgb_array' })).toThrow(RenderModeError);
    expect(() => new CartPoleVectorEnv({ numEnv: 3 } as never)).toThrow(/no option 'numEnv'/);
  });

  it('renders one frame per sub-environment', () => {
    const envs = new CartPoleVectorEnv({ numEnvs: 2, renderMode: 'rgb_array' });
    expect(() => envs.render()).toThrow(ResetNeededError);
    envs.reset({ seed: 0 });
    const frames = envs.render()!;
    expect(frames).toHaveLength(2);
    expect(frames[0]!.data).toHaveLength(600 * 400 * 3);
    expect(new CartPoleVectorEnv().render()).toBeUndefined();
  });

  it('supports the semi-implicit Euler integrator like the single env', () => {
    const envs = new CartPoleVectorEnv({ numEnvs: 1 });
    envs.kinematicsIntegrator = 'semi-implicit euler';
    envs.reset({ seed: 6 });
    const single = singleFrom(envs, 0);
    single.kinematicsIntegrator = 'semi-implicit euler';
    for (let step = 0; step < 5; step++) {
      expect(Array.from(envs.step([step % 2]).observations)).toEqual(Array.from(single.step(step % 2).observation));
    }
    expect(() => {
      envs.kinematicsIntegrator = 'rk4' as 'euler';
    }).toThrow(TfkitOptionError);
  });
});
