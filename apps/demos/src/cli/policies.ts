import type { GymEnv } from './gym.js';
import type { Progress } from './progress.js';
import { type ExperimentResult, type Policy, type RlAgents, requireFunction } from './rl.js';

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
  /** Extra lines (training notes). */
  note?: (line: string) => void;
}

/** Trains (where needed) and evaluates one of the book's policies over `episodes` episodes. */
export async function runPolicy(
  rl: RlAgents,
  env: GymEnv,
  name: PolicyName,
  options: RunPolicyOptions,
): Promise<ExperimentResult> {
  const policy = await buildPolicy(rl, env, name, options);
  const progress = options.progress?.(`${name}: episodes`, options.episodes);
  const result = rl.runExperiment(env, policy, {
    episodes: options.episodes,
    seed: options.seed,
    onEpisode: (episode) => progress?.update(episode + 1),
  });
  progress?.finish();
  return result;
}

async function buildPolicy(rl: RlAgents, env: GymEnv, name: PolicyName, options: RunPolicyOptions): Promise<Policy> {
  switch (name) {
    case 'random':
      return rl.randomPolicy({ seed: options.seed });
    case 'logic':
      return rl.angleLogicPolicy();
    case 'random-search': {
      const search = requireFunction<NonNullable<RlAgents['randomSearch']>>(rl, 'randomSearch');
      const found = search(env, { seed: options.seed });
      options.note?.(`random search: best theta scored ${found.score} after ${found.tried} candidates`);
      return found.policy;
    }
    case 'naive-nn':
    case 'qtable':
    case 'book-dqn': {
      type Trainer = (env: GymEnv, options: { seed: number }) => Promise<Policy> | Policy;
      const exportName = {
        'naive-nn': 'trainNaiveNnPolicy',
        qtable: 'trainQTablePolicy',
        'book-dqn': 'trainBookDqnPolicy',
      }[name];
      const train = requireFunction<Trainer>(rl, exportName);
      return await train(env, { seed: options.seed });
    }
  }
}
