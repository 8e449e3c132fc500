import { FeatureUnavailableError } from './errors.js';
import { importPackage } from './packages.js';

/** What one epoch of GAN training logged. */
export interface EpochLog {
  epoch: number;
  dLoss: number;
  gLoss: number;
  dReal: number;
  dFake: number;
}

/** Per-batch progress of `trainGan`. */
export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  metrics: { dLoss: number; gLoss: number; dReal: number; dFake: number };
}

/** A quality score of generated images. */
export interface QualityScore {
  fid: number;
  classEntropy: number;
  classesCovered: number;
  count: number;
}

/** The part of a `Gan` the CLI uses. */
export interface Gan {
  readonly preset: string;
  readonly style: string;
  readonly classes: number;
  sample(n: number, options?: { seed?: number; labels?: number | readonly number[] }): Uint8Array;
  parameterCounts(): { generator: number; discriminator: number };
  dispose(): void;
}

/** Training images for the GAN. */
export interface GanData {
  images: Uint8Array | Float32Array;
  labels?: Uint8Array | Int32Array | readonly number[];
}

/** The part of `@tfkit/gan` the CLI uses. */
export interface GanPackage {
  createGan(options: { preset?: string; style?: string; seed?: number }): Gan;
  trainGan(
    gan: Gan,
    data: GanData,
    options: {
      epochs: number;
      batchSize?: number;
      seed?: number;
      sampleEvery?: number;
      sampleDir?: string;
      checkpointDir?: string;
      resume?: boolean;
      log?: boolean | ((line: string) => void);
      callbacks?: {
        onBatchEnd?: (progress: BatchProgress) => void | Promise<void>;
        onEpochEnd?: (
          end: EpochLog & { line: string; seconds: number; grid?: Buffer; gridFile?: string },
        ) => void | Promise<void>;
      };
    },
  ): Promise<{ history: EpochLog[]; startEpoch: number; gridFiles: string[] }>;
  loadCheckpoint(directory: string, gan: Gan): Promise<unknown>;
  saveNpy(file: string, images: Uint8Array): Promise<void>;
  saveGrid(file: string, images: Uint8Array, options?: { columns?: number; scale?: number }): Promise<void>;
  encodeGrid(images: Uint8Array, options?: { columns?: number; scale?: number }): Promise<Buffer>;
  CHECKPOINT_FILE: string;
  Scorer?: {
    load(): Promise<{
      stats(images: Uint8Array): unknown;
      compare(generated: unknown, reference: unknown): QualityScore;
      dispose(): void;
    }>;
  };
}

/** CLI model names -> the gan package's preset and training style. */
export const ganModels: Record<string, { preset: string; style?: string; description: string }> = {
  dense: {
    preset: 'dense',
    style: 'split',
    description: "the book's dense GAN, split training (G Adam 1e-5, D SGD 0.01)",
  },
  'dense-stacked': {
    preset: 'dense',
    style: 'stacked',
    description: "the book's dense GAN, stacked Keras-style training",
  },
  'dense-tuned': { preset: 'dense-tuned', description: 'dense GAN with Adam 2e-4, beta1 0.5' },
  'dcgan-book': { preset: 'dcgan', description: "the book's DCGAN" },
  dcgan: { preset: 'dcgan-tuned', description: 'a standard DCGAN (transposed convolutions, batch norm), tuned' },
  cgan: { preset: 'conditional', description: 'conditional GAN: ask for a class' },
};

/** Loads `@tfkit/gan`. */
export function loadGan(): Promise<GanPackage> {
  return importPackage<GanPackage>('@tfkit/gan', [
    'createGan',
    'trainGan',
    'loadCheckpoint',
    'saveNpy',
    'saveGrid',
    'encodeGrid',
    'CHECKPOINT_FILE',
  ]);
}

/** The part of `@tfkit/datasets` the CLI uses. */
export interface DatasetsPackage {
  loadEmbeddedFashionMnist(options?: { split?: 'train' | 'test' }): Promise<FashionMnist>;
  loadFashionMnist(options?: { split?: 'train' | 'test'; dir?: string }): Promise<FashionMnist>;
}

/** An IDX dataset as `@tfkit/datasets` returns it. */
export interface FashionMnist {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  classNames: readonly string[];
}

/** Loads `@tfkit/datasets`. */
export function loadDatasets(): Promise<DatasetsPackage> {
  return importPackage<DatasetsPackage>('@tfkit/datasets', ['loadEmbeddedFashionMnist', 'loadFashionMnist']);
}

/**
 * The first `limit` images of a dataset, taken class-balanced (round-robin over classes) so that
 * a small subset still shows every class.
 */
export function balancedSubset(
  dataset: FashionMnist,
  limit: number,
): { images: Uint8Array; labels: Uint8Array; count: number } {
  const pixels = dataset.rows * dataset.cols;
  if (limit >= dataset.count) return { images: dataset.images, labels: dataset.labels, count: dataset.count };
  const byClass = new Map<number, number[]>();
  for (let index = 0; index < dataset.count; index++) {
    const label = dataset.labels[index]!;
    const list = byClass.get(label) ?? [];
    list.push(index);
    byClass.set(label, list);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const chosen: number[] = [];
  for (let round = 0; chosen.length < limit; round++) {
    let added = false;
    for (const label of classes) {
      const index = byClass.get(label)![round];
      if (index !== undefined && chosen.length < limit) {
        chosen.push(index);
        added = true;
      }
    }
    if (!added) break;
  }
  const images = new Uint8Array(chosen.length * pixels);
  const labels = new Uint8Array(chosen.length);
  chosen.forEach((source, target) => {
    images.set(dataset.images.subarray(source * pixels, (source + 1) * pixels), target * pixels);
    labels[target] = dataset.labels[source]!;
  });
  return { images, labels, count: chosen.length };
}

/** Throws "not available" unless the scorer exists. */
export function requireScorer(gan: GanPackage): NonNullable<GanPackage['Scorer']> {
  if (!gan.Scorer) throw new FeatureUnavailableError('@tfkit/gan', '`Scorer`');
  return gan.Scorer;
}
