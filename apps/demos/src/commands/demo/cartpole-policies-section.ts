import { loadGym, makeEnv } from '../../cli/gym.js';
import { type PolicyName, policyNames, runPolicy } from '../../cli/policies.js';
import { loadRl } from '../../cli/rl.js';
import type { CommandContext } from '../../cli/run-cli.js';
import { type Cell, escapeHtml, table } from '../../report/html.js';
import { type ChartSeries, lineChart } from '../../report/svg-chart.js';
import type { DemoSection, DemoSettings, SectionResult } from './section.js';

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

async function run(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
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
    reportSummary: `${settings.episodes} episodes per policy (the Q-table: ${settings.episodes * 10} learning episodes, as in the book), seed ${context.seed}. Like the book, qtable and book-dqn report the returns of their learning episodes.`,
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
  };
}

/** The six CartPole-v0 policies of the book side by side, with the book's figures and return curves. */
export const cartpolePoliciesSection: DemoSection = { id: 'policies', title: 'Policy comparison on CartPole-v0', run };
