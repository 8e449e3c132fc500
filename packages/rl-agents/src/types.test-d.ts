import { describe, expectTypeOf, it } from 'vitest';
import type { NaiveNnOptions } from './book.js';
import type {
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
