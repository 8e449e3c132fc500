import { loadGym } from '../cli/gym.js';
import type { Command } from '../cli/run-cli.js';

/** `tfkit gym list`. */
export const gymListCommand: Command = {
  path: ['gym', 'list'],
  summary: 'list the registered environments with their time limits and reward thresholds',
  options: [{ name: 'json', type: 'boolean', description: 'print a JSON array' }],
  examples: ['tfkit gym list', 'tfkit gym list --json'],
  async run(context) {
    const gym = await loadGym();
    const ids = [...gym.registeredIds()].sort();
    const rows = ids.map((id) => {
      const spec = gym.spec(id);
      return { id, maxEpisodeSteps: spec.maxEpisodeSteps ?? null, rewardThreshold: spec.rewardThreshold ?? null };
    });
    if (context.options.json) {
      context.print(JSON.stringify(rows));
      return 0;
    }
    const width = Math.max(2, ...ids.map((id) => id.length)) + 2;
    context.print(`${'id'.padEnd(width)}${'max steps'.padEnd(11)}reward threshold`);
    for (const row of rows) {
      context.print(
        `${row.id.padEnd(width)}${String(row.maxEpisodeSteps ?? '-').padEnd(11)}${row.rewardThreshold ?? '-'}`,
      );
    }
    return 0;
  },
};
