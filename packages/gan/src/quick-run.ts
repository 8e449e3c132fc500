import { ensureBackend } from '@tfkit/backend';
import { createRng, deriveSeed, invokeCallback, type LoopCallback } from '@tfkit/core';
import { loadFashionMnist } from '@tfkit/datasets';
import type { EpochLog } from './checkpoint.js';
import type { GanData } from './data.js';
import { createGan } from './gan.js';
import type { GanPreset, GanStyle } from './presets.js';
import { type QualityScore, Scorer } from './score.js';
import { type GanBatchLogs, trainGan } from './train.js';

/** Options of {@link quickRun}. */
export interface QuickRunOptions {
  /** Which model. @defaultValue `'dense-tuned'` */
  preset?: GanPreset;
  /** Training style. @defaultValue the preset's */
  style?: GanStyle;
  /** Epochs over the data. @defaultValue `5` */
  epochs?: number;
  /** Batch size. @defaultValue `50` */
  batchSize?: number;
  /** Batches per epoch at most (for very short runs). @defaultValue all full batches */
  maxBatchesPerEpoch?: number;
  /** Seed of everything. @defaultValue `0` */
  seed?: number;
  /** Training data. @defaultValue the 2,000-image Fashion-MNIST subset embedded in `@tfkit/datasets` */
  data?: GanData;
  /** Reference images for FID. @defaultValue the embedded 1,000-image test subset */
  reference?: Uint8Array;
  /** Images generated per FID evaluation. @defaultValue `1000` */
  scoreCount?: number;
  /** Compute FID after every epoch (else only after the last). @defaultValue `true` */
  scoreEveryEpoch?: boolean;
  /** After every batch, with its index over the whole run (from 0) and the same logs as `trainGan`'s. */
  onBatchEnd?: LoopCallback<GanBatchLogs> | undefined;
  /** After every epoch, with its index and its logs: losses, grid and score. */
  onEpochEnd?: LoopCallback<QuickRunEpoch> | undefined;
  /** Stops after the current batch when aborted; the result has the finished epochs and `stopped: true`. */
  signal?: AbortSignal | undefined;
  /** Book-style log lines. @defaultValue none */
  log?: (line: string) => void;
}

/** One epoch of a {@link quickRun}. */
export interface QuickRunEpoch extends EpochLog {
  /** The book-style line. */
  line: string;
  /** PNG of the fixed-noise 10x10 grid. */
  grid: Buffer;
  /** Quality of 1,000 fresh samples, when scored this epoch. */
  score?: QualityScore;
  /** Seconds of training this epoch. */
  seconds: number;
}

/** What {@link quickRun} returns. */
export interface QuickRunResult {
  /** Preset trained. */
  preset: GanPreset;
  /** Backend used. */
  backend: string;
  /** Per epoch: losses, grid PNG, score. */
  epochs: QuickRunEpoch[];
  /** Score of uniform noise images against the same reference (the floor to beat). */
  noiseScore: QualityScore;
  /** Score of the training images themselves against the reference (the ceiling). */
  realScore: QualityScore;
  /** True when `signal` stopped the run early. */
  stopped: boolean;
}

/**
 * A short, complete GAN demo for the CLI: trains a preset on the embedded Fashion-MNIST subset,
 * and returns per-epoch fixed-noise grids (PNG), the loss history and FID per epoch, plus the
 * noise and real-data scores to read them against.
 *
 * @param options - preset, epochs, seed, callbacks
 * @returns per-epoch results
 * @throws `TfkitOptionError` for bad options; dataset errors from `@tfkit/datasets`
 * @example
 * ```ts
 * const run = await quickRun({ preset: 'dense-tuned', epochs: 3 });
 * console.log(run.epochs.map((epoch) => epoch.score?.fid.toFixed(1)), run.noiseScore.fid.toFixed(1));
 * ```
 */
export async function quickRun(options: QuickRunOptions = {}): Promise<QuickRunResult> {
  const backend = await ensureBackend({ log: false });
  const preset = options.preset ?? 'dense-tuned';
  const seed = options.seed ?? 0;
  const data = options.data ?? (await loadFashionMnist({ source: 'embedded', split: 'train' }));
  const reference = options.reference ?? (await loadFashionMnist({ source: 'embedded', split: 'test' })).images;
  const scoreCount = options.scoreCount ?? 1000;
  const scorer = await Scorer.load();
  const gan = createGan({ preset, seed, ...(options.style ? { style: options.style } : {}) });
  try {
    const referenceStats = scorer.stats(reference);
    const noise = new Uint8Array(scoreCount * 784);
    const random = createRng(deriveSeed(seed, 0x4015e));
    for (let index = 0; index < noise.length; index++) noise[index] = random.nextUint32() >>> 24;
    const noiseScore = scorer.compare(noise, referenceStats);
    const realImages = data.images instanceof Uint8Array ? data.images : undefined;
    const realScore = realImages
      ? scorer.compare(realImages.subarray(0, Math.min(realImages.length, scoreCount * 784)), referenceStats)
      : noiseScore;
    const epochs: QuickRunEpoch[] = [];
    const total = options.epochs ?? 5;
    const result = await trainGan(gan, data, {
      epochs: total,
      batchSize: options.batchSize ?? 50,
      seed,
      sampleEvery: 1,
      log: options.log ?? false,
      ...(options.maxBatchesPerEpoch ? { maxBatchesPerEpoch: options.maxBatchesPerEpoch } : {}),
      signal: options.signal,
      onBatchEnd: options.onBatchEnd,
      onEpochEnd: async (_, end) => {
        const scoreNow = options.scoreEveryEpoch !== false || end.epoch === total - 1;
        const entry: QuickRunEpoch = {
          epoch: end.epoch,
          dLoss: end.dLoss,
          gLoss: end.gLoss,
          dReal: end.dReal,
          dFake: end.dFake,
          line: end.line,
          grid: end.grid!,
          seconds: end.seconds,
        };
        if (scoreNow) {
          const labels = gan.classes > 0 ? { labels: Array.from({ length: scoreCount }, (_, i) => i % 10) } : {};
          entry.score = scorer.compare(
            gan.sample(scoreCount, { seed: deriveSeed(seed, 0x5c0e), ...labels }),
            referenceStats,
          );
        }
        epochs.push(entry);
        await invokeCallback(options.onEpochEnd, end.epoch, entry);
      },
    });
    return { preset, backend: backend.name, epochs, noiseScore, realScore, stopped: result.stopped };
  } finally {
    gan.dispose();
    scorer.dispose();
  }
}
