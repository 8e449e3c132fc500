import type { QualityScore } from '@tfkit/gan';
import { recordEpisode, trainDqn } from '../cli/dqn.js';
import { oneLine } from '../cli/errors.js';
import { balancedSubset, type GanPackage, ganModels, loadDatasets, loadGan } from '../cli/gan.js';
import { loadGym, makeEnv } from '../cli/gym.js';
import { type PolicyName, policyNames, runPolicy } from '../cli/policies.js';
import { loadRl } from '../cli/rl.js';
import type { CommandContext } from '../cli/run-cli.js';
import { loadVision, methodTitles } from '../cli/vision.js';
import { framesToGif } from '../report/animation.js';
import { type Cell, confusionMatrix, escapeHtml, figure, type ReportSection, table } from '../report/html.js';
import { dataUri } from '../report/images.js';
import { type ChartSeries, lineChart } from '../report/svg-chart.js';

/** Budgets of one demo run. */
export interface DemoSettings {
  quick: boolean;
  episodes: number;
  dqnBudget: number;
  ganEpochs: number;
  ganImages: number;
  transferEpochs: number;
  /** CLI name of the GAN model (see `ganModels`). */
  ganModel: string;
}

/** Full or quick budgets, overridden by explicit options. */
export function settingsFor(context: CommandContext): DemoSettings {
  const quick = context.options.quick === true;
  const pick = (name: string, full: number, small: number) =>
    typeof context.options[name] === 'number' ? (context.options[name] as number) : quick ? small : full;
  return {
    quick,
    episodes: pick('episodes', 100, 5),
    dqnBudget: pick('dqnBudget', 100_000, 1_500),
    ganEpochs: pick('ganEpochs', 5, 1),
    ganImages: pick('ganImages', 2_000, 100),
    transferEpochs: pick('transferEpochs', 10, 2),
    ganModel: typeof context.options.ganModel === 'string' ? context.options.ganModel : 'dcgan',
  };
}

/** What a section runner returns. */
export interface SectionResult {
  section: ReportSection;
  /** One line for the printed summary. */
  summary: string;
}

/** A section of the demo. */
export interface DemoSectionDefinition {
  id: string;
  title: string;
  run(context: CommandContext, settings: DemoSettings, outDirectory: string): Promise<SectionResult>;
}

const bookResults: Record<PolicyName, string> = {
  random: 'min 9, max 63, average 20.26',
  logic: 'min 24, max 66, average 42.81',
  'random-search': '200 every episode',
  'naive-nn': 'min 37, max 200, average 71.05',
  qtable: 'min 8, max 180, average 17.59',
  'book-dqn': 'min 8, max 150, average 41.27',
};

/** Trailing moving average, as `[episode, mean]` points. */
function movingAverage(values: readonly number[], window: number): Array<readonly [number, number]> {
  const points: Array<readonly [number, number]> = [];
  let sum = 0;
  values.forEach((value, index) => {
    sum += value;
    if (index >= window) sum -= values[index - window]!;
    points.push([index + 1, sum / Math.min(index + 1, window)]);
  });
  return points;
}

async function policiesSection(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
  const gym = await loadGym();
  const rl = await loadRl();
  const rows: Cell[][] = [];
  const lines: string[] = [];
  const curves: ChartSeries[] = [];
  let qTableCurve: Array<readonly [number, number]> | undefined;
  let ran = 0;
  for (const name of policyNames) {
    const env = makeEnv(gym, 'CartPole-v0');
    const started = performance.now();
    try {
      // As in the book, the Q-table's figures are over its 1000 learning episodes.
      const episodes = name === 'qtable' ? settings.episodes * 10 : settings.episodes;
      const result = await runPolicy(rl, env, name, {
        episodes,
        seed: context.seed,
        progress: context.progress,
        note: context.note,
        // The package's defaults (the book's 50 epochs at batch 32) take minutes here; the demo fits less.
        naiveNn: settings.quick ? { episodes: 200, epochs: 2, batchSize: 256 } : { epochs: 5, batchSize: 128 },
      });
      const seconds = (performance.now() - started) / 1000;
      const line = rl.formatExperiment(result);
      context.note(line);
      lines.push(line);
      rows.push([
        name,
        result.rewards.length,
        result.min,
        result.max,
        Number(result.mean.toFixed(2)),
        bookResults[name],
        Number(seconds.toFixed(1)),
      ]);
      if (name === 'qtable') {
        qTableCurve = movingAverage(result.rewards, 20);
      } else {
        curves.push({ name, points: result.rewards.map((reward, index) => [index + 1, reward] as const), width: 1.5 });
      }
      ran++;
    } finally {
      env.close();
    }
  }
  const best = rows.filter((row) => typeof row[4] === 'number').sort((a, b) => Number(b[4]) - Number(a[4]))[0];
  return {
    summary: `${ran}/${policyNames.length} policies ran; best ${best?.[0]} (average ${best?.[4]})`,
    section: {
      id: 'policies',
      title: 'Policy comparison on CartPole-v0',
      status: 'ok',
      summary: `${settings.episodes} episodes per policy (the Q-table: ${settings.episodes * 10} learning episodes, as in the book), seed ${context.seed}. Like the book, qtable and book-dqn report the returns of their learning episodes.`,
      body:
        table(['policy', 'episodes', 'min', 'max', 'average', "book's result", 'seconds'], rows) +
        lineChart({
          title: 'Episode returns per policy',
          xLabel: 'episode',
          yLabel: 'return',
          series: curves,
          height: 300,
        }) +
        (qTableCurve
          ? lineChart({
              title: `Q-table learning over ${qTableCurve.length} episodes, moving average of 20`,
              xLabel: 'episode',
              yLabel: 'return',
              series: [{ name: 'qtable', points: qTableCurve, color: '#ea580c' }],
              height: 240,
            })
          : '') +
        `<pre>${escapeHtml(lines.join('\n'))}</pre>`,
    },
  };
}

async function dqnSection(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
  const gym = await loadGym();
  const rl = await loadRl();
  const envId = 'CartPole-v1';
  const trained = await trainDqn(rl, gym, {
    envId,
    seed: context.seed,
    budget: settings.dqnBudget,
    evalFreq: settings.quick ? Math.max(250, Math.floor(settings.dqnBudget / 3)) : 2_000,
    evalEpisodes: settings.quick ? 3 : 20,
    progress: context.progress('dqn', settings.dqnBudget),
  });
  try {
    const recording = recordEpisode(
      gym,
      envId,
      (observation) => trained.agent.predict(observation, { deterministic: true }),
      context.seed + 1,
    );
    const gif = framesToGif(recording.frames, { fps: recording.fps, scale: 2, maxFrames: 250 });
    const chart = lineChart({
      title: `DQN learning curve on ${envId}`,
      xLabel: 'environment steps',
      yLabel: 'episode return',
      series: [
        {
          name: 'training episodes',
          points: trained.episodes.map((point) => [point.numTimesteps, point.value] as const),
          width: 1.2,
          color: '#93c5fd',
        },
        {
          name: 'greedy evaluation (mean)',
          points: trained.evaluations.map((point) => [point.numTimesteps, point.value] as const),
          markers: true,
          color: '#dc2626',
        },
      ],
      referenceLines: [{ y: trained.threshold, label: `solved (${trained.threshold})` }],
      yMin: 0,
    });
    const stats = table(
      ['solved', 'env steps', 'updates', 'wall s', 'acting steps/s', 'updates/s', 'last eval mean', 'animation return'],
      [
        [
          trained.solved ? 'yes' : 'no',
          trained.envSteps,
          trained.updates,
          Number(trained.wallSeconds.toFixed(1)),
          Math.round(trained.actingStepsPerSecond),
          Math.round(trained.updatesPerSecond),
          Number.isNaN(trained.evalMean) ? '-' : Number(trained.evalMean.toFixed(1)),
          recording.episodeReturn,
        ],
      ],
    );
    const animation = figure(
      dataUri('image/gif', gif),
      `the trained agent, one greedy episode (return ${recording.episodeReturn})`,
    );
    const summary = `${trained.solved ? 'solved' : 'not solved'} after ${trained.envSteps} steps in ${trained.wallSeconds.toFixed(1)} s (eval mean ${Number.isNaN(trained.evalMean) ? 'n/a' : trained.evalMean.toFixed(1)})`;
    return {
      summary,
      section: {
        id: 'dqn',
        title: 'DQN on CartPole-v1',
        status: 'ok',
        summary: `Budget ${settings.dqnBudget} steps, seed ${context.seed}: ${summary}.`,
        body: stats + chart + animation,
      },
    };
  } finally {
    trained.agent.dispose();
  }
}

async function ganSection(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
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
    const noise = new Uint8Array(scoreCount * 784);
    let state = (context.seed ^ 0x9e3779b9) >>> 0;
    for (let index = 0; index < noise.length; index++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      noise[index] = state >>> 24;
    }
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
    if (noiseScore)
      rows.push([
        'uniform noise',
        '-',
        '-',
        '-',
        '-',
        Number(noiseScore.fid.toPrecision(3)),
        noiseScore.classesCovered,
        '-',
      ]);
    if (realScore)
      rows.push([
        'real training images',
        '-',
        '-',
        '-',
        '-',
        Number(realScore.fid.toPrecision(3)),
        realScore.classesCovered,
        '-',
      ]);
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
      section: {
        id: 'gan',
        title: 'GAN on the embedded Fashion-MNIST subset',
        status: 'ok',
        summary: `${model.description}; generator ${counts.generator.toLocaleString('en-US')} / discriminator ${counts.discriminator.toLocaleString('en-US')} parameters; batch ${batchSize}; ${summary}. FID on the features of the package's Fashion-MNIST classifier (lower is better)${scorerNote}.`,
        body:
          `<div>${grids.join('')}</div>` +
          lossChart +
          table(['epoch', 'd_loss', 'g_loss', 'D(x)', 'D(G(z))', 'FID', 'classes covered', 'seconds'], rows),
      },
    };
  } finally {
    gan.dispose();
    scorer?.dispose();
  }
}

async function transferSection(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
  const vision = await loadVision();
  const epochs = settings.transferEpochs;
  let progress = context.progress('transfer', epochs);
  let method = '';
  const report = await vision.runFashionTransferExperiment({
    trainPerClass: settings.quick ? 20 : 100,
    epochs,
    seed: context.seed,
    data: 'embedded',
    ...(settings.quick ? { maxTestImages: 200 } : {}),
    onProgress: (event) => {
      if (event.stage === 'data') context.note(event.message);
      else if (event.stage === 'train') {
        if (event.method !== method) {
          method = event.method;
          progress = context.progress(`transfer ${methodTitles[event.method]}`, epochs);
        }
        progress.update(
          Math.min(
            epochs,
            event.epoch.phase === 'fineTune' ? Math.ceil(epochs / 2) + event.epoch.epoch : event.epoch.epoch,
          ),
        );
      } else {
        progress.finish(`test accuracy ${(event.testAccuracy * 100).toFixed(1)}%`);
        context.note(`transfer ${methodTitles[event.method]}: test accuracy ${(event.testAccuracy * 100).toFixed(2)}%`);
      }
    },
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
    section: {
      id: 'transfer',
      title: 'Transfer learning, offline (Fashion-MNIST 0-5 -> 6-9)',
      status: 'ok',
      summary: `${report.data.description}; ${report.settings.trainPerClass} training images per class, ${report.settings.epochs} epochs per method, seed ${report.settings.seed}, backend ${report.backend}. Best: ${best ? methodTitles[best.method] : '-'}${best && scratch ? ` (+${((best.testAccuracy - scratch.testAccuracy) * 100).toFixed(1)} points over from scratch)` : ''}.`,
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
    },
  };
}

export const demoSections: readonly DemoSectionDefinition[] = [
  { id: 'policies', title: 'Policy comparison on CartPole-v0', run: policiesSection },
  { id: 'dqn', title: 'DQN on CartPole-v1', run: dqnSection },
  { id: 'gan', title: 'GAN on the embedded Fashion-MNIST subset', run: ganSection },
  { id: 'transfer', title: 'Transfer learning, offline (Fashion-MNIST 0-5 -> 6-9)', run: transferSection },
];
