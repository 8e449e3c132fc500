/**
 * The one place that knows `@tfkit/gan`'s training API for the `gan` trial.
 *
 * @internal
 */
import { ensureTrialBackend } from './backend.js';

/** What the GAN trial asks for. */
export interface GanRunOptions {
  preset: string;
  epochs: number;
  batchSize: number;
  maxBatchesPerEpoch: number | undefined;
  seed: number;
  /** Images generated for the final FID; 0 for no score. */
  scoreCount: number;
  /** Directory for the final sample grid. */
  sampleDirectory: string | undefined;
  signal: AbortSignal;
}

/** What the GAN trial reads back. */
export interface GanRunResult {
  backend: string;
  history: Array<{ epoch: number; dLoss: number; gLoss: number; dReal: number; dFake: number }>;
  gridFiles: string[];
  score: { fid: number; classEntropy: number; classesCovered: number } | undefined;
}

/**
 * Trains a `createGan` preset with `trainGan` on the Fashion-MNIST subset embedded in
 * `@tfkit/datasets`, then optionally scores it.
 */
export async function runGan(options: GanRunOptions): Promise<GanRunResult> {
  const backend = await ensureTrialBackend();
  const [ganPackage, datasets] = await Promise.all([import('@tfkit/gan'), import('@tfkit/datasets')]);
  const data = await datasets.loadFashionMnist({ source: 'embedded', split: 'train' });
  const gan = ganPackage.createGan({ preset: options.preset as never, seed: options.seed });
  try {
    const result = await ganPackage.trainGan(
      gan,
      { images: data.images, labels: data.labels },
      {
        epochs: options.epochs,
        batchSize: options.batchSize,
        seed: options.seed,
        log: false,
        signal: options.signal,
        ...(options.maxBatchesPerEpoch ? { maxBatchesPerEpoch: options.maxBatchesPerEpoch } : {}),
        ...(options.sampleDirectory ? { sampleEvery: options.epochs, sampleDir: options.sampleDirectory } : {}),
      },
    );
    let score: GanRunResult['score'];
    if (options.scoreCount > 0) {
      const scorer = await ganPackage.Scorer.load();
      const reference = (await datasets.loadFashionMnist({ source: 'embedded', split: 'test' })).images;
      const samples = gan.sample(options.scoreCount, { seed: options.seed + 1 });
      const quality = scorer.compare(samples, reference);
      score = { fid: quality.fid, classEntropy: quality.classEntropy, classesCovered: quality.classesCovered };
      (scorer as { dispose?: () => void }).dispose?.();
    }
    return { backend, history: result.history, gridFiles: result.gridFiles, score };
  } finally {
    gan.dispose();
  }
}
