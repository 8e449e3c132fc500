import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, didYouMean, type Rng } from '@tfkit/core';
import { GanCheckpointError, GanDataError, GanDisposedError, optionError } from './errors.js';
import { FusedOptimizer, type FusedOptimizerState, type OptimizerSpec } from './fused-optimizer.js';
import { countParameters, type ForwardContext, LayerFactory, type Network, trainableVariables } from './networks.js';
import { type GanPreset, type GanStyle, presets } from './presets.js';

/** Options of {@link createGan}. */
export interface CreateGanOptions {
  /** Which model. @defaultValue `'dense-tuned'` */
  preset?: GanPreset;
  /** How to train it (see {@link GanStyle}). @defaultValue `'split'` */
  style?: GanStyle;
  /** Seed of the weight initialisers. @defaultValue `0` */
  seed?: number;
  /** Override the preset's generator optimizer. */
  generatorOptimizer?: OptimizerSpec;
  /** Override the preset's discriminator optimizer. */
  discriminatorOptimizer?: OptimizerSpec;
  /**
   * Decay of an exponential moving average of the generator's weights (all of them, batch-norm
   * statistics included), updated after every generator step with the warm-up
   * `min(ema, (1 + t) / (10 + t))` at step `t`; {@link Gan.sample} and the grids use it, checkpoints
   * hold it beside the raw weights (with `emaInterval` N, both the decay and the warm-up are raised
   * to the N-th power). `0` turns it off. @defaultValue the preset's
   */
  ema?: number;
  /**
   * Update the EMA every N generator steps (with the decay raised to the power N), which divides
   * its cost by N; 1 updates after every step. @defaultValue `10`
   */
  emaInterval?: number;
  /** Loss of the `'split'` style (see {@link GanLoss}). @defaultValue the preset's */
  loss?: GanLoss;
  /**
   * One-sided label smoothing of the `'split'` style's non-saturating loss: real images get the
   * target `1 - labelSmoothing`. @defaultValue the preset's
   */
  labelSmoothing?: number;
  /**
   * Instance noise: the standard deviation of Gaussian noise added to every image the
   * discriminator sees in training (real and fake, `'split'` style), annealed linearly to 0 over
   * `instanceNoiseSteps` iterations. @defaultValue the preset's
   */
  instanceNoise?: number;
  /** Iterations over which {@link CreateGanOptions.instanceNoise} decays to 0. @defaultValue `2000` */
  instanceNoiseSteps?: number;
  /**
   * A learning-rate schedule applied to both optimizers: the rate is multiplied by a factor that
   * stays 1 until iteration `start`, goes linearly from 1 to `final` over the next `steps`
   * iterations, then stays. @defaultValue none (constant)
   */
  learningRateSchedule?: LearningRateSchedule;
}

/**
 * Loss of the `'split'` training style: `'non-saturating'` is the original GAN loss (D: binary
 * cross-entropy; G: `-log D(G(z))`); `'hinge'` is the hinge loss of SAGAN / BigGAN (D:
 * `relu(1 - D(x)) + relu(1 + D(G(z)))` on logits; G: `-D(G(z))`).
 */
export type GanLoss = 'non-saturating' | 'hinge';

/** A linear learning-rate decay: see {@link CreateGanOptions.learningRateSchedule}. */
export interface LearningRateSchedule {
  /** Iteration at which the decay begins (e.g. two thirds into a run). @defaultValue `0` */
  start?: number;
  /** Iterations over which the factor goes from 1 to `final`. */
  steps: number;
  /** Factor at the end, e.g. `0.1`. */
  final: number;
}

/** The training settings a preset or {@link createGan} fixes; see {@link CreateGanOptions}. */
export interface GanTrainingSettings {
  /** EMA decay of the generator weights, 0 for none. */
  ema: number;
  /** Generator steps between EMA updates. */
  emaInterval: number;
  /** Loss of the split style. */
  loss: GanLoss;
  /** One-sided label smoothing. */
  labelSmoothing: number;
  /** Instance noise standard deviation at step 0. */
  instanceNoise: number;
  /** Iterations of the instance-noise decay. */
  instanceNoiseSteps: number;
  /** Learning-rate schedule, if any. */
  learningRateSchedule: LearningRateSchedule | undefined;
}

/** What one training iteration measured. */
export interface StepMetrics {
  /** Discriminator loss. */
  dLoss: number;
  /** Generator loss. */
  gLoss: number;
  /** Mean D(x) over the real batch. */
  dReal: number;
  /** Mean D(G(z)) over the fake batch of the discriminator step. */
  dFake: number;
}

/** What {@link Gan.discriminatorStep} measured. */
export type DiscriminatorMetrics = Pick<StepMetrics, 'dLoss' | 'dReal' | 'dFake'>;

/** What {@link Gan.generatorStep} measured. */
export type GeneratorMetrics = Pick<StepMetrics, 'gLoss'>;

/** Options of {@link Gan.sample}. */
export interface SampleOptions {
  /** Seed of the noise. @defaultValue `0` */
  seed?: number;
  /** Class of each image (conditional GAN only): one label for all, or one per image. @defaultValue `i % classes` */
  labels?: number | readonly number[];
  /**
   * Which generator weights: `'ema'`, their moving average (when the GAN keeps one, else the raw
   * weights), or `'raw'`, the weights the optimizer trains. @defaultValue `'ema'`
   */
  weights?: 'ema' | 'raw';
  /**
   * The truncation trick: the noise is multiplied by this factor in (0, 1], which pulls samples
   * toward the generator's typical images: cleaner shapes, less variety. @defaultValue `1` (none)
   */
  truncation?: number;
  /**
   * Discriminator rejection: for each image, draw this many candidates and keep the one the
   * discriminator rates most real (highest logit). Samples the discriminator can tell from data
   * (broken silhouettes, smears) are dropped at a cost of `bestOf` generator and discriminator
   * passes per image, no training. `1` gives exactly the images of the same seed without it; the
   * first candidate of every image is that image. Lowers variety a little when large.
   * @defaultValue `1` (none)
   */
  bestOf?: number;
}

/** Full state of a GAN for checkpoints: weights of both networks and optimizer slots. */
export interface GanState {
  /** Values of every weight (trainable or not) of the generator then the discriminator. */
  weights: Float32Array[];
  /** Generator optimizer state; its `step` is the number of generator steps (iterations) so far. */
  generatorOptimizer: FusedOptimizerState;
  /** The moving average of the generator's weights (same order as its weights), when EMA is on. */
  ema?: Float32Array[];
  /** Discriminator optimizer state. */
  discriminatorOptimizer: FusedOptimizerState;
}

const defaultSettings: GanTrainingSettings = {
  ema: 0,
  emaInterval: 10,
  loss: 'non-saturating',
  labelSmoothing: 0,
  instanceNoise: 0,
  instanceNoiseSteps: 2000,
  learningRateSchedule: undefined,
};

/** The settings in effect: defaults, then the preset's, then the caller's; validated. */
function resolveSettings(
  options: CreateGanOptions,
  preset: Partial<GanTrainingSettings> | undefined,
): GanTrainingSettings {
  const settings: GanTrainingSettings = { ...defaultSettings, ...preset };
  for (const key of Object.keys(defaultSettings) as (keyof GanTrainingSettings)[]) {
    if (options[key] !== undefined) (settings as unknown as Record<string, unknown>)[key] = options[key];
  }
  const inUnit = (option: string, value: number, open: boolean) => {
    if (typeof value !== 'number' || !(value >= 0) || (open ? value >= 1 : value > 1)) {
      throw optionError(
        option,
        `must be a number in [0, ${open ? '1)' : '1]'}, got ${value}. Pass e.g. 0.1, or 0 for off.`,
        value,
      );
    }
  };
  inUnit('ema', settings.ema, true);
  inUnit('labelSmoothing', settings.labelSmoothing, true);
  if (!Number.isInteger(settings.emaInterval) || settings.emaInterval < 1) {
    throw optionError('emaInterval', `must be a positive integer, got ${settings.emaInterval}. Pass e.g. 10.`);
  }
  if (settings.loss !== 'non-saturating' && settings.loss !== 'hinge') {
    throw optionError(
      'loss',
      `unknown loss '${String(settings.loss)}'; use 'non-saturating' or 'hinge'.`,
      settings.loss,
    );
  }
  if (!(settings.instanceNoise >= 0) || !Number.isFinite(settings.instanceNoise)) {
    throw optionError('instanceNoise', `must be a non-negative number, got ${settings.instanceNoise}. Pass e.g. 0.1.`);
  }
  if (!Number.isInteger(settings.instanceNoiseSteps) || settings.instanceNoiseSteps < 1) {
    throw optionError(
      'instanceNoiseSteps',
      `must be a positive integer, got ${settings.instanceNoiseSteps}. Pass e.g. 2000.`,
    );
  }
  const schedule = settings.learningRateSchedule;
  if (
    schedule !== undefined &&
    (!Number.isInteger(schedule.steps) ||
      schedule.steps < 1 ||
      !Number.isInteger(schedule.start ?? 0) ||
      (schedule.start ?? 0) < 0 ||
      !(schedule.final >= 0) ||
      !Number.isFinite(schedule.final))
  ) {
    throw optionError(
      'learningRateSchedule',
      `needs integer steps >= 1, an integer start >= 0 and a final factor >= 0, got ${JSON.stringify(schedule)}. Pass e.g. { start: 6000, steps: 3000, final: 0.1 }.`,
    );
  }
  return settings;
}

/** Clips to [-1, 1], maps to 0..255 and rounds. */
export function toUint8(values: Float32Array | number[]): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let index = 0; index < values.length; index++) {
    const value = Math.round((values[index]! + 1) * 127.5);
    out[index] = value < 0 ? 0 : Math.min(value, 255);
  }
  return out;
}

/**
 * A generator/discriminator pair with its optimizers. Build one with {@link createGan}, train it
 * with `trainGan` (or {@link Gan.trainStep}), draw images with {@link Gan.sample}.
 *
 * @remarks The GAN owns its models and variables: call {@link Gan.dispose} when done.
 */
export class Gan {
  /** Which preset it is. */
  readonly preset: GanPreset;
  /** How it is trained. */
  readonly style: GanStyle;
  /** Size of the noise vector z. */
  readonly nZ: number;
  /** Label classes (conditional), else 0. */
  readonly classes: number;
  /** Seed of the initialisers. */
  readonly seed: number;
  /** Batch size `trainGan` uses when its options name none: the preset's (32 for `'dcgan-tuned'`), else 100. */
  readonly batchSize: number;
  /** The generator network; `generator.model` is a `tf.LayersModel`. */
  readonly generator: Network;
  /** The discriminator network; its model ends in a sigmoid. */
  readonly discriminator: Network;
  private readonly generatorVariables: tf.Variable[];
  private readonly discriminatorVariables: tf.Variable[];
  private readonly generatorOptimizer: FusedOptimizer;
  private readonly discriminatorOptimizer: FusedOptimizer;
  /** The training settings in effect (preset defaults overridden by {@link createGan}'s options). */
  readonly settings: Readonly<GanTrainingSettings>;
  private readonly generatorLearningRate: number;
  private readonly discriminatorLearningRate: number;
  private emaWeights: Float32Array[] | undefined;
  private iterations = 0;
  private disposed = false;

  /** @internal use {@link createGan} */
  constructor(options: Required<Pick<CreateGanOptions, 'preset' | 'style' | 'seed'>> & CreateGanOptions) {
    const definition = presets[options.preset];
    this.preset = options.preset;
    this.style = options.style;
    this.seed = options.seed;
    this.batchSize = definition.batchSize ?? 100;
    this.nZ = definition.nZ;
    this.classes = definition.classes;
    this.generator = definition.generator(new LayerFactory(deriveSeed(options.seed, 1), 'g'));
    this.discriminator = definition.discriminator(new LayerFactory(deriveSeed(options.seed, 2), 'd'));
    this.generatorVariables = trainableVariables(this.generator.model);
    this.discriminatorVariables = trainableVariables(this.discriminator.model);
    const optimizers = definition.optimizers[options.style];
    this.generatorOptimizer = new FusedOptimizer(
      options.generatorOptimizer ?? optimizers.generator,
      this.generatorVariables,
    );
    this.discriminatorOptimizer = new FusedOptimizer(
      options.discriminatorOptimizer ?? optimizers.discriminator,
      this.discriminatorVariables,
    );
    this.generatorLearningRate = this.generatorOptimizer.spec.learningRate;
    this.discriminatorLearningRate = this.discriminatorOptimizer.spec.learningRate;
    this.settings = resolveSettings(options, definition.training);
    if (this.settings.ema > 0) this.emaWeights = this.readGeneratorWeights();
  }

  /** Parameter counts (trainable and not) of both networks. */
  parameterCounts(): { generator: number; discriminator: number } {
    return {
      generator: countParameters(this.generator.model),
      discriminator: countParameters(this.discriminator.model),
    };
  }

  /**
   * Keras-style summaries of both networks, each ending with its `Total params` line.
   *
   * @param print - where each line goes; defaults to collecting them only
   * @returns the summary text
   * @example
   * ```ts
   * console.log(createGan({ preset: 'dense' }).summary());
   * // ... Total params: 1526288 ... Total params: 201217
   * ```
   */
  summary(print?: (line: string) => void): string {
    this.assertAlive();
    const lines: string[] = [];
    const collect = (line: string) => {
      lines.push(line);
    };
    lines.push(`GAN preset '${this.preset}', style '${this.style}', n_z = ${this.nZ}`);
    this.generator.model.summary(100, undefined, collect);
    this.discriminator.model.summary(100, undefined, collect);
    const counts = this.parameterCounts();
    lines.push(
      `Generator params: ${counts.generator.toLocaleString('en-US')}; discriminator params: ${counts.discriminator.toLocaleString('en-US')}`,
    );
    const text = lines.join('\n');
    if (print) for (const line of lines) print(line);
    return text;
  }

  /**
   * Runs the generator.
   *
   * @param z - noise, shape `[n, nZ]`
   * @param labels - one-hot labels `[n, classes]` for a conditional GAN
   * @param training - batch-norm mode
   * @returns images in [-1, 1], shape `[n, 784]`
   * @remarks Caller owns the returned tensor.
   */
  generate(z: tf.Tensor2D, labels?: tf.Tensor2D, training = false): tf.Tensor2D {
    this.assertAlive();
    this.checkLabels(labels, z.shape[0]);
    return tf.tidy(() => this.generator.forward(z, labels, { training, nextSeed: () => 0 }) as tf.Tensor2D);
  }

  /**
   * Runs the discriminator.
   *
   * @param images - `[n, 784]` in [-1, 1]
   * @param labels - one-hot labels for a conditional GAN
   * @returns D(x) probabilities, shape `[n, 1]`
   * @remarks Caller owns the returned tensor.
   */
  discriminate(images: tf.Tensor2D, labels?: tf.Tensor2D): tf.Tensor2D {
    this.assertAlive();
    this.checkLabels(labels, images.shape[0]);
    return tf.tidy(() =>
      tf.sigmoid(this.discriminator.forward(images, labels, { training: false, nextSeed: () => 0 })),
    ) as tf.Tensor2D;
  }

  /**
   * Draws `n` images.
   *
   * @param n - how many
   * @param options - noise seed and, for a conditional GAN, the classes
   * @returns `n * 784` bytes (0..255), image after image, row-major 28x28
   * @throws `TfkitOptionError` for a bad count or labels
   * @example
   * ```ts
   * const sneakers = gan.sample(10, { seed: 1, labels: 7 }); // conditional preset
   * ```
   */
  sample(n: number, options: SampleOptions = {}): Uint8Array {
    this.assertAlive();
    if (!Number.isInteger(n) || n < 1)
      throw optionError('n', `sample(n) needs a positive integer, got ${n}. Pass e.g. 100.`, n);
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw optionError('seed', `sample() needs a non-negative integer seed, got ${seed}. Pass e.g. 1.`, seed);
    }
    const truncation = options.truncation ?? 1;
    if (!(truncation > 0 && truncation <= 1)) {
      throw optionError(
        'truncation',
        `sample() needs a truncation in (0, 1], got ${truncation}. Pass e.g. 0.8, or leave it out for none.`,
        truncation,
      );
    }
    const bestOf = options.bestOf ?? 1;
    if (!Number.isInteger(bestOf) || bestOf < 1 || bestOf > 64) {
      throw optionError(
        'bestOf',
        `sample() needs bestOf as an integer 1..64, got ${bestOf}. Pass e.g. 4, or leave it out for none.`,
        bestOf,
      );
    }
    const labels = this.classes > 0 ? this.labelArray(n, options.labels) : undefined;
    if (labels === undefined && options.labels !== undefined) {
      throw optionError(
        'labels',
        `labels need a conditional GAN; preset '${this.preset}' has none. Use preset 'conditional'.`,
      );
    }
    const random = createRng(deriveSeed(seed, 0x5a));
    const noise = new Float32Array(n * this.nZ);
    const pixels = 28 * 28;
    const best = new Float32Array(n * pixels);
    const bestLogit = new Float32Array(n).fill(Number.NEGATIVE_INFINITY);
    const chunk = 256;
    const draw = () => {
      for (let round = 0; round < bestOf; round++) {
        random.fillUniform(noise, -1, 1);
        if (truncation !== 1)
          for (let index = 0; index < noise.length; index++) noise[index] = noise[index]! * truncation;
        if (bestOf === 1) {
          const images = tf.tidy(() => this.forwardNoise(noise, labels));
          best.set(images.dataSync() as Float32Array);
          images.dispose();
          return;
        }
        for (let start = 0; start < n; start += chunk) {
          const end = Math.min(n, start + chunk);
          const [images, logits] = tf.tidy(() => {
            const x = this.forwardNoise(noise.subarray(start * this.nZ, end * this.nZ), labels?.subarray(start, end));
            const oneHot = labels
              ? tf.oneHot(tf.tensor1d(labels.subarray(start, end), 'int32'), this.classes).toFloat()
              : undefined;
            return [x, this.discriminator.forward(x, oneHot, { training: false, nextSeed: () => 0 })];
          });
          const imageValues = images.dataSync() as Float32Array;
          const logitValues = logits.dataSync() as Float32Array;
          images.dispose();
          logits.dispose();
          for (let index = start; index < end; index++) {
            const logit = logitValues[index - start]!;
            if (logit > bestLogit[index]!) {
              bestLogit[index] = logit;
              best.set(imageValues.subarray((index - start) * pixels, (index - start + 1) * pixels), index * pixels);
            }
          }
        }
      }
    };
    if (options.weights === 'raw') draw();
    else this.withEmaWeights(draw);
    return toUint8(best);
  }

  /** The generator's images (`[n, 784]`, in [-1, 1]) for `noise` (`n * nZ` values) and optional class labels. */
  private forwardNoise(noise: Float32Array, labels: Int32Array | undefined): tf.Tensor {
    const count = noise.length / this.nZ;
    const z = tf.tensor2d(noise, [count, this.nZ]);
    const oneHot = labels ? tf.oneHot(tf.tensor1d(labels, 'int32'), this.classes).toFloat() : undefined;
    return this.generator.forward(z, oneHot, { training: false, nextSeed: () => 0 });
  }

  /** Labels for {@link Gan.sample}: validated, expanded to one per image. */
  labelArray(n: number, labels: SampleOptions['labels']): Int32Array {
    const out = new Int32Array(n);
    for (let index = 0; index < n; index++) {
      const label = labels === undefined ? index % this.classes : typeof labels === 'number' ? labels : labels[index];
      if (label === undefined || !Number.isInteger(label) || label < 0 || label >= this.classes) {
        throw optionError(
          'labels',
          `label ${String(label)} for image ${index} is not a class 0..${this.classes - 1}; pass one label or one per image.`,
        );
      }
      out[index] = label;
    }
    return out;
  }

  /**
   * One training iteration: {@link Gan.discriminatorStep} on `real` plus as many generated images,
   * then {@link Gan.generatorStep} on a fresh batch of noise of the same size. Every random draw
   * (noise, fake labels, dropout masks) comes from `seed`, so the same state and seed give the same
   * result.
   *
   * @param real - real images `[b, 784]` in [-1, 1]; not disposed
   * @param realLabels - one-hot labels `[b, classes]` (conditional GAN only); not disposed
   * @param seed - seed of this step's random draws
   * @returns the losses and mean discriminator outputs
   * @throws {@link GanDataError} for bad shapes or missing labels
   * @example
   * ```ts
   * const { dLoss, gLoss } = gan.trainStep(batch, undefined, 42);
   * ```
   */
  trainStep(real: tf.Tensor2D, realLabels: tf.Tensor2D | undefined, seed: number): StepMetrics {
    const random = createRng(seed);
    const discriminator = this.discriminatorStep(real, realLabels, random);
    const generator = this.generatorStep(real.shape[0], random);
    return { ...discriminator, ...generator };
  }

  /**
   * One discriminator update: `real` (label "real") and as many images from the generator (label
   * "fake", made outside the gradient tape), in the given style: `'split'` scores the two batches
   * separately with the standard loss; `'stacked'` scores one concatenated batch against smoothed
   * targets 0.9 / 0.1, as the book's Keras code does.
   *
   * @param real - real images `[b, 784]` in [-1, 1]; not disposed
   * @param realLabels - one-hot labels `[b, classes]` (conditional GAN only); not disposed
   * @param random - the step's random stream (fake noise, fake labels, dropout masks)
   * @param style - how to score the two batches; defaults to the GAN's {@link Gan.style}
   * @returns the discriminator loss and mean D(x), D(G(z))
   * @throws {@link GanDataError} for bad shapes or missing labels
   * @example
   * ```ts
   * const random = createRng(7);
   * const { dLoss } = gan.discriminatorStep(batch, undefined, random, 'split');
   * ```
   */
  discriminatorStep(
    real: tf.Tensor2D,
    realLabels: tf.Tensor2D | undefined,
    random: Rng,
    style: GanStyle = this.style,
  ): DiscriminatorMetrics {
    this.assertAlive();
    if (real.rank !== 2 || real.shape[1] !== 784) {
      throw new GanDataError({
        message: `real images must have shape [batch, 784], got [${real.shape.join(', ')}].`,
      });
    }
    this.checkLabels(realLabels, real.shape[0]);
    const batch = real.shape[0];
    const context = this.trainingContext(random);
    const z = this.noise(batch, random);
    const fakeLabels = this.fakeLabels(batch, random);
    const fake = tf.tidy(() => this.generator.forward(z, fakeLabels, context));
    const noiseLevel = style === 'split' ? this.instanceNoiseLevel() : 0;
    const realNoise = noiseLevel > 0 ? this.gaussian(batch * 784, noiseLevel, random) : undefined;
    const fakeNoise = noiseLevel > 0 ? this.gaussian(batch * 784, noiseLevel, random) : undefined;
    this.applySchedule();
    const { loss, labelSmoothing } = this.settings;
    let dReal: tf.Scalar | undefined;
    let dFake: tf.Scalar | undefined;
    const step = tf.variableGrads(() => {
      if (style === 'split') {
        const realInput = realNoise ? tf.add(real, realNoise.reshape([batch, 784])) : real;
        const fakeInput = fakeNoise ? tf.add(fake, fakeNoise.reshape([batch, 784])) : fake;
        const realLogits = this.discriminator.forward(realInput, realLabels, context);
        const fakeLogits = this.discriminator.forward(fakeInput, fakeLabels, context);
        dReal = tf.keep(tf.mean(tf.sigmoid(realLogits)) as tf.Scalar);
        dFake = tf.keep(tf.mean(tf.sigmoid(fakeLogits)) as tf.Scalar);
        if (loss === 'hinge') {
          return tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits)))) as tf.Scalar;
        }
        // Binary cross-entropy with the real target 1 - labelSmoothing, from logits.
        const realLoss =
          labelSmoothing > 0
            ? tf.add(
                tf.mul(1 - labelSmoothing, tf.softplus(tf.neg(realLogits))),
                tf.mul(labelSmoothing, tf.softplus(realLogits)),
              )
            : tf.softplus(tf.neg(realLogits));
        return tf.add(tf.mean(realLoss), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
      }
      const images = tf.concat([real, fake as tf.Tensor2D], 0);
      const labels = realLabels && fakeLabels ? tf.concat([realLabels, fakeLabels], 0) : undefined;
      const logits = this.discriminator.forward(images, labels, context);
      const targets = tf.concat([tf.fill([batch, 1], 0.9), tf.fill([batch, 1], 0.1)], 0);
      const probabilities = tf.sigmoid(logits);
      dReal = tf.keep(tf.mean(probabilities.slice([0, 0], [batch, 1])) as tf.Scalar);
      dFake = tf.keep(tf.mean(probabilities.slice([batch, 0], [batch, 1])) as tf.Scalar);
      return tf.mean(
        tf.add(tf.mul(targets, tf.softplus(tf.neg(logits))), tf.mul(tf.sub(1, targets), tf.softplus(logits))),
      ) as tf.Scalar;
    }, this.discriminatorVariables);
    tf.dispose([z, fake, fakeLabels, realNoise, fakeNoise]);
    this.discriminatorOptimizer.apply(this.discriminatorVariables.map((variable) => step.grads[variable.name]!));
    tf.dispose(step.grads);
    const metrics: DiscriminatorMetrics = {
      dLoss: step.value.dataSync()[0]!,
      dReal: dReal!.dataSync()[0]!,
      dFake: dFake!.dataSync()[0]!,
    };
    tf.dispose([step.value, dReal!, dFake!]);
    return metrics;
  }

  /**
   * One generator update on `batchSize` fresh noise vectors (and random labels for a conditional
   * GAN), through the current discriminator (which is not updated): the non-saturating loss
   * `-mean(log D(G(z)))`, or `-mean(D(G(z)))` on logits with the `'hinge'` loss. Then the weights'
   * moving average is updated when EMA is on.
   *
   * @param batchSize - how many images to generate
   * @param random - the step's random stream (noise, labels, dropout masks)
   * @returns the generator loss
   * @throws `TfkitOptionError` for a bad batch size
   * @example
   * ```ts
   * const { gLoss } = gan.generatorStep(100, createRng(7));
   * ```
   */
  generatorStep(batchSize: number, random: Rng): GeneratorMetrics {
    this.assertAlive();
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw optionError('batchSize', `must be a positive integer, got ${batchSize}. Pass e.g. 100.`, batchSize);
    }
    const context = this.trainingContext(random);
    const z = this.noise(batchSize, random);
    const labels = this.fakeLabels(batchSize, random);
    this.applySchedule();
    const hinge = this.settings.loss === 'hinge' && this.style === 'split';
    const step = tf.variableGrads(() => {
      const images = this.generator.forward(z, labels, context);
      const logits = this.discriminator.forward(images, labels, context);
      return (hinge ? tf.neg(tf.mean(logits)) : tf.mean(tf.softplus(tf.neg(logits)))) as tf.Scalar;
    }, this.generatorVariables);
    this.generatorOptimizer.apply(this.generatorVariables.map((variable) => step.grads[variable.name]!));
    tf.dispose(step.grads);
    tf.dispose([z, labels]);
    this.iterations++;
    this.updateEma();
    const metrics: GeneratorMetrics = { gLoss: step.value.dataSync()[0]! };
    step.value.dispose();
    return metrics;
  }

  /** Generator steps taken so far (restored from checkpoints). */
  get iteration(): number {
    return this.iterations;
  }

  /** True when the GAN keeps a moving average of its generator's weights. */
  get hasEma(): boolean {
    return this.emaWeights !== undefined;
  }

  /**
   * The moving average of the generator's weights (copies, in `generator.model.weights` order), or
   * `undefined` when EMA is off.
   *
   * @returns copies of the averaged weights
   */
  emaState(): Float32Array[] | undefined {
    return this.emaWeights?.map((weights) => weights.slice());
  }

  /**
   * Runs `action` with the generator's weights temporarily replaced by their moving average (when
   * EMA is on; else with the raw weights), and restores the raw weights afterwards, even when it throws.
   *
   * @param action - what to do with the averaged generator
   * @returns what `action` returns
   */
  withEmaWeights<T>(action: () => T): T {
    this.assertAlive();
    if (!this.emaWeights) return action();
    const raw = this.readGeneratorWeights();
    this.writeGeneratorWeights(this.emaWeights);
    try {
      return action();
    } finally {
      this.writeGeneratorWeights(raw);
    }
  }

  private readGeneratorWeights(): Float32Array[] {
    return this.generator.model.weights.map((weight) => (weight.read().dataSync() as Float32Array).slice());
  }

  private writeGeneratorWeights(values: readonly Float32Array[]): void {
    tf.tidy(() => {
      this.generator.model.weights.forEach((weight, index) => {
        weight.write(tf.tensor(values[index]!, weight.shape as number[], 'float32'));
      });
    });
  }

  /**
   * Every `emaInterval` steps: `ema = d * ema + (1 - d) * w` with `d = min(decay, (1 + t) / (10 + t))^interval`
   * at step `t` (the warm-up keeps early averages from being dominated by the early weights).
   */
  private updateEma(): void {
    if (!this.emaWeights) return;
    const interval = this.settings.emaInterval;
    if (this.iterations % interval !== 0) return;
    const decay = Math.min(this.settings.ema, (1 + this.iterations) / (10 + this.iterations)) ** interval;
    const keep = 1 - decay;
    const weights = this.generator.model.weights;
    for (let index = 0; index < weights.length; index++) {
      const average = this.emaWeights[index]!;
      const values = weights[index]!.read().dataSync() as Float32Array;
      for (let i = 0; i < average.length; i++) average[i] = decay * average[i]! + keep * values[i]!;
    }
  }

  /** The instance-noise standard deviation at the current iteration. */
  private instanceNoiseLevel(): number {
    const { instanceNoise, instanceNoiseSteps } = this.settings;
    if (instanceNoise <= 0) return 0;
    return instanceNoise * Math.max(0, 1 - this.iterations / instanceNoiseSteps);
  }

  /** Gaussian noise from `random`, as a flat tensor. */
  private gaussian(count: number, standardDeviation: number, random: Rng): tf.Tensor1D {
    return tf.tensor1d(random.fillNormal(new Float32Array(count), 0, standardDeviation));
  }

  /** Sets both optimizers' learning rates for the current iteration. */
  private applySchedule(): void {
    const schedule = this.settings.learningRateSchedule;
    if (!schedule) return;
    const progress = Math.min(1, Math.max(0, this.iterations - (schedule.start ?? 0)) / schedule.steps);
    const factor = 1 + (schedule.final - 1) * progress;
    this.generatorOptimizer.spec.learningRate = this.generatorLearningRate * factor;
    this.discriminatorOptimizer.spec.learningRate = this.discriminatorLearningRate * factor;
  }

  /** Forward context of a training pass: dropout masks seeded from `random`. */
  private trainingContext(random: Rng): ForwardContext {
    return { training: true, nextSeed: () => random.nextUint32() };
  }

  /** A batch of uniform noise in [-1, 1) from `random`. */
  private noise(batch: number, random: Rng): tf.Tensor2D {
    return tf.tensor2d(random.fillUniform(new Float32Array(batch * this.nZ), -1, 1), [batch, this.nZ]);
  }

  /** Random one-hot labels for generated images (conditional GAN), else undefined. */
  private fakeLabels(batch: number, random: Rng): tf.Tensor2D | undefined {
    if (this.classes === 0) return undefined;
    const labels = new Int32Array(batch);
    for (let index = 0; index < batch; index++) labels[index] = random.integers(this.classes);
    return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), this.classes).toFloat() as tf.Tensor2D);
  }

  /** A copy of every weight and optimizer slot, for checkpoints. */
  getState(): GanState {
    this.assertAlive();
    const weights = [...this.generator.model.weights, ...this.discriminator.model.weights].map((weight) =>
      (weight.read().dataSync() as Float32Array).slice(),
    );
    const state: GanState = {
      weights,
      generatorOptimizer: this.generatorOptimizer.getState(),
      discriminatorOptimizer: this.discriminatorOptimizer.getState(),
    };
    if (this.emaWeights) state.ema = this.emaState()!;
    return state;
  }

  /**
   * Restores a state from {@link Gan.getState}.
   * @throws {@link GanCheckpointError} when it belongs to another model
   */
  setState(state: GanState): void {
    this.assertAlive();
    const all = [...this.generator.model.weights, ...this.discriminator.model.weights];
    if (state.weights.length !== all.length) {
      throw new GanCheckpointError({
        message: `the state has ${state.weights.length} weights, this GAN ${all.length}; it belongs to another preset.`,
      });
    }
    all.forEach((weight, index) => {
      const values = state.weights[index]!;
      const size = weight.shape.reduce((a, b) => (a ?? 1) * (b ?? 1), 1)!;
      if (values.length !== size) {
        throw new GanCheckpointError({
          message: `weight ${weight.name} has ${values.length} values in the state, expected ${size}.`,
        });
      }
    });
    tf.tidy(() => {
      all.forEach((weight, index) => {
        weight.write(tf.tensor(state.weights[index]!.slice(), weight.shape as number[], 'float32'));
      });
    });
    const emaSizes = this.emaWeights?.map((weights) => weights.length) ?? [];
    const savedSizes = state.ema?.map((weights) => weights.length) ?? [];
    if (JSON.stringify(emaSizes) !== JSON.stringify(savedSizes)) {
      throw new GanCheckpointError({
        message: `the state has ${savedSizes.length ? 'an' : 'no'} EMA of the generator weights, this GAN ${emaSizes.length ? 'keeps one' : 'does not'}; create the GAN with the same ema option.`,
      });
    }
    this.generatorOptimizer.setState(state.generatorOptimizer);
    this.discriminatorOptimizer.setState(state.discriminatorOptimizer);
    if (this.emaWeights && state.ema) this.emaWeights = state.ema.map((weights) => weights.slice());
    this.iterations = state.generatorOptimizer.step;
  }

  /** Sizes of the arrays in {@link GanState}: weights, generator slots, discriminator slots, EMA weights. */
  stateLayout(): { weights: number[]; generatorSlots: number[]; discriminatorSlots: number[]; ema: number[] } {
    return {
      weights: [...this.generator.model.weights, ...this.discriminator.model.weights].map(
        (weight) => weight.shape.reduce((a, b) => (a ?? 1) * (b ?? 1), 1)!,
      ),
      generatorSlots: this.generatorOptimizer.slotSizes(),
      discriminatorSlots: this.discriminatorOptimizer.slotSizes(),
      ema: this.emaWeights?.map((weights) => weights.length) ?? [],
    };
  }

  /** Frees both models' variables. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generator.model.dispose();
    this.discriminator.model.dispose();
  }

  /** Same as {@link Gan.dispose}, for `using gan = createGan()`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** True after {@link Gan.dispose}. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertAlive(): void {
    if (this.disposed)
      throw new GanDisposedError({ message: 'this GAN was disposed; create a new one with createGan().' });
  }

  private checkLabels(labels: tf.Tensor | undefined, batch: number): void {
    if (this.classes === 0) {
      if (labels) throw optionError('labels', `preset '${this.preset}' takes no labels; use preset 'conditional'.`);
      return;
    }
    if (labels?.rank !== 2 || labels.shape[0] !== batch || labels.shape[1] !== this.classes) {
      throw new GanDataError({
        message: `the conditional GAN needs one-hot labels of shape [${batch}, ${this.classes}]; pass the dataset's labels.`,
      });
    }
  }
}

/**
 * Builds a GAN.
 *
 * @param options - preset, training style, seed and optional optimizer overrides
 * @returns a new {@link Gan}; dispose it when done
 * @throws `TfkitOptionError` for an unknown preset or style or a bad seed
 * @example
 * ```ts
 * const gan = createGan({ preset: 'dense', style: 'split', seed: 1 });
 * gan.parameterCounts(); // { generator: 1526288, discriminator: 201217 }
 * ```
 */
export function createGan(options: CreateGanOptions = {}): Gan {
  const preset = options.preset ?? 'dense-tuned';
  if (!(preset in presets)) {
    throw optionError(
      'preset',
      `unknown preset '${String(preset)}'${didYouMean(String(preset), Object.keys(presets))}; use one of ${Object.keys(presets).join(', ')}.`,
      preset,
    );
  }
  const style = options.style ?? presets[preset].defaultStyle;
  if (style !== 'split' && style !== 'stacked') {
    throw optionError('style', `unknown style '${String(style)}'; use 'split' or 'stacked'.`, style);
  }
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw optionError('seed', `must be a non-negative integer, got ${seed}. Pass e.g. 1.`, seed);
  }
  return new Gan({ ...options, preset, style, seed });
}
