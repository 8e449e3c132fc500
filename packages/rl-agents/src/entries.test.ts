import { describe, expect, it } from 'vitest';
import * as book from './book.js';
import * as library from './index.js';

describe('entries: the library on @tfkit/rl-agents, the recipes on @tfkit/rl-agents/book', () => {
  it('puts the book recipes on /book only', () => {
    const recipes = [
      'runBookDqn',
      'runExperiment',
      'formatExperiment',
      'randomPolicy',
      'angleLogicPolicy',
      'linearPolicy',
      'randomSearch',
      'trainNaiveNnPolicy',
      'bookQTableConfig',
    ];
    expect(Object.keys(book).sort()).toEqual([...recipes].sort());
    for (const name of recipes) expect(name in library).toBe(false);
  });

  it('keeps the agents, training loops and errors on the main entry', () => {
    for (const name of ['DqnAgent', 'trainDqnUntilSolved', 'QTableAgent', 'solvingQTableConfig', 'ReinforceAgent']) {
      expect(name in library).toBe(true);
    }
    for (const name of ['saveDqnAgent', 'ReplayBuffer', 'playEpisode', 'TfkitOptionError', 'RlEnvMismatchError']) {
      expect(name in library).toBe(true);
    }
    expect('Random' in library).toBe(false);
  });
});
