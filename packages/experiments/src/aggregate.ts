import type { TrialRecord } from './store.js';
import type { MetricChoice } from './sweep.js';
import type { ParameterJsonValue } from './trial.js';

/** Mean ± standard deviation, median and range of one metric over seeds. */
export interface MetricSummary {
  /** Mean over the seeds that reported it. */
  mean: number;
  /** Sample standard deviation (n - 1); 0 for one seed. */
  std: number;
  /** Median. */
  median: number;
  min: number;
  max: number;
  /** Seeds that reported it. */
  count: number;
}

/** A curve over seeds on a common step grid (each seed's last value carried forward). */
export interface CurveSummary {
  steps: number[];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** Seeds with a value at each step. */
  count: number[];
}

/** One configuration (parameters without the seed) aggregated over its seeds. */
export interface ConfigurationSummary {
  configId: string;
  trial: string;
  parameters: Record<string, ParameterJsonValue>;
  /** Seeds that finished `'ok'`. */
  seeds: number[];
  /** Trials that finished `'ok'`. */
  ok: number;
  /** Trials that failed. */
  failed: number;
  /** Per final metric: mean ± std, median, range. */
  metrics: Record<string, MetricSummary>;
  /** Per curve: the seed band. */
  curves: Record<string, CurveSummary>;
  /** The trial of this configuration with the best value of the ranking metric. */
  bestTrialId?: string;
}

/** Result of {@link aggregateResults}. */
export interface SweepSummary {
  /** One per configuration, in first-seen order. */
  configurations: ConfigurationSummary[];
  /** The ranking metric, when one was given and any configuration reported it. */
  metric?: MetricChoice;
  /** The best configuration by the metric's mean, and its best trial's record. */
  best?: { configuration: ConfigurationSummary; value: number; trial: TrialRecord };
  /** Totals. */
  ok: number;
  failed: number;
}

/** Options of {@link aggregateResults}. */
export interface AggregateOptions {
  /** Metric to rank by; without it there is no `best`. */
  metric?: MetricChoice;
  /** Points of each resampled curve. @defaultValue `50` */
  curvePoints?: number;
}

/**
 * Summarises numbers: mean, sample standard deviation, median, min, max.
 *
 * @param values - finite numbers (non-finite ones are ignored)
 * @returns the summary (NaN fields when there is no value)
 */
export function summarize(values: readonly number[]): MetricSummary {
  const finite = values.filter(Number.isFinite);
  const count = finite.length;
  if (count === 0)
    return { mean: Number.NaN, std: Number.NaN, median: Number.NaN, min: Number.NaN, max: Number.NaN, count };
  const mean = finite.reduce((sum, value) => sum + value, 0) / count;
  const variance = count > 1 ? finite.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1) : 0;
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = Math.floor(count / 2);
  const median = count % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { mean, std: Math.sqrt(variance), median, min: sorted[0]!, max: sorted[count - 1]!, count };
}

function curveBand(curves: Array<ReadonlyArray<readonly [number, number]>>, points: number): CurveSummary {
  const usable = curves
    .map((curve) =>
      curve.filter(([step, value]) => Number.isFinite(step) && Number.isFinite(value)).sort((a, b) => a[0] - b[0]),
    )
    .filter((curve) => curve.length > 0);
  const empty: CurveSummary = { steps: [], mean: [], std: [], min: [], max: [], count: [] };
  if (usable.length === 0) return empty;
  const first = Math.min(...usable.map((curve) => curve[0]![0]));
  const last = Math.max(...usable.map((curve) => curve.at(-1)![0]));
  const count = last === first ? 1 : Math.max(2, points);
  const result = empty;
  const cursors = usable.map(() => -1);
  for (let index = 0; index < count; index++) {
    const step = count === 1 ? first : first + ((last - first) * index) / (count - 1);
    const values: number[] = [];
    usable.forEach((curve, curveIndex) => {
      let cursor = cursors[curveIndex]!;
      while (cursor + 1 < curve.length && curve[cursor + 1]![0] <= step + 1e-9) cursor++;
      cursors[curveIndex] = cursor;
      if (cursor >= 0) values.push(curve[cursor]![1]);
    });
    const summary = summarize(values);
    result.steps.push(step);
    result.mean.push(summary.mean);
    result.std.push(summary.std);
    result.min.push(summary.min);
    result.max.push(summary.max);
    result.count.push(summary.count);
  }
  return result;
}

/**
 * Aggregates trial records per configuration: mean ± std and median of every final metric over
 * seeds, curve bands, and the best configuration by a chosen metric.
 *
 * @param records - trial records (e.g. `store.records()`)
 * @param options - ranking metric and curve resolution
 * @returns the summary; records of failed trials only count in `failed`
 * @example
 * ```ts
 * const summary = aggregateResults(store.records(), { metric: { name: 'evalMean', goal: 'max' } });
 * summary.best?.configuration.parameters; // { learningRate: 0.0023, ... }
 * ```
 */
export function aggregateResults(records: readonly TrialRecord[], options: AggregateOptions = {}): SweepSummary {
  const groups = new Map<string, TrialRecord[]>();
  for (const record of records) {
    const group = groups.get(record.configId);
    if (group) group.push(record);
    else groups.set(record.configId, [record]);
  }
  const metric = options.metric;
  const better = (a: number, b: number) => (metric?.goal === 'min' ? a < b : a > b);
  const configurations: ConfigurationSummary[] = [];
  let best: SweepSummary['best'];
  let ok = 0;
  let failed = 0;
  for (const [configId, group] of groups) {
    const done = group.filter((record) => record.status === 'ok').sort((a, b) => a.seed - b.seed);
    ok += done.length;
    failed += group.length - done.length;
    const metricNames = [...new Set(done.flatMap((record) => Object.keys(record.metrics)))];
    const curveNames = [...new Set(done.flatMap((record) => Object.keys(record.curves)))];
    const summary: ConfigurationSummary = {
      configId,
      trial: group[0]!.trial,
      parameters: group[0]!.parameters,
      seeds: done.map((record) => record.seed),
      ok: done.length,
      failed: group.length - done.length,
      metrics: Object.fromEntries(
        metricNames.map((name) => [name, summarize(done.map((record) => record.metrics[name] ?? Number.NaN))]),
      ),
      curves: Object.fromEntries(
        curveNames.map((name) => [
          name,
          curveBand(
            done.map((record) => record.curves[name] ?? []),
            options.curvePoints ?? 50,
          ),
        ]),
      ),
    };
    if (metric) {
      let bestTrial: TrialRecord | undefined;
      for (const record of done) {
        const value = record.metrics[metric.name];
        if (
          value !== undefined &&
          Number.isFinite(value) &&
          (!bestTrial || better(value, bestTrial.metrics[metric.name]!))
        )
          bestTrial = record;
      }
      if (bestTrial) summary.bestTrialId = bestTrial.trialId;
      const value = summary.metrics[metric.name]?.mean;
      if (bestTrial && value !== undefined && Number.isFinite(value) && (!best || better(value, best.value)))
        best = { configuration: summary, value, trial: bestTrial };
    }
    configurations.push(summary);
  }
  return { configurations, ...(metric ? { metric } : {}), ...(best ? { best } : {}), ok, failed };
}
