import {
  createRng,
  deriveSeed,
  invokeCallback,
  type Rng,
  type RngState,
  shouldStop,
  TfkitOptionError,
} from '@tfkit/core';
import { type AgentEnv, actionCount, checkEnvFits, observationSize } from '../env.js';
import { packageName, RlEnvMismatchError } from '../errors.js';
import { type DqnConfig, type ResolvedDqnConfig, resolveDqnConfig } from './config.js';
import { ActingClock, type LearnOptions, type LearnResult, type LearnRun, type PlayedStep } from './learning.js';
import { NativeQNetwork, type QNetwork, type QNetworkState, TfjsQNetwork } from './network.js';
import { linearSchedule, ReplayBuffer, type TransitionBatch } from './replay-buffer.js';

/** Result of {@link DqnAgent.evaluate}. */
export interface EvaluationResult {
  /** Mean return. */
  mean: number;
  /** Standard deviation of the returns. */
  std: number;
  /** Every return. */
  returns: number[];
}

/** Counters and generator state of a DQN agent (saved with it). */
export interface DqnCounters {
  /** Environment steps taken. */
  numTimesteps: number;
  /** Gradient steps taken. */
  numUpdates: number;
  /** Episodes finished. */
  numEpisodes: number;
  /** Resolved length of the epsilon schedule, fixed by the first `learn` call. */
  explorationSteps: number | undefined;
  /** State of the agent's generator (`@tfkit/core`'s `Rng`). */
  random: RngState;
}

/**
 * Deep Q-Network agent (Mnih et al. 2015) with the refinements that make it reliable: a typed
 * array replay buffer, a target network (hard or Polyak updates), Double DQN, Huber loss,
 * gradient-norm clipping, Adam, a linear epsilon schedule, `learningStarts`, `trainFreq`,
 * `gradientSteps`, and correct truncation handling (a time-limit cut bootstraps; only
 * `terminated` zeroes the target).
 *
 * @remarks
 * With `engine: 'tfjs'` the agent owns two `tf.LayersModel`s and an optimizer; call
 * {@link DqnAgent.dispose}. Learning and acting keep no tensor alive between steps.
 *
 * @example
 * ```ts
 * const env = make('CartPole-v1');
 * const agent = new DqnAgent(env, { seed: 1 });
 * await agent.learn(env, { totalTimesteps: 50_000 });
 * agent.predict(env.reset().observation); // 0 or 1
 * ```
 */
export class DqnAgent {
  /** The resolved configuration. */
  readonly config: ResolvedDqnConfig;
  /** Numbers per observation. */
  readonly inputSize: number;
  /** Number of actions. */
  readonly numActions: number;
  /** The Q-network engine. */
  readonly network: QNetwork;
  /** The replay buffer. */
  readonly buffer: ReplayBuffer;
  /** Counters and generator state. */
  readonly counters: DqnCounters;
  private readonly random: Rng;
  private readonly batch: TransitionBatch;
  private readonly observationScratch: Float32Array;

  /**
   * @param env - an environment (its spaces give the sizes) or `{ inputSize, numActions }`
   * @param config - see {@link DqnConfig}
   * @throws {@link TfkitOptionError} for an invalid configuration
   */
  constructor(env: AgentEnv | { inputSize: number; numActions: number }, config: DqnConfig = {}) {
    this.config = resolveDqnConfig(config);
    if ('inputSize' in env) {
      this.inputSize = env.inputSize;
      this.numActions = env.numActions;
    } else {
      this.inputSize = observationSize(env);
      this.numActions = actionCount(env);
    }
    const options = {
      inputSize: this.inputSize,
      numActions: this.numActions,
      hiddenLayers: this.config.hiddenLayers,
      learningRate: this.config.learningRate,
      seed: deriveSeed(this.config.seed, 1),
    };
    this.network =
      this.config.engine === 'native' ? new NativeQNetwork(options) : new TfjsQNetwork(options, config.model);
    this.network.updateTarget(1);
    this.buffer = new ReplayBuffer(this.config.bufferSize, this.inputSize);
    this.batch = this.buffer.createBatch(this.config.batchSize);
    this.random = createRng(deriveSeed(this.config.seed, 2));
    this.observationScratch = new Float32Array(this.inputSize);
    this.counters = {
      numTimesteps: 0,
      numUpdates: 0,
      numEpisodes: 0,
      explorationSteps: this.config.explorationSteps,
      random: this.random.getState(),
    };
  }

  /** Exploration rate at the current step. */
  get epsilon(): number {
    const steps = this.counters.explorationSteps ?? 0;
    return linearSchedule(
      this.config.explorationInitialEps,
      this.config.explorationFinalEps,
      steps,
    )(this.counters.numTimesteps);
  }

  /**
   * Picks an action.
   *
   * @param observation - one observation
   * @param options - `deterministic: false` explores with the current epsilon @defaultValue `{ deterministic: true }`
   * @returns the action
   * @throws {@link RlEnvMismatchError} when the observation has the wrong size
   */
  predict(observation: ArrayLike<number>, options: { deterministic?: boolean } = {}): number {
    if (observation.length !== this.inputSize) {
      throw new RlEnvMismatchError({ what: 'observation size', expected: this.inputSize, actual: observation.length });
    }
    if (options.deterministic === false && this.random.random32() < this.epsilon)
      return this.random.integers(this.numActions);
    return this.greedy(observation);
  }

  private greedy(observation: ArrayLike<number>): number {
    const q = this.network.predict(observation, 1);
    let best = 0;
    for (let action = 1; action < this.numActions; action++)
      if ((q[action] as number) > (q[best] as number)) best = action;
    return best;
  }

  /** Q-values of one observation (a copy). */
  qValues(observation: ArrayLike<number>): Float32Array {
    return this.network.predict(observation, 1).slice(0, this.numActions);
  }

  /**
   * Greedy (or epsilon-greedy) evaluation over whole episodes.
   *
   * @param env - the environment (reset without a seed unless `seed` is given)
   * @param options - `episodes` (default 20), `seed` of the first reset, `deterministic` (default true)
   * @returns mean, standard deviation and every return
   */
  evaluate(
    env: AgentEnv,
    options: { episodes?: number; seed?: number; deterministic?: boolean } = {},
  ): EvaluationResult {
    checkEnvFits(env, this.inputSize, this.numActions);
    const episodes = options.episodes ?? 20;
    const returns: number[] = [];
    for (let episode = 0; episode < episodes; episode++) {
      let observation = env.reset(
        episode === 0 && options.seed !== undefined ? { seed: options.seed } : {},
      ).observation;
      let total = 0;
      for (;;) {
        const action =
          options.deterministic === false && this.random.random32() < this.epsilon
            ? this.random.integers(this.numActions)
            : this.greedy(observation);
        const result = env.step(action);
        total += result.reward;
        observation = result.observation;
        if (result.terminated || result.truncated) break;
      }
      returns.push(total);
    }
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
    return { mean, std, returns };
  }

  /**
   * Learns for `totalTimesteps` environment steps. Each call starts a fresh episode (the env is
   * reset); counters, epsilon, optimizer and replay buffer carry over between calls, so calling
   * `learn` again (or after `loadDqnAgent`) resumes training.
   *
   * @param env - the training environment (must match the agent's sizes)
   * @param options - see {@link LearnOptions}: `totalTimesteps`, `onEpisodeEnd`, `onStep`,
   *   `onEvaluationEnd`, `signal`, evaluation settings
   * @returns counters, training returns, evaluations and timings of this call; `stopped` when
   *   `signal` aborted (learning stops at the next step boundary, it does not throw)
   * @throws {@link RlEnvMismatchError} when `env` (or `evalEnv`) does not fit the agent
   * @throws {@link TfkitOptionError} when `totalTimesteps` is not a positive integer
   * @example
   * ```ts
   * const controller = new AbortController();
   * await agent.learn(env, { totalTimesteps: 20_000, evalEnv, evalFreq: 2_000, signal: controller.signal,
   *   onEvaluationEnd: (_index, { mean }) => { if (mean >= 475) controller.abort(); } });
   * ```
   */
  async learn(env: AgentEnv, options: LearnOptions): Promise<LearnResult> {
    const run = this.startRun(env, options);
    for (let step = 0; step < options.totalTimesteps; step++) {
      if (shouldStop(options.signal)) {
        run.stop = true;
        break;
      }
      const played = this.playStep(run);
      if (options.onStep) {
        run.clock.pause();
        await invokeCallback(options.onStep, this.counters.numTimesteps, played);
        run.clock.resume();
      }
      if (played.terminated || played.truncated) await this.endEpisode(run, played.epsilon);
      if (
        this.counters.numTimesteps > this.config.learningStarts &&
        this.counters.numTimesteps % this.config.trainFreq === 0
      ) {
        run.clock.learning(() => this.trainRound(run));
      }
      if (this.config.tau >= 1 && this.counters.numTimesteps % this.config.targetUpdateInterval === 0) {
        this.network.updateTarget(1);
      }
      await this.maybeEvaluate(run);
      if (run.stop || shouldStop(options.signal)) {
        run.stop = true;
        break;
      }
    }
    return this.finishRun(run);
  }

  /** Checks the options, fixes the epsilon schedule and resets the env for a `learn` call. */
  private startRun(env: AgentEnv, options: LearnOptions): LearnRun {
    const totalTimesteps = options.totalTimesteps;
    if (!Number.isInteger(totalTimesteps) || totalTimesteps < 1) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'totalTimesteps',
        message: `must be a positive integer, got ${totalTimesteps}.`,
        value: totalTimesteps,
      });
    }
    checkEnvFits(env, this.inputSize, this.numActions);
    if (options.evalEnv) checkEnvFits(options.evalEnv, this.inputSize, this.numActions);
    const { config, counters } = this;
    if (counters.explorationSteps === undefined) {
      counters.explorationSteps = Math.round(config.explorationFraction * (counters.numTimesteps + totalTimesteps));
    }
    const result: LearnResult = {
      numTimesteps: counters.numTimesteps,
      numUpdates: counters.numUpdates,
      stopped: false,
      episodes: [],
      evaluations: [],
      actingSeconds: 0,
      learningSeconds: 0,
      steps: 0,
      updates: 0,
    };
    const firstSeed = options.seed ?? (counters.numTimesteps === 0 ? deriveSeed(config.seed, 3) : undefined);
    this.observationScratch.set(env.reset(firstSeed === undefined ? {} : { seed: firstSeed }).observation);
    return {
      env,
      options,
      result,
      clock: new ActingClock(result),
      epsilonAt: linearSchedule(config.explorationInitialEps, config.explorationFinalEps, counters.explorationSteps),
      evalFreq: options.evalFreq ?? 0,
      evalEpisodes: options.evalEpisodes ?? 20,
      evalSeed: deriveSeed(config.seed, 4),
      evalDue: false,
      episodeReturn: 0,
      episodeLength: 0,
      stop: false,
    };
  }

  /** Acts once (epsilon-greedy), stores the transition and advances the counters. */
  private playStep(run: LearnRun): PlayedStep {
    const observation = this.observationScratch;
    const epsilon = run.epsilonAt(this.counters.numTimesteps);
    const action = this.random.random32() < epsilon ? this.random.integers(this.numActions) : this.greedy(observation);
    const transition = run.env.step(action);
    this.buffer.add(observation, action, transition.reward, transition.observation, transition.terminated);
    this.counters.numTimesteps++;
    run.result.steps++;
    run.episodeReturn += transition.reward;
    run.episodeLength++;
    if (!transition.terminated && !transition.truncated) observation.set(transition.observation);
    const { reward, terminated, truncated } = transition;
    return { action, epsilon, reward, terminated, truncated };
  }

  /** Books a finished episode, reports it, runs a due evaluation on the training env, resets. */
  private async endEpisode(run: LearnRun, epsilon: number): Promise<void> {
    const counters = this.counters;
    counters.numEpisodes++;
    run.result.episodes.push({ numTimesteps: counters.numTimesteps, value: run.episodeReturn });
    const logs = {
      numTimesteps: counters.numTimesteps,
      episodeReturn: run.episodeReturn,
      episodeLength: run.episodeLength,
      epsilon,
    };
    if (run.options.onEpisodeEnd || run.options.callback) {
      run.clock.pause();
      await invokeCallback(run.options.onEpisodeEnd, counters.numEpisodes - 1, logs);
      const answer = await run.options.callback?.({ type: 'episode', episode: counters.numEpisodes, ...logs });
      run.stop = answer === false;
      run.clock.resume();
    }
    if (!run.stop && run.evalDue && !run.options.evalEnv && !shouldStop(run.options.signal)) {
      run.evalDue = false;
      await this.evaluateDuringLearning(run, run.env);
    }
    run.episodeReturn = 0;
    run.episodeLength = 0;
    this.observationScratch.set(run.env.reset().observation);
  }

  /** One training round: `gradientSteps` minibatch updates (with Polyak target updates when `tau < 1`). */
  private trainRound(run: LearnRun): void {
    const { config, counters } = this;
    const settings = {
      gamma: config.gamma,
      doubleDqn: config.doubleDqn,
      maxGradNorm: config.maxGradNorm,
      loss: config.loss,
    };
    for (let gradientStep = 0; gradientStep < config.gradientSteps; gradientStep++) {
      this.buffer.sample(config.batchSize, this.random, this.batch);
      this.network.train(this.batch, settings);
      counters.numUpdates++;
      run.result.updates++;
      if (config.tau < 1) this.network.updateTarget(config.tau);
    }
  }

  /** Every `evalFreq` steps: evaluates on `evalEnv` now, or marks an evaluation due at the episode's end. */
  private async maybeEvaluate(run: LearnRun): Promise<void> {
    if (run.evalFreq <= 0 || this.counters.numTimesteps % run.evalFreq !== 0) return;
    if (!run.options.evalEnv) {
      run.evalDue = true;
    } else if (!run.stop && !shouldStop(run.options.signal)) {
      await this.evaluateDuringLearning(run, run.options.evalEnv);
    }
  }

  /** Runs a greedy evaluation, books it and reports it (the deprecated `callback` may stop). */
  private async evaluateDuringLearning(run: LearnRun, evalEnv: AgentEnv): Promise<void> {
    run.clock.pause();
    const evaluation = this.evaluate(evalEnv, {
      episodes: run.evalEpisodes,
      ...(run.evalSeed === undefined ? {} : { seed: run.evalSeed }),
    });
    run.evalSeed = undefined;
    const logs = { numTimesteps: this.counters.numTimesteps, ...evaluation };
    run.result.evaluations.push({ numTimesteps: logs.numTimesteps, value: evaluation.mean });
    await invokeCallback(run.options.onEvaluationEnd, run.result.evaluations.length - 1, logs);
    const answer = await run.options.callback?.({ type: 'eval', ...logs });
    run.stop = run.stop || answer === false;
    run.clock.resume();
  }

  /** Books the end of a `learn` call. */
  private finishRun(run: LearnRun): LearnResult {
    run.clock.pause();
    this.counters.random = this.random.getState();
    run.result.stopped = run.stop;
    run.result.numTimesteps = this.counters.numTimesteps;
    run.result.numUpdates = this.counters.numUpdates;
    return run.result;
  }

  /** Restores network state and counters (used by `loadDqnAgent`). */
  async restore(state: QNetworkState, counters: DqnCounters): Promise<void> {
    await this.network.importState(state);
    Object.assign(this.counters, counters);
    this.random.setState(counters.random);
  }

  /** Snapshot of counters including the generator state. */
  snapshotCounters(): DqnCounters {
    return { ...this.counters, random: this.random.getState() };
  }

  /** Frees the network's tensors (tfjs engine). The agent is unusable afterwards. */
  dispose(): void {
    this.network.dispose();
  }

  /** Same as {@link DqnAgent.dispose}, for `using agent = new DqnAgent(...)`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
