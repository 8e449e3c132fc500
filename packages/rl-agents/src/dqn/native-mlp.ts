import { createRng } from '@tfkit/core';

/**
 * A small multilayer perceptron (ReLU hidden layers, linear output) in plain TypeScript on
 * `Float32Array`s, with a hand-written backward pass and Adam.
 *
 * @remarks
 * For the tiny networks of classic control (a few thousand weights) tfjs spends far more time in
 * per-op dispatch than in arithmetic; this engine does no allocation per call and no dispatch.
 * All parameters live in one flat array (`parameters`), so copying, Polyak averaging, gradient
 * clipping and Adam are single loops.
 */
export class NativeMlp {
  /** Layer widths, input first, e.g. `[4, 64, 64, 2]`. */
  readonly sizes: readonly number[];
  /** All weights and biases, layer by layer: W (in x out, row-major) then b (out). */
  readonly parameters: Float32Array;
  /** Gradient of the last {@link NativeMlp.backward}, same layout as `parameters`. */
  readonly gradients: Float32Array;
  private readonly weightOffsets: number[] = [];
  private readonly biasOffsets: number[] = [];
  private activations: Float32Array[] = [];
  private deltas: Float32Array[] = [];
  private capacity = 0;
  private rows = 0;

  /**
   * @param sizes - layer widths, input first
   * @param seed - seed of the initial weights (PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)))
   */
  constructor(sizes: readonly number[], seed = 0) {
    this.sizes = [...sizes];
    let count = 0;
    for (let layer = 0; layer + 1 < sizes.length; layer++) {
      const fanIn = sizes[layer] as number;
      const fanOut = sizes[layer + 1] as number;
      this.weightOffsets.push(count);
      count += fanIn * fanOut;
      this.biasOffsets.push(count);
      count += fanOut;
    }
    this.parameters = new Float32Array(count);
    this.gradients = new Float32Array(count);
    const random = createRng(seed);
    for (let layer = 0; layer + 1 < sizes.length; layer++) {
      const fanIn = sizes[layer] as number;
      const fanOut = sizes[layer + 1] as number;
      const bound = 1 / Math.sqrt(fanIn);
      const start = this.weightOffsets[layer] as number;
      for (let index = start; index < start + fanIn * fanOut + fanOut; index++) {
        this.parameters[index] = random.uniform(-bound, bound);
      }
    }
    this.ensureCapacity(1);
  }

  /** Number of layers with weights. */
  get layerCount(): number {
    return this.sizes.length - 1;
  }

  /** Views of each layer's weights (in x out, row-major) and biases, into `parameters`. */
  layerViews(): Array<{ weights: Float32Array; biases: Float32Array }> {
    return this.weightOffsets.map((offset, layer) => {
      const fanIn = this.sizes[layer] as number;
      const fanOut = this.sizes[layer + 1] as number;
      return {
        weights: this.parameters.subarray(offset, offset + fanIn * fanOut),
        biases: this.parameters.subarray(
          this.biasOffsets[layer] as number,
          (this.biasOffsets[layer] as number) + fanOut,
        ),
      };
    });
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2);
    this.activations = this.sizes.map((size) => new Float32Array(capacity * size));
    this.deltas = this.sizes.map((size) => new Float32Array(capacity * size));
    this.capacity = capacity;
  }

  /**
   * Forward pass of `rows` inputs.
   *
   * @param input - `rows x sizes[0]` numbers, row-major
   * @param rows - number of rows
   * @returns a view of the `rows x out` outputs, valid until the next call
   */
  forward(input: ArrayLike<number>, rows: number): Float32Array {
    this.ensureCapacity(rows);
    this.rows = rows;
    const sizes = this.sizes;
    const first = this.activations[0] as Float32Array;
    const inputLength = rows * (sizes[0] as number);
    for (let index = 0; index < inputLength; index++) first[index] = input[index] as number;
    const last = sizes.length - 2;
    for (let layer = 0; layer <= last; layer++) {
      denseForward(
        this.activations[layer] as Float32Array,
        this.parameters,
        this.weightOffsets[layer] as number,
        this.biasOffsets[layer] as number,
        this.activations[layer + 1] as Float32Array,
        rows,
        sizes[layer] as number,
        sizes[layer + 1] as number,
        layer < last,
      );
    }
    return (this.activations[sizes.length - 1] as Float32Array).subarray(0, rows * (sizes[sizes.length - 1] as number));
  }

  /**
   * Backward pass for the rows of the last {@link NativeMlp.forward}: fills `gradients` with
   * d(loss)/d(parameters) given d(loss)/d(output).
   *
   * @param outputGradient - `rows x out` gradient of the loss with respect to the outputs
   */
  backward(outputGradient: ArrayLike<number>): void {
    const rows = this.rows;
    const sizes = this.sizes;
    this.gradients.fill(0);
    const outSize = sizes[sizes.length - 1] as number;
    const top = this.deltas[sizes.length - 1] as Float32Array;
    for (let index = 0; index < rows * outSize; index++) top[index] = outputGradient[index] as number;
    for (let layer = sizes.length - 2; layer >= 0; layer--) {
      denseBackward(
        this.activations[layer] as Float32Array,
        this.deltas[layer + 1] as Float32Array,
        this.parameters,
        this.gradients,
        this.weightOffsets[layer] as number,
        this.biasOffsets[layer] as number,
        layer > 0 ? (this.deltas[layer] as Float32Array) : undefined,
        rows,
        sizes[layer] as number,
        sizes[layer + 1] as number,
      );
    }
  }
}

/**
 * `output = input x W + b` (then ReLU when `relu`), four rows at a time so that each weight
 * loaded serves four multiply-adds.
 */
function denseForward(
  input: Float32Array,
  parameters: Float32Array,
  weightOffset: number,
  biasOffset: number,
  output: Float32Array,
  rows: number,
  fanIn: number,
  fanOut: number,
  relu: boolean,
): void {
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    const o0 = row * fanOut;
    const o1 = o0 + fanOut;
    const o2 = o1 + fanOut;
    const o3 = o2 + fanOut;
    for (let j = 0; j < fanOut; j++) {
      const bias = parameters[biasOffset + j] as number;
      output[o0 + j] = bias;
      output[o1 + j] = bias;
      output[o2 + j] = bias;
      output[o3 + j] = bias;
    }
    const x0 = row * fanIn;
    const x1 = x0 + fanIn;
    const x2 = x1 + fanIn;
    const x3 = x2 + fanIn;
    for (let i = 0; i < fanIn; i++) {
      const a0 = input[x0 + i] as number;
      const a1 = input[x1 + i] as number;
      const a2 = input[x2 + i] as number;
      const a3 = input[x3 + i] as number;
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const w = weightOffset + i * fanOut;
      for (let j = 0; j < fanOut; j++) {
        const weight = parameters[w + j] as number;
        output[o0 + j] = (output[o0 + j] as number) + a0 * weight;
        output[o1 + j] = (output[o1 + j] as number) + a1 * weight;
        output[o2 + j] = (output[o2 + j] as number) + a2 * weight;
        output[o3 + j] = (output[o3 + j] as number) + a3 * weight;
      }
    }
  }
  for (; row < rows; row++) {
    const out = row * fanOut;
    for (let j = 0; j < fanOut; j++) output[out + j] = parameters[biasOffset + j] as number;
    const inOffset = row * fanIn;
    for (let i = 0; i < fanIn; i++) {
      const a = input[inOffset + i] as number;
      if (a === 0) continue;
      const w = weightOffset + i * fanOut;
      for (let j = 0; j < fanOut; j++)
        output[out + j] = (output[out + j] as number) + a * (parameters[w + j] as number);
    }
  }
  if (relu) {
    const length = rows * fanOut;
    for (let index = 0; index < length; index++) if ((output[index] as number) < 0) output[index] = 0;
  }
}

/**
 * Accumulates the weight and bias gradients of one dense layer and, when `below` is given,
 * writes the gradient with respect to its (post-ReLU) input, masked by the ReLU.
 */
function denseBackward(
  input: Float32Array,
  delta: Float32Array,
  parameters: Float32Array,
  gradients: Float32Array,
  weightOffset: number,
  biasOffset: number,
  below: Float32Array | undefined,
  rows: number,
  fanIn: number,
  fanOut: number,
): void {
  for (let row = 0; row < rows; row++) {
    const d = row * fanOut;
    for (let j = 0; j < fanOut; j++)
      gradients[biasOffset + j] = (gradients[biasOffset + j] as number) + (delta[d + j] as number);
  }
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    const d0 = row * fanOut;
    const d1 = d0 + fanOut;
    const d2 = d1 + fanOut;
    const d3 = d2 + fanOut;
    const x0 = row * fanIn;
    const x1 = x0 + fanIn;
    const x2 = x1 + fanIn;
    const x3 = x2 + fanIn;
    for (let i = 0; i < fanIn; i++) {
      const a0 = input[x0 + i] as number;
      const a1 = input[x1 + i] as number;
      const a2 = input[x2 + i] as number;
      const a3 = input[x3 + i] as number;
      const w = weightOffset + i * fanOut;
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) {
        if (below) {
          below[x0 + i] = 0;
          below[x1 + i] = 0;
          below[x2 + i] = 0;
          below[x3 + i] = 0;
        }
        continue;
      }
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < fanOut; j++) {
        const g0 = delta[d0 + j] as number;
        const g1 = delta[d1 + j] as number;
        const g2 = delta[d2 + j] as number;
        const g3 = delta[d3 + j] as number;
        const weight = parameters[w + j] as number;
        gradients[w + j] = (gradients[w + j] as number) + a0 * g0 + a1 * g1 + a2 * g2 + a3 * g3;
        s0 += weight * g0;
        s1 += weight * g1;
        s2 += weight * g2;
        s3 += weight * g3;
      }
      if (below) {
        // ReLU derivative: the stored activation is post-ReLU, so a > 0 means the unit was active.
        below[x0 + i] = a0 > 0 ? s0 : 0;
        below[x1 + i] = a1 > 0 ? s1 : 0;
        below[x2 + i] = a2 > 0 ? s2 : 0;
        below[x3 + i] = a3 > 0 ? s3 : 0;
      }
    }
  }
  for (; row < rows; row++) {
    const d = row * fanOut;
    const inOffset = row * fanIn;
    for (let i = 0; i < fanIn; i++) {
      const a = input[inOffset + i] as number;
      const w = weightOffset + i * fanOut;
      if (a === 0) {
        if (below) below[inOffset + i] = 0;
        continue;
      }
      let sum = 0;
      for (let j = 0; j < fanOut; j++) {
        const g = delta[d + j] as number;
        gradients[w + j] = (gradients[w + j] as number) + a * g;
        sum += (parameters[w + j] as number) * g;
      }
      if (below) below[inOffset + i] = a > 0 ? sum : 0;
    }
  }
}

/** Adam (Kingma & Ba) over one flat parameter array, as tf.train.adam / torch.optim.Adam. */
export class FlatAdam {
  /** First moment estimates. */
  readonly m: Float32Array;
  /** Second moment estimates. */
  readonly v: Float32Array;
  /** Steps taken. */
  step = 0;

  /**
   * @param size - number of parameters
   * @param learningRate - step size
   * @param beta1 - first moment decay
   * @param beta2 - second moment decay
   * @param epsilon - denominator guard
   */
  constructor(
    size: number,
    public learningRate = 1e-3,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-7,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** Applies one update of `parameters` along `gradients` (scaled by `gradientScale`). */
  apply(parameters: Float32Array, gradients: Float32Array, gradientScale = 1): void {
    this.step++;
    const { m, v, beta1, beta2, epsilon } = this;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const stepSize = (this.learningRate * Math.sqrt(correction2)) / correction1;
    const epsilonHat = epsilon * Math.sqrt(correction2);
    for (let index = 0; index < parameters.length; index++) {
      const g = (gradients[index] as number) * gradientScale;
      const mi = beta1 * (m[index] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[index] as number) + (1 - beta2) * g * g;
      m[index] = mi;
      v[index] = vi;
      parameters[index] = (parameters[index] as number) - (stepSize * mi) / (Math.sqrt(vi) + epsilonHat);
    }
  }
}

/** Global L2 norm of a flat array. */
export function l2Norm(values: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += (values[index] as number) * (values[index] as number);
  return Math.sqrt(sum);
}
