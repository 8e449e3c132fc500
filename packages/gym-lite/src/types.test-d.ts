import { describe, expectTypeOf, it } from 'vitest';
import {
  Box,
  type CartPoleEnv,
  Discrete,
  type Env,
  MultiDiscrete,
  make,
  type ResetResult,
  type Space,
  type StepResult,
} from './index.js';

describe('make', () => {
  it("types make<'CartPole-v1'> from the registry", () => {
    const env = make('CartPole-v1');
    expectTypeOf(env).toMatchTypeOf<Env<Float32Array, number>>();
    expectTypeOf(env.unwrapped).toExtend<CartPoleEnv>();
    expectTypeOf(env.unwrapped.suttonBartoReward).toEqualTypeOf<boolean>();
    expectTypeOf(env.reset()).toEqualTypeOf<ResetResult<Float32Array>>();
    expectTypeOf(env.step).parameter(0).toEqualTypeOf<number>();
    expectTypeOf(env.step(0)).toEqualTypeOf<StepResult<Float32Array>>();
    expectTypeOf(make<'CartPole-v0'>)
      .parameter(1)
      .toMatchTypeOf<{ suttonBartoReward?: boolean } | undefined>();
  });

  it('rejects an action of the wrong type', () => {
    const env = make('CartPole-v1');
    // @ts-expect-error CartPole's actions are numbers
    env.step('left');
  });

  it('falls back to Env<unknown, unknown> for an id it does not know', () => {
    expectTypeOf(make('Custom-v0')).toEqualTypeOf<Env<unknown, unknown>>();
  });
});

describe('spaces', () => {
  it('Discrete samples and contains numbers', () => {
    const space = new Discrete(3);
    expectTypeOf(space.sample()).toEqualTypeOf<number>();
    expectTypeOf(space).toMatchTypeOf<Space<number>>();
    const value: unknown = 1;
    if (space.contains(value)) expectTypeOf(value).toEqualTypeOf<number>();
  });

  it("Box samples its dtype's typed array (float32 by default) and narrows with contains", () => {
    expectTypeOf(new Box(-1, 1, [2]).sample()).toEqualTypeOf<Float32Array>();
    expectTypeOf(new Box(-1, 1, [2], 'float64').sample()).toEqualTypeOf<Float64Array>();
    expectTypeOf(new Box(0, 255, [2], 'uint8').sample()).toEqualTypeOf<Uint8Array>();
    const box = new Box(0, 10, [3], 'int32');
    expectTypeOf(box.low).toEqualTypeOf<Int32Array>();
    const value: unknown = new Int32Array(3);
    if (box.contains(value)) expectTypeOf(value).toEqualTypeOf<Int32Array>();
    // @ts-expect-error not a Box dtype
    new Box(0, 1, [1], 'float16');
  });

  it('MultiDiscrete samples and contains Int32Arrays', () => {
    const space = new MultiDiscrete([2, 3]);
    expectTypeOf(space.sample()).toEqualTypeOf<Int32Array>();
    const value: unknown = [0, 1];
    if (space.contains(value)) expectTypeOf(value).toEqualTypeOf<Int32Array>();
  });
});
