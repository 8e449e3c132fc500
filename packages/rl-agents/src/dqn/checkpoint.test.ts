import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { make } from '@tfkit/gym-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RlCheckpointError } from '../errors.js';
import { DqnAgent } from './agent.js';
import { loadDqnAgent, saveDqnAgent } from './checkpoint.js';
import type { DqnConfig } from './config.js';

let directory: string;
beforeAll(async () => {
  await ensureBackend({ prefer: ['cpu'], log: false });
  directory = await mkdtemp(path.join(tmpdir(), 'rl-agents-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const config: DqnConfig = {
  hiddenLayers: [16, 16],
  learningStarts: 200,
  trainFreq: 50,
  gradientSteps: 10,
  bufferSize: 5000,
  batchSize: 32,
  explorationSteps: 1000,
  seed: 7,
};

describe('saveDqnAgent / loadDqnAgent', () => {
  it('round-trips weights, optimizer, counters and buffer, and load-then-learn resumes exactly', async () => {
    const env = make('CartPole-v1');
    const original = new DqnAgent(env, config);
    await original.learn(env, { totalTimesteps: 600 });
    const file = path.join(directory, 'agent.dqn');
    const bytes = await saveDqnAgent(original, file, { includeBuffer: true });
    expect(bytes).toBeGreaterThan(600 * 4 * 4 * 2);
    const loaded = await loadDqnAgent(file);
    expect(loaded.counters.numTimesteps).toBe(600);
    expect(loaded.counters.numUpdates).toBe(original.counters.numUpdates);
    expect(loaded.epsilon).toBe(original.epsilon);
    expect(loaded.buffer.size).toBe(600);
    expect(Array.from(loaded.qValues([0.01, 0.02, 0.03, 0.04]))).toEqual(
      Array.from(original.qValues([0.01, 0.02, 0.03, 0.04])),
    );
    // Continue both from the same env seed: identical learning.
    await original.learn(make('CartPole-v1'), { totalTimesteps: 300, seed: 99 });
    await loaded.learn(make('CartPole-v1'), { totalTimesteps: 300, seed: 99 });
    expect(loaded.counters.numTimesteps).toBe(900);
    expect(Array.from(loaded.qValues([0.01, 0.02, 0.03, 0.04]))).toEqual(
      Array.from(original.qValues([0.01, 0.02, 0.03, 0.04])),
    );
  });

  it('saves and restores the tfjs engine (weights and Adam moments) without leaking', async () => {
    const env = make('CartPole-v1');
    const before = tf.memory().numTensors;
    const original = new DqnAgent(env, { ...config, engine: 'tfjs', gradientSteps: 2 });
    await original.learn(env, { totalTimesteps: 300 });
    const file = path.join(directory, 'tfjs.dqn');
    await saveDqnAgent(original, file);
    const loaded = await loadDqnAgent(file);
    expect(loaded.config.engine).toBe('tfjs');
    expect(loaded.buffer.size).toBe(0);
    const probe = [0.01, -0.02, 0.03, 0.2];
    const expected = Array.from(original.qValues(probe));
    Array.from(loaded.qValues(probe)).forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index] as number, 6);
    });
    original.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes atomically and rejects corrupt, truncated or foreign files with typed errors', async () => {
    const env = make('CartPole-v1');
    const agent = new DqnAgent(env, config);
    const file = path.join(directory, 'checked.dqn');
    await saveDqnAgent(agent, file);
    const bytes = new Uint8Array(await readFile(file));
    const corrupt = path.join(directory, 'corrupt.dqn');
    const flipped = bytes.slice();
    flipped[flipped.length - 3] = (flipped[flipped.length - 3] as number) ^ 0xff;
    await writeFile(corrupt, flipped);
    await expect(loadDqnAgent(corrupt)).rejects.toSatisfy(
      (error) => RlCheckpointError.isInstance(error) && /checksum/.test((error as Error).message),
    );
    const truncated = path.join(directory, 'truncated.dqn');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 10));
    await expect(loadDqnAgent(truncated)).rejects.toThrow(/truncated/);
    const foreign = path.join(directory, 'foreign.dqn');
    await writeFile(foreign, 'hello world, not a checkpoint');
    await expect(loadDqnAgent(foreign)).rejects.toThrow(RlCheckpointError);
    await expect(loadDqnAgent(path.join(directory, 'missing.dqn'))).rejects.toThrow(RlCheckpointError);
    // A parent that is a file cannot be made (a missing directory is created).
    await expect(saveDqnAgent(agent, path.join(foreign, 'x.dqn'))).rejects.toSatisfy(
      (error) => RlCheckpointError.isInstance(error) && /could not be written/.test((error as Error).message),
    );
  });
});
