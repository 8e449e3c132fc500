import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from './fused-optimizer.js';
import type { GanTrainingSettings } from './gan.js';
import { buildNetwork, buildProjectionDiscriminator, type LayerFactory, type Network } from './networks.js';

/**
 * The models this package builds.
 *
 * - `'dense'`: the book's dense GAN (G 1,526,288 params, D 201,217).
 * - `'dcgan'`: the book's DCGAN (G 21,162,496 params, D 14,209).
 * - `'dense-tuned'`: a dense GAN with batch norm in the generator, a wider discriminator and Adam 2e-4, beta1 0.5.
 * - `'dcgan-tuned'`: a standard DCGAN (transposed convolutions, batch norm, a generator ending in a convolution),
 *   trained for quality per CPU-second: Adam 8e-4 (beta1 0.5) on both networks, batch 32, and an EMA
 *   of the generator's weights (decay 0.999) for sampling. At a 2-minute budget on 2 cores this
 *   halved FID against the same network at Adam 2e-4, batch 100, no EMA (scripts/evaluate-presets.mjs).
 * - `'dcgan-wide'`: `'dcgan-tuned'` at twice the width (128 filters at 7x7 in G, 64/128 in D).
 * - `'conditional'`: `'dense-tuned'` with a one-hot class label fed to both networks.
 * - `'dcgan-conditional'`: `'dcgan-tuned'` with a class label: concatenated to z in the generator,
 *   projected onto the features in the discriminator (projection discriminator); same training
 *   settings. `sample()` gives every class in turn unless told otherwise.
 */
export type GanPreset =
  | 'dense'
  | 'dcgan'
  | 'dense-tuned'
  | 'dcgan-tuned'
  | 'dcgan-wide'
  | 'conditional'
  | 'dcgan-conditional';

/** The book's two ways of training a GAN. */
export type GanStyle = 'split' | 'stacked';

/** Everything a preset defines. */
export interface PresetDefinition {
  /** Size of the noise vector z. */
  nZ: number;
  /** Number of label classes fed to both networks (conditional), else 0. */
  classes: number;
  /** Style used when the caller does not choose. */
  defaultStyle: GanStyle;
  /** Optimizers per style. */
  optimizers: Record<GanStyle, { generator: OptimizerSpec; discriminator: OptimizerSpec }>;
  /** Training settings that differ from the defaults (no EMA, non-saturating loss, no smoothing or noise). */
  training?: Partial<GanTrainingSettings>;
  /** Batch size `trainGan` uses when the caller does not choose one. @defaultValue `100` */
  batchSize?: number;
  /** Builds the generator. */
  generator(factory: LayerFactory): Network;
  /** Builds the discriminator. */
  discriminator(factory: LayerFactory): Network;
}

const IMAGE_SIZE = 784;
const tunedAdam: OptimizerSpec = { kind: 'adam', learningRate: 2e-4, beta1: 0.5 };
const bookOptimizers: PresetDefinition['optimizers'] = {
  split: { generator: { kind: 'adam', learningRate: 1e-5 }, discriminator: { kind: 'sgd', learningRate: 0.01 } },
  stacked: { generator: tunedAdam, discriminator: tunedAdam },
};
const tunedOptimizers: PresetDefinition['optimizers'] = {
  split: { generator: tunedAdam, discriminator: tunedAdam },
  stacked: { generator: tunedAdam, discriminator: tunedAdam },
};
/** The tuned DCGAN's Adam: 4x the usual DCGAN rate, which the EMA and batch 32 keep stable (issue 16). */
const fastAdam: OptimizerSpec = { kind: 'adam', learningRate: 8e-4, beta1: 0.5 };
const fastOptimizers: PresetDefinition['optimizers'] = {
  split: { generator: fastAdam, discriminator: fastAdam },
  stacked: { generator: fastAdam, discriminator: fastAdam },
};

function dense(
  factory: LayerFactory,
  units: number,
  name: string,
  extra: { activation?: 'tanh'; useBias?: boolean } = {},
) {
  return tf.layers.dense({ units, kernelInitializer: factory.kernel(), name: `${factory.prefix}_${name}`, ...extra });
}

function leaky(factory: LayerFactory, name: string) {
  return tf.layers.leakyReLU({ alpha: 0.2, name: `${factory.prefix}_${name}` });
}

function discriminatorHead(factory: LayerFactory): tf.layers.Layer[] {
  return [
    dense(factory, 1, 'out'),
    tf.layers.activation({ activation: 'sigmoid', name: `${factory.prefix}_out_sigmoid` }),
  ];
}

function denseGenerator(
  factory: LayerFactory,
  nZ: number,
  classes: number,
  units: number[],
  batchNorm = false,
): Network {
  const layers: tf.layers.Layer[] = [];
  units.forEach((size, index) => {
    layers.push(dense(factory, size, `${index}_dense`));
    if (batchNorm) {
      layers.push(tf.layers.batchNormalization({ momentum: 0.8, name: `${factory.prefix}_${index}_bn` }));
    }
    layers.push(leaky(factory, `${index}_leaky_relu`));
  });
  layers.push(dense(factory, IMAGE_SIZE, 'out', { activation: 'tanh' }));
  return buildNetwork('generator', nZ, classes, layers, false);
}

function denseDiscriminator(factory: LayerFactory, classes: number, units: number[]): Network {
  const layers: tf.layers.Layer[] = [];
  units.forEach((size, index) => {
    layers.push(
      dense(factory, size, `${index}_dense`),
      leaky(factory, `${index}_leaky_relu`),
      tf.layers.dropout({ rate: 0.3, name: `${factory.prefix}_${index}_dropout` }),
    );
  });
  layers.push(...discriminatorHead(factory));
  return buildNetwork('discriminator', IMAGE_SIZE, classes, layers, true);
}

/**
 * The tuned DCGAN at a given width: `base` filters at 7x7 in the generator, doubled in the
 * discriminator's last layer. With `classes`, the label is concatenated to z and projected onto
 * the discriminator's features.
 */
function tunedDcgan(base: number, classes = 0): Pick<PresetDefinition, 'generator' | 'discriminator'> {
  return {
    generator(factory) {
      const p = factory.prefix;
      const batchNorm = (name: string) => tf.layers.batchNormalization({ momentum: 0.9, name: `${p}_${name}_bn` });
      const layers: tf.layers.Layer[] = [
        dense(factory, 7 * 7 * base, 'in', { useBias: false }),
        batchNorm('in'),
        leaky(factory, 'in_leaky_relu'),
        tf.layers.reshape({ targetShape: [7, 7, base], name: `${p}_in_reshape` }),
      ];
      [base / 2, base / 4].forEach((filters, index) => {
        layers.push(
          tf.layers.conv2dTranspose({
            filters,
            kernelSize: 4,
            strides: 2,
            padding: 'same',
            useBias: false,
            kernelInitializer: factory.kernel(),
            name: `${p}_${index}_conv2d_transpose`,
          }),
          batchNorm(String(index)),
          leaky(factory, `${index}_leaky_relu`),
        );
      });
      layers.push(
        tf.layers.conv2d({
          filters: 1,
          kernelSize: 3,
          padding: 'same',
          activation: 'tanh',
          kernelInitializer: factory.kernel(),
          name: `${p}_out_conv2d`,
        }),
        tf.layers.flatten({ name: `${p}_out_flatten` }),
      );
      return buildNetwork('generator', 100, classes, layers, false);
    },
    discriminator(factory) {
      const p = factory.prefix;
      const layers: tf.layers.Layer[] = [tf.layers.reshape({ targetShape: [28, 28, 1], name: `${p}_in_reshape` })];
      [base / 2, base].forEach((filters, index) => {
        layers.push(
          tf.layers.conv2d({
            filters,
            kernelSize: 4,
            strides: 2,
            padding: 'same',
            kernelInitializer: factory.kernel(),
            name: `${p}_${index}_conv2d`,
          }),
          leaky(factory, `${index}_leaky_relu`),
        );
      });
      layers.push(tf.layers.flatten({ name: `${p}_out_flatten` }));
      if (classes > 0) {
        const [head, sigmoid] = discriminatorHead(factory) as [tf.layers.Layer, tf.layers.Layer];
        const embed = dense(factory, 7 * 7 * base, 'label_embedding', { useBias: false });
        return buildProjectionDiscriminator('discriminator', IMAGE_SIZE, classes, layers, head, embed, sigmoid);
      }
      layers.push(...discriminatorHead(factory));
      return buildNetwork('discriminator', IMAGE_SIZE, 0, layers, true);
    },
  };
}

/** The definition of every preset. */
export const presets: Record<GanPreset, PresetDefinition> = {
  dense: {
    nZ: 256,
    classes: 0,
    defaultStyle: 'split',
    optimizers: bookOptimizers,
    generator: (factory) => denseGenerator(factory, 256, 0, [256, 512, 1024]),
    discriminator: (factory) => denseDiscriminator(factory, 0, [256]),
  },
  dcgan: {
    nZ: 256,
    classes: 0,
    defaultStyle: 'split',
    optimizers: bookOptimizers,
    generator(factory) {
      const p = factory.prefix;
      const layers: tf.layers.Layer[] = [
        dense(factory, 5 * 5 * 128, 'in'),
        tf.layers.reshape({ targetShape: [5, 5, 128], name: `${p}_in_reshape` }),
        tf.layers.activation({ activation: 'tanh', name: `${p}_in_tanh` }),
      ];
      [64, 32, 16].forEach((filters, index) => {
        layers.push(
          tf.layers.upSampling2d({ size: [2, 2], name: `${p}_${index}_up2d` }),
          tf.layers.conv2d({
            filters,
            kernelSize: 5,
            padding: 'same',
            kernelInitializer: factory.kernel(),
            name: `${p}_${index}_conv2d`,
          }),
          tf.layers.activation({ activation: 'tanh', name: `${p}_${index}_tanh` }),
        );
      });
      layers.push(
        tf.layers.flatten({ name: `${p}_out_flatten` }),
        dense(factory, IMAGE_SIZE, 'out', { activation: 'tanh' }),
      );
      return buildNetwork('generator', 256, 0, layers, false);
    },
    discriminator(factory) {
      const p = factory.prefix;
      const layers: tf.layers.Layer[] = [
        tf.layers.reshape({ targetShape: [28, 28, 1], name: `${p}_in_reshape` }),
        tf.layers.conv2d({
          filters: 64,
          kernelSize: 5,
          padding: 'same',
          kernelInitializer: factory.kernel(),
          name: `${p}_0_conv2d`,
        }),
        tf.layers.activation({ activation: 'tanh', name: `${p}_0_tanh` }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${p}_0_maxpool` }),
        tf.layers.flatten({ name: `${p}_out_flatten` }),
        ...discriminatorHead(factory),
      ];
      return buildNetwork('discriminator', IMAGE_SIZE, 0, layers, true);
    },
  },
  'dense-tuned': {
    nZ: 100,
    classes: 0,
    defaultStyle: 'split',
    optimizers: tunedOptimizers,
    generator: (factory) => denseGenerator(factory, 100, 0, [256, 512, 1024], true),
    discriminator: (factory) => denseDiscriminator(factory, 0, [512, 256]),
  },
  'dcgan-tuned': {
    nZ: 100,
    classes: 0,
    defaultStyle: 'split',
    optimizers: fastOptimizers,
    training: { ema: 0.999 },
    batchSize: 32,
    ...tunedDcgan(64),
  },
  'dcgan-wide': {
    nZ: 100,
    classes: 0,
    defaultStyle: 'split',
    optimizers: tunedOptimizers,
    ...tunedDcgan(128),
  },
  conditional: {
    nZ: 100,
    classes: 10,
    defaultStyle: 'split',
    optimizers: tunedOptimizers,
    generator: (factory) => denseGenerator(factory, 100, 10, [256, 512, 1024], true),
    discriminator: (factory) => denseDiscriminator(factory, 10, [512, 256]),
  },
  'dcgan-conditional': {
    nZ: 100,
    classes: 10,
    defaultStyle: 'split',
    optimizers: fastOptimizers,
    training: { ema: 0.999 },
    batchSize: 32,
    ...tunedDcgan(64, 10),
  },
};
