import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { sha256 } from '@tfkit/core/node';
import { GanAssetError, GanDataError } from './errors.js';
import { frechetDistance, meanAndCovariance } from './linalg.js';

/** Feature statistics of an image set on the scorer's penultimate layer. */
export interface FeatureStats {
  /** Number of images. */
  count: number;
  /** Mean feature vector. */
  mean: Float64Array;
  /** Feature covariance (row-major, `n * n`). */
  covariance: Float64Array;
  /** How many images the classifier put in each class. */
  classCounts: number[];
}

/** A quality score of generated images against a reference set. */
export interface QualityScore {
  /** Fréchet distance of the classifier features (lower is better; 0 for identical sets). */
  fid: number;
  /** Entropy of the predicted-class histogram in bits (max log2(10) = 3.32 when all classes are equally present). */
  classEntropy: number;
  /** Classes that receive at least 2% of the images. */
  classesCovered: number;
  /** Images scored. */
  count: number;
}

/** The packaged classifier's description (`assets/classifier/manifest.json`). */
export interface ScorerManifest {
  /** Test accuracy on the full Fashion-MNIST test set (10,000 images). */
  testAccuracy: number;
  /** Size of the penultimate (feature) layer. */
  featureSize: number;
  /** Name of the feature layer. */
  featureLayer: string;
  /** SHA-256 of each file of the model. */
  files: Record<string, { bytes: number; sha256: string }>;
  /** How it was trained. */
  training: Record<string, unknown>;
}

/** Bytes 0..255 to the classifier's input `[n, 28, 28, 1]` in [0, 1]. */
function toInput(images: Uint8Array): tf.Tensor4D {
  const values = new Float32Array(images.length);
  for (let index = 0; index < images.length; index++) values[index] = images[index]! / 255;
  return tf.tensor4d(values, [images.length / 784, 28, 28, 1]);
}

const assetsUrl = new URL('../assets/classifier/', import.meta.url);

async function readChecked(directory: URL, name: string, manifest: ScorerManifest): Promise<Uint8Array> {
  const expected = manifest.files[name];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(fileURLToPath(new URL(name, directory)));
  } catch (error) {
    throw new GanAssetError({
      message: `the classifier file ${name} is missing from the package; reinstall @tfkit/gan.`,
      cause: error,
    });
  }
  if (!expected || bytes.length !== expected.bytes || sha256(bytes) !== expected.sha256) {
    throw new GanAssetError({
      message: `the classifier file ${name} is damaged (size or SHA-256 differs); reinstall @tfkit/gan.`,
    });
  }
  return bytes;
}

/**
 * A small Fashion-MNIST classifier (shipped in the package) used to score images: FID on its
 * penultimate-layer features and the spread of its predicted classes.
 *
 * @remarks Owns a `tf.LayersModel`; call {@link Scorer.dispose} when done.
 */
export class Scorer {
  private disposed = false;

  private constructor(
    private readonly model: tf.LayersModel,
    private readonly featureModel: tf.LayersModel,
    /** The classifier's manifest (test accuracy, checksums). */
    readonly manifest: ScorerManifest,
  ) {}

  /**
   * Loads the packaged classifier after checking the size and SHA-256 of its files.
   *
   * @param options - `directory`: a `file:` URL (ending in `/`) of another classifier in the same
   *   layout (`manifest.json`, `model.json`, weights); defaults to the one in the package
   * @returns a scorer
   * @throws {@link GanAssetError} when a file is missing or damaged
   * @example
   * ```ts
   * const scorer = await Scorer.load();
   * console.log(scorer.manifest.testAccuracy); // 0.91
   * ```
   */
  static async load(options: { directory?: URL } = {}): Promise<Scorer> {
    const directory = options.directory ?? assetsUrl;
    let manifest: ScorerManifest;
    try {
      manifest = JSON.parse(
        await readFile(fileURLToPath(new URL('manifest.json', directory)), 'utf8'),
      ) as ScorerManifest;
    } catch (error) {
      throw new GanAssetError({
        message: 'the classifier manifest is missing from the package; reinstall @tfkit/gan.',
        cause: error,
      });
    }
    const topology = JSON.parse(new TextDecoder().decode(await readChecked(directory, 'model.json', manifest))) as {
      modelTopology: tf.io.ModelArtifacts['modelTopology'];
      weightsManifest: tf.io.WeightsManifestConfig;
    };
    const specs = topology.weightsManifest.flatMap((group) => group.weights);
    const buffers = await Promise.all(
      topology.weightsManifest.flatMap((group) => group.paths).map((name) => readChecked(directory, name, manifest)),
    );
    const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    const weightData = new Uint8Array(total);
    let offset = 0;
    for (const buffer of buffers) {
      weightData.set(buffer, offset);
      offset += buffer.length;
    }
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: topology.modelTopology, weightSpecs: specs, weightData: weightData.buffer }),
    );
    const featureModel = tf.model({ inputs: model.inputs, outputs: model.getLayer(manifest.featureLayer).output });
    return new Scorer(model, featureModel, manifest);
  }

  /**
   * Feature statistics of images: mean and covariance of the penultimate layer, predicted classes.
   *
   * @param images - `n * 784` bytes (0..255), n >= 2
   * @returns the statistics, to compare with {@link Scorer.compare}
   * @throws {@link GanDataError} for a bad byte count
   */
  stats(images: Uint8Array): FeatureStats {
    if (images.length < 2 * 784 || images.length % 784 !== 0) {
      throw new GanDataError({ message: `scoring needs n * 784 bytes with n >= 2, got ${images.length}.` });
    }
    const count = images.length / 784;
    const size = this.manifest.featureSize;
    const features = new Float32Array(count * size);
    const classCounts = new Array<number>(10).fill(0);
    const chunk = 500;
    for (let start = 0; start < count; start += chunk) {
      const end = Math.min(count, start + chunk);
      const [featureValues, classes] = tf.tidy(() => {
        const x = toInput(images.subarray(start * 784, end * 784));
        const outputs = [this.featureModel.predict(x) as tf.Tensor, (this.model.predict(x) as tf.Tensor).argMax(1)];
        return outputs.map((output) => output.dataSync());
      });
      features.set(featureValues as Float32Array, start * size);
      for (const label of classes!) classCounts[label]!++;
    }
    const { mean, covariance } = meanAndCovariance(features, count, size);
    return { count, mean, covariance, classCounts };
  }

  /**
   * Scores `generated` against reference statistics.
   *
   * @param generated - statistics of the images to score (or the images themselves)
   * @param reference - statistics of real images (or the images)
   * @returns FID, class entropy and classes covered
   */
  compare(generated: FeatureStats | Uint8Array, reference: FeatureStats | Uint8Array): QualityScore {
    const a = generated instanceof Uint8Array ? this.stats(generated) : generated;
    const b = reference instanceof Uint8Array ? this.stats(reference) : reference;
    const fid = frechetDistance(a, b, this.manifest.featureSize);
    let classEntropy = 0;
    let classesCovered = 0;
    for (const classCount of a.classCounts) {
      const p = classCount / a.count;
      if (p > 0) classEntropy -= p * Math.log2(p);
      if (p >= 0.02) classesCovered++;
    }
    return { fid, classEntropy, classesCovered, count: a.count };
  }

  /**
   * Predicted class of each image.
   * @param images - `n * 784` bytes
   * @returns one class index per image
   */
  classify(images: Uint8Array): Uint8Array {
    const count = images.length / 784;
    const out = new Uint8Array(count);
    tf.tidy(() => {
      const x = toInput(images);
      out.set((this.model.predict(x) as tf.Tensor).argMax(1).dataSync());
    });
    return out;
  }

  /** Frees the classifier's weights. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }

  /** Same as {@link Scorer.dispose}, for `using scorer = await Scorer.load()`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
