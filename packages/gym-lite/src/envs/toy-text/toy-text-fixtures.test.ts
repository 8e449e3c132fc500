import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { make, spec } from '../../registration.js';
import { CliffWalkingEnv } from './cliff-walking.js';
import type { DiscreteMdpEnv } from './discrete-mdp.js';
import { FrozenLakeEnv } from './frozen-lake.js';
import { TaxiEnv } from './taxi.js';

/** One recorded step: action, next state, reward, terminated, truncated, info.prob (, Taxi's mask). */
type RecordedStep = [number, number, number, boolean, boolean, number, string?];
interface Fixture {
  gymnasium: string;
  env_id: string;
  kwargs: Record<string, unknown>;
  spec: { id: string; max_episode_steps: number | null; reward_threshold: number | null };
  P: [number, number, number, boolean][][][];
  initial: number[];
  rollouts: { seed: number; episodes: { reset: [number, number, string?]; steps: RecordedStep[] }[] }[];
  ansi: [number, number | null, string][];
  action_masks?: string[];
}

const load = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}.json`, import.meta.url), 'utf8')) as Fixture;

/** Gymnasium's keyword arguments in camelCase. */
const camelCase = (kwargs: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(kwargs).map(([key, value]) => [
      key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()),
      value,
    ]),
  );

const construct = (fixture: Fixture, extra: Record<string, unknown> = {}): DiscreteMdpEnv => {
  const options = { ...camelCase(fixture.kwargs), ...extra };
  if (fixture.env_id.startsWith('FrozenLake')) {
    return new FrozenLakeEnv({ mapName: fixture.env_id === 'FrozenLake8x8-v1' ? '8x8' : '4x4', ...options });
  }
  if (fixture.env_id.startsWith('Cliff')) {
    return new CliffWalkingEnv({ isSlippery: fixture.env_id === 'CliffWalkingSlippery-v1', ...options });
  }
  return new TaxiEnv(options);
};

const mask = (value: unknown): string => Array.from(value as Int8Array).join('');

const cases = [
  { name: 'frozen-lake-4x4', deterministic: false },
  { name: 'frozen-lake-4x4-not-slippery', deterministic: true },
  { name: 'frozen-lake-8x8', deterministic: false },
  { name: 'frozen-lake-custom', deterministic: false },
  { name: 'cliff-walking', deterministic: true },
  { name: 'cliff-walking-slippery', deterministic: false },
  { name: 'taxi', deterministic: true },
  { name: 'taxi-rainy', deterministic: false },
  { name: 'taxi-rainy-0.9', deterministic: false },
  { name: 'taxi-fickle', deterministic: false },
] as const;

describe.each(cases)('$name against Gymnasium 1.4.0', ({ name, deterministic }) => {
  const fixture = load(name);
  const isTaxi = fixture.env_id === 'Taxi-v4';
  const isFickle = fixture.kwargs['fickle_passenger'] === true;

  it('was recorded from Gymnasium 1.4.0 and is registered with the same limits', () => {
    expect(fixture.gymnasium).toBe('1.4.0');
    const registered = spec(fixture.env_id);
    expect(registered.maxEpisodeSteps).toBe(fixture.spec.max_episode_steps ?? undefined);
    expect(registered.rewardThreshold).toBe(fixture.spec.reward_threshold ?? undefined);
  });

  it('builds the same P, outcome by outcome, and the same initial state distribution', () => {
    const env = construct(fixture);
    expect(env.nStates).toBe(fixture.P.length);
    expect(env.nActions).toBe(fixture.P[0]!.length);
    expect(env.P).toEqual(fixture.P);
    expect(Array.from(env.initialStateDistribution)).toEqual(fixture.initial);
    const made = make(fixture.env_id, camelCase(fixture.kwargs));
    expect((made.unwrapped as DiscreteMdpEnv).P).toEqual(fixture.P);
  });

  it(`replays the recorded rollouts through make() (${deterministic ? 'step by step' : 'each outcome is one of P'})`, () => {
    const env = make(fixture.env_id, camelCase(fixture.kwargs));
    const inner = env.unwrapped as DiscreteMdpEnv;
    const pointStart = fixture.initial.filter((value) => value > 0).length === 1;
    let checked = 0;
    let fickleChanges = 0;
    for (const rollout of fixture.rollouts) {
      for (const [index, episode] of rollout.episodes.entries()) {
        const reset = env.reset(index === 0 ? { seed: rollout.seed } : {});
        const [startState, startProb, startMask] = episode.reset;
        if (pointStart) expect(reset.observation).toBe(startState);
        else inner.state = startState;
        expect(reset.info['prob']).toBe(startProb);
        if (isTaxi) expect(mask((inner as TaxiEnv).actionMask(startState))).toBe(startMask);
        let state = startState;
        let fickleUsed = false;
        for (const [action, next, reward, terminated, truncated, prob, stepMask] of episode.steps) {
          const result = env.step(action);
          const observation = result.observation as number;
          const outcomes = inner.P[state]![action]!;
          if (deterministic) {
            expect(result.observation).toBe(next);
            expect(result.reward).toBe(reward);
            expect(result.terminated).toBe(terminated);
            expect(result.info['prob']).toBe(prob);
            if (isTaxi) expect(mask(result.info['action_mask'])).toBe(stepMask);
          } else {
            // Our draw is one of P's outcomes, with its probability (or a fickle passenger's change).
            const ours = outcomes.some(
              ([p, s, r, t]) =>
                p === result.info['prob'] &&
                r === result.reward &&
                t === result.terminated &&
                (s === observation || (isFickle && s - (s % 4) === observation - (observation % 4))),
            );
            expect(ours).toBe(true);
            const match = outcomes.some(([p, s, r, t]) => p === prob && s === next && r === reward && t === terminated);
            if (!match) {
              // Only a fickle passenger leaves P: same taxi cell and passenger, another destination, once.
              expect(isFickle).toBe(true);
              expect(fickleUsed).toBe(false);
              const taxi = inner as TaxiEnv;
              const [row, column, passenger] = taxi.decode(state);
              expect(passenger).toBe(4);
              const candidates = outcomes.filter(
                ([p, s, r, t]) => p === prob && r === reward && t === terminated && s - (s % 4) === next - (next % 4),
              );
              expect(candidates.length).toBeGreaterThan(0);
              expect(Math.floor(next / 20)).not.toBe(row * 5 + column);
              expect(next % 4).not.toBe(state % 4);
              fickleUsed = true;
              fickleChanges++;
            }
            inner.state = next;
          }
          expect(result.truncated).toBe(truncated);
          if (isTaxi) expect(mask((inner as TaxiEnv).actionMask(next))).toBe(stepMask);
          state = next;
          checked++;
        }
      }
    }
    expect(checked).toBe(1200);
    if (isFickle) expect(fickleChanges).toBeGreaterThan(0);
  });

  it('renders the same ansi text', () => {
    const env = construct(fixture, { renderMode: 'ansi' });
    env.reset({ seed: 0 });
    expect(fixture.ansi.length).toBeGreaterThan(0);
    for (const [state, lastAction, text] of fixture.ansi) {
      env.state = state;
      env.lastAction = lastAction ?? undefined;
      expect(env.render()).toBe(text);
    }
  });

  if (isTaxi) {
    it('has the same action mask in every state', () => {
      const env = construct(fixture) as TaxiEnv;
      expect(Array.from({ length: 500 }, (_, state) => mask(env.actionMask(state)))).toEqual(fixture.action_masks);
    });
  }
});
