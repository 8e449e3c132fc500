import * as tf from '@tensorflow/tfjs';
import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from './ensure-backend.js';
import { FusedOptimizer, type OptimizerSpec } from './fused-optimizer.js';
import { expectNoTensorLeak } from './testing.js';

beforeAll(async () => {
  await ensureBackend({ prefer: ['wasm'], log: false, env: {} });
});

/** Runs a few steps of a least-squares problem with both optimizers and returns the final weights. */
function run(spec: OptimizerSpec, fused: boolean): Float32Array[] {
  const w = tf.tidy(() => tf.variable(tf.tensor2d([0.5, -0.25, 1, 2, -1, 0.75], [3, 2])));
  const b = tf.tidy(() => tf.variable(tf.tensor1d([0.1, -0.2])));
  const x = tf.tensor2d([1, 2, 3, -1, 0.5, 2, 0, 1, -2, 4, 1, 1], [4, 3]);
  const y = tf.tensor2d([1, 0, 0, 1, 1, 1, -1, 2], [4, 2]);
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar;
  const reference: tf.Optimizer =
    spec.kind === 'adam'
      ? tf.train.adam(spec.learningRate, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon ?? 1e-7)
      : tf.train.sgd(spec.learningRate);
  const ours = new FusedOptimizer(spec, [w, b]);
  for (let step = 0; step < 5; step++) {
    const { value, grads } = tf.variableGrads(loss, [w, b]);
    if (fused) ours.apply([grads[w.name]!, grads[b.name]!]);
    else reference.applyGradients(grads);
    tf.dispose([value, grads]);
  }
  const result = [w.dataSync().slice() as Float32Array, b.dataSync().slice() as Float32Array];
  reference.dispose();
  tf.dispose([w, b, x, y]);
  return result;
}

describe.each(['wasm', 'cpu'] as const)('FusedOptimizer on %s', (backendName) => {
  beforeAll(async () => {
    await tf.setBackend(backendName);
  });

  it.each<OptimizerSpec>([
    { kind: 'adam', learningRate: 0.01 },
    { kind: 'adam', learningRate: 2e-4, beta1: 0.5 },
    { kind: 'sgd', learningRate: 0.05 },
  ])('matches tf.train for %o', async (spec) => {
    await expectNoTensorLeak(() => {
      const expected = run(spec, false);
      const actual = run(spec, true);
      for (let index = 0; index < expected.length; index++) {
        const a = actual[index]!;
        const e = expected[index]!;
        for (let i = 0; i < e.length; i++)
          expect(Math.abs(a[i]! - e[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(e[i]!)));
      }
      expect(actual[0]).not.toEqual(new Float32Array([0.5, -0.25, 1, 2, -1, 0.75]));
    });
  });

  it('leaves tensors that shared the old buffer unchanged', () => {
    const initial = tf.tensor1d([1, 2, 3]);
    const variable = tf.variable(initial);
    const gradient = tf.tensor1d([1, 1, 1]);
    new FusedOptimizer({ kind: 'sgd', learningRate: 1 }, [variable]).apply([gradient]);
    expect(Array.from(variable.dataSync())).toEqual([0, 1, 2]);
    expect(Array.from(initial.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([initial, variable, gradient]);
  });

  it('round-trips its state and rejects a foreign one', () => {
    const variable = tf.variable(tf.tensor1d([1, 2]));
    const gradient = tf.tensor1d([0.5, -0.5]);
    const optimizer = new FusedOptimizer({ kind: 'adam', learningRate: 0.1 }, [variable]);
    optimizer.apply([gradient]);
    const state = optimizer.getState();
    expect(state.step).toBe(1);
    expect(state.slots).toHaveLength(2);
    const copy = new FusedOptimizer({ kind: 'adam', learningRate: 0.1 }, [variable]);
    copy.setState(state);
    expect(copy.getState()).toEqual(state);
    expect(() => copy.setState({ step: 1, slots: [] })).toThrow(/another model/);
    expect(copy.checkState({ step: 1, slots: [new Float32Array(2), new Float32Array(3)] })).toMatch(
      /slot 1 has 3 values/,
    );
    let caught: unknown;
    try {
      copy.setState({ step: 1, slots: [] });
    } catch (error) {
      caught = error;
    }
    expect(TfkitOptionError.isInstance(caught) && caught.option === 'state').toBe(true);
    expect(() => optimizer.apply([])).toThrow(/0 gradients for 1 variables/);
    tf.dispose([variable, gradient]);
  });
});
