import { loadGym, makeEnv } from '../cli/gym.js';
import { defaultEpisodes, type PolicyName, policyNames, runPolicy } from '../cli/policies.js';
import { loadRl } from '../cli/rl.js';
import { type Command, useBackend } from '../cli/run-cli.js';

/** `tfkit cartpole`. */
export const cartpoleCommand: Command = {
  path: ['cartpole'],
  summary: "the book's CartPole experiments: play a policy for N episodes and print min/max/average reward",
  options: [
    {
      name: 'policy',
      type: 'string',
      placeholder: 'NAME',
      description: 'policy to run',
      default: 'random',
      choices: policyNames,
    },
    {
      name: 'episodes',
      type: 'integer',
      placeholder: 'N',
      description: 'episodes (default 100; 1000 learning episodes for qtable, as in the book)',
      min: 1,
    },
    { name: 'env', type: 'string', placeholder: 'ID', description: 'environment id', default: 'CartPole-v0' },
    { name: 'json', type: 'boolean', description: 'print the result as one JSON line instead' },
  ],
  examples: [
    'tfkit cartpole --policy random --episodes 100',
    'tfkit cartpole --policy logic --env CartPole-v1 --seed 7',
    'tfkit cartpole --policy random-search --json',
  ],
  details:
    "Prints the book's line, e.g. `Policy:policy_random, Min reward:9.0, Max reward:63.0, Average reward:20.26`.",
  async run(context) {
    await useBackend(context);
    const gym = await loadGym();
    const rl = await loadRl();
    const env = makeEnv(gym, String(context.options.env));
    try {
      const policy = context.options.policy as PolicyName;
      const result = await runPolicy(rl, env, policy, {
        episodes: context.options.episodes === undefined ? defaultEpisodes(policy) : Number(context.options.episodes),
        seed: context.seed,
        progress: context.progress,
        note: context.note,
      });
      if (context.options.json) {
        const { policy, min, max, mean } = result;
        context.print(JSON.stringify({ policy, min, max, mean, episodes: result.rewards.length, seed: context.seed }));
      } else {
        context.print(rl.formatExperiment(result));
      }
    } finally {
      env.close();
    }
    return 0;
  },
};
