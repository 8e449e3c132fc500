import { type Rng, TfkitOptionError } from '@tfkit/core';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { Env } from '../../core.js';
import { checkEnv } from '../../env-checker.js';
import { InvalidActionError, RenderModeError, ResetNeededError } from '../../errors.js';
import { setWarningHandler } from '../../logger.js';
import { make } from '../../registration.js';
import { CliffWalkingEnv } from './cliff-walking.js';
import { type DiscreteMdp, DiscreteMdpEnv } from './discrete-mdp.js';
import { FrozenLakeEnv, frozenLakeMaps, generateRandomMap } from './frozen-lake.js';
import { TaxiEnv } from './taxi.js';

afterEach(() => {
  setWarningHandler(undefined);
});

/** The error `run` throws (fails the test when it does not throw). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectOptionError(run: () => unknown, option: string, text?: RegExp): void {
  const error = thrown(run);
  expect(TfkitOptionError.isInstance(error)).toBe(true);
  expect((error as TfkitOptionError).option).toBe(option);
  expect((error as Error).message).toMatch(/^\[@tfkit\/gym-lite\]/);
  if (text !== undefined) expect((error as Error).message).toMatch(text);
}

/** A generator whose `random()` returns the given draws in turn. */
function scriptedRng(draws: number[]): Rng {
  let index = 0;
  return {
    random: () => draws[index++ % draws.length]!,
    integers: (n: number) => Math.floor(draws[index++ % draws.length]! * n),
  } as unknown as Rng;
}

/** Breadth-first reachability of G from every S (independent of the library's depth-first check). */
function goalReachable(desc: readonly string[]): boolean {
  const size = desc.length;
  const seen = new Set<number>([0]);
  const queue = [0];
  while (queue.length > 0) {
    const cell = queue.shift()!;
    const row = Math.floor(cell / size);
    const column = cell % size;
    if (desc[row]![column] === 'G') return true;
    for (const [r, c] of [
      [row + 1, column],
      [row - 1, column],
      [row, column + 1],
      [row, column - 1],
    ] as const) {
      if (r < 0 || c < 0 || r >= size || c >= size || desc[r]![c] === 'H' || seen.has(r * size + c)) continue;
      seen.add(r * size + c);
      queue.push(r * size + c);
    }
  }
  return false;
}

describe('DiscreteMdp and DiscreteMdpEnv', () => {
  const coin: DiscreteMdp = {
    nStates: 3,
    nActions: 2,
    P: [
      [
        [
          [0.25, 1, 1, false],
          [0.25, 2, 5, true],
        ],
        [[1, 0, 0, false]],
      ],
      [[[1, 1, 0, true]], [[1, 1, 0, true]]],
      [[[1, 2, 0, true]], [[1, 2, 0, true]]],
    ],
  };

  it('simulates a model written by hand and exposes it unchanged (frozen)', () => {
    const env = new DiscreteMdpEnv({ mdp: coin });
    expect(env.P).toEqual(coin.P);
    expect(Object.isFrozen(env.P) && Object.isFrozen(env.P[0]![0]) && Object.isFrozen(env.P[0]![0]![0])).toBe(true);
    expect(env.reset({ seed: 1 })).toEqual({ observation: 0, info: { prob: 1 } });
    expect(env.step(1)).toEqual({ observation: 0, reward: 0, terminated: false, truncated: false, info: { prob: 1 } });
    expect(env.lastAction).toBe(1);
  });

  it("samples like Gymnasium's categorical_sample: first running sum above one random() draw, else outcome 0", () => {
    const env = new DiscreteMdpEnv({ mdp: coin });
    env.reset({ seed: 0 });
    env.rng = scriptedRng([0.1, 0.25, 0.3, 0.5, 0.9]);
    const outcomes = [0, 1, 2, 3, 4].map(() => {
      env.state = 0;
      return env.step(0).observation;
    });
    // running sums 0.25, 0.5: 0.1 -> 0; 0.25 -> 1 (not strictly above 0.25); 0.3 -> 1; 0.5 and 0.9 -> none -> 0
    expect(outcomes).toEqual([1, 2, 2, 1, 1]);
  });

  it('draws the initial state from the initial distribution with the same rule', () => {
    const env = new DiscreteMdpEnv({ mdp: coin, initialStateDistribution: [0.5, 0, 0.5] });
    env.rng = scriptedRng([0.49, 0.5, 0.99]);
    expect([env.reset().observation, env.reset().observation, env.reset().observation]).toEqual([0, 2, 2]);
  });

  it('rejects malformed models and bad states with TfkitOptionError', () => {
    expectOptionError(() => new DiscreteMdpEnv({ mdp: null as unknown as DiscreteMdp }), 'mdp');
    expectOptionError(() => new DiscreteMdpEnv({ mdp: { ...coin, nStates: 0 } }), 'mdp', /positive integers/);
    expectOptionError(() => new DiscreteMdpEnv({ mdp: { ...coin, nStates: 4 } }), 'mdp', /nStates \(4\)/);
    expectOptionError(() => new DiscreteMdpEnv({ mdp: { ...coin, nActions: 3 } }), 'mdp', /P\[0\]/);
    expectOptionError(
      () => new DiscreteMdpEnv({ mdp: { nStates: 1, nActions: 1, P: [[[]]] } }),
      'mdp',
      /non-empty array of outcomes/,
    );
    expectOptionError(
      () => new DiscreteMdpEnv({ mdp: { nStates: 1, nActions: 1, P: [[[[1, 1, 0, false]]]] } }),
      'mdp',
      /state 1/,
    );
    expectOptionError(
      () => new DiscreteMdpEnv({ mdp: { nStates: 1, nActions: 1, P: [[[[Number.NaN, 0, 0, false]]]] } }),
      'mdp',
      /probability NaN/,
    );
    expectOptionError(
      () => new DiscreteMdpEnv({ mdp: { nStates: 1, nActions: 1, P: [[[[1, 0, Number.NaN, false]]]] } }),
      'mdp',
      /reward NaN/,
    );
    expectOptionError(
      () => new DiscreteMdpEnv({ mdp: coin, initialStateDistribution: [1] }),
      'initialStateDistribution',
    );
    expectOptionError(() => new DiscreteMdpEnv({ mdp: coin, extra: 1 } as never), 'extra', /no option 'extra'/);
    const env = new DiscreteMdpEnv({ mdp: coin });
    expectOptionError(() => {
      env.state = 3;
    }, 'state');
  });

  it('throws ResetNeededError before reset and InvalidActionError for actions outside the space', () => {
    const env = new DiscreteMdpEnv({ mdp: coin });
    expect(ResetNeededError.isInstance(thrown(() => env.step(0)))).toBe(true);
    env.reset({ seed: 0 });
    for (const action of [-1, 2, 0.5, Number.NaN, '0' as unknown as number]) {
      expect(InvalidActionError.isInstance(thrown(() => env.step(action)))).toBe(true);
    }
  });
});

describe('typing', () => {
  it('types make() for the toy-text ids, and their unwrapped envs are DiscreteMdps', () => {
    // Compile-time checks (tsc runs over the tests): these assignments fail to type-check otherwise.
    const lake: FrozenLakeEnv = make('FrozenLake-v1').unwrapped;
    const taxi: TaxiEnv = make('Taxi-v4', { isRainy: true }).unwrapped;
    const cliff: CliffWalkingEnv = make('CliffWalking-v1', { isSlippery: true }).unwrapped;
    expectTypeOf(make('FrozenLake8x8-v1').reset().observation).toEqualTypeOf<number>();
    expect([lake, taxi, cliff].map((env) => env.constructor.name)).toEqual([
      'FrozenLakeEnv',
      'TaxiEnv',
      'CliffWalkingEnv',
    ]);
    const models: DiscreteMdp[] = [lake, taxi];
    expect(models.map((model) => [model.nStates, model.nActions])).toEqual([
      [16, 4],
      [500, 6],
    ]);
  });
});

describe('FrozenLakeEnv', () => {
  it('defaults to the slippery 4x4 lake of FrozenLake-v1', () => {
    const env = new FrozenLakeEnv();
    expect(env.desc).toEqual(frozenLakeMaps['4x4']);
    expect([env.rows, env.columns, env.nStates, env.nActions]).toEqual([4, 4, 16, 4]);
    expect(env.isSlippery).toBe(true);
    expect(env.successRate).toBe(1 / 3);
    expect(env.P[14]![2]).toEqual([
      [0.33333333333333337, 14, 0, false],
      [0.3333333333333333, 15, 1, true],
      [0.33333333333333337, 10, 0, false],
    ]);
    expect(env.P[5]![0]).toEqual([[1, 5, 0, true]]);
    expect(String(make('FrozenLake-v1'))).toBe(
      '<TimeLimit<OrderEnforcing<PassiveEnvChecker<FrozenLakeEnv<FrozenLake-v1>>>>>',
    );
  });

  it('takes successRate, rewardSchedule and desc (strings or letter arrays), and starts uniformly on the S cells', () => {
    const env = new FrozenLakeEnv({
      desc: [['S', 'F'], 'HS', 'FG'],
      successRate: 0.75,
      rewardSchedule: [10, -5, -0.25],
    });
    expect(env.desc).toEqual(['SF', 'HS', 'FG']);
    expect(env.rewardRange).toEqual([-5, 10]);
    expect(Array.from(env.initialStateDistribution)).toEqual([0.5, 0, 0, 0.5, 0, 0]);
    // from S at (1, 1), down: slips left into F (4) or right (wall: stays), moves down to G (5)
    expect(env.P[3]![1]).toEqual([
      [0.125, 2, -5, true],
      [0.75, 5, 10, true],
      [0.125, 3, -0.25, false],
    ]);
    const starts = new Set<number>();
    for (let seed = 0; seed < 40; seed++) starts.add(env.reset({ seed }).observation);
    expect([...starts].sort()).toEqual([0, 3]);
  });

  it('draws a random 8x8 lake when mapName is null and no desc is given', () => {
    const env = new FrozenLakeEnv({ mapName: null });
    expect(env.desc.length).toBe(8);
    expect(goalReachable(env.desc)).toBe(true);
    expect(new FrozenLakeEnv({ mapName: '8x8', isSlippery: false }).P[0]![2]).toEqual([[1, 1, 0, false]]);
  });

  it('slips with the probabilities of P (seeded frequencies)', () => {
    const env = new FrozenLakeEnv({ successRate: 0.5 });
    env.reset({ seed: 3 });
    const counts = new Map<number, number>();
    for (let index = 0; index < 20_000; index++) {
      env.state = 6;
      const next = env.step(1).observation;
      counts.set(next, (counts.get(next) ?? 0) + 1);
    }
    // action down from 6: right (7) 0.25, down (10) 0.5, left (5) 0.25
    expect((counts.get(10) ?? 0) / 20_000).toBeCloseTo(0.5, 1);
    expect((counts.get(7) ?? 0) / 20_000).toBeCloseTo(0.25, 1);
    expect((counts.get(5) ?? 0) / 20_000).toBeCloseTo(0.25, 1);
  });

  it('rejects invalid options with TfkitOptionError naming the option', () => {
    expectOptionError(() => new FrozenLakeEnv({ slippery: true } as never), 'slippery', /isSlippery/);
    expectOptionError(() => new FrozenLakeEnv({ mapName: '5x5' as never }), 'mapName', /'4x4' or '8x8'/);
    expectOptionError(() => new FrozenLakeEnv({ desc: [] }), 'desc');
    expectOptionError(() => new FrozenLakeEnv({ desc: 'SFFG' as never }), 'desc');
    expectOptionError(() => new FrozenLakeEnv({ desc: ['SF', 'FFG'] }), 'desc', /same length/);
    expectOptionError(() => new FrozenLakeEnv({ desc: ['SX', 'FG'] }), 'desc', /S, F, H and G/);
    expectOptionError(() => new FrozenLakeEnv({ desc: ['FF', 'FG'] }), 'desc', /start cell/);
    expectOptionError(() => new FrozenLakeEnv({ isSlippery: 1 as never }), 'isSlippery');
    expectOptionError(() => new FrozenLakeEnv({ successRate: 1.5 }), 'successRate', /\[0, 1\]/);
    expectOptionError(() => new FrozenLakeEnv({ successRate: Number.NaN }), 'successRate');
    expectOptionError(() => new FrozenLakeEnv({ rewardSchedule: [1, 0] as never }), 'rewardSchedule');
    expectOptionError(() => new FrozenLakeEnv({ rewardSchedule: [1, 0, Number.NaN] }), 'rewardSchedule');
    expect(RenderModeError.isInstance(thrown(() => new FrozenLakeEnv({ renderMode: 'rgb' as never })))).toBe(true);
    expect(RenderModeError.isInstance(thrown(() => new FrozenLakeEnv({ renderMode: 'human' })))).toBe(true);
    expectOptionError(() => make('FrozenLake-v1', { successRate: -0.1 }), 'successRate');
  });
});

describe('generateRandomMap', () => {
  it('gives valid lakes of the requested size, S top-left and G bottom-right', () => {
    for (let seed = 0; seed < 50; seed++) {
      const size = 2 + (seed % 9);
      const desc = generateRandomMap(size, 0.6, seed);
      expect(desc.length).toBe(size);
      expect(desc.every((row) => row.length === size && /^[SFHG]+$/.test(row))).toBe(true);
      expect(desc[0]![0]).toBe('S');
      expect(desc[size - 1]![size - 1]).toBe('G');
      expect(goalReachable(desc)).toBe(true);
    }
  });

  it('is reproducible from a seed, and different seeds give different lakes', () => {
    expect(generateRandomMap(8, 0.8, 42)).toEqual(generateRandomMap(8, 0.8, 42));
    const lakes = new Set(Array.from({ length: 10 }, (_, seed) => generateRandomMap(8, 0.8, seed).join('/')));
    expect(lakes.size).toBe(10);
    expect(generateRandomMap(4, 1, 0)).toEqual(['SFFF', 'FFFF', 'FFFF', 'FFFG']);
    expect(generateRandomMap(3, 7, 0)).toEqual(['SFF', 'FFF', 'FFG']);
    expect(generateRandomMap().length).toBe(8);
  });

  it('rejects sizes below 2, p <= 0 and bad seeds', () => {
    expectOptionError(() => generateRandomMap(1), 'size');
    expectOptionError(() => generateRandomMap(2.5), 'size');
    expectOptionError(() => generateRandomMap(4, 0), 'p');
    expectOptionError(() => generateRandomMap(4, Number.NaN), 'p');
    expect(TfkitOptionError.isInstance(thrown(() => generateRandomMap(4, 0.8, -1)))).toBe(true);
  });
});

describe('CliffWalkingEnv', () => {
  it('sends the agent back to the start with -100 from the cliff and terminates at 47', () => {
    const env = new CliffWalkingEnv();
    expect(env.reset({ seed: 0 })).toEqual({ observation: 36, info: { prob: 1 } });
    expect(env.step(1)).toEqual({
      observation: 36,
      reward: -100,
      terminated: false,
      truncated: false,
      info: { prob: 1 },
    });
    env.state = 35;
    expect(env.step(2)).toEqual({ observation: 47, reward: -1, terminated: true, truncated: false, info: { prob: 1 } });
    expect(env.P[24]![1]).toEqual([[1, 25, -1, false]]);
    // slippery, from (2, 1) down: right to 26, down into the cliff (back to 36), left to 24
    expect(new CliffWalkingEnv({ isSlippery: true }).P[25]![2]).toEqual([
      [1 / 3, 26, -1, false],
      [1 / 3, 36, -100, false],
      [1 / 3, 24, -1, false],
    ]);
  });

  it('has no time limit in make(), like Gymnasium', () => {
    expect(String(make('CliffWalking-v1'))).toBe(
      '<OrderEnforcing<PassiveEnvChecker<CliffWalkingEnv<CliffWalking-v1>>>>',
    );
    expect(make('CliffWalkingSlippery-v1').unwrapped.isSlippery).toBe(true);
  });

  it('rejects invalid options', () => {
    expectOptionError(() => new CliffWalkingEnv({ isSlippery: 'yes' as never }), 'isSlippery');
    expectOptionError(() => new CliffWalkingEnv({ shape: [4, 12] } as never), 'shape');
  });
});

describe('TaxiEnv', () => {
  it('encodes and decodes all 500 states', () => {
    const env = new TaxiEnv();
    for (let state = 0; state < 500; state++) expect(env.encode(...env.decode(state))).toBe(state);
    expect(env.decode(328)).toEqual([3, 1, 2, 0]);
    expectOptionError(() => env.decode(500), 'state');
    expectOptionError(() => env.actionMask(-1), 'state');
  });

  it('starts in one of the 300 states with the passenger waiting away from the destination', () => {
    const env = new TaxiEnv();
    expect(env.initialStateDistribution.filter((value) => value > 0).length).toBe(300);
    const seen = new Set<number>();
    env.reset({ seed: 5 });
    for (let episode = 0; episode < 3000; episode++) {
      const { observation, info } = env.reset();
      const [, , passenger, destination] = env.decode(observation);
      expect(passenger < 4 && passenger !== destination).toBe(true);
      expect(info['prob']).toBe(1);
      expect(info['action_mask']).toBeInstanceOf(Int8Array);
      seen.add(observation);
    }
    expect(seen.size).toBeGreaterThan(280);
  });

  it('returns a fresh Int8Array action mask in every info', () => {
    const env = new TaxiEnv();
    env.reset({ seed: 0 });
    env.state = env.encode(0, 0, 0, 1);
    const first = env.step(4);
    expect(first.reward).toBe(-1);
    expect(env.decode(first.observation)).toEqual([0, 0, 4, 1]);
    const mask = first.info['action_mask'] as Int8Array;
    expect(Array.from(mask)).toEqual([1, 0, 1, 0, 0, 1]);
    mask[0] = 0;
    expect(Array.from(env.actionMask(first.observation))).toEqual([1, 0, 1, 0, 0, 1]);
    env.state = env.encode(0, 4, 4, 1);
    expect(env.step(5)).toMatchObject({ observation: env.encode(0, 4, 1, 1), reward: 20, terminated: true });
  });

  it('a fickle passenger changes destination on the first move with the passenger aboard (probability 1), never with 0', () => {
    for (const [fickleProbability, changes] of [
      [1, true],
      [0, false],
    ] as const) {
      const env = new TaxiEnv({ ficklePassenger: true, fickleProbability });
      env.reset({ seed: 11 });
      expect(env.fickleStep).toBe(changes);
      env.state = env.encode(2, 2, 4, 3);
      const pickupLike = env.step(4); // illegal pickup: the taxi does not move, nothing changes
      expect(pickupLike.observation).toBe(env.encode(2, 2, 4, 3));
      const moved = env.step(0).observation;
      expect(env.decode(moved).slice(0, 3)).toEqual([3, 2, 4]);
      expect(env.decode(moved)[3] !== 3).toBe(changes);
      expect(env.fickleStep).toBe(false);
      expect(env.decode(env.step(1).observation)[3]).toBe(env.decode(moved)[3]);
    }
  });

  it('rainy moves keep P normalised and honour rainyProbability', () => {
    const env = new TaxiEnv({ isRainy: true, rainyProbability: 0.6 });
    for (const byAction of env.P) {
      for (const outcomes of byAction) expect(outcomes.reduce((sum, [p]) => sum + p, 0)).toBeCloseTo(1, 12);
    }
    expect(env.P[env.encode(2, 2, 0, 1)]![0]!.map(([p, s]) => [p, env.decode(s)])).toEqual([
      [0.6, [3, 2, 0, 1]],
      [0.2, [2, 3, 0, 1]],
      [0.2, [2, 1, 0, 1]],
    ]);
  });

  it('rejects invalid options', () => {
    expectOptionError(() => new TaxiEnv({ isRainy: 'no' as never }), 'isRainy');
    expectOptionError(() => new TaxiEnv({ ficklePassenger: 1 as never }), 'ficklePassenger');
    expectOptionError(() => new TaxiEnv({ rainyProbability: 2 }), 'rainyProbability');
    expectOptionError(() => new TaxiEnv({ fickleProbability: -1 }), 'fickleProbability');
    expectOptionError(() => new TaxiEnv({ rainy: true } as never), 'rainy', /isRainy/);
  });
});

describe.each([
  ['FrozenLake-v1', () => new FrozenLakeEnv()],
  ['FrozenLake8x8-v1', () => new FrozenLakeEnv({ mapName: '8x8' })],
  ['CliffWalking-v1', () => new CliffWalkingEnv()],
  ['CliffWalkingSlippery-v1', () => new CliffWalkingEnv({ isSlippery: true })],
  ['Taxi-v4', () => new TaxiEnv({ isRainy: true, ficklePassenger: true })],
] as const)('%s', (id, create) => {
  it('passes checkEnv, bare and through make()', () => {
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    checkEnv(create() as Env<unknown, unknown>);
    checkEnv(make(id) as Env<unknown, unknown>);
    // Only the notes every env gets (no spec on a bare env; 'human' needs a humanRenderer; wrapped env).
    expect(
      warnings.filter((message) => !/different from the unwrapped|not having a spec|Render mode 'human'/.test(message)),
    ).toEqual([]);
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('renders rgb_array frames of the documented size that follow the agent, and warns without a render mode', () => {
    const env = create();
    const rgb = (
      id.startsWith('FrozenLake')
        ? new FrozenLakeEnv({ mapName: id === 'FrozenLake8x8-v1' ? '8x8' : '4x4', renderMode: 'rgb_array' })
        : id.startsWith('Cliff')
          ? new CliffWalkingEnv({ renderMode: 'rgb_array' })
          : new TaxiEnv({ renderMode: 'rgb_array' })
    ) as FrozenLakeEnv | CliffWalkingEnv | TaxiEnv;
    const size = { 'FrozenLake-v1': [256, 256], 'FrozenLake8x8-v1': [512, 512], 'Taxi-v4': [550, 350] }[
      id as string
    ] ?? [720, 240];
    expect(rgb.render()).toBeUndefined();
    rgb.reset({ seed: 0 });
    const first = rgb.render() as { data: Uint8Array; width: number; height: number };
    expect([first.width, first.height]).toEqual(size);
    expect(first.data.length).toBe(size[0]! * size[1]! * 3);
    expect(new Set(first.data).size).toBeGreaterThan(4);
    expect(rgb.windowSize).toEqual(size);
    rgb.state = rgb.state === 1 ? 2 : 1;
    const second = rgb.render() as { data: Uint8Array };
    expect(Buffer.compare(Buffer.from(first.data), Buffer.from(second.data))).not.toBe(0);
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    env.reset({ seed: 0 });
    expect(env.render()).toBeUndefined();
    expect(warnings[0]).toMatch(/without specifying any render mode/);
  });

  it("passes frames to humanRenderer in 'human' mode on reset and step", () => {
    const frames: number[] = [];
    const humanRenderer = (frame: { width: number }) => frames.push(frame.width);
    const env = id.startsWith('FrozenLake')
      ? new FrozenLakeEnv({ renderMode: 'human', humanRenderer })
      : id.startsWith('Cliff')
        ? new CliffWalkingEnv({ renderMode: 'human', humanRenderer })
        : new TaxiEnv({ renderMode: 'human', humanRenderer });
    env.reset({ seed: 0 });
    expect(env.step(0).observation).toBeTypeOf('number');
    expect(frames.length).toBe(2);
  });
});
