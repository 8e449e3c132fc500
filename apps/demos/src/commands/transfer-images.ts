import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng, didYouMean } from '@tfkit/core';
import { CliUsageError } from '../cli/errors.js';
import { type CommandContext, useBackend } from '../cli/run-cli.js';
import { loadVision, weightsDownloadProgress } from '../cli/vision.js';
import { confusionMatrix, escapeHtml, renderReport, table } from '../report/html.js';
import { dataUri } from '../report/images.js';
import { lineChart } from '../report/svg-chart.js';
import { requireExisting } from './files.js';

/** The bases `tfkit transfer --base` accepts. */
const bases = ['vgg16', 'vgg19', 'inceptionV3', 'resnet50', 'mobilenet', 'mobilenetV2'] as const;
type BaseName = (typeof bases)[number];

/** One epoch of the run, for the curves. */
interface EpochRow {
  epoch: number;
  phase: 'head' | 'fineTune';
  loss: number;
  trainAccuracy: number;
  validationAccuracy: number;
}

/** Splits each class's files into train and validation, seeded (at least one of each when a class has two files). */
function split(
  files: ReadonlyArray<{ path: string; label: number }>,
  classes: number,
  fraction: number,
  seed: number,
): { train: typeof files; validation: typeof files } {
  const rng = createRng(seed);
  const train: Array<{ path: string; label: number }> = [];
  const validation: Array<{ path: string; label: number }> = [];
  for (let label = 0; label < classes; label++) {
    const ofClass = files.filter((file) => file.label === label);
    const order = rng.permutation(ofClass.length);
    const count =
      ofClass.length < 2 ? 0 : Math.min(ofClass.length - 1, Math.max(1, Math.round(ofClass.length * fraction)));
    order.forEach((index, position) => {
      (position < count ? validation : train).push(ofClass[index]!);
    });
  }
  return { train, validation };
}

async function thumbnail(file: string): Promise<string> {
  const sharp = (await import('sharp')).default;
  const bytes = await sharp(file).rotate().resize(96, 96, { fit: 'inside' }).png().toBuffer();
  return dataUri('image/png', bytes);
}

/**
 * `tfkit transfer --data DIR --base NAME`: retrains an ImageNet CNN on an image folder (one
 * subfolder per class, the COCO-animals layout): a seeded train/validation split, a new head on
 * the frozen base (bottleneck features cached), then fine-tuning of every layer at a tenth of the
 * learning rate; writes a report (accuracy curves, confusion matrix, misclassified examples) and
 * the model in the tfjs format.
 *
 * @param context - the parsed command line
 * @returns the exit code
 */
export async function runImageFolderTransfer(context: CommandContext): Promise<number> {
  const { options } = context;
  if (options.data === undefined) throw new CliUsageError({ message: 'missing --data DIR (one folder per class).' });
  if (options.embedded)
    throw new CliUsageError({ message: '--embedded is for the Fashion-MNIST experiment, not with --base.' });
  const dataDirectory = requireExisting(String(options.data), '--data', 'directory');
  const baseName = String(options.base);
  if (!(bases as readonly string[]).includes(baseName)) {
    throw new CliUsageError({
      message: `unknown base "${baseName}"; use one of ${bases.join(', ')}.${didYouMean(baseName, bases)}`,
    });
  }
  const head = String(options.head ?? 'book');
  if (head !== 'book' && head !== 'gap')
    throw new CliUsageError({ message: `--head must be book or gap, got "${head}".` });
  const weightsOption = String(options.weights ?? 'imagenet');
  const weights =
    weightsOption === 'imagenet' || weightsOption === 'none' || /^https?:\/\//i.test(weightsOption)
      ? weightsOption
      : requireExisting(weightsOption, '--weights', 'file');
  const outDirectory = path.resolve(String(options.out ?? 'tfkit-transfer'));
  const validationFraction = Number(options.validationSplit ?? 0.2);
  const headEpochs = Number(options.epochs);
  const fineTuneEpochs = Number(options.fineTuneEpochs ?? 2);
  const batchSize = Number(options.batchSize);

  const [vision, datasets] = await Promise.all([loadVision(), import('@tfkit/datasets')]);
  const info = vision.modelInfo(baseName as BaseName);
  const size = options.size === undefined ? info.defaultSize : Number(options.size);
  const folder = await datasets.imageFolder(dataDirectory, { size });
  const { classNames } = folder;
  if (classNames.length < 2)
    throw new CliUsageError({ message: `--data needs at least two class folders, found ${classNames.length}.` });
  const { train, validation } = split(folder.files, classNames.length, validationFraction, context.seed);
  context.note(
    `data: ${folder.files.length} images of ${classNames.length} classes (${classNames.join(', ')}) in ${dataDirectory}; ${train.length} train, ${validation.length} validation`,
  );
  await useBackend(context);

  const base = await vision.createModel(baseName as BaseName, {
    includeTop: false,
    inputShape: [size, size, 3],
    weights: weights === 'none' ? null : weights,
    seed: context.seed,
    ...(options.alpha === undefined ? {} : { alpha: Number(options.alpha) }),
    ...(options.weightsBaseUrl === undefined ? {} : { weightsBaseUrl: String(options.weightsBaseUrl) }),
    onProgress: weightsDownloadProgress(context),
  });
  const transfer = vision.createTransferModel({
    base,
    numClasses: classNames.length,
    head: head === 'gap' ? 'globalAveragePooling' : 'book',
    seed: context.seed,
    ...(options.freeze === undefined ? {} : { freeze: Number(options.freeze) }),
  });
  const frozen = transfer.frozenLayers().length;
  const counts = vision.countParameters(transfer.model);
  context.note(
    `model: ${baseName} without top + ${head} head, ${transfer.model.layers.length} layers, ${frozen} frozen; ${counts.total.toLocaleString('en-US')} parameters (${counts.trainable.toLocaleString('en-US')} trainable)`,
  );
  const labelsOf = (files: typeof train) =>
    tf.tidy(() =>
      tf.oneHot(
        tf.tensor1d(
          files.map((file) => file.label),
          'int32',
        ),
        classNames.length,
      ),
    );
  const trainXs = await vision.imagesToBatch(
    transfer.model,
    train.map((file) => file.path),
  );
  const validationXs =
    validation.length > 0
      ? await vision.imagesToBatch(
          transfer.model,
          validation.map((file) => file.path),
        )
      : undefined;
  const trainYs = labelsOf(train);
  // In the head phase the validation images go through the frozen layers once (the same
  // bottleneck cut as training); afterwards each epoch only runs the layers being trained.
  const bottleneck = validationXs ? vision.splitAtFrozenPrefix(transfer.model) : undefined;
  let validationFeatures =
    bottleneck && validationXs ? vision.predictInBatches(bottleneck.features, validationXs, batchSize) : undefined;
  const predict = (phase: 'head' | 'fineTune' = 'fineTune'): number[] => {
    if (!validationXs) return [];
    const probabilities =
      phase === 'head' && bottleneck && validationFeatures
        ? vision.predictInBatches(bottleneck.rest, validationFeatures, batchSize)
        : vision.predictInBatches(transfer.model, validationXs, batchSize);
    const predicted = tf.tidy(() => Array.from(tf.argMax(probabilities, 1).dataSync()));
    probabilities.dispose();
    return predicted;
  };
  const accuracyOf = (predicted: number[]) =>
    predicted.length === 0
      ? Number.NaN
      : predicted.filter((label, index) => label === validation[index]!.label).length / predicted.length;

  const rows: EpochRow[] = [];
  const progress = context.progress('transfer', headEpochs + fineTuneEpochs);
  const started = performance.now();
  let result: Awaited<ReturnType<typeof vision.trainTransferModel>>;
  try {
    result = await vision.trainTransferModel(transfer, trainXs, trainYs, {
      headEpochs,
      fineTuneEpochs,
      batchSize,
      seed: context.seed,
      onEpochEnd: (epoch, logs) => {
        if (logs.phase === 'fineTune' && validationFeatures) {
          validationFeatures.dispose(); // the frozen layers train now: the cached features are stale
          validationFeatures = undefined;
        }
        const validationAccuracy = accuracyOf(predict(logs.phase));
        rows.push({
          epoch: epoch + 1,
          phase: logs.phase,
          loss: logs.loss,
          trainAccuracy: logs.accuracy,
          validationAccuracy,
        });
        progress.update(
          epoch + 1,
          `${logs.phase === 'head' ? 'head' : 'fine-tune'} loss ${logs.loss.toFixed(3)} acc ${logs.accuracy.toFixed(3)}${Number.isNaN(validationAccuracy) ? '' : ` val ${validationAccuracy.toFixed(3)}`}`,
        );
      },
    });
  } finally {
    tf.dispose([trainXs, trainYs]);
    validationFeatures?.dispose();
    validationFeatures = undefined;
  }
  progress.finish();
  const seconds = (performance.now() - started) / 1000;
  const predicted = predict();
  validationXs?.dispose();
  const confusion = classNames.map(() => new Array<number>(classNames.length).fill(0));
  predicted.forEach((label, index) => {
    confusion[validation[index]!.label]![label]!++;
  });
  const misclassified = predicted
    .map((label, index) => ({
      file: validation[index]!.path,
      truth: classNames[validation[index]!.label]!,
      predicted: classNames[label]!,
    }))
    .filter((entry) => entry.truth !== entry.predicted);
  const finalAccuracy = accuracyOf(predicted);

  mkdirSync(outDirectory, { recursive: true });
  const modelDirectory = path.join(outDirectory, 'model');
  const saved = await vision.saveLayersModel(transfer.model, modelDirectory);
  writeFileSync(path.join(modelDirectory, 'classes.json'), `${JSON.stringify(classNames)}\n`);
  transfer.dispose();

  const summary = {
    base: baseName,
    head,
    weights: weightsOption,
    inputSize: size,
    classes: classNames,
    trainImages: train.length,
    validationImages: validation.length,
    frozenLayers: frozen,
    bottleneckAt: result.bottleneckAt ?? null,
    seconds,
    validationAccuracy: finalAccuracy,
    epochs: rows,
    confusion,
    misclassified,
    model: saved.modelJsonPath,
  };
  writeFileSync(path.join(outDirectory, 'report.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const chart = lineChart({
    title: 'Accuracy per epoch',
    xLabel: 'epoch',
    yLabel: 'accuracy',
    yMin: 0,
    yMax: 1,
    series: [
      { name: 'train', points: rows.map((row) => [row.epoch, row.trainAccuracy] as const), markers: true },
      ...(validation.length > 0
        ? [
            {
              name: 'validation',
              points: rows.map((row) => [row.epoch, row.validationAccuracy] as const),
              markers: true,
            },
          ]
        : []),
    ],
  });
  const examples = await Promise.all(
    misclassified
      .slice(0, 24)
      .map(
        async (entry) =>
          `<figure><img src="${await thumbnail(entry.file)}" alt=""><figcaption>${escapeHtml(path.basename(entry.file))}<br>true ${escapeHtml(entry.truth)}, predicted ${escapeHtml(entry.predicted)}</figcaption></figure>`,
      ),
  );
  const html = renderReport({
    title: `Transfer learning: ${baseName} on ${path.basename(dataDirectory)}`,
    generatedAt: new Date(),
    facts: [
      [
        'data',
        `${dataDirectory}: ${train.length} train / ${validation.length} validation images, ${classNames.length} classes`,
      ],
      [
        'model',
        `${baseName} (${weightsOption} weights, ${size}x${size}) + ${head} head; ${frozen} layers frozen in the head phase`,
      ],
      [
        'schedule',
        `${headEpochs} head epochs (bottleneck at ${result.bottleneckAt ?? 'none'}), then ${fineTuneEpochs} fine-tuning epochs at lr/10`,
      ],
      ['backend', tf.getBackend()],
      ['seed', String(context.seed)],
    ],
    sections: [
      {
        id: 'curves',
        title: 'Accuracy curves',
        status: 'ok',
        summary: `validation accuracy ${Number.isNaN(finalAccuracy) ? 'n/a' : `${(finalAccuracy * 100).toFixed(1)}%`} after ${rows.length} epochs (${seconds.toFixed(1)} s)`,
        body:
          chart +
          table(
            ['epoch', 'phase', 'loss', 'train accuracy', 'validation accuracy'],
            rows.map((row) => [
              row.epoch,
              row.phase,
              row.loss.toFixed(4),
              row.trainAccuracy.toFixed(3),
              Number.isNaN(row.validationAccuracy) ? '' : row.validationAccuracy.toFixed(3),
            ]),
          ),
      },
      {
        id: 'confusion',
        title: 'Confusion matrix (validation)',
        status: 'ok',
        body: confusionMatrix(classNames, confusion),
      },
      {
        id: 'misclassified',
        title: 'Misclassified validation images',
        status: 'ok',
        summary: `${misclassified.length} of ${validation.length}${misclassified.length > 24 ? ' (first 24 shown)' : ''}`,
        body: examples.join(''),
      },
    ],
  });
  writeFileSync(path.join(outDirectory, 'report.html'), html);

  context.print(
    `validation accuracy: ${Number.isNaN(finalAccuracy) ? 'n/a' : `${(finalAccuracy * 100).toFixed(2)}%`} (${validation.length} images)`,
  );
  context.print(`confusion (rows true, columns predicted: ${classNames.join(' / ')})`);
  for (const row of confusion) context.print(`  ${row.map((value) => String(value).padStart(4)).join(' ')}`);
  context.print(`report: ${path.join(outDirectory, 'report.html')}`);
  context.print(`model: ${saved.modelJsonPath}`);
  return 0;
}
