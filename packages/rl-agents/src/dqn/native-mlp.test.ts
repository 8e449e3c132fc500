import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FlatAdam, NativeMlp } from './native-mlp.js';

beforeAll(async () => {
  await ensureBackend({ prefer: ['cpu'], log: false });
});

function toTfjs(network: NativeMlp): tf.Variable[] {
  return tf.tidy(() =>
    network
      .layerViews()
      .flatMap((layer, index) => [
        tf.variable(
          tf.tensor2d(layer.weights.slice(), [network.sizes[index] as number, network.sizes[index + 1] as number]),
        ),
        tf.variable(tf.tensor1d(layer.biases.slice())),
      ]),
  );
}

function tfForward(variables: tf.Variable[], input: tf.Tensor2D): tf.Tensor2D {
  let output: tf.Tensor2D = input;
  for (let layer = 0; layer < variables.length / 2; layer++) {
    output = tf.add(
      tf.matMul(output, variables[2 * layer] as tf.Variable),
      variables[2 * layer + 1] as tf.Variable,
    ) as tf.Tensor2D;
    if (layer < variables.length / 2 - 1) output = tf.relu(output);
  }
  return output;
}

describe('NativeMlp', () => {
  it('matches a tfjs forward pass and tfjs gradients (odd batch, several layers)', async () => {
    const network = new NativeMlp([3, 7, 5, 2], 42);
    const rows = 6;
    const input = Float32Array.from({ length: rows * 3 }, (_, index) => Math.sin(index * 1.3) * 2);
    const upstream = Float32Array.from({ length: rows * 2 }, (_, index) => Math.cos(index) * 0.5);
    const output = network.forward(input, rows).slice();
    network.backward(upstream);
    await expectNoTensorLeak(() => {
      const variables = toTfjs(network);
      const x = tf.tensor2d(input, [rows, 3]);
      const expected = tf.tidy(() => tfForward(variables, x));
      const actual = expected.dataSync();
      for (let index = 0; index < output.length; index++) expect(output[index]).toBeCloseTo(actual[index] as number, 5);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(tfForward(variables, x), tf.tensor2d(upstream, [rows, 2]))) as tf.Scalar,
        variables,
      );
      const flat = variables.flatMap((variable) => Array.from(grads[variable.name]?.dataSync() ?? []));
      expect(flat).toHaveLength(network.gradients.length);
      for (let index = 0; index < flat.length; index++)
        expect(network.gradients[index]).toBeCloseTo(flat[index] as number, 4);
      tf.dispose([...variables, x, expected, value, ...Object.values(grads)]);
    });
  });

  it('FlatAdam takes the same steps as tf.train.adam', async () => {
    const parameters = Float32Array.from([0.5, -1, 2]);
    const gradients = Float32Array.from([0.1, -0.3, 0.7]);
    const adam = new FlatAdam(3, 0.01, 0.9, 0.999, 1e-7);
    await expectNoTensorLeak(() => {
      const variable = tf.tidy(() => tf.variable(tf.tensor1d(parameters.slice())));
      const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
      for (let step = 0; step < 3; step++) {
        adam.apply(parameters, gradients);
        const gradient = tf.tensor1d(gradients);
        optimizer.applyGradients([{ name: variable.name, tensor: gradient }]);
        gradient.dispose();
      }
      const expected = variable.dataSync();
      for (let index = 0; index < 3; index++) expect(parameters[index]).toBeCloseTo(expected[index] as number, 5);
      variable.dispose();
      optimizer.dispose();
    });
  });

  it('is seeded: same seed same weights, other seed other weights', () => {
    expect(Array.from(new NativeMlp([4, 8, 2], 1).parameters)).toEqual(
      Array.from(new NativeMlp([4, 8, 2], 1).parameters),
    );
    expect(Array.from(new NativeMlp([4, 8, 2], 1).parameters)).not.toEqual(
      Array.from(new NativeMlp([4, 8, 2], 2).parameters),
    );
  });
});
