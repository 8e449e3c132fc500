import * as tf from '@tensorflow/tfjs';
import { TfkitOptionError } from '@tfkit/core';
import { packageName } from '../errors.js';
import { FlatAdam, l2Norm, NativeMlp } from './native-mlp.js';
import type { TransitionBatch } from './replay-buffer.js';

/** Settings of one DQN gradient step. */
export interface QTrainSettings {
  /** Discount factor. */
  gamma: number;
  /** Use Double DQN targets (online argmax, target value). */
  doubleDqn: boolean;
  /** Clip the global gradient norm to this (`Infinity` for none). */
  maxGradNorm: number;
  /** `'huber'` (delta 1, SB3's smooth L1) or `'mse'`. */
  loss: 'huber' | 'mse';
}

/** One named array of a saved network or optimizer. */
export interface NamedArray {
  /** Stable name, e.g. `'online/parameters'`. */
  name: string;
  /** Shape of the array. */
  shape: number[];
  /** The numbers (float32). */
  data: Float32Array;
}

/** Everything needed to restore a Q-network and its optimizer. */
export interface QNetworkState {
  /** Engine that wrote it. */
  engine: 'native' | 'tfjs';
  /** Online weights, target weights and optimizer moments. */
  arrays: NamedArray[];
  /** Optimizer steps taken. */
  optimizerStep: number;
}

/**
 * A Q-network with its target copy and optimizer, as a DQN agent uses it. Two engines implement
 * it: {@link NativeQNetwork} (plain TypeScript, fastest for small nets) and
 * {@link TfjsQNetwork} (TensorFlow.js layers, any backend, any model).
 */
export interface QNetwork {
  /** Engine name. */
  readonly engine: 'native' | 'tfjs';
  /** Numbers per observation. */
  readonly inputSize: number;
  /** Number of actions. */
  readonly numActions: number;
  /** Adam step size (settable). */
  learningRate: number;
  /**
   * Q-values of `rows` observations.
   * @returns `rows x numActions` values; the array may be reused by the next call
   */
  predict(observations: ArrayLike<number>, rows: number): Float32Array;
  /**
   * One gradient step on `batch`.
   * @returns the loss when `returnLoss`, else `NaN` (reading it back costs a sync on tfjs)
   */
  train(batch: TransitionBatch, settings: QTrainSettings, returnLoss?: boolean): number;
  /** Moves the target network towards the online one: `tau = 1` copies. */
  updateTarget(tau: number): void;
  /** Copies of the weights, target weights and optimizer state. */
  exportState(): Promise<QNetworkState>;
  /** Restores what {@link QNetwork.exportState} returned. */
  importState(state: QNetworkState): Promise<void>;
  /** Frees tensors (tfjs engine); no-op for the native engine. */
  dispose(): void;
  /** Same as `dispose()`, for `using`. */
  [Symbol.dispose](): void;
}

/** Options shared by both engines. */
export interface QNetworkOptions {
  /** Numbers per observation. */
  inputSize: number;
  /** Number of actions. */
  numActions: number;
  /** Hidden layer widths. */
  hiddenLayers: readonly number[];
  /** Adam step size. */
  learningRate: number;
  /** Seed of the initial weights. */
  seed: number;
}

/**
 * The plain-TypeScript engine: {@link NativeMlp} online and target networks and {@link FlatAdam}.
 * No tensors, no allocation per step.
 */
export class NativeQNetwork implements QNetwork {
  readonly engine = 'native' as const;
  readonly inputSize: number;
  readonly numActions: number;
  /** The online network. */
  readonly online: NativeMlp;
  /** The target network. */
  readonly target: NativeMlp;
  private readonly optimizer: FlatAdam;
  private targets = new Float32Array(0);
  private outputGradient = new Float32Array(0);
  private greedyNext = new Int32Array(0);

  /** @param options - sizes, learning rate and seed */
  constructor(options: QNetworkOptions) {
    this.inputSize = options.inputSize;
    this.numActions = options.numActions;
    const sizes = [options.inputSize, ...options.hiddenLayers, options.numActions];
    this.online = new NativeMlp(sizes, options.seed);
    this.target = new NativeMlp(sizes, options.seed);
    this.optimizer = new FlatAdam(this.online.parameters.length, options.learningRate, 0.9, 0.999, 1e-8);
  }

  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  predict(observations: ArrayLike<number>, rows: number): Float32Array {
    return this.online.forward(observations, rows);
  }

  train(batch: TransitionBatch, settings: QTrainSettings, returnLoss = false): number {
    const rows = batch.size;
    const actions = this.numActions;
    if (this.targets.length < rows) {
      this.targets = new Float32Array(rows);
      this.outputGradient = new Float32Array(rows * actions);
      this.greedyNext = new Int32Array(rows);
    }
    const targets = this.targets;
    if (settings.doubleDqn) {
      const nextOnline = this.online.forward(batch.nextObservations, rows);
      for (let row = 0; row < rows; row++) this.greedyNext[row] = argmax(nextOnline, row * actions, actions);
    }
    const nextTarget = this.target.forward(batch.nextObservations, rows);
    for (let row = 0; row < rows; row++) {
      let next: number;
      if (settings.doubleDqn) next = nextTarget[row * actions + (this.greedyNext[row] as number)] as number;
      else next = nextTarget[row * actions + argmax(nextTarget, row * actions, actions)] as number;
      targets[row] = (batch.rewards[row] as number) + (batch.terminated[row] ? 0 : settings.gamma * next);
    }
    const q = this.online.forward(batch.observations, rows);
    const gradient = this.outputGradient;
    gradient.fill(0, 0, rows * actions);
    let loss = 0;
    const huber = settings.loss === 'huber';
    for (let row = 0; row < rows; row++) {
      const index = row * actions + (batch.actions[row] as number);
      const error = (q[index] as number) - (targets[row] as number);
      const absolute = Math.abs(error);
      if (huber) {
        loss += absolute < 1 ? 0.5 * error * error : absolute - 0.5;
        gradient[index] = (absolute < 1 ? error : Math.sign(error)) / rows;
      } else {
        loss += error * error;
        gradient[index] = (2 * error) / rows;
      }
    }
    this.online.backward(gradient.subarray(0, rows * actions));
    let scale = 1;
    if (Number.isFinite(settings.maxGradNorm)) {
      const norm = l2Norm(this.online.gradients);
      if (norm > settings.maxGradNorm) scale = settings.maxGradNorm / (norm + 1e-6);
    }
    this.optimizer.apply(this.online.parameters, this.online.gradients, scale);
    return returnLoss ? loss / rows : Number.NaN;
  }

  updateTarget(tau: number): void {
    const source = this.online.parameters;
    const target = this.target.parameters;
    if (tau >= 1) {
      target.set(source);
      return;
    }
    for (let index = 0; index < target.length; index++) {
      target[index] = tau * (source[index] as number) + (1 - tau) * (target[index] as number);
    }
  }

  async exportState(): Promise<QNetworkState> {
    const shape = [this.online.parameters.length];
    return {
      engine: 'native',
      optimizerStep: this.optimizer.step,
      arrays: [
        { name: 'online/parameters', shape, data: this.online.parameters.slice() },
        { name: 'target/parameters', shape, data: this.target.parameters.slice() },
        { name: 'optimizer/m', shape, data: this.optimizer.m.slice() },
        { name: 'optimizer/v', shape, data: this.optimizer.v.slice() },
      ],
    };
  }

  async importState(state: QNetworkState): Promise<void> {
    const find = (name: string): Float32Array => {
      const array = state.arrays.find((entry) => entry.name === name);
      if (!array || array.data.length !== this.online.parameters.length) {
        throw new TfkitOptionError({
          package: packageName,
          option: 'state',
          message: `saved ${name} is missing or has the wrong size; load it with the config it was saved with.`,
        });
      }
      return array.data;
    };
    if (state.engine !== 'native') {
      throw new TfkitOptionError({
        package: packageName,
        option: 'engine',
        message: `the saved network was trained by the ${state.engine} engine; load it with engine: '${state.engine}'.`,
      });
    }
    this.online.parameters.set(find('online/parameters'));
    this.target.parameters.set(find('target/parameters'));
    this.optimizer.m.set(find('optimizer/m'));
    this.optimizer.v.set(find('optimizer/v'));
    this.optimizer.step = state.optimizerStep;
  }

  /** Nothing to free (plain typed arrays). */
  dispose(): void {}

  /** Same as {@link NativeQNetwork.dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

function argmax(values: ArrayLike<number>, offset: number, count: number): number {
  let best = 0;
  let bestValue = values[offset] as number;
  for (let index = 1; index < count; index++) {
    const value = values[offset + index] as number;
    if (value > bestValue) {
      bestValue = value;
      best = index;
    }
  }
  return best;
}

/** Builds a tfjs Q-model: input `[inputSize]`, output `[numActions]` linear. */
export type QModelFactory = (inputSize: number, numActions: number) => tf.LayersModel;

/**
 * The TensorFlow.js engine: two `tf.LayersModel`s (online and target) and `tf.train.adam`,
 * on whatever backend is active. Pass `model` to use your own architecture.
 *
 * @remarks
 * The engine owns both models and the optimizer; {@link TfjsQNetwork.dispose} frees them.
 * Every step runs inside `tf.tidy`, so no tensor outlives a call.
 */
export class TfjsQNetwork implements QNetwork {
  readonly engine = 'tfjs' as const;
  readonly inputSize: number;
  readonly numActions: number;
  /** The online model (owned by this engine). */
  readonly online: tf.LayersModel;
  /** The target model (owned by this engine). */
  readonly target: tf.LayersModel;
  private optimizer: tf.AdamOptimizer;
  private rate: number;

  /**
   * @param options - sizes, learning rate and seed
   * @param model - optional factory of the model (called twice: online and target)
   */
  constructor(options: QNetworkOptions, model?: QModelFactory) {
    this.inputSize = options.inputSize;
    this.numActions = options.numActions;
    const factory = model ?? defaultQModel(options.hiddenLayers, options.seed);
    this.online = factory(options.inputSize, options.numActions);
    this.target = factory(options.inputSize, options.numActions);
    this.rate = options.learningRate;
    this.optimizer = tf.train.adam(options.learningRate, 0.9, 0.999, 1e-8);
    this.updateTarget(1);
  }

  get learningRate(): number {
    return this.rate;
  }

  set learningRate(value: number) {
    this.rate = value;
    (this.optimizer as unknown as { learningRate: number }).learningRate = value;
  }

  predict(observations: ArrayLike<number>, rows: number): Float32Array {
    const values = Float32Array.from({ length: rows * this.inputSize }, (_, index) => observations[index] as number);
    return tf.tidy(() => {
      const output = this.online.predict(tf.tensor2d(values, [rows, this.inputSize])) as tf.Tensor;
      return output.dataSync() as Float32Array;
    });
  }

  train(batch: TransitionBatch, settings: QTrainSettings, returnLoss = false): number {
    const rows = batch.size;
    const size = this.inputSize;
    return tf.tidy(() => {
      const observations = tf.tensor2d(batch.observations.subarray(0, rows * size), [rows, size]);
      const nextObservations = tf.tensor2d(batch.nextObservations.subarray(0, rows * size), [rows, size]);
      const nextTarget = this.target.predict(nextObservations) as tf.Tensor2D;
      const nextValue = settings.doubleDqn
        ? tf.sum(
            tf.mul(
              nextTarget,
              tf.oneHot((this.online.predict(nextObservations) as tf.Tensor2D).argMax(1), this.numActions),
            ),
            1,
          )
        : nextTarget.max(1);
      const notDone = tf.sub(1, tf.tensor1d(Float32Array.from(batch.terminated.subarray(0, rows))));
      const targets = tf.add(
        tf.tensor1d(batch.rewards.subarray(0, rows)),
        tf.mul(nextValue, notDone).mul(settings.gamma),
      );
      const mask = tf.oneHot(tf.tensor1d(batch.actions.subarray(0, rows), 'int32'), this.numActions);
      const variables = this.online.trainableWeights.map((weight) => weight.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => {
        const q = this.online.apply(observations, { training: true }) as tf.Tensor2D;
        const chosen = tf.sum(tf.mul(q, mask), 1);
        return settings.loss === 'huber'
          ? (tf.losses.huberLoss(targets, chosen) as tf.Scalar)
          : (tf.losses.meanSquaredError(targets, chosen) as tf.Scalar);
      }, variables);
      let clipped: tf.NamedTensorMap = grads;
      if (Number.isFinite(settings.maxGradNorm)) {
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((gradient) => tf.sum(tf.square(gradient)))));
        const scale = tf.minimum(1, tf.div(settings.maxGradNorm, tf.add(norm, 1e-6)));
        clipped = Object.fromEntries(Object.entries(grads).map(([name, gradient]) => [name, tf.mul(gradient, scale)]));
      }
      this.optimizer.applyGradients(clipped as unknown as Record<string, tf.Variable>);
      return returnLoss ? (value.dataSync()[0] as number) : Number.NaN;
    });
  }

  updateTarget(tau: number): void {
    const source = this.online.getWeights();
    if (tau >= 1) {
      this.target.setWeights(source);
      return;
    }
    tf.tidy(() => {
      const destination = this.target.getWeights();
      this.target.setWeights(
        destination.map((weight, index) => tf.add(tf.mul(source[index] as tf.Tensor, tau), tf.mul(weight, 1 - tau))),
      );
    });
  }

  async exportState(): Promise<QNetworkState> {
    const arrays: NamedArray[] = [];
    const push = async (prefix: string, tensors: tf.Tensor[]): Promise<void> => {
      for (const [index, tensor] of tensors.entries()) {
        arrays.push({ name: `${prefix}/${index}`, shape: tensor.shape, data: (await tensor.data()) as Float32Array });
      }
    };
    await push('online', this.online.getWeights());
    await push('target', this.target.getWeights());
    const optimizerWeights = await this.optimizer.getWeights();
    let optimizerStep = 0;
    const moments: tf.Tensor[] = [];
    for (const { name, tensor } of optimizerWeights) {
      if (name === 'iter') {
        // getWeights() creates this scalar for the caller; the moments are the optimizer's own.
        optimizerStep = (await tensor.data())[0] as number;
        tensor.dispose();
      } else moments.push(tensor);
    }
    await push('optimizer', moments);
    return { engine: 'tfjs', arrays, optimizerStep };
  }

  async importState(state: QNetworkState): Promise<void> {
    if (state.engine !== 'tfjs') {
      throw new TfkitOptionError({
        package: packageName,
        option: 'engine',
        message: `the saved network was trained by the ${state.engine} engine; load it with engine: '${state.engine}'.`,
      });
    }
    const group = (prefix: string): NamedArray[] =>
      state.arrays
        .filter((array) => array.name.startsWith(`${prefix}/`))
        .sort((a, b) => Number(a.name.split('/')[1]) - Number(b.name.split('/')[1]));
    const setModel = (model: tf.LayersModel, prefix: string): void => {
      const arrays = group(prefix);
      const current = model.getWeights();
      if (
        arrays.length !== current.length ||
        arrays.some((array, index) => array.data.length !== current[index]?.size)
      ) {
        throw new TfkitOptionError({
          package: packageName,
          option: 'state',
          message: `saved ${prefix} weights do not fit this model; load with the config (or model) they were saved with.`,
        });
      }
      const tensors = arrays.map((array) => tf.tensor(array.data, array.shape));
      model.setWeights(tensors);
      tf.dispose(tensors);
    };
    setModel(this.online, 'online');
    setModel(this.target, 'target');
    const moments = group('optimizer');
    if (moments.length > 0) {
      const variables = this.online.trainableWeights;
      const half = moments.length / 2;
      const weights: Array<{ name: string; tensor: tf.Tensor }> = [
        { name: 'iter', tensor: tf.scalar(state.optimizerStep, 'int32') },
      ];
      for (const [index, array] of moments.entries()) {
        const variable = variables[index % half];
        weights.push({
          name: `${variable?.originalName ?? index}/${index < half ? 'm' : 'v'}`,
          tensor: tf.tensor(array.data, array.shape),
        });
      }
      this.optimizer.dispose();
      this.optimizer = tf.train.adam(this.rate, 0.9, 0.999, 1e-8);
      try {
        await this.optimizer.setWeights(weights);
      } finally {
        tf.dispose(weights.map((weight) => weight.tensor));
      }
    }
  }

  /** Frees both models and the optimizer. */
  dispose(): void {
    this.online.dispose();
    this.target.dispose();
    this.optimizer.dispose();
  }

  /** Same as {@link TfjsQNetwork.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * The default tfjs Q-model: Dense ReLU hidden layers and a linear output, initialised like
 * PyTorch's `nn.Linear` (uniform in +-1/sqrt(fan_in)), seeded.
 */
export function defaultQModel(hiddenLayers: readonly number[], seed: number): QModelFactory {
  return (inputSize, numActions) => {
    const model = tf.sequential();
    const sizes = [...hiddenLayers, numActions];
    let fanIn = inputSize;
    for (const [index, units] of sizes.entries()) {
      const bound = 1 / Math.sqrt(fanIn);
      const initializer = (offset: number) =>
        tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: (seed * 131 + index * 7 + offset) >>> 0 });
      model.add(
        tf.layers.dense({
          units,
          activation: index < hiddenLayers.length ? 'relu' : 'linear',
          kernelInitializer: initializer(0),
          biasInitializer: initializer(3),
          ...(index === 0 ? { inputShape: [inputSize] } : {}),
        }),
      );
      fanIn = units;
    }
    return model;
  };
}
