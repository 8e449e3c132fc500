/**
 * `@tfkit/experiments`: experiment sweeps for tfkit. Grid and seeded random search over a trial's
 * parameters with seeds as an axis; a typed trial registry with built-ins (DQN on any gym-lite env,
 * `@tfkit/gan` presets, the Fashion-MNIST transfer experiment, planning and tabular control on the
 * toy-text envs); a crash-safe JSON-lines results
 * store; mean ± std and median over seeds; a worker-thread pool on every core. The distributed
 * runner (BullMQ on Redis) is on `@tfkit/experiments/distributed`.
 *
 * @packageDocumentation
 */
export {
  type AggregateOptions,
  aggregateResults,
  type ConfigurationSummary,
  type CurveSummary,
  type MetricSummary,
  type SweepSummary,
  summarize,
} from './aggregate.js';
export {
  maskRedisUrl,
  RedisUnavailableError,
  ResultsStoreError,
  SweepDefinitionError,
  TrialOutputError,
} from './errors.js';
export { type ExecuteTrialOptions, executeTrial, loadTrialRegistry } from './execute.js';
export {
  type RunSweepOptions,
  type RunSweepResult,
  runSweep,
  type SweepProgress,
  sweepPaths,
} from './runner.js';
export { ResultsStore, type StoreOpenReport, type TrialRecord } from './store.js';
export {
  canonicalJson,
  type Distribution,
  defineSweep,
  expandSweep,
  type MetricChoice,
  parseSweep,
  type RandomSearch,
  type SweepDefinition,
  sweepConfigurations,
  type TrialSpec,
  type TypedSweep,
  validateSweep,
} from './sweep.js';
export {
  type BooleanParameter,
  type CurvePoint,
  checkParameterValue,
  defineTrial,
  type NumberListParameter,
  type NumberParameter,
  type ParameterJsonValue,
  type ParameterSpec,
  type ParameterSpecs,
  type ParametersOf,
  type ParameterValue,
  resolveParameters,
  type StringParameter,
  type TrialContext,
  type TrialDefinition,
  type TrialOutput,
  TrialRegistry,
} from './trial.js';
export { builtinTrials, dqnTrial, fashionTransferTrial, ganTrial, tabularTrial } from './trials/index.js';

/** The version of this package. */
export const version: string = __PACKAGE_VERSION__;
