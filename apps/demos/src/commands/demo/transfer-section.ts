import type { CommandContext } from '../../cli/run-cli.js';
import { loadVision, methodTitles, transferProgress } from '../../cli/vision.js';
import { type Cell, confusionMatrix, escapeHtml, table } from '../../report/html.js';
import { type ChartSeries, lineChart } from '../../report/svg-chart.js';
import type { DemoSection, DemoSettings, SectionResult } from './section.js';

async function run(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
  const vision = await loadVision();
  const epochs = settings.transferEpochs;
  const report = await vision.runFashionTransferExperiment({
    trainPerClass: settings.quick ? 20 : 100,
    epochs,
    seed: context.seed,
    data: 'embedded',
    ...(settings.quick ? { maxTestImages: 200 } : {}),
    onProgress: transferProgress(context, epochs, { noteAccuracy: true }),
  });
  const rows: Cell[][] = report.results.map((result) => [
    methodTitles[result.method],
    `${(result.testAccuracy * 100).toFixed(2)}%`,
    result.epochs.length,
    Number(result.trainSeconds.toFixed(1)),
  ]);
  const best = [...report.results].sort((a, b) => b.testAccuracy - a.testAccuracy)[0];
  const scratch = report.results.find((result) => result.method === 'fromScratch');
  const curves: ChartSeries[] = report.results.map((result) => ({
    name: methodTitles[result.method],
    points: result.epochs.map((epoch, index) => [index + 1, epoch.accuracy] as const),
    markers: true,
  }));
  const matrices = report.results
    .map(
      (result) =>
        `<figure><figcaption>${escapeHtml(methodTitles[result.method])}</figcaption>${confusionMatrix(report.classNames, result.confusion)}</figure>`,
    )
    .join('');
  const summary = report.results
    .map((result) => `${methodTitles[result.method]} ${(result.testAccuracy * 100).toFixed(1)}%`)
    .join(', ');
  return {
    summary,
    reportSummary: `${report.data.description}; ${report.settings.trainPerClass} training images per class, ${report.settings.epochs} epochs per method, seed ${report.settings.seed}, backend ${report.backend}. Best: ${best ? methodTitles[best.method] : '-'}${best && scratch ? ` (+${((best.testAccuracy - scratch.testAccuracy) * 100).toFixed(1)} points over from scratch)` : ''}.`,
    body:
      table(['method', 'test accuracy', 'epochs', 'train seconds'], rows) +
      lineChart({
        title: 'Training accuracy per epoch',
        xLabel: 'epoch',
        yLabel: 'accuracy',
        series: curves,
        height: 280,
        yMax: 1,
      }) +
      `<p class="note">Confusion matrices on the test images (rows: true class, columns: predicted).</p><div>${matrices}</div>`,
  };
}

/** The offline transfer experiment (Fashion-MNIST classes 0-5 -> 6-9): accuracy table, curves, confusion matrices. */
export const transferSection: DemoSection = {
  id: 'transfer',
  title: 'Transfer learning, offline (Fashion-MNIST 0-5 -> 6-9)',
  run,
};
