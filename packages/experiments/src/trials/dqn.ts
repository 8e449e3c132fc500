import { runDqn } from '../adapters/rl-agents.js';
import { defineTrial } from '../trial.js';

/**
 * The `dqn` trial kind: tfkit's DQN (`@tfkit/rl-agents`) on any `@tfkit/gym-lite` env with a flat
 * observation and discrete actions, trained until a greedy evaluation reaches `threshold` (the
 * env's reward threshold by default) or `totalTimesteps` run out.
 *
 * Metrics: `solved` (0/1), `envSteps` (steps to the first solving evaluation, or the budget),
 * `totalSteps` (steps trained), `evalMean` (last greedy
 * evaluation), `updates`, `lastReturns` (mean of the last 10 training episodes). Curves:
 * `episodeReturn` and `evalMean` against environment steps. Artifact `agent` when `saveAgent`.
 */
export const dqnTrial = defineTrial({
  name: 'dqn',
  description: 'DQN on a gym-lite env until a greedy evaluation reaches the reward threshold',
  defaultMetric: { name: 'evalMean', goal: 'max' },
  parameters: {
    envId: { type: 'string', default: 'CartPole-v1', description: 'gym-lite env id' },
    totalTimesteps: { type: 'integer', default: 50_000, min: 1, description: 'environment-step budget' },
    evalFreq: { type: 'integer', default: 2_500, min: 1, description: 'greedy evaluation every this many steps' },
    evalEpisodes: { type: 'integer', default: 10, min: 1, description: 'episodes per evaluation' },
    threshold: {
      type: 'number',
      default: -1,
      description: 'evaluation mean that counts as solved; -1 for the env reward threshold',
    },
    stopWhenSolved: { type: 'boolean', default: true, description: 'stop at the first solving evaluation' },
    hiddenLayers: { type: 'integer[]', default: [256], min: 1, description: 'hidden layer widths' },
    learningRate: { type: 'number', default: 2.3e-3, min: 0, description: 'Adam step size' },
    batchSize: { type: 'integer', default: 64, min: 1 },
    bufferSize: { type: 'integer', default: 100_000, min: 1 },
    learningStarts: { type: 'integer', default: 500, min: 0 },
    gamma: { type: 'number', default: 0.99, min: 0, max: 1 },
    trainFreq: { type: 'integer', default: 128, min: 1 },
    gradientSteps: { type: 'integer', default: 32, min: 1 },
    targetUpdateInterval: { type: 'integer', default: 10, min: 1 },
    explorationFinalEps: { type: 'number', default: 0.04, min: 0, max: 1 },
    explorationSteps: { type: 'integer', default: 5000, min: 1 },
    saveAgent: { type: 'boolean', default: false, description: 'save the trained agent as artifact `agent`' },
  },
  async run(parameters, context) {
    const { envId, totalTimesteps, evalFreq, evalEpisodes, threshold, stopWhenSolved, saveAgent, ...config } =
      parameters;
    const savePath = saveAgent ? await context.artifactPath('agent.dqn') : undefined;
    const result = await runDqn({
      envId,
      seed: context.seed,
      totalTimesteps,
      evalFreq,
      evalEpisodes,
      threshold: stopWhenSolved ? (threshold < 0 ? undefined : threshold) : Number.POSITIVE_INFINITY,
      config,
      signal: context.signal,
      ...(savePath ? { savePath } : {}),
    });
    const last = result.episodes.slice(-10);
    // With stopWhenSolved off, training ran the whole budget: solved (and when) is read off the curve.
    const target = threshold < 0 ? result.envThreshold : threshold;
    const solvedAt = result.solved
      ? result.envSteps
      : result.evaluations.find((point) => point.value >= target)?.numTimesteps;
    return {
      metrics: {
        solved: solvedAt === undefined ? 0 : 1,
        envSteps: solvedAt ?? result.envSteps,
        totalSteps: result.totalSteps,
        evalMean: result.evalMean,
        updates: result.updates,
        lastReturns: last.length > 0 ? last.reduce((sum, point) => sum + point.value, 0) / last.length : Number.NaN,
      },
      curves: {
        episodeReturn: result.episodes.map((point) => [point.numTimesteps, point.value] as const),
        evalMean: result.evaluations.map((point) => [point.numTimesteps, point.value] as const),
      },
      artifacts: savePath ? { agent: savePath } : ({} as Record<string, string>),
    };
  },
});
