import type { ConfigurationSummary, SweepSummary, TrialRecord } from '@tfkit/experiments';
import { escapeHtml, type ReportSection, renderReport, table } from './html.js';
import { type ChartSeries, lineChart } from './svg-chart.js';

/** Input of {@link renderSweepReport}. */
export interface SweepReportInput {
  name: string;
  trial: string;
  summary: SweepSummary;
  records: readonly TrialRecord[];
  generatedAt: Date;
  /** Header facts, e.g. where the results file is. */
  facts?: ReadonlyArray<readonly [string, string]>;
  /** Inline images of the best run (artifact name -> data: URI), e.g. a GAN's sample grid. */
  images?: Readonly<Record<string, string>>;
}

/** Parameters that differ between configurations, as `a=1, b=[64]`. */
export function configurationLabel(configuration: ConfigurationSummary, varying: readonly string[]): string {
  const keys = varying.length > 0 ? varying : Object.keys(configuration.parameters).slice(0, 3);
  return keys.map((key) => `${key}=${JSON.stringify(configuration.parameters[key])}`).join(', ');
}

/** The parameters whose values differ across configurations. */
export function varyingParameters(configurations: readonly ConfigurationSummary[]): string[] {
  const first = configurations[0];
  if (!first) return [];
  return Object.keys(first.parameters).filter((key) =>
    configurations.some(
      (configuration) => JSON.stringify(configuration.parameters[key]) !== JSON.stringify(first.parameters[key]),
    ),
  );
}

/** `12.3 ± 4.5` with three significant digits. */
export function formatMeanStd(mean: number, std: number): string {
  if (!Number.isFinite(mean)) return 'n/a';
  const format = (value: number) => (Math.abs(value) >= 1000 ? value.toFixed(0) : String(+value.toPrecision(3)));
  return `${format(mean)} ± ${format(std)}`;
}

/**
 * The sweep report page: a table of configurations x aggregated metrics (mean ± std and median over
 * seeds), learning curves with seed bands (mean ± std), and the best run's artifacts.
 */
export function renderSweepReport(input: SweepReportInput): string {
  const { summary } = input;
  const varying = varyingParameters(summary.configurations);
  const metricNames = [
    ...new Set(summary.configurations.flatMap((configuration) => Object.keys(configuration.metrics))),
  ];
  const bestId = summary.best?.configuration.configId;
  const rows = summary.configurations.map((configuration) => [
    configuration.configId === bestId
      ? { html: `<strong>${escapeHtml(configurationLabel(configuration, varying))} (best)</strong>` }
      : configurationLabel(configuration, varying),
    `${configuration.ok}${configuration.failed > 0 ? ` (+${configuration.failed} failed)` : ''}`,
    ...metricNames.map((name) => {
      const metric = configuration.metrics[name];
      return metric ? `${formatMeanStd(metric.mean, metric.std)} (median ${+metric.median.toPrecision(3)})` : 'n/a';
    }),
  ]);
  const sections: ReportSection[] = [
    {
      id: 'configurations',
      title: 'Configurations',
      status: summary.failed > 0 ? 'failed' : 'ok',
      summary: `${summary.configurations.length} configurations, ${summary.ok} trials ok, ${summary.failed} failed; mean ± std and median over seeds${summary.metric ? `; ranked by ${summary.metric.name} (${summary.metric.goal})` : ''}.`,
      body: table(['configuration', 'seeds', ...metricNames], rows),
    },
  ];
  const curveNames = [...new Set(summary.configurations.flatMap((configuration) => Object.keys(configuration.curves)))];
  const charts = curveNames.map((name) => {
    const series: ChartSeries[] = summary.configurations
      .filter((configuration) => (configuration.curves[name]?.steps.length ?? 0) > 0)
      .slice(0, 7)
      .map((configuration) => {
        const curve = configuration.curves[name]!;
        return {
          name: configurationLabel(configuration, varying) || configuration.configId,
          points: curve.steps.map((step, index) => [step, curve.mean[index]!] as const),
          band: curve.steps.map(
            (step, index) =>
              [step, curve.mean[index]! - curve.std[index]!, curve.mean[index]! + curve.std[index]!] as const,
          ),
          width: configuration.configId === bestId ? 3 : 2,
        };
      });
    return lineChart({ title: `${name}: mean ± std over seeds`, xLabel: 'step', yLabel: name, series });
  });
  sections.push({
    id: 'curves',
    title: 'Learning curves',
    status: charts.length > 0 ? 'ok' : 'skipped',
    summary:
      charts.length > 0
        ? 'Lines are the mean over seeds, bands mean ± std (at most 7 configurations per chart).'
        : 'The trials returned no curves.',
    body: charts.join(''),
  });
  const best = summary.best;
  if (best) {
    const artifacts = Object.entries(best.trial.artifacts);
    const images = Object.entries(input.images ?? {}).map(
      ([name, uri]) =>
        `<figure><img src="${uri}" alt="${escapeHtml(name)}" style="image-rendering: pixelated"><figcaption>${escapeHtml(name)}</figcaption></figure>`,
    );
    sections.push({
      id: 'best',
      title: 'Best run',
      status: 'ok',
      summary: `${configurationLabel(best.configuration, varying)}, seed ${best.trial.seed}: ${summary.metric?.name} = ${best.trial.metrics[summary.metric?.name ?? ''] ?? 'n/a'} (configuration mean ${+best.value.toPrecision(4)}).`,
      body: [
        table(
          ['parameter', 'value'],
          Object.entries(best.trial.parameters).map(([key, value]) => [key, JSON.stringify(value)]),
        ),
        artifacts.length > 0
          ? table(['artifact', 'path'], artifacts)
          : '<p class="note">This run wrote no artifacts.</p>',
        images.join(''),
      ].join(''),
    });
  }
  const failures = input.records.filter((record) => record.status === 'failed');
  if (failures.length > 0) {
    sections.push({
      id: 'failures',
      title: 'Failed trials',
      status: 'failed',
      body: table(
        ['trial', 'seed', 'error'],
        failures
          .slice(0, 50)
          .map((record) => [record.trialId, record.seed, `${record.error?.name}: ${record.error?.message}`]),
      ),
    });
  }
  return renderReport({
    title: `Sweep ${input.name} (${input.trial})`,
    generatedAt: input.generatedAt,
    facts: [['trials', String(input.records.length)], ...(input.facts ?? [])],
    sections,
  });
}
