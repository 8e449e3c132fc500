import type { ExperimentResult } from '@tfkit/rl-agents';
import { CliUsageError } from './errors.js';
import type { GymEnv } from './gym.js';
import type { Progress } from './progress.js';
import type { RlAgents } from './rl.js';

/** The book's experiments, in the order of its chapter. */
export const policyNames = ['random', 'logic', 'random-search', 'naive-nn', 'qtable', 'book-dqn'] as const;

/** One of {@link policyNames}. */
export type PolicyName = (typeof policyNames)[number];

/** Options of {@link runPolicy}. */
export interface RunPolicyOptions {
  episodes: number;
  seed: number;
  /** Progress of the evaluation episodes (and of training, where a policy trains first). */
  progress?: (label: string, total: number) => Progress;
  /** Budget of the naive NN's fit (the package defaults are the book's: 50 epochs, batch 32). */
  naiveNn?: { epochs?: number; batchSize?: number; episodes?: number };
  /** Extra lines (training notes). */
  note?: (line: string) => void;
}

/** Episodes of the book's experiment for a policy when none are given (the Q-table learns for 1000). */
export function defaultEpisodes(name: PolicyName): number {
  return name === 'qtable' ? 1000 : 100;
}

/**
 * Runs one of the book's experiments for `episodes` episodes and returns its rewards. As in the
 * book, `qtable` and `book-dqn` report the rewards of their learning episodes; the other policies
 * are trained first where needed (`random-search`, `naive-nn`) and then played.
 */
export async function runPolicy(
  rl: RlAgents,
  env: GymEnv,
  name: PolicyName,
  options: RunPolicyOptions,
): Promise<ExperimentResult> {
  const progress = options.progress?.(`${name}: episodes`, options.episodes);
  const onEpisode = (episode: number) => progress?.update(episode + 1);
  try {
    switch (name) {
      case 'qtable': {
        const agent = new rl.QTableAgent(env, { ...rl.bookQTableConfig, seed: options.seed });
        return agent.learn(env, { episodes: options.episodes, onEpisode });
      }
      case 'book-dqn': {
        return rl.runBookDqn(env, { episodes: options.episodes, seed: options.seed, onEpisode });
      }
      case 'naive-nn': {
        options.note?.('naive NN: collecting episodes of random linear policies and fitting Dense(8) -> Dense(2)');
        const epochs = options.naiveNn?.epochs ?? 50;
        const fitProgress = options.progress?.('naive-nn: fit', epochs);
        const policy = await rl.trainNaiveNnPolicy(env, {
          seed: options.seed,
          ...options.naiveNn,
          onEpoch: (epoch: number, loss: number) => fitProgress?.update(epoch + 1, `loss ${loss.toFixed(4)}`),
        });
        fitProgress?.finish();
        try {
          return rl.runExperiment(env, policy, { episodes: options.episodes, seed: options.seed, onEpisode });
        } finally {
          policy.dispose();
        }
      }
      case 'random-search': {
        const found = rl.randomSearch(env, { seed: options.seed });
        options.note?.(`random search: best theta scored ${found.score} after ${found.tried} candidates`);
        return rl.runExperiment(env, found.policy, { episodes: options.episodes, seed: options.seed, onEpisode });
      }
      case 'random':
        return rl.runExperiment(env, rl.randomPolicy({ seed: options.seed }), {
          episodes: options.episodes,
          seed: options.seed,
          onEpisode,
        });
      case 'logic':
        return rl.runExperiment(env, rl.angleLogicPolicy(), {
          episodes: options.episodes,
          seed: options.seed,
          onEpisode,
        });
      default:
        throw new CliUsageError({ message: `unknown policy "${String(name)}"; use one of ${policyNames.join(', ')}.` });
    }
  } finally {
    progress?.finish();
  }
}
