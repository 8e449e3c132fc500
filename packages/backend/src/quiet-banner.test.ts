import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureBackend, resetBackendChoice } from './index.js';

afterEach(() => {
  resetBackendChoice();
  vi.restoreAllMocks();
});

// Own file: the cpu backend must be fresh in this process for the banner to be due.
describe('tfjs "running in Node.js" banner', () => {
  it('is not printed when ensureBackend picks cpu', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await ensureBackend({ prefer: ['cpu'], log: false, env: {} });
    tf.tidy(() => tf.ones([2]).add(1).dataSync());
    const printed = warn.mock.calls.flat().some((argument) => String(argument).includes('TensorFlow.js in Node.js'));
    expect(printed).toBe(false);
    expect(tf.getBackend()).toBe('cpu');
  });
});
