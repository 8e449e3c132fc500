import { describe, expectTypeOf, it } from 'vitest';
import type { NaiveNnOptions } from './book.js';
import type {
  DiscreteMdp,
  DqnEpisodeLogs,
  DqnEvaluationLogs,
  DqnStepLogs,
  LearnOptions,
  LearnResult,
  TrainUntilSolvedOptions,
} from './index.js';
import { DqnAgent } from './index.js';

describe('training-loop contract types', () => {
  it('types the callbacks of DqnAgent.learn and trainDqnUntilSolved by their logs', () => {
    expectTypeOf<NonNullable<LearnOptions['onEpisodeEnd']>>().parameters.toEqualTypeOf<[number, DqnEpisodeLogs]>();
    expectTypeOf<NonNullable<LearnOptions['onStep']>>().parameters.toEqualTypeOf<[number, DqnStepLogs]>();
    expectTypeOf<NonNullable<LearnOptions['onEvaluationEnd']>>().parameters.toEqualTypeOf<
      [number, DqnEvaluationLogs]
    >();
    expectTypeOf<LearnOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<TrainUntilSolvedOptions['totalTimesteps']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NonNullable<NaiveNnOptions['onEpochEnd']>>().parameters.toEqualTypeOf<[number, { loss: number }]>();
    expectTypeOf(DqnAgent.prototype.learn).returns.resolves.toEqualTypeOf<LearnResult>();
  });

  it('makes agents disposable with `using`', () => {
    expectTypeOf<DqnAgent>().toHaveProperty(Symbol.dispose);
  });
});

describe('planning types', () => {
  it('takes a DiscreteMdp or a toy-text env and returns typed arrays', async () => {
    const { make } = await import('@tfkit/gym-lite');
    const { valueIteration, policyIteration, TabularAgent } = await import('./index.js');
    const mdp: DiscreteMdp = { nStates: 1, nActions: 1, P: [[[[1, 0, 0, true]]]] };
    expectTypeOf(valueIteration(mdp).policy).toEqualTypeOf<Int32Array>();
    expectTypeOf(policyIteration(make('FrozenLake-v1')).V).toEqualTypeOf<Float64Array>();
    expectTypeOf(valueIteration(mdp).Q).toEqualTypeOf<Float64Array[]>();
    // @ts-expect-error a number is no model
    valueIteration(3);
    expectTypeOf(new TabularAgent(make('Taxi-v4')).policy()).toEqualTypeOf<Int32Array>();
  });
});
