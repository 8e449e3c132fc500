import { writeFile } from 'node:fs/promises';
import { runTabular } from '../adapters/rl-agents-tabular.js';
import { defineTrial } from '../trial.js';

/**
 * The `tabular` trial kind: planning (value or policy iteration on the env's model) or tabular
 * control (Q-learning, SARSA) from `@tfkit/rl-agents` on a `@tfkit/gym-lite` toy-text env
 * (FrozenLake-v1, FrozenLake8x8-v1, CliffWalking-v1, Taxi-v4), then the greedy policy over seeded
 * evaluation episodes.
 *
 * Metrics: `meanReturn`, `successRate`, `meanLength` of the greedy policy, `iterations`
 * (planning), `steps` (learning). Curves: `delta` per planning sweep, `episodeReturn` against
 * environment steps when learning. Artifact `policy` (JSON: an action per state).
 */
export const tabularTrial = defineTrial({
  name: 'tabular',
  description: 'value/policy iteration or Q-learning/SARSA on a gym-lite toy-text env',
  defaultMetric: { name: 'meanReturn', goal: 'max' },
  parameters: {
    envId: { type: 'string', default: 'FrozenLake-v1', description: 'a toy-text env id' },
    method: {
      type: 'string',
      choices: ['value-iteration', 'policy-iteration', 'q-learning', 'sarsa'],
      default: 'value-iteration',
    },
    gamma: { type: 'number', default: 0.99, min: 0, max: 1 },
    theta: {
      type: 'number',
      default: 1e-10,
      min: 0,
      description: 'planning: stop when a sweep changes no value by more',
    },
    episodes: { type: 'integer', default: 5000, min: 1, description: 'learning: training episodes' },
    learningRate: { type: 'number', default: 0.1, min: 0, max: 1 },
    epsilon: { type: 'number', default: 0.1, min: 0, max: 1 },
    evalEpisodes: { type: 'integer', default: 1000, min: 1 },
  },
  async run(parameters, context) {
    const result = await runTabular({
      ...parameters,
      method: parameters.method,
      seed: context.seed,
      signal: context.signal,
    });
    const policyFile = await context.artifactPath('policy.json');
    await writeFile(policyFile, `${JSON.stringify(result.policy)}\n`);
    return {
      metrics: {
        meanReturn: result.meanReturn,
        successRate: result.successRate,
        meanLength: result.meanLength,
        iterations: result.iterations,
        steps: result.steps,
      },
      curves: {
        ...(result.deltas.length > 0
          ? { delta: result.deltas.map((delta, index) => [index + 1, delta] as const) }
          : {}),
        ...(result.returns.length > 0 ? { episodeReturn: result.returns } : {}),
      },
      artifacts: { policy: policyFile },
    };
  },
});
