import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RgbFrame } from '@tfkit/gym-lite';
import type { DqnAgent, HistoryPoint, LearnEvent } from '@tfkit/rl-agents';
import { FeatureUnavailableError } from './errors.js';
import { type GymEnv, type GymLite, isRgbFrame, makeEnv } from './gym.js';
import type { Progress } from './progress.js';
import type { RlAgents } from './rl.js';

/** Options of {@link trainDqn}. */
export interface TrainDqnOptions {
  envId: string;
  seed: number;
  /** Environment steps at most. */
  budget: number;
  /** Greedy evaluation every this many steps. */
  evalFreq: number;
  /** Episodes per evaluation. @defaultValue 20 */
  evalEpisodes?: number;
  progress?: Progress;
}

/** What {@link trainDqn} returns; the caller disposes `agent`. */
export interface TrainDqnResult {
  agent: DqnAgent;
  solved: boolean;
  threshold: number;
  envSteps: number;
  updates: number;
  wallSeconds: number;
  actingStepsPerSecond: number;
  updatesPerSecond: number;
  /** Mean of the last greedy evaluation (NaN if none ran). */
  evalMean: number;
  episodes: HistoryPoint[];
  evaluations: HistoryPoint[];
}

/**
 * Trains the default DQN with `trainDqnUntilSolved` of `@tfkit/rl-agents` until a greedy
 * evaluation reaches the environment's reward threshold (475 on CartPole-v1) or the budget ends.
 */
export async function trainDqn(rl: RlAgents, gym: GymLite, options: TrainDqnOptions): Promise<TrainDqnResult> {
  const env = makeEnv(gym, options.envId);
  const evalEnv = makeEnv(gym, options.envId);
  const threshold = env.spec?.rewardThreshold ?? gym.spec(options.envId).rewardThreshold ?? Number.POSITIVE_INFINITY;
  let evalMean = Number.NaN;
  let lastReturn = Number.NaN;
  let episodes = 0;
  try {
    const result = await rl.trainDqnUntilSolved(env, {
      seed: options.seed,
      budget: options.budget,
      threshold,
      evalFreq: options.evalFreq,
      evalEpisodes: options.evalEpisodes ?? 20,
      evalEnv,
      keepAgent: true,
      onProgress: (event: LearnEvent) => {
        if (event.type === 'episode') {
          episodes = event.episode + 1;
          lastReturn = event.episodeReturn;
        } else {
          evalMean = event.mean;
        }
        const evalText = Number.isNaN(evalMean) ? '' : ` eval ${evalMean.toFixed(1)}`;
        options.progress?.update(event.numTimesteps, `episode ${episodes} return ${lastReturn}${evalText}`);
        return undefined;
      },
    });
    options.progress?.finish(
      `${result.solved ? 'solved' : 'not solved'}, eval ${Number.isNaN(result.evalMean) ? 'n/a' : result.evalMean.toFixed(1)}`,
    );
    if (!result.agent)
      throw new FeatureUnavailableError({
        packageName: '@tfkit/rl-agents',
        what: '`keepAgent` in trainDqnUntilSolved',
      });
    return {
      agent: result.agent,
      solved: result.solved,
      threshold,
      envSteps: result.envSteps,
      updates: result.updates,
      wallSeconds: result.wallSeconds,
      actingStepsPerSecond: result.actingStepsPerSecond,
      updatesPerSecond: result.updatesPerSecond,
      evalMean: result.evalMean,
      episodes: result.history.episodes,
      evaluations: result.history.evaluations,
    };
  } finally {
    env.close();
    evalEnv.close();
  }
}

/** Plays one greedy episode with rendering and returns its frames and return. */
export function recordEpisode(
  gym: GymLite,
  envId: string,
  act: (observation: Float32Array) => number,
  seed: number,
): { frames: RgbFrame[]; episodeReturn: number; fps: number } {
  const env: GymEnv = makeEnv(gym, envId, { renderMode: 'rgb_array' });
  const frames: RgbFrame[] = [];
  const grab = () => {
    const frame = env.render();
    if (isRgbFrame(frame)) frames.push({ width: frame.width, height: frame.height, data: frame.data.slice() });
  };
  try {
    let { observation } = env.reset({ seed });
    grab();
    let episodeReturn = 0;
    for (;;) {
      const result = env.step(act(observation));
      episodeReturn += result.reward;
      observation = result.observation;
      grab();
      if (result.terminated || result.truncated) break;
    }
    return { frames, episodeReturn, fps: env.metadata.renderFps ?? 50 };
  } finally {
    env.close();
  }
}

/** Saves an agent to `directory/agent.dqn` with `saveDqnAgent`; returns the file. */
export async function saveDqn(rl: RlAgents, agent: DqnAgent, directory: string): Promise<string> {
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, 'agent.dqn');
  await rl.saveDqnAgent(agent, file);
  return file;
}
