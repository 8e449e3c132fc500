import { createRng, deriveSeed } from '@tfkit/core';
import type { QualityScore } from '@tfkit/gan';
import { oneLine } from '../../cli/errors.js';
import { balancedSubset, type GanPackage, ganModels, loadDatasets, loadGan } from '../../cli/gan.js';
import type { CommandContext } from '../../cli/run-cli.js';
import { type Cell, figure, table } from '../../report/html.js';
import { dataUri } from '../../report/images.js';
import { lineChart } from '../../report/svg-chart.js';
import type { DemoSection, DemoSettings, SectionResult } from './section.js';

/** The stream of `deriveSeed(seed, ...)` that draws the uniform-noise baseline images. */
const noiseStream = 1;

/** `count` 28x28 images of uniform noise: the FID baseline that any GAN should beat. */
function uniformNoiseImages(count: number, seed: number): Uint8Array {
  const rng = createRng(deriveSeed(seed, noiseStream));
  const noise = new Uint8Array(count * 784);
  for (let index = 0; index < noise.length; index++) noise[index] = rng.integers(256);
  return noise;
}

/** A row of the epoch table for a reference score (noise, real images), without training figures. */
function baselineRow(label: string, score: QualityScore): Cell[] {
  return [label, '-', '-', '-', '-', Number(score.fid.toPrecision(3)), score.classesCovered, '-'];
}

async function run(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
  const gans = await loadGan();
  const datasets = await loadDatasets();
  const model = ganModels[settings.ganModel]!;
  const train = balancedSubset(await datasets.loadEmbeddedFashionMnist({ split: 'train' }), settings.ganImages);
  const test = await datasets.loadEmbeddedFashionMnist({ split: 'test' });
  const batchSize = Math.min(settings.quick ? 25 : 50, train.count);
  const gan = gans.createGan({
    preset: model.preset,
    seed: context.seed,
    ...(model.style ? { style: model.style } : {}),
  });
  let scorer: Awaited<ReturnType<GanPackage['Scorer']['load']>> | undefined;
  let scorerNote = '';
  try {
    scorer = await gans.Scorer.load();
  } catch (error) {
    scorerNote = ` (no quality score: ${oneLine(error)})`;
    context.note(`gan: quality score unavailable: ${oneLine(error)}`);
  }
  try {
    const scoreCount = settings.quick ? 200 : 1000;
    const reference = scorer?.stats(test.images.subarray(0, scoreCount * 784));
    const noise = uniformNoiseImages(scoreCount, context.seed);
    const noiseScore = scorer && reference ? scorer.compare(noise, reference) : undefined;
    const realScore =
      scorer && reference
        ? scorer.compare(train.images.subarray(0, Math.min(train.count, scoreCount) * 784), reference)
        : undefined;
    const batches = Math.floor(train.count / batchSize);
    const progress = context.progress('gan', settings.ganEpochs * batches);
    const dLosses: Array<[number, number]> = [];
    const gLosses: Array<[number, number]> = [];
    const rows: Cell[][] = [];
    const grids: string[] = [];
    let lastScore: QualityScore | undefined;
    await gans.trainGan(gan, train, {
      epochs: settings.ganEpochs,
      batchSize,
      seed: context.seed,
      sampleEvery: 1,
      log: (line) => context.note(line),
      callbacks: {
        onBatchEnd: ({ epoch, batch, metrics }) => {
          const iteration = epoch * batches + batch + 1;
          dLosses.push([iteration, metrics.dLoss]);
          gLosses.push([iteration, metrics.gLoss]);
          progress.update(iteration, `d ${metrics.dLoss.toFixed(3)} g ${metrics.gLoss.toFixed(3)}`);
        },
        onEpochEnd: (end) => {
          const score =
            scorer && reference
              ? scorer.compare(
                  gan.sample(scoreCount, {
                    seed: context.seed + 17,
                    ...(gan.classes > 0
                      ? { labels: Array.from({ length: scoreCount }, (_, index) => index % 10) }
                      : {}),
                  }),
                  reference,
                )
              : undefined;
          lastScore = score ?? lastScore;
          rows.push([
            end.epoch + 1,
            Number(end.dLoss.toFixed(4)),
            Number(end.gLoss.toFixed(4)),
            Number(end.dReal.toFixed(3)),
            Number(end.dFake.toFixed(3)),
            score ? Number(score.fid.toPrecision(3)) : '-',
            score ? score.classesCovered : '-',
            Number(end.seconds.toFixed(1)),
          ]);
          if (end.grid)
            grids.push(
              figure(dataUri('image/png', end.grid), `epoch ${end.epoch + 1}`, { width: 200, pixelated: true }),
            );
        },
      },
    });
    progress.finish();
    if (noiseScore) rows.push(baselineRow('uniform noise', noiseScore));
    if (realScore) rows.push(baselineRow('real training images', realScore));
    const counts = gan.parameterCounts();
    const lossChart = lineChart({
      title: 'GAN losses per iteration',
      xLabel: 'iteration',
      yLabel: 'loss',
      series: [
        { name: 'discriminator', points: dLosses, width: 1.5 },
        { name: 'generator', points: gLosses, width: 1.5 },
      ],
      height: 280,
    });
    const fidText = lastScore
      ? `, FID ${lastScore.fid.toPrecision(3)} (noise ${noiseScore?.fid.toPrecision(3)}, real ${realScore?.fid.toPrecision(3)})`
      : '';
    const summary = `${settings.ganModel}, ${settings.ganEpochs} epochs on ${train.count} images${fidText}`;
    return {
      summary,
      reportSummary: `${model.description}; generator ${counts.generator.toLocaleString('en-US')} / discriminator ${counts.discriminator.toLocaleString('en-US')} parameters; batch ${batchSize}; ${summary}. FID on the features of the package's Fashion-MNIST classifier (lower is better)${scorerNote}.`,
      body:
        `<div>${grids.join('')}</div>` +
        lossChart +
        table(['epoch', 'd_loss', 'g_loss', 'D(x)', 'D(G(z))', 'FID', 'classes covered', 'seconds'], rows),
    };
  } finally {
    gan.dispose();
    scorer?.dispose();
  }
}

/** A GAN trained on the embedded Fashion-MNIST subset: a grid per epoch, loss curves and FID per epoch. */
export const ganSection: DemoSection = { id: 'gan', title: 'GAN on the embedded Fashion-MNIST subset', run };
