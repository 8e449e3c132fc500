import { recordEpisode, trainDqn } from '../../cli/dqn.js';
import { loadGym } from '../../cli/gym.js';
import { loadRl } from '../../cli/rl.js';
import type { CommandContext } from '../../cli/run-cli.js';
import { framesToGif } from '../../report/animation.js';
import { figure, table } from '../../report/html.js';
import { dataUri } from '../../report/images.js';
import { lineChart } from '../../report/svg-chart.js';
import type { DemoSection, DemoSettings, SectionResult } from './section.js';

async function run(context: CommandContext, settings: DemoSettings): Promise<SectionResult> {
  const gym = await loadGym();
  const rl = await loadRl();
  const envId = 'CartPole-v1';
  const trained = await trainDqn(rl, gym, {
    envId,
    seed: context.seed,
    budget: settings.dqnBudget,
    evalFreq: settings.quick ? Math.max(250, Math.floor(settings.dqnBudget / 3)) : 2_000,
    evalEpisodes: settings.quick ? 3 : 20,
    progress: context.progress('dqn', settings.dqnBudget),
  });
  try {
    const recording = recordEpisode(
      gym,
      envId,
      (observation) => trained.agent.predict(observation, { deterministic: true }),
      context.seed + 1,
    );
    const gif = framesToGif(recording.frames, { fps: recording.fps, scale: 2, maxFrames: 250 });
    const chart = lineChart({
      title: `DQN learning curve on ${envId}`,
      xLabel: 'environment steps',
      yLabel: 'episode return',
      series: [
        {
          name: 'training episodes',
          points: trained.episodes.map((point) => [point.numTimesteps, point.value] as const),
          width: 1.2,
          color: '#93c5fd',
        },
        {
          name: 'greedy evaluation (mean)',
          points: trained.evaluations.map((point) => [point.numTimesteps, point.value] as const),
          markers: true,
          color: '#dc2626',
        },
      ],
      referenceLines: [{ y: trained.threshold, label: `solved (${trained.threshold})` }],
      yMin: 0,
    });
    const stats = table(
      ['solved', 'env steps', 'updates', 'wall s', 'acting steps/s', 'updates/s', 'last eval mean', 'animation return'],
      [
        [
          trained.solved ? 'yes' : 'no',
          trained.envSteps,
          trained.updates,
          Number(trained.wallSeconds.toFixed(1)),
          Math.round(trained.actingStepsPerSecond),
          Math.round(trained.updatesPerSecond),
          Number.isNaN(trained.evalMean) ? '-' : Number(trained.evalMean.toFixed(1)),
          recording.episodeReturn,
        ],
      ],
    );
    const animation = figure(
      dataUri('image/gif', gif),
      `the trained agent, one greedy episode (return ${recording.episodeReturn})`,
    );
    const summary = `${trained.solved ? 'solved' : 'not solved'} after ${trained.envSteps} steps in ${trained.wallSeconds.toFixed(1)} s (eval mean ${Number.isNaN(trained.evalMean) ? 'n/a' : trained.evalMean.toFixed(1)})`;
    return {
      summary,
      reportSummary: `Budget ${settings.dqnBudget} steps, seed ${context.seed}: ${summary}.`,
      body: stats + chart + animation,
    };
  } finally {
    trained.agent.dispose();
  }
}

/** A DQN trained on CartPole-v1: learning curve, statistics and an animation of one greedy episode. */
export const dqnSection: DemoSection = { id: 'dqn', title: 'DQN on CartPole-v1', run };
