import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidActionError, InvalidOptionError, RenderModeError, ResetNeededError } from '../errors.js';
import { setWarningHandler } from '../logger.js';
import { CartPoleEnv } from './cart-pole.js';

interface FixtureStep {
  t: number;
  action: number;
  obs: number[];
  state: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
}
interface FixtureEpisode {
  name: string;
  initial_state: number[];
  initial_obs: number[];
  actions: number[];
  length: number;
  episode_return: number;
  end: { t: number; terminated: boolean; truncated: boolean };
  steps: FixtureStep[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../__fixtures__/cartpole/episodes_random.json', import.meta.url), 'utf8'),
) as { episodes: FixtureEpisode[] };

/** Distance in units of the last place between two float64 values. */
function ulpDistance(a: number, b: number): number {
  const view = new BigInt64Array(new Float64Array([a, b]).buffer);
  const difference = view[0]! - view[1]!;
  return Number(difference < 0n ? -difference : difference);
}

describe('CartPoleEnv against Gymnasium 1.4.0 fixtures', () => {
  it('has 15 recorded episodes', () => {
    expect(fixtures.episodes).toHaveLength(15);
  });

  for (const episode of fixtures.episodes) {
    it(`replays ${episode.name} one step at a time (float64 state within 2 ulp, obs exact)`, () => {
      const env = new CartPoleEnv();
      env.reset({ seed: 0 });
      let previous = episode.initial_state;
      let episodeReturn = 0;
      for (const step of episode.steps) {
        env.state = previous;
        const result = env.step(step.action);
        const state = env.state!;
        for (let index = 0; index < 4; index++) {
          expect(ulpDistance(state[index]!, step.state[index]!)).toBeLessThanOrEqual(2);
          expect(result.observation[index]).toBe(step.obs[index]);
        }
        expect(result.observation).toBeInstanceOf(Float32Array);
        expect(result.reward).toBe(step.reward);
        expect(result.terminated).toBe(step.terminated);
        expect(result.truncated).toBe(step.truncated);
        expect(result.info).toEqual(step.info);
        episodeReturn += result.reward;
        previous = step.state;
      }
      expect(episodeReturn).toBe(episode.episode_return);
      expect(episode.steps.at(-1)!.terminated).toBe(episode.end.terminated);
    });

    it(`replays ${episode.name} open loop with identical termination`, () => {
      const env = new CartPoleEnv();
      env.reset({ seed: 0 });
      env.state = episode.initial_state;
      expect(Array.from(Float32Array.from(env.state!))).toEqual(episode.initial_obs);
      for (const step of episode.steps) {
        const result = env.step(step.action);
        expect(result.terminated).toBe(step.terminated);
        expect(Array.from(result.observation)).toEqual(step.obs);
      }
    });
  }
});

describe('CartPoleEnv dynamics and API', () => {
  afterEach(() => {
    setWarningHandler(undefined);
  });

  it('exposes the Gymnasium constants', () => {
    const env = new CartPoleEnv();
    expect(env.totalMass).toBe(1.1);
    expect(env.polemassLength).toBe(0.05);
    expect(env.thetaThresholdRadians).toBe(0.20943951023931953);
    expect(env.kinematicsIntegrator).toBe('euler');
    expect(env.state).toBeNull();
  });

  it('throws a typed error for invalid actions and does not integrate them', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 1 });
    const before = Array.from(env.state!);
    for (const action of [Number.NaN, 2, -1, 0.5, 'a', '1', null, undefined, true, 1n]) {
      expect(() => env.step(action as number)).toThrow(InvalidActionError);
    }
    expect(Array.from(env.state!)).toEqual(before);
    try {
      env.step(0.5);
    } catch (error) {
      expect(InvalidActionError.isInstance(error)).toBe(true);
      expect((error as Error).name).toBe('Tfkit_InvalidActionError');
      expect((error as Error).message).toMatch(
        /^\[@tfkit\/gym-lite\] Action 0.5 \(number\) is not in the action space Discrete\(2\)/,
      );
    }
  });

  it('throws ResetNeededError when stepping before reset', () => {
    expect(() => new CartPoleEnv().step(0)).toThrow(ResetNeededError);
  });

  it('warns once and gives reward 0 for steps after termination, physics continuing', () => {
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.state = [0, 0, 0.2, 2];
    const terminal = env.step(1);
    expect(terminal.terminated).toBe(true);
    expect(terminal.reward).toBe(1);
    expect(env.stepsBeyondTerminated).toBe(0);
    expect(warnings).toHaveLength(0);
    const thetaBefore = env.state![2]!;
    const after = env.step(1);
    expect(after.terminated).toBe(true);
    expect(after.reward).toBe(0);
    expect(env.state![2]).not.toBe(thetaBefore);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      "You are calling 'step()' even though this environment has already returned terminated = true",
    );
    env.step(0);
    env.step(0);
    expect(warnings).toHaveLength(1);
    expect(env.stepsBeyondTerminated).toBe(3);
    env.reset();
    expect(env.stepsBeyondTerminated).toBeUndefined();
  });

  it('gives 1 per step and on termination; Sutton-Barto gives 0, then -1 on and after termination', () => {
    setWarningHandler(() => {});
    const plain = new CartPoleEnv();
    const suttonBarto = new CartPoleEnv({ suttonBartoReward: true });
    expect(suttonBarto.suttonBartoReward).toBe(true);
    for (const env of [plain, suttonBarto]) {
      env.reset({ seed: 0 });
      env.state = [0, 0, 0.1, 0];
    }
    expect(plain.step(1).reward).toBe(1);
    expect(suttonBarto.step(1).reward).toBe(0);
    for (const env of [plain, suttonBarto]) env.state = [0, 0, 0.2, 2];
    expect(plain.step(1).reward).toBe(1);
    expect(suttonBarto.step(1).reward).toBe(-1);
    expect(plain.step(1).reward).toBe(0);
    expect(suttonBarto.step(1).reward).toBe(-1);
  });

  it('decides termination on the float64 state with strict comparisons', () => {
    setWarningHandler(() => {});
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.tau = 0;
    env.state = [2.4, 0, 0, 0];
    expect(env.step(0).terminated).toBe(false);
    env.state = [2.4000000000000004, 0, 0, 0];
    const result = env.step(0);
    expect(result.terminated).toBe(true);
    expect(result.observation[0]).toBe(Math.fround(2.4));
    env.state = [0, 0, env.thetaThresholdRadians, 0];
    expect(env.step(0).terminated).toBe(false);
    env.state = [0, 0, -env.thetaThresholdRadians - 1e-16, 0];
    expect(env.step(0).terminated).toBe(true);
  });

  it('integrates with semi-implicit Euler when asked', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.kinematicsIntegrator = 'semi-implicit euler';
    const start = [0.01, 0.02, 0.03, 0.04];
    env.state = start;
    env.step(1);
    const [x, xDot, theta, thetaDot] = start as [number, number, number, number];
    const force = 10;
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const temp = (force + 0.05 * (thetaDot * thetaDot) * sin) / 1.1;
    const thetaacc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - (0.1 * (cos * cos)) / 1.1));
    const xacc = temp - (0.05 * thetaacc * cos) / 1.1;
    const newXDot = xDot + 0.02 * xacc;
    const newThetaDot = thetaDot + 0.02 * thetaacc;
    expect(Array.from(env.state!)).toEqual([x + 0.02 * newXDot, newXDot, theta + 0.02 * newThetaDot, newThetaDot]);
    expect(() => {
      env.kinematicsIntegrator = 'Euler' as 'euler';
    }).toThrow(InvalidOptionError);
  });

  it('reset draws uniform(-0.05, 0.05) by default and honours options.low/high', () => {
    const env = new CartPoleEnv();
    for (let seed = 0; seed < 50; seed++) {
      const { observation, info } = env.reset({ seed });
      expect(info).toEqual({});
      expect(observation).toBeInstanceOf(Float32Array);
      for (const value of env.state!) expect(Math.abs(value)).toBeLessThan(0.05);
    }
    env.reset({ seed: 3, options: { low: 0.2, high: 0.3 } });
    for (const value of env.state!) {
      expect(value).toBeGreaterThanOrEqual(0.2);
      expect(value).toBeLessThan(0.3);
    }
    env.reset({ options: { high: 0.5 } });
    expect(Math.min(...env.state!)).toBeGreaterThanOrEqual(-0.05);
    env.reset({ options: { low: 1, high: 1 } });
    expect(Array.from(env.state!)).toEqual([1, 1, 1, 1]);
    expect(() => env.reset({ options: { low: 0.1, high: -0.1 } })).toThrow(/Lower bound \(0.1\) must be lower/);
    expect(() => env.reset({ options: { low: 'a' } })).toThrow(InvalidOptionError);
  });

  it('re-seeds like np_random: same seed same state, reset() continues the stream', () => {
    const first = new CartPoleEnv();
    const second = new CartPoleEnv();
    const a1 = first.reset({ seed: 42 }).observation;
    const a2 = first.reset().observation;
    const a3 = first.reset().observation;
    expect(first.rngSeed).toBe(42);
    const b1 = second.reset({ seed: 42 }).observation;
    expect(b1).toEqual(a1);
    expect(second.reset().observation).toEqual(a2);
    expect(second.reset().observation).toEqual(a3);
    expect(a2).not.toEqual(a1);
    expect(first.reset({ seed: 43 }).observation).not.toEqual(a1);
    expect(() => first.reset({ seed: -1 })).toThrow(/greater or equal to zero/);
    expect(() => first.reset({ seed: 1.5 })).toThrow(InvalidOptionError);
  });

  it('returns a fresh observation array on every step', () => {
    const env = new CartPoleEnv();
    const { observation } = env.reset({ seed: 0 });
    const copy = observation.slice();
    const next = env.step(0).observation;
    expect(next).not.toBe(observation);
    expect(observation).toEqual(copy);
  });

  it('validates options and render modes', () => {
    expect(() => new CartPoleEnv({ renderMode: 'video' as 'ansi' })).toThrow(RenderModeError);
    expect(() => new CartPoleEnv({ renderMode: 'human' })).toThrow(/humanRenderer/);
    expect(() => new CartPoleEnv({ sutton_barto_reward: true } as never)).toThrow(/no option 'sutton_barto_reward'/);
  });
});
