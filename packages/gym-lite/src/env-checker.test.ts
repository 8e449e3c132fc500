import { createRng } from '@tfkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Env, type ResetParams, type StepResult } from './core.js';
import { checkEnv, dataEquivalence } from './env-checker.js';
import { CartPoleEnv } from './envs/cart-pole.js';
import { EnvCheckError } from './errors.js';
import { setWarningHandler } from './logger.js';
import { make, register, unregister } from './registration.js';
import { Box } from './spaces/box.js';
import { Discrete } from './spaces/discrete.js';

afterEach(() => {
  setWarningHandler(undefined);
});

/** A well-behaved 1-D random walk. */
class Walk extends Env<Float32Array, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box(-10, 10, [1]);
  position = 0;
  constructor() {
    super();
    this.metadata = { renderModes: ['ansi'], renderFps: 4 };
  }
  reset(params: ResetParams = {}) {
    this.reseed(params.seed);
    this.position = this.rng.uniform(-1, 1);
    return { observation: new Float32Array([this.position]), info: {} };
  }
  step(action: number): StepResult<Float32Array> {
    this.position += (action === 1 ? 1 : -1) * this.rng.uniform(0, 0.5);
    return {
      observation: new Float32Array([this.position]),
      reward: -Math.abs(this.position),
      terminated: Math.abs(this.position) > 5,
      truncated: false,
      info: {},
    };
  }
  override render() {
    return this.renderMode === 'ansi' ? `position ${this.position}` : undefined;
  }
}

function expectCheckError(env: Env<unknown, unknown>, pattern: RegExp): void {
  let caught: unknown;
  try {
    checkEnv(env, { skipRenderCheck: true });
  } catch (error) {
    caught = error;
  }
  expect(EnvCheckError.isInstance(caught)).toBe(true);
  expect((caught as Error).message).toMatch(pattern);
}

describe('checkEnv', () => {
  it('passes CartPole, bare and made, with the expected warnings only', () => {
    setWarningHandler(() => {});
    const { warnings } = checkEnv(new CartPoleEnv() as Env<unknown, unknown>);
    expect(warnings.some((message) => message.includes('maximum value is infinity'))).toBe(true);
    expect(warnings.some((message) => message.includes('Not able to test alternative render modes'))).toBe(true);
    const made = checkEnv(make('CartPole-v1') as Env<unknown, unknown>);
    expect(made.warnings.some((message) => message.includes('different from the unwrapped version'))).toBe(true);
    expect(made.warnings.some((message) => message.includes("Render mode 'human' was not checked"))).toBe(true);
    expect(checkEnv(make('CartPole-v1').unwrapped as Env<unknown, unknown>).warnings.length).toBeGreaterThan(0);
  });

  it('passes a custom env, including through the registry', () => {
    setWarningHandler(() => {});
    expect(checkEnv(new Walk() as Env<unknown, unknown>).warnings).toEqual([
      expect.stringContaining('Not able to test alternative render modes'),
    ]);
    register({ id: 'TestWalk-v0', entryPoint: () => new Walk() });
    try {
      expect(checkEnv(make('TestWalk-v0').unwrapped).warnings).toEqual([]);
    } finally {
      unregister('TestWalk-v0');
    }
  });

  it('fails an env that ignores the seed', () => {
    class Unseeded extends Walk {
      override reset() {
        this.position = createRng().uniform(-1, 1);
        return { observation: new Float32Array([this.position]), info: {} };
      }
    }
    expectCheckError(new Unseeded() as Env<unknown, unknown>, /Expects the generator to exist|non-deterministic/);
  });

  it('fails an env that draws from its own generator', () => {
    const shared = createRng(1);
    class OwnGenerator extends Walk {
      override reset(params: ResetParams = {}) {
        this.reseed(params.seed);
        this.position = shared.uniform(-1, 1);
        return { observation: new Float32Array([this.position]), info: {} };
      }
    }
    expectCheckError(new OwnGenerator() as Env<unknown, unknown>, /non-deterministic/);
  });

  it('fails observations outside the space and wrong return shapes', () => {
    class Outside extends Walk {
      override reset(params: ResetParams = {}) {
        this.reseed(params.seed);
        return { observation: new Float32Array([50]), info: {} };
      }
    }
    expectCheckError(new Outside() as Env<unknown, unknown>, /not within the observation space/);
    class ArrayReset extends Walk {
      override reset() {
        return [new Float32Array([0]), {}] as never;
      }
    }
    expectCheckError(
      new ArrayReset() as Env<unknown, unknown>,
      /reset\(\) must return an object \{ observation, info \}/,
    );
    class OldStep extends Walk {
      override step() {
        return [new Float32Array([0]), 0, false, {}] as never;
      }
    }
    expectCheckError(new OldStep() as Env<unknown, unknown>, /old Gym API/);
    class BadInfo extends Walk {
      override step(action: number) {
        return { ...super.step(action), info: null } as never;
      }
    }
    expectCheckError(new BadInfo() as Env<unknown, unknown>, /info returned by step\(\) must be a plain object/);
  });

  it('fails a nondeterministic step, an immediate truncation and a missing space', () => {
    let calls = 0;
    class Flaky extends Walk {
      override step(action: number) {
        calls++;
        return { ...super.step(action), reward: calls };
      }
    }
    expectCheckError(new Flaky() as Env<unknown, unknown>, /step rewards are not equivalent/);
    class Truncating extends Walk {
      override step(action: number) {
        return { ...super.step(action), truncated: true };
      }
    }
    expectCheckError(new Truncating() as Env<unknown, unknown>, /truncates after 1 step/);
    class NoAction extends Walk {
      override readonly actionSpace = undefined as never;
    }
    expectCheckError(new NoAction() as Env<unknown, unknown>, /action space must be a Space/);
    class Throwing extends Walk {
      override reset(): never {
        throw new TypeError('boom');
      }
    }
    expectCheckError(new Throwing() as Env<unknown, unknown>, /reset\(\) threw: boom/);
    expect(() => checkEnv({} as Env)).toThrow(EnvCheckError);
  });

  it('checks render modes and metadata', () => {
    setWarningHandler(() => {});
    class BadFps extends Walk {
      constructor() {
        super();
        this.metadata = { renderModes: ['ansi'], renderFps: 0 };
        this.renderMode = 'ansi';
      }
    }
    expect(() => checkEnv(new BadFps() as Env<unknown, unknown>)).toThrow(/renderFps to be greater than zero/);
    class UnknownMode extends Walk {
      constructor() {
        super();
        this.renderMode = 'rgb_array';
      }
    }
    expect(() => checkEnv(new UnknownMode() as Env<unknown, unknown>)).toThrow(/unsupported render mode 'rgb_array'/);
  });

  it('compares data like Gymnasium data_equivalence', () => {
    expect(dataEquivalence(new Float32Array([1, 2]), new Float32Array([1, 2 + 1e-7]))).toBe(true);
    expect(dataEquivalence(new Float32Array([1, 2]), new Float32Array([1, 2 + 1e-3]))).toBe(false);
    expect(dataEquivalence(new Float32Array([1]), new Float32Array([1.0000001]), true)).toBe(false);
    expect(dataEquivalence(new Float32Array([1]), new Float64Array([1]))).toBe(false);
    expect(dataEquivalence({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(dataEquivalence({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(dataEquivalence(1, '1')).toBe(false);
  });
});
