import { FeatureUnavailableError } from './errors.js';
import { type GymEnv, type GymLite, isRgbFrame, makeEnv, type RgbFrame } from './gym.js';
import type { Progress } from './progress.js';
import type { DqnAgent, HistoryPoint, LearnEvent, RlAgents } from './rl.js';

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
  actingSeconds: number;
  learningSeconds: number;
  /** Mean of the last greedy evaluation (NaN if none ran). */
  evalMean: number;
  episodes: HistoryPoint[];
  evaluations: HistoryPoint[];
}

/**
 * Trains the default DQN until a greedy evaluation reaches the environment's reward threshold
 * (475 on CartPole-v1) or the step budget ends.
 */
export async function trainDqn(rl: RlAgents, gym: GymLite, options: TrainDqnOptions): Promise<TrainDqnResult> {
  const Agent = rl.DqnAgent;
  if (typeof Agent !== 'function') throw new FeatureUnavailableError('@tfkit/rl-agents', '`DqnAgent`');
  const env = makeEnv(gym, options.envId);
  const evalEnv = makeEnv(gym, options.envId);
  const threshold = env.spec?.rewardThreshold ?? gym.spec(options.envId).rewardThreshold ?? Number.POSITIVE_INFINITY;
  const agent = new Agent(env, { seed: options.seed });
  const started = performance.now();
  let evalMean = Number.NaN;
  let solved = false;
  let lastReturn = Number.NaN;
  let episodes = 0;
  try {
    const result = await agent.learn(env, {
      totalTimesteps: options.budget,
      evalEnv,
      evalFreq: options.evalFreq,
      evalEpisodes: options.evalEpisodes ?? 20,
      seed: options.seed,
      callback: (event: LearnEvent) => {
        if (event.type === 'episode') {
          episodes = event.episode + 1;
          lastReturn = event.episodeReturn;
        } else {
          evalMean = event.mean;
          if (event.mean >= threshold) solved = true;
        }
        const evalText = Number.isNaN(evalMean) ? '' : ` eval ${evalMean.toFixed(1)}`;
        options.progress?.update(event.numTimesteps, `episode ${episodes} return ${lastReturn}${evalText}`);
        return solved ? false : undefined;
      },
    });
    options.progress?.finish(
      solved ? `solved, eval ${evalMean.toFixed(1)}` : `not solved, eval ${evalMean.toFixed(1)}`,
    );
    return {
      agent,
      solved,
      threshold,
      envSteps: result.numTimesteps,
      updates: result.numUpdates,
      wallSeconds: (performance.now() - started) / 1000,
      actingSeconds: result.actingSeconds,
      learningSeconds: result.learningSeconds,
      evalMean,
      episodes: result.episodes,
      evaluations: result.evaluations,
    };
  } catch (error) {
    agent.dispose();
    throw error;
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

/** Saves an agent with whichever API `@tfkit/rl-agents` offers (`agent.save(dir)` or `saveAgent(agent, dir)`). */
export async function saveDqn(rl: RlAgents, agent: DqnAgent, directory: string): Promise<void> {
  const method = (agent as unknown as { save?: (directory: string) => Promise<unknown> }).save;
  if (typeof method === 'function') {
    await method.call(agent, directory);
    return;
  }
  if (typeof rl.saveAgent === 'function') {
    await rl.saveAgent(agent, directory);
    return;
  }
  throw new FeatureUnavailableError('@tfkit/rl-agents', 'saving a DQN agent (`agent.save` or `saveAgent`)');
}
