import { describe, expectTypeOf, it } from 'vitest';
import { defineSweep } from './sweep.js';
import { defineTrial, type ParametersOf } from './trial.js';
import { dqnTrial } from './trials/dqn.js';

describe('typed trial parameters', () => {
  it('run receives parameters typed from their specs', () => {
    defineTrial({
      name: 'typed',
      description: 'types',
      parameters: {
        rate: { type: 'number', default: 1 },
        layers: { type: 'integer[]', default: [8] },
        kind: { type: 'string', choices: ['a', 'b'], default: 'a' },
        free: { type: 'string', default: 'x' },
        flag: { type: 'boolean', default: false },
      },
      async run(parameters) {
        expectTypeOf(parameters.rate).toEqualTypeOf<number>();
        expectTypeOf(parameters.layers).toEqualTypeOf<number[]>();
        expectTypeOf(parameters.kind).toEqualTypeOf<'a' | 'b'>();
        expectTypeOf(parameters.free).toEqualTypeOf<string>();
        expectTypeOf(parameters.flag).toEqualTypeOf<boolean>();
        return { metrics: {} };
      },
    });
  });

  it('defineSweep checks parameter names and value types', () => {
    type DqnParameters = ParametersOf<typeof dqnTrial.parameters>;
    expectTypeOf<DqnParameters['learningRate']>().toEqualTypeOf<number>();
    defineSweep(dqnTrial, {
      name: 'ok',
      grid: { learningRate: [1e-3], hiddenLayers: [[64]] },
      fixed: { envId: 'CartPole-v1' },
    });
    // @ts-expect-error unknown parameter
    defineSweep(dqnTrial, { name: 'bad', grid: { learningRat: [1e-3] } });
    // @ts-expect-error wrong value type
    defineSweep(dqnTrial, { name: 'bad', grid: { learningRate: ['fast'] } });
    // @ts-expect-error wrong value type in fixed
    defineSweep(dqnTrial, { name: 'bad', fixed: { stopWhenSolved: 'yes' } });
  });
});
