/**
 * The one place that knows `@tfkit/rl-agents`' planning and tabular API (value/policy iteration,
 * `TabularAgent`, `evaluateTabularPolicy`) and gym-lite's toy-text envs for the `tabular` trial.
 *
 * @internal
 */

/** What the tabular trial asks for. */
export interface TabularRunOptions {
  envId: string;
  method: 'value-iteration' | 'policy-iteration' | 'q-learning' | 'sarsa';
  gamma: number;
  theta: number;
  episodes: number;
  learningRate: number;
  epsilon: number;
  evalEpisodes: number;
  seed: number;
  signal: AbortSignal;
}

/** What the tabular trial reads back. */
export interface TabularRunResult {
  meanReturn: number;
  successRate: number;
  meanLength: number;
  /** Planning sweeps or improvement rounds (0 for learning). */
  iterations: number;
  /** Environment steps of learning (0 for planning). */
  steps: number;
  /** Planning: max value change per sweep. */
  deltas: number[];
  /** Learning: `[timesteps, return]` per episode. */
  returns: Array<[number, number]>;
  /** The greedy policy, an action per state. */
  policy: number[];
}

/** Plans or learns on a toy-text env and evaluates the greedy policy over seeded episodes. */
export async function runTabular(options: TabularRunOptions): Promise<TabularRunResult> {
  const [gym, rl] = await Promise.all([import('@tfkit/gym-lite'), import('@tfkit/rl-agents')]);
  const env = gym.make(options.envId) as never;
  const evalEnv = gym.make(options.envId) as never;
  try {
    let policy: ArrayLike<number>;
    let iterations = 0;
    let steps = 0;
    let deltas: number[] = [];
    const returns: Array<[number, number]> = [];
    if (options.method === 'value-iteration' || options.method === 'policy-iteration') {
      const plan = options.method === 'value-iteration' ? rl.valueIteration : rl.policyIteration;
      const result = plan(env, { gamma: options.gamma, theta: options.theta });
      policy = result.policy;
      iterations = result.iterations;
      deltas = result.deltas;
    } else {
      const agent = new rl.TabularAgent(env, {
        algorithm: options.method,
        gamma: options.gamma,
        learningRate: options.learningRate,
        epsilon: options.epsilon,
        seed: options.seed,
      });
      const result = await agent.learn(env, {
        episodes: options.episodes,
        seed: options.seed,
        signal: options.signal,
        onEpisodeEnd: (_episode, logs) => {
          returns.push([logs.numTimesteps, logs.episodeReturn]);
        },
      });
      steps = result.steps;
      policy = agent.policy();
    }
    const evaluation = rl.evaluateTabularPolicy(evalEnv, policy, {
      episodes: options.evalEpisodes,
      seed: options.seed + 1,
    });
    return {
      meanReturn: evaluation.meanReturn,
      successRate: evaluation.successRate,
      meanLength: evaluation.meanLength,
      iterations,
      steps,
      deltas,
      returns,
      policy: Array.from(policy),
    };
  } finally {
    (env as { close(): void }).close();
    (evalEnv as { close(): void }).close();
  }
}
