// The optimizer's arithmetic is tested in @tfkit/backend (fused-optimizer.test.ts); this file
// checks what gan's subclass adds: a state that does not fit is a GanCheckpointError.
import * as tf from '@tensorflow/tfjs';
import { FusedOptimizer as BackendFusedOptimizer, ensureBackend } from '@tfkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { GanCheckpointError, GanError } from './errors.js';
import { FusedOptimizer } from './fused-optimizer.js';

beforeAll(async () => {
  await ensureBackend({ log: false });
});

describe('FusedOptimizer (gan)', () => {
  it('is the backend optimizer, and restores a state that fits', () => {
    const variable = tf.variable(tf.tensor1d([1, 2]));
    const gradient = tf.tensor1d([0.5, -0.5]);
    const optimizer = new FusedOptimizer({ kind: 'adam', learningRate: 0.1 }, [variable]);
    expect(optimizer).toBeInstanceOf(BackendFusedOptimizer);
    optimizer.apply([gradient]);
    const copy = new FusedOptimizer({ kind: 'adam', learningRate: 0.1 }, [variable]);
    copy.setState(optimizer.getState());
    expect(copy.getState()).toEqual(optimizer.getState());
    tf.dispose([variable, gradient]);
  });

  it('reports a state from another model as a GanCheckpointError', () => {
    const variable = tf.variable(tf.tensor1d([1, 2]));
    const optimizer = new FusedOptimizer({ kind: 'adam', learningRate: 0.1 }, [variable]);
    const error = (() => {
      try {
        optimizer.setState({ step: 1, slots: [] });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(GanCheckpointError.isInstance(error)).toBe(true);
    expect(GanError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/another model/);
    variable.dispose();
  });
});
