import path from 'node:path';
import { writeFileAtomic } from '@tfkit/core/node';
import type { RgbFrame } from '@tfkit/gym-lite';
import { CliUsageError } from '../cli/errors.js';
import { isRgbFrame, loadGym, makeEnv } from '../cli/gym.js';
import type { Command } from '../cli/run-cli.js';
import { framesToGif } from '../report/animation.js';

/** CartPole-style vectors print like numpy; a Discrete observation (toy-text state) prints as the integer. */
export function formatObservation(observation: ArrayLike<number> | number): string {
  if (typeof observation === 'number') return String(observation);
  return `[${Array.from(observation, (value) => (value >= 0 ? ' ' : '') + value.toFixed(8)).join(' ')}]`;
}

/** `tfkit gym play`. */
export const gymPlayCommand: Command = {
  path: ['gym', 'play'],
  summary: 'play an environment with random actions, printing each observation (and optionally a GIF)',
  options: [
    { name: 'env', type: 'string', placeholder: 'ID', description: 'environment id', default: 'CartPole-v0' },
    { name: 'episodes', type: 'integer', placeholder: 'N', description: 'episodes to play', default: 1, min: 1 },
    {
      name: 'gif',
      type: 'string',
      placeholder: 'FILE.gif',
      description: 'render the first episode from rgb_array frames into an animated GIF',
    },
    { name: 'quiet', type: 'boolean', description: 'print only the episode summaries' },
  ],
  examples: [
    'tfkit gym play',
    'tfkit gym play --env CartPole-v1 --seed 3 --gif cartpole.gif',
    'tfkit gym play --episodes 10 --quiet',
  ],
  async run(context) {
    const gifPath = context.options.gif === undefined ? undefined : String(context.options.gif);
    if (gifPath !== undefined && path.extname(gifPath).toLowerCase() !== '.gif') {
      throw new CliUsageError({ message: `--gif must name a .gif file, got "${gifPath}".` });
    }
    const gym = await loadGym();
    const env = makeEnv(gym, String(context.options.env), gifPath ? { renderMode: 'rgb_array' } : undefined);
    const frames: RgbFrame[] = [];
    try {
      env.actionSpace.seed(context.seed);
      const episodes = Number(context.options.episodes);
      for (let episode = 0; episode < episodes; episode++) {
        const recording = gifPath !== undefined && episode === 0;
        let { observation } = env.reset(episode === 0 ? { seed: context.seed } : undefined);
        if (!context.options.quiet) context.print(`Episode: ${episode}`);
        if (recording) {
          const frame = env.render();
          if (isRgbFrame(frame)) frames.push({ ...frame, data: frame.data.slice() });
        }
        let total = 0;
        for (let step = 1; ; step++) {
          const action = env.actionSpace.sample();
          const result = env.step(action);
          total += result.reward;
          if (!context.options.quiet) {
            context.print(`${formatObservation(observation)} action:${action} reward:${result.reward.toFixed(1)}`);
          }
          observation = result.observation;
          if (recording) {
            const frame = env.render();
            if (isRgbFrame(frame)) frames.push({ ...frame, data: frame.data.slice() });
          }
          if (result.terminated || result.truncated) {
            context.print(
              `Episode ${episode} finished after ${step} timesteps, return ${total.toFixed(1)} (${result.terminated ? 'terminated' : 'truncated'})`,
            );
            break;
          }
        }
      }
    } finally {
      env.close();
    }
    if (gifPath !== undefined) {
      if (frames.length === 0)
        throw new CliUsageError({ message: `${String(context.options.env)} renders no rgb_array frames.` });
      const bytes = framesToGif(frames, { fps: env.metadata.renderFps ?? 50 });
      await writeFileAtomic(path.resolve(gifPath), bytes);
      context.print(
        `wrote ${frames.length} frames to ${path.resolve(gifPath)} (${(bytes.length / 1024).toFixed(0)} KiB)`,
      );
    }
    return 0;
  },
};
