import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { Env, type ResetParams } from './core.js';
import { CartPoleEnv } from './envs/cart-pole.js';
import { InvalidActionError, RegistrationError, ResetNeededError, UnknownEnvError } from './errors.js';
import { setWarningHandler } from './logger.js';
import {
  closeMatches,
  EnvSpec,
  make,
  makeVec,
  parseEnvId,
  register,
  registeredIds,
  registry,
  spec,
  unregister,
} from './registration.js';
import { Box } from './spaces/box.js';
import { Discrete } from './spaces/discrete.js';
import { CartPoleVectorEnv } from './vector/cart-pole-vector.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { PassiveEnvChecker } from './wrappers/passive-env-checker.js';
import { TimeLimit } from './wrappers/time-limit.js';

const specFixture = JSON.parse(readFileSync(new URL('./__fixtures__/cartpole/spec.json', import.meta.url), 'utf8')) as {
  registered: Record<string, Record<string, unknown>>;
  made_env: Record<string, unknown>;
  metadata: { render_modes: string[]; render_fps: number };
  constants: Record<string, number | string>;
  observation_space: {
    low: (number | string)[];
    high: (number | string)[];
    shape: number[];
    dtype: string;
    repr: string;
  };
  action_space: { n: number; start: number; repr: string };
  derived_float32: Record<string, number>;
};

const fromJsonNumber = (value: number | string): number =>
  typeof value === 'number' ? value : value === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

afterEach(() => {
  setWarningHandler(undefined);
});

describe('registered CartPole specs match Gymnasium 1.4.0 (spec.json)', () => {
  for (const id of ['CartPole-v0', 'CartPole-v1']) {
    it(`registers ${id}`, () => {
      const expected = specFixture.registered[id]!;
      const actual = spec(id);
      expect(actual.id).toBe(expected['id']);
      expect(actual.rewardThreshold).toBe(expected['reward_threshold']);
      expect(actual.maxEpisodeSteps).toBe(expected['max_episode_steps']);
      expect(actual.nondeterministic).toBe(expected['nondeterministic']);
      expect(actual.orderEnforce).toBe(expected['order_enforce']);
      expect(actual.disableEnvChecker).toBe(expected['disable_env_checker']);
      expect(actual.kwargs).toEqual(expected['kwargs']);
      expect(actual.namespace ?? null).toBe(expected['namespace']);
      expect(actual.name).toBe(expected['name']);
      expect(actual.version).toBe(expected['version']);
      expect(actual.additionalWrappers).toEqual(expected['additional_wrappers']);
      const json = actual.toJSON();
      const snakeKeys = Object.keys(JSON.parse(expected['to_json'] as string) as object);
      const camel = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
      expect(Object.keys(json)).toEqual(snakeKeys.map(camel));
      expect(EnvSpec.fromJSON(JSON.stringify(json)).toJSON()).toEqual(json);
    });
  }

  it('stacks wrappers and fills the specs like gymnasium.make', () => {
    const env = make('CartPole-v1');
    expect(String(env)).toBe(specFixture.made_env['repr']);
    expect(env).toBeInstanceOf(TimeLimit);
    expect((env as unknown as TimeLimit<Float32Array, number>).env).toBeInstanceOf(OrderEnforcing);
    expect(env.spec?.maxEpisodeSteps).toBe(specFixture.made_env['env.spec.max_episode_steps']);
    expect(env.unwrapped.spec?.maxEpisodeSteps ?? null).toBe(
      specFixture.made_env['env.unwrapped.spec.max_episode_steps'],
    );
    expect(env.unwrapped.spec?.orderEnforce).toBe(specFixture.made_env['env.unwrapped.spec.order_enforce']);
    expect(env.unwrapped.spec?.disableEnvChecker).toBe(specFixture.made_env['env.unwrapped.spec.disable_env_checker']);
    expect(env.spec?.orderEnforce).toBe(true);
    expect(env.spec?.disableEnvChecker).toBe(false);
    expect(env.unwrapped).toBeInstanceOf(CartPoleEnv);
  });

  it('has the Gymnasium constants, metadata and spaces', () => {
    const env = make('CartPole-v1').unwrapped;
    const constants = specFixture.constants;
    expect(env.gravity).toBe(constants['gravity']);
    expect(env.masscart).toBe(constants['masscart']);
    expect(env.masspole).toBe(constants['masspole']);
    expect(env.totalMass).toBe(constants['total_mass']);
    expect(env.length).toBe(constants['length']);
    expect(env.polemassLength).toBe(constants['polemass_length']);
    expect(env.forceMag).toBe(constants['force_mag']);
    expect(env.tau).toBe(constants['tau']);
    expect(env.kinematicsIntegrator).toBe(constants['kinematics_integrator']);
    expect(env.thetaThresholdRadians).toBe(constants['theta_threshold_radians']);
    expect(env.xThreshold).toBe(constants['x_threshold']);
    expect(env.screenWidth).toBe(constants['screen_width']);
    expect(env.screenHeight).toBe(constants['screen_height']);
    for (const mode of specFixture.metadata.render_modes) expect(env.metadata.renderModes).toContain(mode);
    expect(env.metadata.renderFps).toBe(specFixture.metadata.render_fps);
    const observationSpace = env.observationSpace;
    expect(observationSpace).toBeInstanceOf(Box);
    expect(observationSpace.dtype).toBe(specFixture.observation_space.dtype);
    expect([...observationSpace.shape]).toEqual(specFixture.observation_space.shape);
    expect(Array.from(observationSpace.low)).toEqual(specFixture.observation_space.low.map(fromJsonNumber));
    expect(Array.from(observationSpace.high)).toEqual(specFixture.observation_space.high.map(fromJsonNumber));
    expect(observationSpace.toString()).toBe(
      specFixture.observation_space.repr.replace(/\s+/g, ' ').replace(/\[ /g, '['),
    );
    expect(env.actionSpace).toBeInstanceOf(Discrete);
    expect((env.actionSpace as Discrete).n).toBe(specFixture.action_space.n);
    expect((env.actionSpace as Discrete).start).toBe(specFixture.action_space.start);
    expect(env.actionSpace.toString()).toBe(specFixture.action_space.repr);
    expect(Math.fround(env.xThreshold)).toBe(specFixture.derived_float32['float32(2.4)']);
    expect(Math.fround(env.thetaThresholdRadians)).toBe(
      specFixture.derived_float32['float32(theta_threshold_radians)'],
    );
  });
});

describe('make', () => {
  it('types registered ids precisely', () => {
    const env = make('CartPole-v1');
    expectTypeOf(env.reset({ seed: 1 }).observation).toEqualTypeOf<Float32Array>();
    expectTypeOf(env.step).parameter(0).toEqualTypeOf<number>();
    expectTypeOf(env.unwrapped).toMatchTypeOf<CartPoleEnv>();
    const makeUnknown = () => make('Anything-v0');
    expectTypeOf(makeUnknown).returns.toEqualTypeOf<Env<unknown, unknown>>();
    expect(env.unwrapped.kinematicsIntegrator).toBe('euler');
  });

  it('applies TimeLimit from the spec: v0 truncates at 200, v1 at 500', () => {
    for (const [id, limit] of [
      ['CartPole-v0', 200],
      ['CartPole-v1', 500],
    ] as const) {
      setWarningHandler(() => {});
      const env = make(id);
      env.reset({ seed: 0 });
      let steps = 0;
      let truncated = false;
      while (!truncated) {
        env.unwrapped.state = [0, 0, 0, 0];
        const result = env.step(steps % 2);
        truncated = result.truncated;
        steps++;
        if (!truncated) expect(result.terminated).toBe(false);
      }
      expect(steps).toBe(limit);
    }
  });

  it('passes camelCase options and maxEpisodeSteps overrides', () => {
    const env = make('CartPole-v1', { suttonBartoReward: true, maxEpisodeSteps: 3, renderMode: 'ansi' });
    expect(env.unwrapped.suttonBartoReward).toBe(true);
    expect(env.renderMode).toBe('ansi');
    expect(env.spec?.maxEpisodeSteps).toBe(3);
    expect(env.unwrapped.spec?.kwargs).toEqual({ suttonBartoReward: true, renderMode: 'ansi' });
    env.reset({ seed: 123 });
    expect(env.step(0).truncated).toBe(false);
    expect(env.step(1).truncated).toBe(false);
    expect(env.step(0).truncated).toBe(true);
    expect(String(make('CartPole-v1', { maxEpisodeSteps: -1 }))).toBe(
      '<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>>',
    );
    expect(String(make('CartPole-v1', { disableEnvChecker: true }))).toBe(
      '<TimeLimit<OrderEnforcing<CartPoleEnv<CartPole-v1>>>>',
    );
  });

  it('enforces reset before step and render, and checks actions', () => {
    const env = make('CartPole-v1', { renderMode: 'ansi' });
    expect(() => env.step(0)).toThrow(ResetNeededError);
    expect(() => env.render()).toThrow(ResetNeededError);
    const error = catchError(() => env.step(0));
    expect(ResetNeededError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('Cannot call env.step() before calling env.reset()');
    env.reset({ seed: 0 });
    for (const action of [Number.NaN, 2, -1, 0.5, 'a'])
      expect(() => env.step(action as number)).toThrow(InvalidActionError);
    expect(env.step(1).reward).toBe(1);
  });

  it('uses the latest version for an unversioned id with a warning, and warns for old versions', () => {
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    expect(make('CartPole').spec?.id).toBe('CartPole-v1');
    expect(warnings.at(-1)).toContain("Using the latest versioned environment 'CartPole-v1'");
    make('CartPole-v0');
    expect(warnings.at(-1)).toBe(
      "[@tfkit/gym-lite] DEPRECATION: The environment CartPole-v0 is out of date. You should consider upgrading to version 'v1'.",
    );
  });

  it('names close matches for unknown ids and versions', () => {
    const wrongCase = catchError(() => make('Cartpole-v1'));
    expect(UnknownEnvError.isInstance(wrongCase)).toBe(true);
    expect((wrongCase as UnknownEnvError).reason).toBe('name');
    expect((wrongCase as UnknownEnvError).closeMatches[0]).toBe('CartPole-v1');
    expect((wrongCase as Error).message).toMatch(/Environment 'Cartpole' doesn't exist\. Did you mean: 'CartPole-v1'/);
    const typo = catchError(() => make('CartPol-v1')) as UnknownEnvError;
    expect(typo.closeMatches).toContain('CartPole-v1');
    const version = catchError(() => make('CartPole-v2')) as UnknownEnvError;
    expect(version.reason).toBe('version');
    expect(version.closeMatches).toEqual(['CartPole-v1', 'CartPole-v0']);
    expect(version.message).toContain("It provides versioned environments: [ 'v0', 'v1' ]");
    const unrelated = catchError(() => spec('MountainCar-v0')) as UnknownEnvError;
    expect(unrelated.closeMatches).toEqual([]);
    expect(unrelated.message).toContain('registeredIds()');
    expect((catchError(() => make('a b')) as UnknownEnvError).reason).toBe('malformed');
    expect((catchError(() => make('Other/CartPole-v1')) as UnknownEnvError).reason).toBe('namespace');
    expect(closeMatches('cartpole-v0')[0]).toBe('CartPole-v0');
  });

  it('lists and parses ids', () => {
    expect(registeredIds()).toEqual(expect.arrayContaining(['CartPole-v0', 'CartPole-v1']));
    expect(registry.get('CartPole-v1')).toBe(spec('CartPole-v1'));
    expect(parseEnvId('CartPole-v1')).toEqual({ namespace: undefined, name: 'CartPole', version: 1 });
    expect(parseEnvId('Lab/Maze')).toEqual({ namespace: 'Lab', name: 'Maze', version: undefined });
  });
});

class Coin extends Env<number, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Discrete(2);
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    this.metadata = { renderModes: [] };
  }
  reset(params: ResetParams = {}) {
    this.reseed(params.seed);
    return { observation: this.rng.integers(2), info: {} };
  }
  step(action: number) {
    const observation = this.rng.integers(2);
    return { observation, reward: observation === action ? 1 : 0, terminated: false, truncated: false, info: {} };
  }
}

describe('register', () => {
  it('registers custom envs with function entry points and kwargs', () => {
    register({
      id: 'TestCoin-v0',
      entryPoint: (options) => new Coin(options),
      maxEpisodeSteps: 2,
      kwargs: { bias: 1 },
    });
    try {
      const env = make('TestCoin-v0', { extra: true });
      expect((env.unwrapped as Coin).options).toEqual({ bias: 1, extra: true });
      env.reset({ seed: 1 });
      env.step(0);
      expect(env.step(1).truncated).toBe(true);
      expect(() => spec('TestCoin-v0').toJSON()).toThrow(RegistrationError);
    } finally {
      unregister('TestCoin-v0');
    }
  });

  it('rejects invalid registrations', () => {
    expect(() => register({ id: 'NoEntry-v0' })).toThrow(RegistrationError);
    expect(() => register({ id: 'CartPole', entryPoint: () => new Coin() })).toThrow(
      /unversioned environment 'CartPole'/,
    );
    expect(() => make(new EnvSpec({ id: 'Strange-v0', entryPoint: 'nowhere:Env' }))).toThrow(
      /Unknown string entry point/,
    );
    expect(() => make(new EnvSpec({ id: 'Bad-v0', entryPoint: () => ({}) as Env }))).toThrow(RegistrationError);
  });

  it('warns when overriding a registration', () => {
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    register({ id: 'TestTwice-v0', entryPoint: () => new Coin() });
    register({ id: 'TestTwice-v0', entryPoint: () => new Coin() });
    unregister('TestTwice-v0');
    expect(warnings.some((message) => message.includes('Overriding environment TestTwice-v0'))).toBe(true);
  });

  it('makeVec uses the vector entry point with the spec time limit', () => {
    const envs = makeVec('CartPole-v0', { numEnvs: 3, seed: 1 });
    expect(envs).toBeInstanceOf(CartPoleVectorEnv);
    expect((envs as CartPoleVectorEnv).maxEpisodeSteps).toBe(200);
    expect(envs.numEnvs).toBe(3);
    expect(String(envs)).toBe('CartPoleVectorEnv(CartPole-v0, numEnvs=3)');
    expect(() => makeVec('CartPole-v1', { numEnvs: 0 })).toThrow(/numEnvs must be a positive integer/);
    expect(new PassiveEnvChecker(new CartPoleEnv())).toBeInstanceOf(Env);
  });
});
