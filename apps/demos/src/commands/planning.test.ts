import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { recordingOutput } from '../cli/test-output.js';
import { commands } from './index.js';

async function cli(...argv: string[]) {
  const output = recordingOutput();
  const code = await runCli(argv, output, commands);
  return { code, out: output.out, err: output.err };
}

describe('tfkit plan', () => {
  it('prints the V grid, the policy as arrows, the iterations and the success rate', async () => {
    const result = await cli('plan', '--env', 'FrozenLake-v1', '--episodes', '2000');
    expect(result.code).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines[0]).toBe('value iteration on FrozenLake-v1, gamma 0.99, theta 1e-10');
    expect(lines[1]).toMatch(/^V \(the lake/);
    expect(lines[2]).toMatch(/^ {2}0\.542 0\.499 0\.471 0\.457$/);
    expect(lines.slice(6, 11)).toEqual(['greedy policy:', '  ← ↑ ↑ ↑', '  ← H ← H', '  ↑ ↓ ← H', '  H → ↓ G']);
    expect(lines[11]).toMatch(/^iterations: \d+ sweeps, converged: true/);
    const success = Number(/success rate over 2000 seeded episodes: ([\d.]+)/.exec(result.out)?.[1]);
    expect(success).toBeGreaterThan(0.7);
  });

  it('policy iteration gives the same policy as value iteration (JSON)', async () => {
    const value = JSON.parse((await cli('plan', '--env', 'FrozenLake8x8-v1', '--episodes', '200', '--json')).out);
    const policy = JSON.parse(
      (await cli('plan', '--env', 'FrozenLake8x8-v1', '--method', 'policy', '--episodes', '200', '--json')).out,
    );
    expect(policy.policy).toEqual(value.policy);
    expect(policy.method).toBe('policy');
    expect(policy.iterations).toBeLessThan(value.iterations);
    expect(value.converged && policy.converged).toBe(true);
  });

  it('rejects a gamma outside [0, 1] (exit 2) and an env without a model', async () => {
    expect((await cli('plan', '--gamma', '1.5')).code).toBe(2);
    const cartPole = await cli('plan', '--env', 'CartPole-v1');
    expect(cartPole.code).not.toBe(0);
    expect(cartPole.err).toMatch(/Discrete observation space/);
  });
});

describe('tfkit tabular', () => {
  it('learns Taxi-v4 with Q-learning and prints the curve next to the planned optimum (JSON)', async () => {
    const result = await cli(
      'tabular',
      '--env',
      'Taxi-v4',
      '--algo',
      'q',
      '--episodes',
      '3000',
      '--eval-episodes',
      '500',
      '--json',
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out);
    expect(summary.algorithm).toBe('q-learning');
    expect(summary.curve).toHaveLength(10);
    expect(summary.curve.at(-1)).toBeGreaterThan(summary.curve[0] + 100);
    expect(summary.meanReturn).toBeGreaterThan(7);
    expect(summary.optimumMeanReturn).toBeGreaterThan(7.5);
  });

  it('runs SARSA and prints the human summary', async () => {
    const result = await cli(
      'tabular',
      '--env',
      'FrozenLake-v1',
      '--algo',
      'sarsa',
      '--episodes',
      '500',
      '--eval-episodes',
      '200',
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^sarsa on FrozenLake-v1: 500 episodes in/);
    expect(result.out).toMatch(/value-iteration optimum, same episodes: mean return/);
  });
});
