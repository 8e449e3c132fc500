/**
 * `@tfkit/rl-agents`: reinforcement-learning agents for `@tfkit/gym-lite` environments, from the
 * book's policies (random, angle logic, random search, naive NN, Q-table, the book's DQN) to a
 * DQN that solves CartPole-v1 fast, Q-learning that solves CartPole-v0, and REINFORCE.
 *
 * @packageDocumentation
 */

export { TfkitError, TfkitOptionError } from '@tfkit/core';
export { DqnAgent, type DqnCounters, type EvaluationResult } from './dqn/agent.js';
export { type BookDqnConfig, runBookDqn } from './dqn/book-dqn.js';
export { type LoadOptions, loadDqnAgent, type SaveOptions, saveDqnAgent } from './dqn/checkpoint.js';
export { type DqnConfig, dqnDefaults, type ResolvedDqnConfig, resolveDqnConfig } from './dqn/config.js';
export type {
  DqnEpisodeLogs,
  DqnEvaluationLogs,
  DqnStepLogs,
  HistoryPoint,
  LearnEvent,
  LearnOptions,
  LearnResult,
} from './dqn/learning.js';
export { FlatAdam, NativeMlp } from './dqn/native-mlp.js';
export {
  defaultQModel,
  type NamedArray,
  NativeQNetwork,
  type QModelFactory,
  type QNetwork,
  type QNetworkOptions,
  type QNetworkState,
  type QTrainSettings,
  TfjsQNetwork,
} from './dqn/network.js';
export { linearSchedule, ReplayBuffer, type TransitionBatch } from './dqn/replay-buffer.js';
export {
  type TrainUntilSolvedOptions,
  type TrainUntilSolvedResult,
  trainDqnUntilSolved,
} from './dqn/train-until-solved.js';
export type { AgentEnv, StepResult } from './env.js';
export { RlAgentsError, RlCheckpointError, RlConfigError, RlEnvMismatchError } from './errors.js';
export {
  angleLogicPolicy,
  type ExperimentOptions,
  type ExperimentResult,
  formatExperiment,
  linearPolicy,
  type Policy,
  playEpisode,
  type RandomSearchOptions,
  type RandomSearchResult,
  randomPolicy,
  randomSearch,
  runExperiment,
} from './experiment.js';
export { type NaiveNnOptions, type NaiveNnPolicy, trainNaiveNnPolicy } from './naive-nn.js';
export {
  bookQTableConfig,
  QTableAgent,
  type QTableConfig,
  type QTableLearnOptions,
  type QTableLearnResult,
  solvingQTableConfig,
} from './q-table.js';
export { ReinforceAgent, type ReinforceConfig, type ReinforceLearnOptions } from './reinforce.js';

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
