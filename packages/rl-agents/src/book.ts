/**
 * `@tfkit/rl-agents/book`: the recipes that reproduce the book's reinforcement-learning chapter on
 * CartPole (Mastering TensorFlow 1.x, chapter 13): its `experiment()` runner and result line, the
 * random, angle-logic and linear policies, random search, the naive neural-network policy, the
 * book's Q-table preset and its "DQN". The main entry `@tfkit/rl-agents` holds the library
 * (agents, networks, replay buffer, checkpoints, training loops).
 *
 * @packageDocumentation
 */
export { type BookDqnConfig, runBookDqn } from './book/book-dqn.js';
export {
  angleLogicPolicy,
  type ExperimentOptions,
  formatExperiment,
  linearPolicy,
  type RandomSearchOptions,
  type RandomSearchResult,
  randomPolicy,
  randomSearch,
  runExperiment,
} from './book/experiment.js';
export { type NaiveNnEpochLogs, type NaiveNnOptions, type NaiveNnPolicy, trainNaiveNnPolicy } from './book/naive-nn.js';
export { bookQTableConfig } from './book/q-table-presets.js';
