import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, invokeCallback, type LoopCallback, permutation, shouldStop } from '@tfkit/core';
import { writeFileAtomic } from '@tfkit/core/node';
import { type CheckpointMeta, type EpochLog, type FidLog, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { checkData, type GanData, makeBatch } from './data.js';
import { GanCheckpointError, GanDataError, optionError } from './errors.js';
import type { Gan, StepMetrics } from './gan.js';
import { encodeGrid } from './images.js';
import type { FeatureStats, Scorer } from './score.js';

/** The logs {@link TrainGanOptions.onBatchEnd} receives after each batch: what the step measured and where it is. */
export interface GanBatchLogs extends StepMetrics {
  /** Epoch index, from 0. */
  epoch: number;
  /** Batch index within the epoch, from 0. */
  batchInEpoch: number;
  /** Batches per epoch. */
  batchesPerEpoch: number;
  /** Generator steps done so far (the GAN's {@link Gan.iteration}, resumed runs included). */
  iteration: number;
  /** The evaluation made after this batch, when {@link TrainGanOptions.fid} scheduled one. */
  fid?: FidLog;
}

/** Options of {@link TrainGanOptions.fid}: the scorer's FID measured during training. */
export interface TrainGanFidOptions {
  /** The scorer (`await Scorer.load()`); not disposed by `trainGan`. */
  scorer: Scorer;
  /** Reference images (`n * 784` bytes) or their precomputed `scorer.stats(...)`. */
  reference: FeatureStats | Uint8Array;
  /** Evaluate after every `every` generator steps (iterations). */
  every: number;
  /** Images generated per evaluation (the EMA weights when the GAN keeps them). @defaultValue `1000` */
  count?: number;
}

/**
 * Progress after each batch, as the deprecated `callbacks.onBatchEnd` receives it.
 * @deprecated use the top-level `onBatchEnd(batch, logs)` with {@link GanBatchLogs}
 */
export interface BatchProgress {
  /** Epoch index, from 0. */
  epoch: number;
  /** Batch index within the epoch, from 0. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** What the step measured. */
  metrics: StepMetrics;
}

/** The logs {@link TrainGanOptions.onEpochEnd} receives after each epoch. */
export interface GanEpochLogs extends EpochLog {
  /** The book-style log line. */
  line: string;
  /** Seconds the epoch took. */
  seconds: number;
  /** PNG of the fixed-noise grid, when one was made this epoch. */
  grid?: Buffer;
  /** Where the grid was written, when `sampleDir` (or `checkpointDir`) is set. */
  gridFile?: string;
}

/**
 * What the deprecated `callbacks.onEpochEnd` receives.
 * @deprecated renamed {@link GanEpochLogs}
 */
export type EpochEnd = GanEpochLogs;

/**
 * The old nested callbacks of {@link trainGan}; they may be async.
 * @deprecated pass `onBatchEnd(batch, logs)` and `onEpochEnd(epoch, logs)` at the top level of the options
 */
export interface TrainGanCallbacks {
  /** After every batch. */
  onBatchEnd?: (progress: BatchProgress) => void | Promise<void>;
  /** After every epoch (after the checkpoint is written). */
  onEpochEnd?: (epoch: GanEpochLogs) => void | Promise<void>;
}

/** Options of {@link trainGan}. */
export interface TrainGanOptions {
  /** Total epochs (including those a resumed checkpoint already did). */
  epochs: number;
  /** Real images per discriminator step (and fakes per step). @defaultValue `gan.batchSize` (the preset's: 32 for `'dcgan-tuned'`, else 100) */
  batchSize?: number;
  /** Seed of shuffling, noise and dropout. @defaultValue `0` */
  seed?: number;
  /**
   * After every batch, with the batch's index counted from 0 over the whole run (a resumed run
   * continues the count) and its logs. May return a promise, which is awaited.
   */
  onBatchEnd?: LoopCallback<GanBatchLogs> | undefined;
  /**
   * After every epoch (after the grid and the checkpoint are written), with the epoch's index
   * and its logs. May return a promise, which is awaited.
   */
  onEpochEnd?: LoopCallback<GanEpochLogs> | undefined;
  /**
   * Progress callbacks.
   * @deprecated pass `onBatchEnd` and `onEpochEnd` at the top level (they get `(index, logs)`); this alias goes in the next minor version
   */
  callbacks?: TrainGanCallbacks;
  /** Make a grid of the fixed `zTest` images every N epochs (and after the last); 0 for never. @defaultValue `0` */
  sampleEvery?: number;
  /** Where grids go as `epoch-0001.png`. @defaultValue `checkpointDir` when set; else grids only reach the callback */
  sampleDir?: string;
  /** Images in the `zTest` grid. @defaultValue `100` */
  sampleCount?: number;
  /** Directory for checkpoints, written after every epoch. */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir`, if there is one. @defaultValue `false` */
  resume?: boolean;
  /** Where the book-style lines go: `true` for `console.log`, `false` for nowhere, or a function. @defaultValue `true` */
  log?: boolean | ((line: string) => void);
  /**
   * Stops after the current batch when aborted and returns what it has, with `stopped: true` (a
   * partial epoch is not logged or checkpointed: the checkpoint stays at the last full epoch).
   */
  signal?: AbortSignal | undefined;
  /** Batches per epoch at most (for quick runs). @defaultValue all full batches */
  maxBatchesPerEpoch?: number;
  /**
   * Measure the scorer's FID every N iterations on freshly generated images (always the same
   * noise), report it in the batch logs (`logs.fid`) and the result's `fidHistory`, and, with
   * `checkpointDir`, keep the checkpoint with the lowest FID so far in `checkpointDir/best/`.
   */
  fid?: TrainGanFidOptions;
}

/** What {@link trainGan} returns. */
export interface TrainGanResult {
  /** One entry per epoch, including the epochs of a resumed checkpoint. */
  history: EpochLog[];
  /** Epoch the run started at (0, or the checkpoint's epoch count). */
  startEpoch: number;
  /** Grid files written. */
  gridFiles: string[];
  /** True when `signal` stopped the run before `epochs`. */
  stopped: boolean;
  /** Every FID evaluation, including those of a resumed checkpoint (empty without `fid`). */
  fidHistory: FidLog[];
  /** The lowest FID so far, if any was measured. */
  bestFid: number | undefined;
}

/** Name of the directory, inside `checkpointDir`, that holds the checkpoint with the best FID. */
export const BEST_CHECKPOINT_DIRECTORY = 'best';

/** Formats the book's log line plus D(x) and D(G(z)). */
export function formatEpochLine(log: EpochLog): string {
  return `epoch: ${String(log.epoch).padStart(4, '0')} d_loss = ${log.dLoss.toFixed(6)} g_loss = ${log.gLoss.toFixed(6)} D(x) = ${log.dReal.toFixed(4)} D(G(z)) = ${log.dFake.toFixed(4)}`;
}

/** The fixed-noise grid images of a run: the same `zTest` every epoch. */
export function zTestImages(gan: Gan, seed: number, count = 100): Uint8Array {
  const labels =
    gan.classes > 0 ? Array.from({ length: count }, (_, index) => Math.floor(index / 10) % gan.classes) : undefined;
  return gan.sample(count, { seed: deriveSeed(seed, 0x7e57), labels });
}

/**
 * Trains a GAN the way the book does: per batch, one discriminator step on `batchSize` real and
 * as many generated images, then one generator step; logs
 * `epoch: 0000 d_loss = ... g_loss = ... D(x) = ... D(G(z)) = ...` after every epoch.
 *
 * Every random draw derives from `seed` and the (epoch, batch) position, and checkpoints hold the
 * complete state, so a run resumed from a checkpoint ends with exactly the same weights as an
 * uninterrupted one.
 *
 * @param gan - the GAN to train (updated in place)
 * @param data - images (and labels for the conditional GAN)
 * @param options - see {@link TrainGanOptions}
 * @returns the loss history and the grid files written
 * @throws `TfkitOptionError` for bad options, {@link GanDataError} for bad data or diverged losses, {@link GanCheckpointError} for a bad checkpoint
 * @example
 * ```ts
 * const result = await trainGan(gan, { images }, { epochs: 5, seed: 1, sampleEvery: 1, checkpointDir: 'run' });
 * // epoch: 0000 d_loss = 1.102317 g_loss = 0.983514 D(x) = 0.6502 D(G(z)) = 0.3721
 * ```
 */
export async function trainGan(gan: Gan, data: GanData, options: TrainGanOptions): Promise<TrainGanResult> {
  const count = checkData(data, gan.classes > 0);
  const batchSize = options.batchSize ?? gan.batchSize;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(options.epochs) || options.epochs < 0) {
    throw optionError('epochs', `must be a non-negative integer, got ${options.epochs}. Pass e.g. 5.`, options.epochs);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw optionError('seed', `must be a non-negative integer, got ${seed}. Pass e.g. 1.`, seed);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > count) {
    throw optionError(
      'batchSize',
      `must be an integer in 1..${count} (the image count), got ${batchSize}${options.batchSize === undefined ? " (the preset's default, gan.batchSize)" : ''}. Pass e.g. ${Math.min(32, count)}.`,
      batchSize,
    );
  }
  const fid = options.fid;
  if (fid !== undefined) {
    if (!Number.isInteger(fid.every) || fid.every < 1) {
      throw optionError(
        'fid.every',
        `must be a positive integer (iterations), got ${fid.every}. Pass e.g. 200.`,
        fid.every,
      );
    }
    if (fid.count !== undefined && (!Number.isInteger(fid.count) || fid.count < 2)) {
      throw optionError('fid.count', `must be an integer >= 2, got ${fid.count}. Pass e.g. 1000.`, fid.count);
    }
  }
  if (options.resume && !options.checkpointDir) {
    throw optionError('resume', 'resume needs checkpointDir; pass the directory the checkpoints are in.');
  }
  const log =
    options.log === false
      ? undefined
      : typeof options.log === 'function'
        ? options.log
        : (line: string) => console.log(line);
  const sampleEvery = options.sampleEvery ?? 0;
  const sampleDir = options.sampleDir ?? options.checkpointDir;
  const batches = Math.min(Math.floor(count / batchSize), options.maxBatchesPerEpoch ?? Number.POSITIVE_INFINITY);
  let history: EpochLog[] = [];
  let startEpoch = 0;
  let fidHistory: FidLog[] = [];
  let bestFid: number | undefined;
  if (options.resume && options.checkpointDir) {
    const meta = await loadCheckpoint(options.checkpointDir, gan);
    if (meta) {
      if (meta.seed !== seed || meta.batchSize !== batchSize) {
        throw new GanCheckpointError({
          message: `the checkpoint was made with seed ${meta.seed} and batchSize ${meta.batchSize}; resume with the same ones (got ${seed}, ${batchSize}).`,
        });
      }
      history = meta.history;
      startEpoch = meta.epoch;
      fidHistory = meta.fidHistory ?? [];
      bestFid = meta.bestFid;
    }
  }
  const gridFiles: string[] = [];
  let stopped = false;
  const referenceStats = fid
    ? fid.reference instanceof Uint8Array
      ? fid.scorer.stats(fid.reference)
      : fid.reference
    : undefined;
  const fidCount = fid?.count ?? 1000;
  const startedAt = performance.now();
  const startedCpu = process.cpuUsage();
  const fidLabels =
    gan.classes > 0 ? { labels: Array.from({ length: fidCount }, (_, index) => index % gan.classes) } : {};
  const meta = (epochsDone: number): CheckpointMeta => ({
    preset: gan.preset,
    style: gan.style,
    epoch: epochsDone,
    seed,
    batchSize,
    history,
    iteration: gan.iteration,
    ...(fid ? { fidHistory, ...(bestFid === undefined ? {} : { bestFid }) } : {}),
  });
  for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
    if (shouldStop(options.signal)) {
      stopped = true;
      break;
    }
    const started = performance.now();
    const order = permutation(count, deriveSeed(seed, epoch, 0xda7a));
    const sums = { dLoss: 0, gLoss: 0, dReal: 0, dFake: 0 };
    let done = 0;
    for (let batch = 0; batch < batches; batch++) {
      const { images, labels } = makeBatch(
        data,
        order.subarray(batch * batchSize, (batch + 1) * batchSize),
        gan.classes,
      );
      let metrics: StepMetrics;
      try {
        metrics = gan.trainStep(images, labels, deriveSeed(seed, epoch, batch, 0x57e9));
      } finally {
        tf.dispose([images, labels]);
      }
      if (!Number.isFinite(metrics.dLoss) || !Number.isFinite(metrics.gLoss)) {
        throw new GanDataError({
          message: `the losses became ${metrics.dLoss}/${metrics.gLoss} at epoch ${epoch}, batch ${batch}; lower the learning rate or check the data scaling.`,
        });
      }
      sums.dLoss += metrics.dLoss;
      sums.gLoss += metrics.gLoss;
      sums.dReal += metrics.dReal;
      sums.dFake += metrics.dFake;
      done++;
      const logs: GanBatchLogs = {
        ...metrics,
        epoch,
        batchInEpoch: batch,
        batchesPerEpoch: batches,
        iteration: gan.iteration,
      };
      if (fid && referenceStats && gan.iteration % fid.every === 0) {
        const score = fid.scorer.compare(
          gan.sample(fidCount, { seed: deriveSeed(seed, 0xf1d), ...fidLabels }),
          referenceStats,
        );
        const cpu = process.cpuUsage(startedCpu);
        const entry: FidLog = {
          iteration: gan.iteration,
          epoch,
          fid: score.fid,
          classEntropy: score.classEntropy,
          seconds: (performance.now() - startedAt) / 1000,
          cpuSeconds: (cpu.user + cpu.system) / 1e6,
        };
        fidHistory = [...fidHistory, entry];
        logs.fid = entry;
        if (bestFid === undefined || score.fid < bestFid) {
          bestFid = score.fid;
          if (options.checkpointDir) {
            await saveCheckpoint(path.join(options.checkpointDir, BEST_CHECKPOINT_DIRECTORY), gan, {
              ...meta(epoch),
              bestFid,
            });
          }
        }
      }
      await invokeCallback(options.onBatchEnd, epoch * batches + batch, logs);
      await options.callbacks?.onBatchEnd?.({ epoch, batch, batches, metrics });
      if (shouldStop(options.signal)) break;
    }
    if (done < batches) {
      stopped = true;
      break;
    }
    const entry: EpochLog = {
      epoch,
      dLoss: sums.dLoss / done,
      gLoss: sums.gLoss / done,
      dReal: sums.dReal / done,
      dFake: sums.dFake / done,
    };
    history = [...history, entry];
    const line = formatEpochLine(entry);
    log?.(line);
    const end: GanEpochLogs = { ...entry, line, seconds: (performance.now() - started) / 1000 };
    if (sampleEvery > 0 && ((epoch + 1) % sampleEvery === 0 || epoch === options.epochs - 1)) {
      end.grid = await encodeGrid(zTestImages(gan, seed, options.sampleCount ?? 100), { columns: 10 });
      if (sampleDir) {
        const file = path.join(sampleDir, `epoch-${String(epoch + 1).padStart(4, '0')}.png`);
        await writeFileAtomic(file, end.grid);
        end.gridFile = file;
        gridFiles.push(file);
      }
    }
    if (options.checkpointDir) {
      await saveCheckpoint(options.checkpointDir, gan, meta(epoch + 1));
    }
    await invokeCallback(options.onEpochEnd, epoch, end);
    await options.callbacks?.onEpochEnd?.(end);
  }
  return { history, startEpoch, gridFiles, stopped, fidHistory, bestFid };
}
