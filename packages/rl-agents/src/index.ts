/**
 * `@tfkit/rl-agents`: reinforcement-learning agents for `@tfkit/gym-lite` environments: a DQN
 * that solves CartPole-v1 fast (replay buffer, native and tfjs Q-networks, checkpoints,
 * `trainDqnUntilSolved`), tabular Q-learning that solves CartPole-v0, and REINFORCE. The book's
 * recipes (its `experiment()` runner, policies, naive NN, Q-table preset and "DQN") are on
 * `@tfkit/rl-agents/book`.
 *
 * @packageDocumentation
 */

export { TfkitError, TfkitOptionError } from '@tfkit/core';
export { DqnAgent, type DqnCounters, type EvaluationResult } from './dqn/agent.js';
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
export {
  RlAgentsError,
  RlCheckpointError,
  RlConfigError,
  RlEnvMismatchError,
  RlInvalidMdpError,
  RlNotDiscreteError,
} from './errors.js';
export {
  type CompiledMdp,
  compileMdp,
  type DiscreteMdp,
  type MdpTransition,
  type PlanningModel,
  type PlanningOptions,
  probabilityTolerance,
  resolveMdp,
} from './planning/mdp.js';
export {
  evaluatePolicy,
  type GreedyOptions,
  type PlanningResult,
  type PolicyEvaluationResult,
  policyFromValues,
  policyIteration,
  qFromValues,
  type TabularPolicy,
  valueIteration,
} from './planning/planners.js';
export { type ExperimentResult, type Policy, playEpisode, summarise } from './policy.js';
export {
  QTableAgent,
  type QTableConfig,
  type QTableLearnOptions,
  type QTableLearnResult,
  solvingQTableConfig,
} from './q-table.js';
export { ReinforceAgent, type ReinforceConfig, type ReinforceLearnOptions } from './reinforce.js';
export {
  type DiscreteEnv,
  type EpisodeSchedule,
  evaluateTabularPolicy,
  TabularAgent,
  type TabularConfig,
  type TabularEpisodeLogs,
  type TabularEvaluation,
  type TabularLearnOptions,
  type TabularLearnResult,
  type TabularStepLogs,
} from './tabular/tabular-agent.js';

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
