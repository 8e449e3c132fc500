#!/usr/bin/env node
// pnpm bench: DQN on CartPole-v1 until a greedy 20-episode evaluation averages >= 475, per seed,
// then a comparison of the Q-network engines (native TypeScript vs tfjs cpu vs tfjs wasm) on the
// default network. Runs over the built dist. Options: --seeds 1,2,3,4,5  --total-timesteps 100000
// --skip-engines  --skip-solve
import * as tf from '@tensorflow/tfjs';
import { ensureBackend, resetBackendChoice } from '@tfkit/backend';
import { createRng } from '@tfkit/core';
import { make } from '@tfkit/gym-lite';
import { dqnDefaults, NativeQNetwork, ReplayBuffer, TfjsQNetwork, trainDqnUntilSolved } from '../dist/index.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : fallback;
};
const seeds = option('seeds', '1,2,3,4,5').split(',').map(Number);
const totalTimesteps = Number(option('total-timesteps', option('budget', '100000')));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const pad = (value, width) => String(value).padStart(width);

console.log(`@tfkit/rl-agents bench — node ${process.version}, ${(await import('node:os')).cpus().length} cpus`);

if (!argv.includes('--skip-solve')) {
  const config = { ...dqnDefaults };
  console.log(
    `\nDQN on CartPole-v1 until a greedy 20-episode eval mean >= 475 (eval every 1000 steps on a separate env, budget ${totalTimesteps} steps)`,
  );
  console.log(
    `config: engine ${config.engine}, hidden ${JSON.stringify(config.hiddenLayers)}, lr ${config.learningRate}, batch ${config.batchSize}, trainFreq ${config.trainFreq}, gradientSteps ${config.gradientSteps}, targetUpdateInterval ${config.targetUpdateInterval}, double ${config.doubleDqn}, exploration ${config.explorationSteps} steps to eps ${config.explorationFinalEps}, learningStarts ${config.learningStarts}`,
  );
  console.log(' seed | solved | env steps | wall s | cpu s | acting steps/s | updates/s | updates');
  const rows = [];
  for (const seed of seeds) {
    const result = await trainDqnUntilSolved(make('CartPole-v1'), {
      seed,
      totalTimesteps,
      evalEnv: make('CartPole-v1'),
    });
    rows.push(result);
    console.log(
      `${pad(seed, 5)} | ${pad(result.solved ? 'yes' : 'no', 6)} | ${pad(result.envSteps, 9)} | ${pad(result.wallSeconds.toFixed(1), 6)} | ${pad((result.cpuSeconds ?? Number.NaN).toFixed(1), 5)} | ${pad(Math.round(result.actingStepsPerSecond), 14)} | ${pad(Math.round(result.updatesPerSecond), 9)} | ${pad(result.updates, 7)}`,
    );
  }
  const solved = rows.filter((row) => row.solved).length;
  console.log(
    `  med | ${pad(`${solved}/${rows.length}`, 6)} | ${pad(median(rows.map((row) => row.envSteps)), 9)} | ${pad(median(rows.map((row) => row.wallSeconds)).toFixed(1), 6)} | ${pad(median(rows.map((row) => row.cpuSeconds ?? Number.NaN)).toFixed(1), 5)} | ${pad(Math.round(median(rows.map((row) => row.actingStepsPerSecond))), 14)} | ${pad(Math.round(median(rows.map((row) => row.updatesPerSecond))), 9)} |`,
  );
  console.log('(wall s depends on how busy the machine is; cpu s is this process only)');
}

if (!argv.includes('--skip-engines')) {
  const hiddenLayers = dqnDefaults.hiddenLayers;
  console.log(
    `\nQ-network engines on the default net [4, ${hiddenLayers.join(', ')}, 2], batch ${dqnDefaults.batchSize}:`,
  );
  const buffer = new ReplayBuffer(10_000, 4);
  const random = createRng(1);
  for (let index = 0; index < 10_000; index++) {
    const observation = [random.normal(), random.normal(), random.normal(), random.normal()];
    buffer.add(
      observation,
      random.integers(2),
      1,
      observation.map((value) => value + 0.01),
      index % 30 === 0,
    );
  }
  const batch = buffer.createBatch(dqnDefaults.batchSize);
  const settings = { gamma: 0.99, doubleDqn: true, maxGradNorm: 10, loss: 'huber' };
  const options = { inputSize: 4, numActions: 2, hiddenLayers, learningRate: 1e-3, seed: 1 };
  const measure = (network, label) => {
    const observation = new Float32Array([0.01, 0.02, 0.03, 0.04]);
    for (let index = 0; index < 50; index++) network.predict(observation, 1);
    for (let index = 0; index < 10; index++)
      network.train(buffer.sample(dqnDefaults.batchSize, random, batch), settings);
    let start = performance.now();
    let count = 0;
    while (performance.now() - start < 1500) {
      network.predict(observation, 1);
      count++;
    }
    const acting = count / ((performance.now() - start) / 1000);
    start = performance.now();
    count = 0;
    while (performance.now() - start < 3000) {
      network.train(buffer.sample(dqnDefaults.batchSize, random, batch), settings);
      count++;
    }
    const updates = count / ((performance.now() - start) / 1000);
    return { label, acting, updates };
  };
  const results = [measure(new NativeQNetwork(options), 'native (TypeScript)')];
  for (const backend of ['cpu', 'wasm']) {
    resetBackendChoice();
    await ensureBackend({ prefer: [backend], log: false });
    const network = new TfjsQNetwork(options);
    results.push(measure(network, `tfjs ${tf.getBackend()}`));
    network.dispose();
  }
  const base = results[0];
  console.log(' engine               | greedy actions/s | x native | updates/s | x native');
  for (const row of results) {
    console.log(
      ` ${row.label.padEnd(20)} | ${pad(Math.round(row.acting), 16)} | ${pad((row.acting / base.acting).toFixed(3), 8)} | ${pad(Math.round(row.updates), 9)} | ${pad((row.updates / base.updates).toFixed(3), 8)}`,
    );
  }
}
