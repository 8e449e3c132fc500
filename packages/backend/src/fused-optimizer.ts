import * as tf from '@tensorflow/tfjs';
import { optionError } from './errors.js';

/** Adam with the tfjs/Keras update rule. */
export interface AdamSpec {
  /** Optimizer kind. */
  kind: 'adam';
  /** Step size. */
  learningRate: number;
  /** Decay of the first moment. @defaultValue `0.9` */
  beta1?: number;
  /** Decay of the second moment. @defaultValue `0.999` */
  beta2?: number;
  /** Added to the root of the second moment. @defaultValue `1e-7` (as tfjs and Keras) */
  epsilon?: number;
}

/** Plain stochastic gradient descent. */
export interface SgdSpec {
  /** Optimizer kind. */
  kind: 'sgd';
  /** Step size. */
  learningRate: number;
}

/** Which optimizer a network is trained with. */
export type OptimizerSpec = AdamSpec | SgdSpec;

/** Serializable state of a {@link FusedOptimizer}: its step count and its per-variable slots. */
export interface FusedOptimizerState {
  /** Updates applied so far. */
  step: number;
  /** Adam: first moments then second moments, one array per variable each; SGD: none. */
  slots: Float32Array[];
}

type TensorInfoLike = tf.TensorInfo;

interface BackendInternals {
  typedArrayFromHeap?(info: TensorInfoLike): Float32Array;
  makeOutput?(shape: number[], dtype: 'float32'): TensorInfoLike;
  data?: { get(dataId: object): { values?: unknown } | undefined };
}

/**
 * A view of a float32 tensor's backing memory without a copy, when the backend allows it
 * (wasm heap, cpu arrays), else `undefined`.
 */
function rawView(tensor: tf.Tensor): Float32Array | undefined {
  if (tensor.dtype !== 'float32') return undefined;
  const backendName = tf.getBackend();
  const backend = tf.backend() as unknown as BackendInternals;
  if (backendName === 'wasm' && typeof backend.typedArrayFromHeap === 'function') {
    return backend.typedArrayFromHeap(tensor);
  }
  if (backendName === 'cpu' && backend.data) {
    const values = backend.data.get(tensor.dataId)?.values;
    if (values instanceof Float32Array && values.length === tensor.size) return values;
  }
  return undefined;
}

/**
 * A new float32 tensor to write an update into, with a view of its memory: on wasm a fresh heap
 * buffer (written in place, no copy), elsewhere a JS array turned into a tensor afterwards. A new
 * buffer, rather than writing into the variable's own, keeps tensors immutable: the wasm backend
 * caches packed matmul and convolution weights per tensor id.
 */
function allocateOutput(shape: number[]): { view: Float32Array; finish: () => tf.Tensor } {
  const backend = tf.backend() as unknown as BackendInternals;
  if (
    tf.getBackend() === 'wasm' &&
    typeof backend.makeOutput === 'function' &&
    typeof backend.typedArrayFromHeap === 'function'
  ) {
    const info = backend.makeOutput(shape, 'float32');
    const view = backend.typedArrayFromHeap(info);
    return { view, finish: () => tf.engine().makeTensorFromTensorInfo(info) };
  }
  const view = new Float32Array(shape.reduce((a, b) => a * b, 1));
  return { view, finish: () => tf.tensor(view, shape, 'float32') };
}

/**
 * An optimizer that applies Adam or SGD to each variable in one pass over `Float32Array` views
 * of the backend's memory (wasm heap or cpu arrays), writing the new weights straight into one new
 * buffer, instead of the ten or so tfjs ops (each allocating a variable-sized tensor) that
 * `tf.train.adam` runs. Moments live in plain `Float32Array`s, not tensors, so checkpoints read
 * them directly. On other backends it reads the values and assigns a new tensor. The arithmetic is
 * that of `tf.train.adam` / `tf.train.sgd` (in float64 per element, stored as float32).
 *
 * @remarks
 * Gradients passed to {@link FusedOptimizer.apply} stay the caller's; each variable gets a new
 * tensor per update (the old one is freed by `assign`). Moved here from `@tfkit/gan` so that any
 * tfjs training loop can use it.
 * @example
 * ```ts
 * const optimizer = new FusedOptimizer({ kind: 'adam', learningRate: 2e-4, beta1: 0.5 }, model.trainableWeights.map((w) => w.val));
 * const { value, grads } = tf.variableGrads(loss, variables);
 * optimizer.apply(variables.map((v) => grads[v.name]!));
 * tf.dispose([value, grads]);
 * ```
 */
export class FusedOptimizer {
  readonly spec: Required<AdamSpec> | SgdSpec;
  private readonly variables: readonly tf.Variable[];
  private step = 0;
  private readonly first: Float32Array[] = [];
  private readonly second: Float32Array[] = [];

  /**
   * @param spec - Adam or SGD and their hyper-parameters
   * @param variables - the variables it updates, in the order gradients are passed to {@link FusedOptimizer.apply}
   */
  constructor(spec: OptimizerSpec, variables: readonly tf.Variable[]) {
    this.spec = spec.kind === 'adam' ? { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, ...spec } : { ...spec };
    this.variables = variables;
    if (this.spec.kind === 'adam') {
      for (const variable of variables) {
        this.first.push(new Float32Array(variable.size));
        this.second.push(new Float32Array(variable.size));
      }
    }
  }

  /**
   * Applies one update.
   *
   * @param gradients - one gradient per variable, same order and shapes; not disposed here
   * @throws `TfkitOptionError` when the count or a shape does not match
   */
  apply(gradients: readonly tf.Tensor[]): void {
    if (gradients.length !== this.variables.length) {
      throw optionError(
        'gradients',
        `the optimizer got ${gradients.length} gradients for ${this.variables.length} variables.`,
      );
    }
    this.step++;
    const spec = this.spec;
    let scale = spec.learningRate;
    let beta1 = 0;
    let beta2 = 0;
    let epsilon = 0;
    if (spec.kind === 'adam') {
      beta1 = spec.beta1;
      beta2 = spec.beta2;
      epsilon = spec.epsilon;
    }
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    for (let index = 0; index < this.variables.length; index++) {
      const variable = this.variables[index]!;
      const gradient = gradients[index]!;
      if (gradient.size !== variable.size) {
        throw optionError(
          'gradients',
          `gradient ${index} has ${gradient.size} values for a variable of ${variable.size}.`,
        );
      }
      // Allocate first: a wasm heap allocation may move the heap and detach earlier views.
      const output = allocateOutput(variable.shape);
      const updated = output.view;
      const weights = rawView(variable) ?? (variable.dataSync() as Float32Array);
      const grad = rawView(gradient) ?? (gradient.dataSync() as Float32Array);
      const size = weights.length;
      if (spec.kind === 'sgd') {
        for (let i = 0; i < size; i++) updated[i] = weights[i]! - scale * grad[i]!;
      } else {
        const m = this.first[index]!;
        const v = this.second[index]!;
        const b1 = beta1;
        const b2 = beta2;
        const c1 = 1 - b1;
        const c2 = 1 - b2;
        scale = spec.learningRate;
        const inverseCorrection1 = 1 / correction1;
        const inverseCorrection2 = 1 / correction2;
        for (let i = 0; i < size; i++) {
          const g = grad[i]!;
          const mi = b1 * m[i]! + c1 * g;
          const vi = b2 * v[i]! + c2 * g * g;
          m[i] = mi;
          v[i] = vi;
          updated[i] =
            weights[i]! - (scale * (mi * inverseCorrection1)) / (Math.sqrt(vi * inverseCorrection2) + epsilon);
        }
      }
      const tensor = output.finish();
      variable.assign(tensor);
      tensor.dispose();
    }
  }

  /** A copy of the step count and moments, for checkpoints. */
  getState(): FusedOptimizerState {
    return { step: this.step, slots: [...this.first, ...this.second].map((slot) => slot.slice()) };
  }

  /**
   * What is wrong with `state` for these variables, or undefined when it fits.
   *
   * @param state - a state from {@link FusedOptimizer.getState}
   * @returns the problem, as a sentence with its remedy
   */
  checkState(state: FusedOptimizerState): string | undefined {
    const all = [...this.first, ...this.second];
    if (state.slots.length !== all.length) {
      return `optimizer state has ${state.slots.length} slots, expected ${all.length}; the checkpoint is for another model.`;
    }
    for (let index = 0; index < all.length; index++) {
      const saved = state.slots[index]!;
      if (saved.length !== all[index]!.length) {
        return `optimizer slot ${index} has ${saved.length} values, expected ${all[index]!.length}.`;
      }
    }
    return undefined;
  }

  /**
   * Restores a state from {@link FusedOptimizer.getState}.
   *
   * @param state - step count and moments
   * @throws `TfkitOptionError` (option `state`) when it does not fit these variables
   */
  setState(state: FusedOptimizerState): void {
    const problem = this.checkState(state);
    if (problem) throw optionError('state', problem);
    const all = [...this.first, ...this.second];
    for (let index = 0; index < all.length; index++) all[index]!.set(state.slots[index]!);
    this.step = state.step;
  }

  /** Sizes of the slot arrays {@link FusedOptimizer.getState} returns. */
  slotSizes(): number[] {
    return [...this.first, ...this.second].map((slot) => slot.length);
  }
}
