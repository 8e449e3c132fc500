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
  return [label, '-', '-', '-', '-', Number(score.fid.toPrecision(3)), Number(score.classEntropy.toFixed(2)), '-'];
}

async function run(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
  const gans = await loadGan();
  const datasets = await loadDatasets();
  const model = ganModels[settings.ganModel]!;
  const train = balancedSubset(await datasets.loadEmbeddedFashionMnist({ split: 'train' }), settings.ganImages);
  const test = await datasets.loadEmbeddedFashionMnist({ split: 'test' });
  const gan = gans.createGan({
    preset: model.preset,
    seed: context.seed,
    ...(model.style ? { style: model.style } : {}),
  });
  // The preset's batch size (32 for the tuned DCGAN, chosen for FID per CPU-second), 25 in --quick.
  const batchSize = Math.min(settings.quick ? 25 : gan.batchSize, train.count);
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
    const fidPoints: Array<[number, number]> = [];
    const epochFid = new Map<number, { fid: number; classEntropy: number }>();
    const rows: Cell[][] = [];
    const grids: string[] = [];
    let lastScore: { fid: number; classEntropy: number } | undefined;
    // FID a few times per epoch, always at the epoch's end: the largest of batches/4, /3, /2, /1 that divides it.
    const fidEvery = [4, 3, 2, 1].map((parts) => batches / parts).find((every) => Number.isInteger(every))!;
    const started = performance.now();
    await gans.trainGan(gan, train, {
      epochs: settings.ganEpochs,
      batchSize,
      seed: context.seed,
      sampleEvery: 1,
      log: (line) => context.note(line),
      ...(scorer && reference ? { fid: { scorer, reference, every: fidEvery, count: scoreCount } } : {}),
      onBatchEnd: (batch, logs) => {
        const iteration = batch + 1;
        dLosses.push([iteration, logs.dLoss]);
        gLosses.push([iteration, logs.gLoss]);
        if (logs.fid) {
          fidPoints.push([(performance.now() - started) / 1000, logs.fid.fid]);
          lastScore = { fid: logs.fid.fid, classEntropy: logs.fid.classEntropy };
          if (logs.batchInEpoch === logs.batchesPerEpoch - 1) epochFid.set(logs.epoch, lastScore);
        }
        progress.update(iteration, `d ${logs.dLoss.toFixed(3)} g ${logs.gLoss.toFixed(3)}`);
      },
      onEpochEnd: (epoch, logs) => {
        const score = epochFid.get(epoch);
        rows.push([
          epoch + 1,
          Number(logs.dLoss.toFixed(4)),
          Number(logs.gLoss.toFixed(4)),
          Number(logs.dReal.toFixed(3)),
          Number(logs.dFake.toFixed(3)),
          score ? Number(score.fid.toPrecision(3)) : '-',
          score ? Number(score.classEntropy.toFixed(2)) : '-',
          Number(logs.seconds.toFixed(1)),
        ]);
        if (logs.grid)
          grids.push(figure(dataUri('image/png', logs.grid), `epoch ${epoch + 1}`, { width: 200, pixelated: true }));
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
    const fidChart =
      fidPoints.length > 0
        ? lineChart({
            title: 'FID against wall time (lower is better)',
            xLabel: 'seconds of training (wall clock, scoring included)',
            yLabel: 'FID',
            series: [
              { name: `${settings.ganModel} (EMA samples where the preset keeps an EMA)`, points: fidPoints, width: 2 },
            ],
            referenceLines: [
              ...(realScore ? [{ y: realScore.fid, label: `real images ${realScore.fid.toPrecision(3)}` }] : []),
              ...(noiseScore ? [{ y: noiseScore.fid, label: `uniform noise ${noiseScore.fid.toPrecision(3)}` }] : []),
            ],
            yMin: 0,
            height: 280,
          })
        : '';
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
        fidChart +
        table(['epoch', 'd_loss', 'g_loss', 'D(x)', 'D(G(z))', 'FID', 'class entropy (bits)', 'seconds'], rows),
    };
  } finally {
    gan.dispose();
    scorer?.dispose();
  }
}

/**
 * A GAN trained on the embedded Fashion-MNIST subset: a grid per epoch, loss curves, and the
 * scorer's FID measured during training (a few times per epoch) plotted against wall time with the
 * real-data floor and the noise ceiling.
 */
export const ganSection: DemoSection = { id: 'gan', title: 'GAN on the embedded Fashion-MNIST subset', run };
