import type { Rng } from '@tfkit/core';
import { TfkitOptionError } from '@tfkit/core';
import { packageName } from '../errors.js';

/** A batch of transitions sampled from a {@link ReplayBuffer}; reused between samples. */
export interface TransitionBatch {
  /** Rows actually filled. */
  size: number;
  /** `size x observationSize` observations. */
  observations: Float32Array;
  /** Actions taken. */
  actions: Int32Array;
  /** Rewards received. */
  rewards: Float32Array;
  /** `size x observationSize` next observations. */
  nextObservations: Float32Array;
  /** 1 where the next state is terminal (no bootstrap), else 0. Time-limit cuts are 0. */
  terminated: Uint8Array;
}

/**
 * A fixed-capacity ring buffer of transitions stored in typed arrays (no objects per step).
 *
 * Only `terminated` is stored as "done": a transition cut by a time limit (`truncated`) keeps
 * `terminated = 0`, so the DQN target bootstraps from its next observation.
 *
 * @example
 * ```ts
 * const buffer = new ReplayBuffer(100_000, 4);
 * buffer.add(observation, action, reward, nextObservation, terminated);
 * const batch = buffer.createBatch(64);
 * buffer.sample(64, random, batch);
 * ```
 */
export class ReplayBuffer {
  /** Maximum number of transitions kept. */
  readonly capacity: number;
  /** Numbers per observation. */
  readonly observationSize: number;
  /** Stored observations, `capacity x observationSize`. */
  readonly observations: Float32Array;
  /** Stored next observations. */
  readonly nextObservations: Float32Array;
  /** Stored actions. */
  readonly actions: Int32Array;
  /** Stored rewards. */
  readonly rewards: Float32Array;
  /** Stored terminal flags. */
  readonly terminated: Uint8Array;
  /** Index the next transition is written to. */
  position = 0;
  /** Transitions currently stored. */
  size = 0;

  /**
   * @param capacity - maximum transitions (a positive integer)
   * @param observationSize - numbers per observation (a positive integer)
   * @throws {@link TfkitOptionError} when either is not a positive integer
   */
  constructor(capacity: number, observationSize: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'bufferSize',
        message: `bufferSize must be a positive integer, got ${capacity}; use e.g. 100000.`,
      });
    }
    if (!Number.isInteger(observationSize) || observationSize < 1) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'observationSize',
        message: `observationSize must be a positive integer, got ${observationSize}.`,
      });
    }
    this.capacity = capacity;
    this.observationSize = observationSize;
    this.observations = new Float32Array(capacity * observationSize);
    this.nextObservations = new Float32Array(capacity * observationSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Uint8Array(capacity);
  }

  /**
   * Stores one transition, overwriting the oldest when full.
   *
   * @param observation - the observation the action was taken in
   * @param action - the action
   * @param reward - the reward received
   * @param nextObservation - the observation after the step (the real one, even when truncated)
   * @param terminated - whether the next state is terminal
   */
  add(
    observation: ArrayLike<number>,
    action: number,
    reward: number,
    nextObservation: ArrayLike<number>,
    terminated: boolean,
  ): void {
    const size = this.observationSize;
    const offset = this.position * size;
    for (let index = 0; index < size; index++) {
      this.observations[offset + index] = observation[index] as number;
      this.nextObservations[offset + index] = nextObservation[index] as number;
    }
    this.actions[this.position] = action;
    this.rewards[this.position] = reward;
    this.terminated[this.position] = terminated ? 1 : 0;
    this.position = (this.position + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Allocates a batch object to pass to {@link ReplayBuffer.sample} again and again. */
  createBatch(batchSize: number): TransitionBatch {
    return {
      size: 0,
      observations: new Float32Array(batchSize * this.observationSize),
      actions: new Int32Array(batchSize),
      rewards: new Float32Array(batchSize),
      nextObservations: new Float32Array(batchSize * this.observationSize),
      terminated: new Uint8Array(batchSize),
    };
  }

  /**
   * Samples `batchSize` transitions uniformly with replacement into `batch`.
   *
   * @param batchSize - rows to draw
   * @param random - the generator to draw indices from
   * @param batch - where to write (from {@link ReplayBuffer.createBatch})
   * @returns `batch`
   * @throws {@link TfkitOptionError} when the buffer is empty
   */
  sample(batchSize: number, random: Rng, batch: TransitionBatch): TransitionBatch {
    if (this.size === 0)
      throw new TfkitOptionError({
        package: packageName,
        option: 'batchSize',
        message: 'cannot sample from an empty replay buffer; add transitions first.',
      });
    for (let row = 0; row < batchSize; row++) {
      const index = random.integers(this.size);
      this.copyRow(index, row, batch);
    }
    batch.size = batchSize;
    return batch;
  }

  /** Copies every stored transition, oldest first, into a new batch. */
  all(): TransitionBatch {
    const batch = this.createBatch(this.size);
    const start = this.size < this.capacity ? 0 : this.position;
    for (let row = 0; row < this.size; row++) this.copyRow((start + row) % this.capacity, row, batch);
    batch.size = this.size;
    return batch;
  }

  private copyRow(index: number, row: number, batch: TransitionBatch): void {
    const size = this.observationSize;
    const from = index * size;
    const to = row * size;
    for (let column = 0; column < size; column++) {
      batch.observations[to + column] = this.observations[from + column] as number;
      batch.nextObservations[to + column] = this.nextObservations[from + column] as number;
    }
    batch.actions[row] = this.actions[index] as number;
    batch.rewards[row] = this.rewards[index] as number;
    batch.terminated[row] = this.terminated[index] as number;
  }
}

/**
 * A linear schedule: `start` at step 0, `end` from step `duration` on (SB3's exploration schedule).
 *
 * @param start - value at step 0
 * @param end - final value
 * @param duration - steps to go from `start` to `end`
 * @returns a function of the step
 * @example
 * ```ts
 * const epsilon = linearSchedule(1, 0.05, 10_000);
 * epsilon(5_000); // 0.525
 * ```
 */
export function linearSchedule(start: number, end: number, duration: number): (step: number) => number {
  return (step) => (duration <= 0 || step >= duration ? end : start + ((end - start) * step) / duration);
}
