import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { createRng } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeQNetwork, TfjsQNetwork } from './network.js';
import { ReplayBuffer } from './replay-buffer.js';

beforeAll(async () => {
  await ensureBackend({ prefer: ['cpu'], log: false });
});

const options = { inputSize: 4, numActions: 2, hiddenLayers: [16, 16], learningRate: 0.01, seed: 3 };

function filledBuffer(): ReplayBuffer {
  const buffer = new ReplayBuffer(64, 4);
  const random = createRng(9);
  for (let index = 0; index < 64; index++) {
    const observation = [random.normal(), random.normal(), random.normal(), random.normal()];
    const next = observation.map((value) => value + 0.1 * random.normal());
    buffer.add(observation, random.integers(2), 1, next, index % 7 === 0);
  }
  return buffer;
}

describe('Q-network engines', () => {
  it('the native and tfjs engines take the same Double-DQN Huber step from the same weights', async () => {
    const native = new NativeQNetwork(options);
    const buffer = filledBuffer();
    const batch = buffer.all();
    const settings = { gamma: 0.99, doubleDqn: true, maxGradNorm: 0.5, loss: 'huber' as const };
    await expectNoTensorLeak(async () => {
      const engine = new TfjsQNetwork(options);
      const weights = native.online
        .layerViews()
        .flatMap((layer, index) => [
          tf.tensor2d(layer.weights.slice(), [[4, 16, 16][index] as number, [16, 16, 2][index] as number]),
          tf.tensor1d(layer.biases.slice()),
        ]);
      engine.online.setWeights(weights);
      engine.updateTarget(1);
      tf.dispose(weights);
      // Make the targets differ from the online nets so that Double DQN matters.
      native.online.parameters[0] = (native.online.parameters[0] as number) + 0.3;
      const shifted = engine.online.getWeights()[0] as tf.Tensor;
      const bumped = tf.tidy(() =>
        tf.add(
          shifted,
          tf
            .oneHot(tf.tensor1d([0], 'int32'), 16 * 4)
            .reshape([4, 16])
            .mul(0.3),
        ),
      );
      engine.online.setWeights([bumped, ...engine.online.getWeights().slice(1)]);
      bumped.dispose();
      const predictedNative = native.predict(batch.observations, 8).slice();
      const predictedTfjs = engine.predict(batch.observations, 8);
      for (let index = 0; index < 16; index++)
        expect(predictedNative[index]).toBeCloseTo(predictedTfjs[index] as number, 4);
      const lossNative = native.train(batch, settings, true);
      const lossTfjs = engine.train(batch, settings, true);
      expect(lossNative).toBeCloseTo(lossTfjs, 5);
      const after = engine.online.getWeights().flatMap((tensor) => Array.from(tensor.dataSync()));
      for (let index = 0; index < after.length; index++) {
        expect(native.online.parameters[index]).toBeCloseTo(after[index] as number, 4);
      }
      engine.dispose();
    });
  });

  it('only terminated transitions drop the bootstrap (a truncated one keeps it)', () => {
    const network = new NativeQNetwork({ ...options, learningRate: 1e-9 });
    const buffer = new ReplayBuffer(2, 4);
    buffer.add([0.1, 0.2, 0.3, 0.4], 0, 1, [0.5, 0.6, 0.7, 0.8], false);
    const batch = buffer.all();
    const settings = { gamma: 0.9, doubleDqn: false, maxGradNorm: Number.POSITIVE_INFINITY, loss: 'mse' as const };
    const q = network.predict([0.1, 0.2, 0.3, 0.4], 1)[0] as number;
    const next = network.target.forward([0.5, 0.6, 0.7, 0.8], 1);
    const bootstrap = Math.max(next[0] as number, next[1] as number);
    expect(network.train(batch, settings, true)).toBeCloseTo((q - (1 + 0.9 * bootstrap)) ** 2, 5);
    batch.terminated[0] = 1;
    expect(network.train(batch, settings, true)).toBeCloseTo((q - 1) ** 2, 5);
  });

  it('Polyak updates move the target by tau, hard updates copy', () => {
    const network = new NativeQNetwork(options);
    network.online.parameters.fill(1);
    network.target.parameters.fill(0);
    network.updateTarget(0.25);
    expect(network.target.parameters[5]).toBeCloseTo(0.25, 6);
    network.updateTarget(1);
    expect(network.target.parameters[5]).toBe(1);
  });
});
