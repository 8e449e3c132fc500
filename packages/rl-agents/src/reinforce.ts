import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, type Rng, TfkitOptionError } from '@tfkit/core';
import { type AgentEnv, actionCount, checkEnvFits, observationSize } from './env.js';
import { packageName } from './errors.js';
import type { Policy } from './policy.js';

/** Configuration of a {@link ReinforceAgent}. */
export interface ReinforceConfig {
  /** Hidden layer widths (ELU activations, like the tfjs example's single layer of 128). @defaultValue `[128]` */
  hiddenLayers?: number[];
  /** Adam step size. @defaultValue `0.05` */
  learningRate?: number;
  /** Discount of the returns. @defaultValue `0.95` */
  discount?: number;
  /** Seed of weights, action sampling and the first env reset. @defaultValue `0` */
  seed?: number;
}

/** Options of {@link ReinforceAgent.learn}. */
export interface ReinforceLearnOptions {
  /** Policy-gradient iterations. @defaultValue `20` */
  iterations?: number;
  /** Episodes played per iteration. @defaultValue `20` */
  gamesPerIteration?: number;
  /** Step cap per episode (on top of the env's own limit). @defaultValue `500` */
  maxStepsPerGame?: number;
  /** Called after each iteration with the mean episode length; return `false` to stop. */
  onIteration?: (iteration: number, meanSteps: number) => boolean | undefined | Promise<boolean | undefined>;
}

/**
 * REINFORCE (Williams 1992) as in tfjs-examples' cart-pole (which has one logit for two actions;
 * here a softmax over `n` actions): each iteration plays a few episodes sampling actions,
 * computes discounted returns, normalises them across the iteration (mean 0, std 1) and takes
 * one Adam step along `mean(G_t * grad log pi(a_t | s_t))`.
 *
 * @remarks Owns a tfjs model: call {@link ReinforceAgent.dispose}. Uses the active backend.
 * @example
 * ```ts
 * const agent = new ReinforceAgent(env, { seed: 0 });
 * await agent.learn(env, { iterations: 20 });
 * agent.dispose();
 * ```
 */
export class ReinforceAgent implements Policy {
  readonly name = 'policy_reinforce';
  /** The policy network (logits), owned by the agent. */
  readonly model: tf.Sequential;
  /** Numbers per observation. */
  readonly inputSize: number;
  /** Number of actions. */
  readonly numActions: number;
  private readonly optimizer: tf.Optimizer;
  private readonly random: Rng;
  private readonly discount: number;
  private readonly seed: number;
  private iterationsDone = 0;

  /**
   * @param env - the environment (gives sizes)
   * @param config - see {@link ReinforceConfig}
   * @throws {@link TfkitOptionError} for bad layer sizes, rates or discount
   */
  constructor(env: AgentEnv, config: ReinforceConfig = {}) {
    this.inputSize = observationSize(env);
    this.numActions = actionCount(env);
    const hidden = config.hiddenLayers ?? [128];
    if (hidden.some((units) => !Number.isInteger(units) || units < 1)) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'hiddenLayers',
        message: `hiddenLayers must be positive integers, got ${JSON.stringify(hidden)}.`,
      });
    }
    const learningRate = config.learningRate ?? 0.05;
    if (!(learningRate > 0))
      throw new TfkitOptionError({
        package: packageName,
        option: 'learningRate',
        message: `learningRate must be > 0, got ${learningRate}.`,
      });
    this.discount = config.discount ?? 0.95;
    if (!(this.discount >= 0 && this.discount <= 1))
      throw new TfkitOptionError({
        package: packageName,
        option: 'discount',
        message: `discount must be in [0, 1], got ${this.discount}.`,
      });
    this.seed = config.seed ?? 0;
    this.model = tf.sequential();
    for (const [index, units] of [...hidden, this.numActions].entries()) {
      this.model.add(
        tf.layers.dense({
          units,
          activation: index < hidden.length ? 'elu' : 'linear',
          kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, 41 + index) }),
          ...(index === 0 ? { inputShape: [this.inputSize] } : {}),
        }),
      );
    }
    this.optimizer = tf.train.adam(learningRate);
    this.random = createRng(deriveSeed(this.seed, 40));
  }

  private probabilities(observation: ArrayLike<number>): Float32Array {
    return tf.tidy(() => {
      const logits = this.model.predict(tf.tensor2d(Float32Array.from(observation), [1, this.inputSize])) as tf.Tensor;
      return tf.softmax(logits).dataSync() as Float32Array;
    });
  }

  /** Greedy action (the {@link Policy} interface). */
  act(observation: ArrayLike<number>): number {
    const probabilities = this.probabilities(observation);
    let best = 0;
    for (let action = 1; action < this.numActions; action++)
      if ((probabilities[action] as number) > (probabilities[best] as number)) best = action;
    return best;
  }

  /** Samples an action from the policy. */
  sample(observation: ArrayLike<number>): number {
    const probabilities = this.probabilities(observation);
    let draw = this.random.random32();
    for (let action = 0; action < this.numActions - 1; action++) {
      draw -= probabilities[action] as number;
      if (draw < 0) return action;
    }
    return this.numActions - 1;
  }

  /**
   * Trains by policy gradient.
   *
   * @param env - the environment
   * @param options - see {@link ReinforceLearnOptions}
   * @returns the mean episode length of each iteration
   */
  async learn(env: AgentEnv, options: ReinforceLearnOptions = {}): Promise<number[]> {
    checkEnvFits(env, this.inputSize, this.numActions);
    const iterations = options.iterations ?? 20;
    const games = options.gamesPerIteration ?? 20;
    const maxSteps = options.maxStepsPerGame ?? 500;
    const means: number[] = [];
    for (let iteration = 0; iteration < iterations; iteration++) {
      const observations: number[] = [];
      const actions: number[] = [];
      const returns: number[] = [];
      let steps = 0;
      for (let game = 0; game < games; game++) {
        const first = this.iterationsDone === 0 && game === 0;
        let observation = env.reset(first ? { seed: deriveSeed(this.seed, 42) } : {}).observation;
        const rewards: number[] = [];
        for (let step = 0; step < maxSteps; step++) {
          const action = this.sample(observation);
          for (let index = 0; index < this.inputSize; index++) observations.push(observation[index] as number);
          actions.push(action);
          const result = env.step(action);
          rewards.push(result.reward);
          observation = result.observation;
          if (result.terminated || result.truncated) break;
        }
        steps += rewards.length;
        const discounted = new Array<number>(rewards.length);
        let running = 0;
        for (let index = rewards.length - 1; index >= 0; index--) {
          running = (rewards[index] as number) + this.discount * running;
          discounted[index] = running;
        }
        returns.push(...discounted);
      }
      this.iterationsDone++;
      const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
      const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length) || 1;
      const advantages = Float32Array.from(returns, (value) => (value - mean) / std);
      tf.tidy(() => {
        const xs = tf.tensor2d(observations, [actions.length, this.inputSize]);
        const mask = tf.oneHot(tf.tensor1d(actions, 'int32'), this.numActions);
        const weights = tf.tensor1d(advantages);
        this.optimizer.minimize(() => {
          const logProbabilities = tf.logSoftmax(this.model.apply(xs, { training: true }) as tf.Tensor2D);
          const chosen = tf.sum(tf.mul(logProbabilities, mask), 1);
          return tf.neg(tf.mean(tf.mul(chosen, weights))) as tf.Scalar;
        });
      });
      means.push(steps / games);
      const answer = await options.onIteration?.(iteration, steps / games);
      if (answer === false) break;
    }
    return means;
  }

  /** Frees the model and optimizer. */
  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }

  /** Same as {@link ReinforceAgent.dispose}, for `using agent = new ReinforceAgent(...)`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
