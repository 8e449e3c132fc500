import { formatPolicyGrid, formatValueGrid, openToyTextEnv, stateGrid, toyTextOptions } from '../cli/planning.js';
import type { Command } from '../cli/run-cli.js';

/** `tfkit plan`. */
export const planCommand: Command = {
  path: ['plan'],
  summary: 'plan with the model of a toy-text env (value or policy iteration) and measure the greedy policy',
  options: [
    {
      name: 'env',
      type: 'string',
      placeholder: 'ID',
      description: 'a toy-text environment id',
      default: 'FrozenLake-v1',
    },
    {
      name: 'method',
      type: 'string',
      placeholder: 'NAME',
      description: 'value iteration or policy iteration',
      default: 'value',
      choices: ['value', 'policy'],
    },
    {
      name: 'theta',
      type: 'number',
      placeholder: 'T',
      description: 'stop when no value changes by more',
      default: 1e-10,
      min: 0,
    },
    ...toyTextOptions('episodes'),
  ],
  examples: [
    'tfkit plan --env FrozenLake-v1 --method value',
    'tfkit plan --env FrozenLake8x8-v1 --method policy --gamma 0.995',
    'tfkit plan --env Taxi-v4 --json',
  ],
  details:
    "Prints the state values V on the env's grid, the greedy policy as arrows, the iterations, and the success rate and mean return of the policy over seeded episodes (the first reset takes --seed).",
  async run(context) {
    const { rl, id, env } = await openToyTextEnv(context);
    try {
      const method = String(context.options.method);
      const options = { gamma: Number(context.options.gamma), theta: Number(context.options.theta) };
      const started = performance.now();
      const planned = method === 'policy' ? rl.policyIteration(env, options) : rl.valueIteration(env, options);
      const milliseconds = performance.now() - started;
      const episodes = Number(context.options.episodes);
      const evaluation = rl.evaluateTabularPolicy(env, planned.policy, { episodes, seed: context.seed });
      const summary = {
        env: id,
        method,
        gamma: options.gamma,
        iterations: planned.iterations,
        sweeps: planned.deltas.length,
        converged: planned.converged,
        milliseconds: Number(milliseconds.toFixed(3)),
        episodes,
        seed: context.seed,
        successRate: evaluation.successRate,
        meanReturn: Number(evaluation.meanReturn.toFixed(4)),
      };
      if (context.options.json) {
        context.print(JSON.stringify({ ...summary, policy: Array.from(planned.policy) }));
        return 0;
      }
      const grid = stateGrid(env);
      context.print(`${method} iteration on ${id}, gamma ${options.gamma}, theta ${options.theta}`);
      if (grid) {
        context.print(`V (${grid.caption}):`);
        for (const line of formatValueGrid(grid, planned.V)) context.print(`  ${line}`);
        context.print('greedy policy:');
        for (const line of formatPolicyGrid(grid, planned.policy)) context.print(`  ${line}`);
      }
      context.print(
        `iterations: ${planned.iterations}${method === 'policy' ? ` improvement rounds (${planned.deltas.length} evaluation sweeps)` : ' sweeps'}, converged: ${planned.converged}, ${milliseconds.toFixed(2)} ms`,
      );
      context.print(
        `success rate over ${episodes} seeded episodes: ${evaluation.successRate.toFixed(4)}; mean return ${evaluation.meanReturn.toFixed(3)}`,
      );
    } finally {
      env.close();
    }
    return 0;
  },
};
