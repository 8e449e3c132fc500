import type { QTableConfig } from '../q-table.js';

/**
 * The book's Q-table: 10 bins per dimension, velocities clipped to +-1, lr 0.8, discount 0.9, explore 0.2.
 *
 * @example
 * ```ts
 * const agent = new QTableAgent(make('CartPole-v0'), { ...bookQTableConfig, seed: 0 });
 * agent.learn(env, { episodes: 1000 }); // book: min 8, max 180, average 17.59
 * ```
 */
export const bookQTableConfig: QTableConfig = {
  bins: 10,
  learningRate: 0.8,
  discount: 0.9,
  explorationRate: 0.2,
  bootstrapTerminal: true,
};
