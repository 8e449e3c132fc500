#!/usr/bin/env node
// Planning and tabular control on gym-lite's toy-text envs (issue 12's targets), over the built
// dist: value iteration to theta = 1e-10 (time per run, CPU and wall, median of repeats), its
// greedy policy's success rate / mean return over 10,000 seeded episodes, policy iteration's
// policy against it, and Q-learning / SARSA on Taxi-v4 for 5,000 episodes.
// Options: --episodes 10000  --repeats 30  --gamma 0.99  --skip-tabular
import { make } from '@tfkit/gym-lite';
import { evaluateTabularPolicy, linearSchedule, policyIteration, TabularAgent, valueIteration } from '../dist/index.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : fallback;
};
const episodes = Number(option('episodes', '10000'));
const repeats = Number(option('repeats', '30'));
const gamma = Number(option('gamma', '0.99'));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const { loadavg, cpus } = await import('node:os');
console.log(
  `@tfkit/rl-agents planning bench — node ${process.version}, ${cpus().length} cpus, load ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
);
console.log(`gamma ${gamma}, theta 1e-10, ${episodes} seeded episodes (seed 0) per policy evaluation\n`);
console.log(
  'env              | VI sweeps | VI ms (median wall / cpu) | PI rounds | PI policy == VI | success | mean return | target',
);
const targets = {
  'FrozenLake-v1': 'success >= 0.72',
  'FrozenLake8x8-v1': 'success >= 0.89',
  'Taxi-v4': 'mean return >= 8.2',
  'CliffWalking-v1': '-',
};
for (const id of Object.keys(targets)) {
  const env = make(id);
  valueIteration(env, { gamma, theta: 1e-10 }); // warm-up: validates and caches the flat model, JIT
  const walls = [];
  const cpusUsed = [];
  let result;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const wall = performance.now();
    const cpu = cpuMs();
    result = valueIteration(env, { gamma, theta: 1e-10 });
    cpusUsed.push(cpuMs() - cpu);
    walls.push(performance.now() - wall);
  }
  const planned = policyIteration(env, { gamma, theta: 1e-10 });
  const same = planned.policy.every((action, state) => action === result.policy[state]);
  const evaluation = evaluateTabularPolicy(env, result.policy, { episodes, seed: 0 });
  console.log(
    `${id.padEnd(16)} | ${String(result.iterations).padStart(9)} | ${median(walls).toFixed(3).padStart(12)} / ${median(cpusUsed).toFixed(3).padEnd(10)} | ${String(planned.iterations).padStart(9)} | ${String(same).padStart(15)} | ${evaluation.successRate.toFixed(4).padStart(7)} | ${evaluation.meanReturn.toFixed(3).padStart(11)} | ${targets[id]}`,
  );
}

if (!argv.includes('--skip-tabular')) {
  console.log(
    `\nTaxi-v4, 5,000 training episodes (learning rate 0.5, gamma 0.99), then the greedy policy over ${episodes} seeded episodes`,
  );
  console.log('algorithm  | seed | wall s | cpu s | last-100 training mean | greedy mean return | target');
  for (const algorithm of ['q-learning', 'sarsa']) {
    for (const seed of [0, 1, 2]) {
      const env = make('Taxi-v4');
      // The CLI's settings: epsilon 1 -> 0.01 over the first half (SARSA: 1 -> 0 over four fifths).
      const epsilon = algorithm === 'sarsa' ? linearSchedule(1, 0, 4000) : linearSchedule(1, 0.01, 2500);
      const agent = new TabularAgent(env, { algorithm, seed, learningRate: 0.5, gamma: 0.99, epsilon });
      const wall = performance.now();
      const cpu = cpuMs();
      const { returns } = await agent.learn(env, { episodes: 5000 });
      const seconds = (performance.now() - wall) / 1000;
      const cpuSeconds = (cpuMs() - cpu) / 1000;
      const last = returns.slice(-100).reduce((a, b) => a + b, 0) / 100;
      const greedy = evaluateTabularPolicy(make('Taxi-v4'), agent.policy(), { episodes, seed: 0 });
      console.log(
        `${algorithm.padEnd(10)} | ${String(seed).padStart(4)} | ${seconds.toFixed(2).padStart(6)} | ${cpuSeconds.toFixed(2).padStart(5)} | ${last.toFixed(2).padStart(22)} | ${greedy.meanReturn.toFixed(3).padStart(18)} | mean return >= 7.5`,
      );
    }
  }
}
