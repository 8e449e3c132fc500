import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, invokeCallback, type LoopCallback, shouldStop, TfkitOptionError } from '@tfkit/core';
import { type AgentEnv, actionCount, observationSize } from '../env.js';
import { packageName } from '../errors.js';
import type { Policy } from '../policy.js';
import { linearPolicy } from './experiment.js';

/** Options of {@link trainNaiveNnPolicy}. */
export interface NaiveNnOptions {
  /** Random-linear-policy episodes to play for data. @defaultValue `1000` */
  episodes?: number;
  /** Keep an episode's (observation, action) pairs only when its return exceeds this. @defaultValue `100` */
  rewardThreshold?: number;
  /** Hidden units. @defaultValue `8` */
  hiddenUnits?: number;
  /** Training epochs over the kept data. @defaultValue `50` */
  epochs?: number;
  /** Minibatch size. @defaultValue `32` */
  batchSize?: number;
  /** Adam step size. @defaultValue `0.001` */
  learningRate?: number;
  /** Seed. @defaultValue `0` */
  seed?: number;
  /** Called after each training epoch (from 0) with its loss; may return a promise (awaited). */
  onEpochEnd?: LoopCallback<NaiveNnEpochLogs> | undefined;
  /**
   * Stops at the next boundary (a data-collection episode or a training epoch) and returns the
   * policy trained so far, with `stopped: true`.
   */
  signal?: AbortSignal | undefined;
  /**
   * Called after each training epoch with its loss.
   *
   * @deprecated Use `onEpochEnd(epoch, { loss })`; goes away in the next minor version.
   */
  onEpoch?: ((epoch: number, loss: number) => void) | undefined;
}

/** What {@link NaiveNnOptions.onEpochEnd} receives. */
export interface NaiveNnEpochLogs {
  /** The epoch's categorical cross-entropy. */
  loss: number;
}

/** A policy backed by a tfjs model; dispose it when done. */
export interface NaiveNnPolicy extends Policy {
  /** The trained model (owned by the policy, with its optimizer). */
  readonly model: tf.LayersModel;
  /** Training pairs kept. */
  readonly samples: number;
  /** Training epochs run. */
  readonly epochs: number;
  /** True when `signal` stopped data collection or training early. */
  readonly stopped: boolean;
  /** Frees the model. */
  dispose(): void;
  /** Same as `dispose()`, for `using policy = await trainNaiveNnPolicy(...)`. */
  [Symbol.dispose](): void;
}

/**
 * The book's naive neural-network policy: play episodes with random linear policies, keep the
 * (observation, action) pairs of the episodes scoring above a threshold, fit
 * Dense(8, relu) -> Dense(actions, softmax) on them (categorical cross-entropy), then act with
 * the argmax.
 *
 * @param env - the environment (CartPole-v0 in the book)
 * @param options - see {@link NaiveNnOptions}
 * @returns a policy named `policy_naive_nn` (book: average ~65-71)
 * @throws {@link TfkitOptionError} when no episode scored above the threshold
 * @remarks The returned policy owns a tfjs model: call `dispose()`. Uses the active tfjs
 *   backend; call `ensureBackend()` from `@tfkit/backend` first to pick it.
 * @example
 * ```ts
 * const policy = await trainNaiveNnPolicy(make('CartPole-v0'), { seed: 0 });
 * console.log(formatExperiment(runExperiment(make('CartPole-v0'), policy)));
 * policy.dispose();
 * ```
 */
export async function trainNaiveNnPolicy(env: AgentEnv, options: NaiveNnOptions = {}): Promise<NaiveNnPolicy> {
  const size = observationSize(env);
  const actions = actionCount(env);
  const seed = options.seed ?? 0;
  const random = createRng(deriveSeed(seed, 31));
  const threshold = options.rewardThreshold ?? 100;
  const observations: number[] = [];
  const labels: number[] = [];
  for (let episode = 0; episode < (options.episodes ?? 1000); episode++) {
    if (shouldStop(options.signal)) break;
    const policy = linearPolicy(Array.from({ length: size }, () => random.uniform(-1, 1)));
    let observation = env.reset(episode === 0 ? { seed: deriveSeed(seed, 32) } : {}).observation;
    const episodeObservations: number[] = [];
    const episodeActions: number[] = [];
    let total = 0;
    for (;;) {
      const action = policy.act(observation, env);
      for (let index = 0; index < size; index++) episodeObservations.push(observation[index] as number);
      episodeActions.push(action);
      const result = env.step(action);
      total += result.reward;
      observation = result.observation;
      if (result.terminated || result.truncated) break;
    }
    if (total > threshold) {
      observations.push(...episodeObservations);
      labels.push(...episodeActions);
    }
  }
  if (labels.length === 0) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'rewardThreshold',
      message: `no episode scored above ${threshold}; lower rewardThreshold or play more episodes.`,
    });
  }
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: options.hiddenUnits ?? 8,
        activation: 'relu',
        inputShape: [size],
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 33) }),
      }),
      tf.layers.dense({
        units: actions,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 34) }),
      }),
    ],
  });
  const optimizer = tf.train.adam(options.learningRate ?? 0.001);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const xs = tf.tensor2d(observations, [labels.length, size]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), actions).toFloat());
  // tfjs's own `shuffle: true` draws from Math.random; shuffle with the seeded generator instead,
  // so that the same seed trains the same policy.
  const order = Int32Array.from({ length: labels.length }, (_, index) => index);
  let epochs = 0;
  try {
    for (let epoch = 0; epoch < (options.epochs ?? 50); epoch++) {
      if (shouldStop(options.signal)) break;
      for (let index = order.length - 1; index > 0; index--) {
        const other = random.integers(index + 1);
        const swap = order[index] as number;
        order[index] = order[other] as number;
        order[other] = swap;
      }
      const [epochXs, epochYs] = tf.tidy(() => {
        const indices = tf.tensor1d(order, 'int32');
        return [xs.gather(indices), ys.gather(indices)];
      });
      try {
        const history = await model.fit(epochXs, epochYs, {
          epochs: 1,
          batchSize: options.batchSize ?? 32,
          shuffle: false,
          verbose: 0,
        });
        const loss = (history.history.loss?.[0] as number | undefined) ?? Number.NaN;
        epochs++;
        await invokeCallback(options.onEpochEnd, epoch, { loss });
        options.onEpoch?.(epoch, loss);
      } finally {
        epochXs.dispose();
        epochYs.dispose();
      }
    }
  } finally {
    xs.dispose();
    ys.dispose();
  }
  const input = new Float32Array(size);
  const dispose = (): void => {
    model.dispose();
    optimizer.dispose();
  };
  return {
    name: 'policy_naive_nn',
    model,
    samples: labels.length,
    epochs,
    stopped: shouldStop(options.signal),
    act(observation) {
      for (let index = 0; index < size; index++) input[index] = observation[index] as number;
      return tf.tidy(
        () => (model.predict(tf.tensor2d(input, [1, size])) as tf.Tensor).argMax(1).dataSync()[0] as number,
      );
    },
    dispose,
    [Symbol.dispose]: dispose,
  };
}
