import { createRng, TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { linearSchedule, ReplayBuffer } from './replay-buffer.js';

describe('ReplayBuffer', () => {
  it('stores transitions in typed arrays and wraps around when full', () => {
    const buffer = new ReplayBuffer(3, 2);
    for (let index = 0; index < 5; index++)
      buffer.add([index, -index], index % 2, index * 10, [index + 1, 0], index === 4);
    expect(buffer.size).toBe(3);
    expect(buffer.position).toBe(2);
    // Slots 0 and 1 were overwritten by transitions 3 and 4.
    expect(Array.from(buffer.actions)).toEqual([1, 0, 0]);
    expect(Array.from(buffer.rewards)).toEqual([30, 40, 20]);
    expect(Array.from(buffer.terminated)).toEqual([0, 1, 0]);
    expect(Array.from(buffer.observations)).toEqual([3, -3, 4, -4, 2, -2]);
    const all = buffer.all();
    expect(Array.from(all.rewards)).toEqual([20, 30, 40]);
  });

  it('samples rows consistently (each sampled row is one stored transition)', () => {
    const buffer = new ReplayBuffer(100, 4);
    for (let index = 0; index < 50; index++)
      buffer.add([index, index, index, index], index % 2, index, [index + 1, 0, 0, 0], false);
    const batch = buffer.createBatch(32);
    buffer.sample(32, createRng(1), batch);
    expect(batch.size).toBe(32);
    const seen = new Set<number>();
    for (let row = 0; row < 32; row++) {
      const value = batch.observations[row * 4] as number;
      expect(batch.rewards[row]).toBe(value);
      expect(batch.actions[row]).toBe(value % 2);
      expect(batch.nextObservations[row * 4]).toBe(value + 1);
      seen.add(value);
    }
    expect(seen.size).toBeGreaterThan(15);
  });

  it('keeps a truncated transition bootstrappable: only terminated is stored as done', () => {
    const buffer = new ReplayBuffer(4, 1);
    buffer.add([0], 0, 1, [1], false); // truncated by a time limit: terminated = false
    buffer.add([1], 0, 1, [2], true);
    expect(Array.from(buffer.terminated.subarray(0, 2))).toEqual([0, 1]);
  });

  it('rejects a negative or zero size and sampling from empty with typed errors', () => {
    expect(() => new ReplayBuffer(-5, 4)).toThrow(TfkitOptionError);
    expect(() => new ReplayBuffer(0, 4)).toThrow(/bufferSize/);
    expect(() => new ReplayBuffer(10, 0)).toThrow(TfkitOptionError);
    const empty = new ReplayBuffer(10, 1);
    expect(() => empty.sample(2, createRng(0), empty.createBatch(2))).toThrow(/empty/);
  });
});

describe('linearSchedule', () => {
  it('goes linearly from start to end and stays there', () => {
    const epsilon = linearSchedule(1, 0.05, 1000);
    expect(epsilon(0)).toBe(1);
    expect(epsilon(500)).toBeCloseTo(0.525, 10);
    expect(epsilon(1000)).toBe(0.05);
    expect(epsilon(10_000)).toBe(0.05);
    expect(linearSchedule(1, 0.1, 0)(0)).toBe(0.1);
  });
});
