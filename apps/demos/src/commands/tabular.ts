import { openToyTextEnv, toyTextOptions } from '../cli/planning.js';
import type { Command } from '../cli/run-cli.js';

/** `tfkit tabular`. */
export const tabularCommand: Command = {
  path: ['tabular'],
  summary: 'learn a toy-text env without its model (tabular Q-learning or SARSA), next to the planned optimum',
  options: [
    { name: 'env', type: 'string', placeholder: 'ID', description: 'a toy-text environment id', default: 'Taxi-v4' },
    {
      name: 'algo',
      type: 'string',
      placeholder: 'NAME',
      description: 'algorithm',
      default: 'q',
      choices: ['q', 'sarsa'],
    },
    { name: 'episodes', type: 'integer', placeholder: 'N', description: 'training episodes', default: 5000, min: 1 },
    {
      name: 'alpha',
      type: 'number',
      placeholder: 'A',
      description: 'learning rate in (0, 1]',
      default: 0.5,
      greaterThan: 0,
      max: 1,
    },
    ...toyTextOptions('eval-episodes'),
  ],
  examples: ['tfkit tabular --env Taxi-v4 --algo q', 'tfkit tabular --env FrozenLake-v1 --algo sarsa --episodes 20000'],
  details:
    'Epsilon decays linearly from 1 to 0.01 over the first half of the episodes (SARSA: to 0 over four fifths). Prints the learning curve in tenths (mean training return), then the greedy policy against the value-iteration optimum, both over the same seeded episodes.',
  async run(context) {
    const { rl, id, env } = await openToyTextEnv(context);
    try {
      const episodes = Number(context.options.episodes);
      const sarsa = context.options.algo === 'sarsa';
      const agent = new rl.TabularAgent(env, {
        algorithm: sarsa ? 'sarsa' : 'q-learning',
        learningRate: Number(context.options.alpha),
        gamma: Number(context.options.gamma),
        epsilon: sarsa
          ? rl.linearSchedule(1, 0, Math.max(1, Math.round(episodes * 0.8)))
          : rl.linearSchedule(1, 0.01, Math.max(1, Math.round(episodes / 2))),
        seed: context.seed,
      });
      const progress = context.progress(`${sarsa ? 'sarsa' : 'q-learning'} ${id}`, episodes);
      const started = performance.now();
      const { returns } = await agent.learn(env, { episodes, onEpisodeEnd: (episode) => progress.update(episode + 1) });
      const seconds = (performance.now() - started) / 1000;
      progress.finish();
      const evalEpisodes = Number(context.options.evalEpisodes);
      const learned = rl.evaluateTabularPolicy(env, agent.policy(), { episodes: evalEpisodes, seed: context.seed });
      const optimum = rl.evaluateTabularPolicy(
        env,
        rl.valueIteration(env, { gamma: Number(context.options.gamma) }).policy,
        {
          episodes: evalEpisodes,
          seed: context.seed,
        },
      );
      const tenth = Math.max(1, Math.floor(returns.length / 10));
      const curve = Array.from({ length: Math.ceil(returns.length / tenth) }, (_, index) => {
        const slice = returns.slice(index * tenth, (index + 1) * tenth);
        return slice.reduce((a, b) => a + b, 0) / slice.length;
      });
      const summary = {
        env: id,
        algorithm: sarsa ? 'sarsa' : 'q-learning',
        episodes,
        seed: context.seed,
        seconds: Number(seconds.toFixed(3)),
        curve: curve.map((value) => Number(value.toFixed(2))),
        meanReturn: Number(learned.meanReturn.toFixed(4)),
        successRate: learned.successRate,
        optimumMeanReturn: Number(optimum.meanReturn.toFixed(4)),
        evalEpisodes,
      };
      if (context.options.json) {
        context.print(JSON.stringify(summary));
        return 0;
      }
      context.print(`${summary.algorithm} on ${id}: ${episodes} episodes in ${seconds.toFixed(2)} s`);
      context.print(`mean training return per tenth: ${summary.curve.join(', ')}`);
      context.print(
        `greedy policy over ${evalEpisodes} seeded episodes: mean return ${learned.meanReturn.toFixed(3)}, success ${learned.successRate.toFixed(4)}`,
      );
      context.print(
        `value-iteration optimum, same episodes: mean return ${optimum.meanReturn.toFixed(3)}, success ${optimum.successRate.toFixed(4)}`,
      );
    } finally {
      env.close();
    }
    return 0;
  },
};
