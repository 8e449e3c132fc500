#!/usr/bin/env node
// The figures quoted in README.md's quick start, recomputed over the built dist (seeded, so they
// are the same on every machine): node bench/readme-figures.mjs [--skip-dqn]
import { ensureBackend } from '@tfkit/backend';
import { make } from '@tfkit/gym-lite';
import * as book from '../dist/book.js';
import * as rl from '../dist/index.js';

await ensureBackend({ prefer: ['wasm', 'cpu'], log: false });
const v0 = make('CartPole-v0');
const line = (result) => console.log(book.formatExperiment(result));
line(book.runExperiment(v0, book.randomPolicy({ seed: 0 }), { episodes: 100 }));
line(book.runExperiment(v0, book.angleLogicPolicy()));
line(book.runExperiment(v0, book.randomSearch(v0).policy));
const naive = await book.trainNaiveNnPolicy(v0);
line(book.runExperiment(v0, naive));
naive.dispose();
line(new rl.QTableAgent(v0, book.bookQTableConfig).learn(v0));
line(book.runBookDqn(v0));
const q = new rl.QTableAgent(v0, { ...rl.solvingQTableConfig, seed: 1 });
console.log(
  'solving Q-table, seed 1, solvedAtEpisode:',
  q.learn(v0, { episodes: 1000, stopAtMean: 195 }).solvedAtEpisode,
);
if (!process.argv.includes('--skip-dqn')) {
  const result = await rl.trainDqnUntilSolved(make('CartPole-v1'), { seed: 1, evalEnv: make('CartPole-v1') });
  console.log('trainDqnUntilSolved seed 1:', result.solved, result.envSteps, result.evalMean);
}
