import { loadGym, makeEnv } from '../../cli/gym.js';
import { type DiscreteGymEnv, stateGrid } from '../../cli/planning.js';
import { loadRl } from '../../cli/rl.js';
import type { CommandContext } from '../../cli/run-cli.js';
import { heatMap } from '../../report/heat-map.js';
import { table } from '../../report/html.js';
import { lineChart } from '../../report/svg-chart.js';
import type { DemoSection, DemoSettings, SectionResult } from './section.js';

function movingAverage(values: readonly number[], window: number): Array<readonly [number, number]> {
  const points: Array<readonly [number, number]> = [];
  let sum = 0;
  for (let index = 0; index < values.length; index++) {
    sum += values[index] as number;
    if (index >= window) sum -= values[index - window] as number;
    if (index >= window - 1) points.push([index + 1, sum / window]);
  }
  return points;
}

async function run(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
  const gym = await loadGym();
  const rl = await loadRl();
  const evalEpisodes = settings.quick ? 1_000 : 10_000;
  const gamma = 0.99;
  // Planning on FrozenLake-v1: value iteration and policy iteration, the V heat map with arrows.
  const lake = makeEnv(gym, 'FrozenLake-v1') as unknown as DiscreteGymEnv;
  const iterated = rl.valueIteration(lake, { gamma });
  const planned = rl.policyIteration(lake, { gamma });
  const lakeEvaluation = rl.evaluateTabularPolicy(lake, iterated.policy, {
    episodes: evalEpisodes,
    seed: context.seed,
  });
  const grid = stateGrid(lake);
  if (grid === undefined) throw new Error('FrozenLake-v1 has no grid.');
  const map = heatMap({
    title: 'FrozenLake-v1: V (value iteration) and the greedy policy',
    rows: grid.rows,
    columns: grid.columns,
    values: grid.cells.map((state) => iterated.V[state] as number),
    labels: grid.cells.map((state, cell) => grid.mark(cell) ?? grid.arrows[iterated.policy[state] as number] ?? ''),
  });
  const convergence = lineChart({
    title: 'Convergence on FrozenLake-v1 (log10 of the largest value change per sweep)',
    xLabel: 'sweep',
    yLabel: 'log10 max |ΔV|',
    series: [
      {
        name: 'value iteration',
        points: iterated.deltas.map((delta, index) => [index + 1, Math.log10(Math.max(delta, 1e-16))] as const),
        color: '#2563eb',
      },
      {
        name: `policy iteration (${planned.iterations} rounds, evaluation sweeps)`,
        points: planned.deltas.map((delta, index) => [index + 1, Math.log10(Math.max(delta, 1e-16))] as const),
        color: '#dc2626',
        dashed: true,
      },
    ],
  });
  lake.close();
  // Learning without the model on Taxi-v4: the Q-learning curve next to the planned optimum.
  const taxi = makeEnv(gym, 'Taxi-v4') as unknown as DiscreteGymEnv;
  const episodes = settings.quick ? 1_500 : 5_000;
  const agent = new rl.TabularAgent(taxi, {
    learningRate: 0.5,
    gamma,
    epsilon: rl.linearSchedule(1, 0.01, Math.round(episodes / 2)),
    seed: context.seed,
  });
  const started = performance.now();
  const { returns } = await agent.learn(taxi, { episodes });
  const learnSeconds = (performance.now() - started) / 1000;
  const optimumPolicy = rl.valueIteration(taxi, { gamma }).policy;
  const learned = rl.evaluateTabularPolicy(taxi, agent.policy(), { episodes: evalEpisodes, seed: context.seed });
  const optimum = rl.evaluateTabularPolicy(taxi, optimumPolicy, { episodes: evalEpisodes, seed: context.seed });
  taxi.close();
  const curve = lineChart({
    title: 'Q-learning on Taxi-v4 against the planned optimum',
    xLabel: 'episode',
    yLabel: 'return (mean of the last 100 episodes)',
    series: [{ name: 'Q-learning (training, epsilon-greedy)', points: movingAverage(returns, 100), color: '#2563eb' }],
    referenceLines: [{ y: optimum.meanReturn, label: `value iteration optimum (${optimum.meanReturn.toFixed(2)})` }],
    yMin: -200,
  });
  const stats = table(
    ['environment', 'method', 'iterations', 'success rate', 'mean return', `seeded episodes`],
    [
      [
        'FrozenLake-v1',
        'value iteration',
        iterated.iterations,
        lakeEvaluation.successRate.toFixed(4),
        lakeEvaluation.meanReturn.toFixed(3),
        evalEpisodes,
      ],
      [
        'FrozenLake-v1',
        `policy iteration (${planned.policy.every((action, state) => action === iterated.policy[state]) ? 'same policy' : 'different policy'})`,
        planned.iterations,
        '',
        '',
        '',
      ],
      ['Taxi-v4', 'value iteration', '', optimum.successRate.toFixed(4), optimum.meanReturn.toFixed(3), evalEpisodes],
      [
        'Taxi-v4',
        `Q-learning, ${episodes} episodes (${learnSeconds.toFixed(2)} s)`,
        '',
        learned.successRate.toFixed(4),
        learned.meanReturn.toFixed(3),
        evalEpisodes,
      ],
    ],
  );
  const summary = `FrozenLake-v1 success ${lakeEvaluation.successRate.toFixed(3)} (VI, ${iterated.iterations} sweeps; PI ${planned.iterations} rounds); Taxi-v4 Q-learning ${learned.meanReturn.toFixed(2)} vs optimum ${optimum.meanReturn.toFixed(2)}`;
  return {
    summary,
    reportSummary: `With the model (value and policy iteration, gamma ${gamma}) and without it (tabular Q-learning), seed ${context.seed}: ${summary}.`,
    body: stats + map + convergence + curve,
  };
}

/** Planning on FrozenLake-v1 (V heat map, convergence) and Q-learning on Taxi-v4 against the planned optimum. */
export const planningSection: DemoSection = { id: 'planning', title: 'Planning and tabular RL on toy-text', run };
