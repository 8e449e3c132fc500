import { createRng, deriveSeed, TfkitOptionError } from '@tfkit/core';
import { FlatAdam, NativeMlp } from '../dqn/native-mlp.js';
import { type AgentEnv, actionCount, checkEnvFits, observationSize } from '../env.js';
import { packageName } from '../errors.js';
import { type ExperimentResult, summarise } from '../policy.js';

/** Configuration of {@link runBookDqn}: the book's "DQN" (chapter 13, Q-network with Keras). */
export interface BookDqnConfig {
  /** Episodes to play (and learn from). @defaultValue `100` */
  episodes?: number;
  /** Transitions remembered (a FIFO, the book's `deque(maxlen=1000)`). @defaultValue `1000` */
  memorySize?: number;
  /** Width of the single hidden layer. @defaultValue `8` */
  hiddenUnits?: number;
  /** Minibatch size of the refit over the whole memory. @defaultValue `50` */
  batchSize?: number;
  /** Discount factor. @defaultValue `0.9` */
  discount?: number;
  /** Exploration rate. @defaultValue `0.2` */
  explorationRate?: number;
  /** Adam step size (Keras' default). @defaultValue `0.001` */
  learningRate?: number;
  /** Seed. @defaultValue `0` */
  seed?: number;
  /** Called after each episode. */
  onEpisode?: (episode: number, reward: number) => void;
}

/**
 * The book's DQN: a Dense(8, relu) -> Dense(actions) network trained with MSE; after every step
 * the transition joins a 1000-long memory, Q-targets are recomputed for the whole memory
 * (`r` for terminal transitions, else `r + discount * max Q(s')`) and the network is refit for
 * one epoch over it (minibatches of 50). Exploration 0.2. No target network, no sampling.
 *
 * Runs on tfkit's native engine (plain TypeScript), so the book's 100 episodes take seconds.
 *
 * @param env - the environment (CartPole-v0 in the book)
 * @param config - see {@link BookDqnConfig}
 * @returns the returns of the played episodes (book: min 8, max 150, average 41.27)
 * @throws {@link TfkitOptionError} for a non-positive memory or a batch larger than the memory
 * @example
 * ```ts
 * console.log(formatExperiment(runBookDqn(make('CartPole-v0'), { seed: 0 })));
 * // Policy:policy_q_nn, Min reward:..., Max reward:..., Average reward:...
 * ```
 */
export function runBookDqn(env: AgentEnv, config: BookDqnConfig = {}): ExperimentResult {
  const episodes = config.episodes ?? 100;
  const memorySize = config.memorySize ?? 1000;
  const hidden = config.hiddenUnits ?? 8;
  const batchSize = config.batchSize ?? 50;
  const discount = config.discount ?? 0.9;
  const explore = config.explorationRate ?? 0.2;
  const seed = config.seed ?? 0;
  if (!Number.isInteger(memorySize) || memorySize < 1) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'memorySize',
      message: `memorySize must be a positive integer, got ${memorySize}.`,
    });
  }
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > memorySize) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'batchSize',
      message: `batchSize must be a positive integer no larger than memorySize (${memorySize}), got ${batchSize}.`,
    });
  }
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new TfkitOptionError({
      package: packageName,
      option: 'episodes',
      message: `episodes must be a positive integer, got ${episodes}.`,
    });
  const size = observationSize(env);
  const actions = actionCount(env);
  checkEnvFits(env, size, actions);
  const network = new NativeMlp([size, hidden, actions], deriveSeed(seed, 21));
  const optimizer = new FlatAdam(network.parameters.length, config.learningRate ?? 0.001);
  const random = createRng(deriveSeed(seed, 22));
  // The memory, oldest first once full (ring with `start`).
  const states = new Float32Array(memorySize * size);
  const nextStates = new Float32Array(memorySize * size);
  const memoryActions = new Int32Array(memorySize);
  const memoryRewards = new Float32Array(memorySize);
  const memoryDone = new Uint8Array(memorySize);
  let count = 0;
  let start = 0;
  const batchStates = new Float32Array(memorySize * size);
  const targets = new Float32Array(memorySize * actions);
  const nextValues = new Float32Array(memorySize);
  const order = new Int32Array(memorySize);
  const gradient = new Float32Array(batchSize * actions);
  const inputs = new Float32Array(batchSize * size);
  const rewards: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    let observation = env.reset(episode === 0 ? { seed: deriveSeed(seed, 23) } : {}).observation;
    let total = 0;
    for (;;) {
      let action: number;
      if (random.random32() < explore) action = random.integers(actions);
      else {
        const q = network.forward(observation, 1);
        action = 0;
        for (let index = 1; index < actions; index++) if ((q[index] as number) > (q[action] as number)) action = index;
      }
      const result = env.step(action);
      total += result.reward;
      const done = result.terminated || result.truncated;
      const slot = count < memorySize ? count : start;
      for (let index = 0; index < size; index++) {
        states[slot * size + index] = observation[index] as number;
        nextStates[slot * size + index] = result.observation[index] as number;
      }
      memoryActions[slot] = action;
      memoryRewards[slot] = result.reward;
      memoryDone[slot] = done ? 1 : 0;
      if (count < memorySize) count++;
      else start = (start + 1) % memorySize;
      // Targets for the whole memory, from the network before this refit (as Keras' predict).
      for (let row = 0; row < count; row++) {
        const slotIndex = (start + row) % memorySize;
        for (let index = 0; index < size; index++)
          batchStates[row * size + index] = nextStates[slotIndex * size + index] as number;
      }
      const next = network.forward(batchStates, count);
      for (let row = 0; row < count; row++) {
        let best = next[row * actions] as number;
        for (let index = 1; index < actions; index++) best = Math.max(best, next[row * actions + index] as number);
        nextValues[row] = best;
      }
      for (let row = 0; row < count; row++) {
        const slotIndex = (start + row) % memorySize;
        for (let index = 0; index < size; index++)
          batchStates[row * size + index] = states[slotIndex * size + index] as number;
      }
      const current = network.forward(batchStates, count);
      targets.set(current.subarray(0, count * actions));
      for (let row = 0; row < count; row++) {
        const slotIndex = (start + row) % memorySize;
        const reward = memoryRewards[slotIndex] as number;
        targets[row * actions + (memoryActions[slotIndex] as number)] = memoryDone[slotIndex]
          ? reward
          : reward + discount * (nextValues[row] as number);
      }
      // One epoch over the memory, shuffled, minibatches of `batchSize` (Keras' fit).
      for (let row = 0; row < count; row++) order[row] = row;
      for (let row = count - 1; row > 0; row--) {
        const other = random.integers(row + 1);
        const swap = order[row] as number;
        order[row] = order[other] as number;
        order[other] = swap;
      }
      for (let first = 0; first < count; first += batchSize) {
        const rows = Math.min(batchSize, count - first);
        for (let row = 0; row < rows; row++) {
          const source = order[first + row] as number;
          for (let index = 0; index < size; index++)
            inputs[row * size + index] = batchStates[source * size + index] as number;
        }
        const output = network.forward(inputs, rows);
        for (let row = 0; row < rows; row++) {
          const source = order[first + row] as number;
          for (let index = 0; index < actions; index++) {
            gradient[row * actions + index] =
              (2 * ((output[row * actions + index] as number) - (targets[source * actions + index] as number))) /
              (rows * actions);
          }
        }
        network.backward(gradient.subarray(0, rows * actions));
        optimizer.apply(network.parameters, network.gradients);
      }
      observation = result.observation;
      if (done) break;
    }
    rewards.push(total);
    config.onEpisode?.(episode, total);
  }
  return summarise('policy_q_nn', rewards);
}
