import path from 'node:path';
import { saveDqn, trainDqn } from '../cli/dqn.js';
import { loadGym } from '../cli/gym.js';
import { loadRl } from '../cli/rl.js';
import { type Command, useBackend } from '../cli/run-cli.js';

/** `tfkit dqn`. */
export const dqnCommand: Command = {
  path: ['dqn'],
  summary: 'train the default DQN until a greedy 20-episode evaluation reaches the reward threshold',
  options: [
    { name: 'env', type: 'string', placeholder: 'ID', description: 'environment id', default: 'CartPole-v1' },
    {
      name: 'budget',
      type: 'integer',
      placeholder: 'STEPS',
      description: 'environment steps at most',
      default: 100_000,
      min: 1,
    },
    {
      name: 'eval-freq',
      type: 'integer',
      placeholder: 'STEPS',
      description: 'greedy evaluation every this many steps',
      default: 2_500,
      min: 1,
    },
    {
      name: 'eval-episodes',
      type: 'integer',
      placeholder: 'N',
      description: 'episodes per evaluation',
      default: 20,
      min: 1,
    },
    { name: 'save', type: 'string', placeholder: 'DIR', description: 'save the trained agent to this directory' },
    {
      name: 'json',
      type: 'boolean',
      description: 'end with one JSON line: {"solved","envSteps","wallSeconds","evalMean","seed"}',
    },
  ],
  examples: [
    'tfkit dqn --env CartPole-v1 --seed 1',
    'tfkit dqn --budget 20000 --json',
    'tfkit dqn --seed 3 --save agents/cartpole-dqn',
  ],
  details: 'Solved means a greedy evaluation mean >= the environment reward threshold (475 on CartPole-v1, 195 on v0).',
  async run(context) {
    await useBackend(context);
    const gym = await loadGym();
    const rl = await loadRl();
    const budget = Number(context.options.budget);
    const result = await trainDqn(rl, gym, {
      envId: String(context.options.env),
      seed: context.seed,
      budget,
      evalFreq: Number(context.options.evalFreq),
      evalEpisodes: Number(context.options.evalEpisodes),
      progress: context.progress('dqn', budget),
    });
    try {
      if (context.options.save !== undefined) {
        const file = await saveDqn(rl, result.agent, path.resolve(String(context.options.save)));
        context.note(`saved agent to ${file}`);
      }
      const summary = {
        solved: result.solved,
        envSteps: result.envSteps,
        wallSeconds: Math.round(result.wallSeconds * 100) / 100,
        evalMean: Number.isNaN(result.evalMean) ? null : result.evalMean,
        seed: context.seed,
      };
      if (!context.options.json) {
        context.print(
          `${result.solved ? 'solved' : 'not solved'} ${String(context.options.env)}: greedy evaluation mean ${Number.isNaN(result.evalMean) ? 'n/a' : result.evalMean.toFixed(1)} (threshold ${result.threshold}) after ${result.envSteps} steps, ${result.updates} updates, ${result.wallSeconds.toFixed(1)} s`,
        );
      }
      if (context.options.json) context.print(JSON.stringify(summary));
    } finally {
      result.agent.dispose();
    }
    return 0;
  },
};
