import { RlCheckpointError } from '../errors.js';
import { DqnAgent, type DqnCounters } from './agent.js';
import type { DqnConfig, ResolvedDqnConfig } from './config.js';
import type { QModelFactory, QNetworkState } from './network.js';

const magic = 'TFKITRL1';
type Dtype = 'float32' | 'int32' | 'uint8';
type TypedArray = Float32Array | Int32Array | Uint8Array;

interface ArrayEntry {
  name: string;
  shape: number[];
  dtype: Dtype;
  offset: number;
  byteLength: number;
}

interface Header {
  format: 1;
  kind: 'dqn';
  packageVersion: string;
  config: ResolvedDqnConfig;
  inputSize: number;
  numActions: number;
  counters: DqnCounters;
  network: { engine: 'native' | 'tfjs'; optimizerStep: number };
  buffer?: { capacity: number; position: number; size: number };
  arrays: ArrayEntry[];
  payloadBytes: number;
  sha256: string;
}

/** Options of {@link saveDqnAgent}. */
export interface SaveOptions {
  /** Also save the replay buffer (large: 2 x capacity x observation floats). @defaultValue `false` */
  includeBuffer?: boolean;
}

function dtypeOf(array: TypedArray): Dtype {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Int32Array) return 'int32';
  return 'uint8';
}

/**
 * Saves a whole DQN agent to one file, atomically (written to a temporary file, then renamed):
 * configuration, counters, generator state, online and target weights, optimizer moments, and
 * optionally the replay buffer. A SHA-256 of the payload is checked by {@link loadDqnAgent}.
 *
 * @param agent - the agent
 * @param path - file to write (e.g. `cartpole.dqn`)
 * @param options - see {@link SaveOptions}
 * @returns the number of bytes written
 * @example
 * ```ts
 * await saveDqnAgent(agent, 'cartpole.dqn', { includeBuffer: true });
 * const again = await loadDqnAgent('cartpole.dqn');
 * ```
 */
export async function saveDqnAgent(agent: DqnAgent, path: string, options: SaveOptions = {}): Promise<number> {
  const { sha256, writeFileAtomic } = await import('@tfkit/core/node');
  const state = await agent.network.exportState();
  const blobs: Array<{ name: string; shape: number[]; data: TypedArray }> = state.arrays.map((array) => ({
    name: `network/${array.name}`,
    shape: array.shape,
    data: array.data,
  }));
  let buffer: Header['buffer'];
  if (options.includeBuffer) {
    const replay = agent.buffer;
    const rows = replay.size;
    const size = replay.observationSize;
    buffer = { capacity: replay.capacity, position: replay.position, size: rows };
    blobs.push(
      { name: 'buffer/observations', shape: [rows, size], data: replay.observations.subarray(0, rows * size) },
      { name: 'buffer/nextObservations', shape: [rows, size], data: replay.nextObservations.subarray(0, rows * size) },
      { name: 'buffer/actions', shape: [rows], data: replay.actions.subarray(0, rows) },
      { name: 'buffer/rewards', shape: [rows], data: replay.rewards.subarray(0, rows) },
      { name: 'buffer/terminated', shape: [rows], data: replay.terminated.subarray(0, rows) },
    );
  }
  const arrays: ArrayEntry[] = [];
  let offset = 0;
  for (const blob of blobs) {
    arrays.push({
      name: blob.name,
      shape: blob.shape,
      dtype: dtypeOf(blob.data),
      offset,
      byteLength: blob.data.byteLength,
    });
    offset += Math.ceil(blob.data.byteLength / 4) * 4;
  }
  const payload = new Uint8Array(offset);
  for (const [index, blob] of blobs.entries()) {
    payload.set(
      new Uint8Array(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength),
      (arrays[index] as ArrayEntry).offset,
    );
  }
  const header: Header = {
    format: 1,
    kind: 'dqn',
    packageVersion: __PACKAGE_VERSION__,
    config: agent.config,
    inputSize: agent.inputSize,
    numActions: agent.numActions,
    counters: agent.snapshotCounters(),
    network: { engine: state.engine, optimizerStep: state.optimizerStep },
    ...(buffer ? { buffer } : {}),
    arrays,
    payloadBytes: payload.byteLength,
    sha256: sha256(payload),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(12);
  prefix.set(new TextEncoder().encode(magic), 0);
  new DataView(prefix.buffer).setUint32(8, headerBytes.byteLength, true);
  const file = new Uint8Array(12 + headerBytes.byteLength + payload.byteLength);
  file.set(prefix, 0);
  file.set(headerBytes, 12);
  file.set(payload, 12 + headerBytes.byteLength);
  try {
    await writeFileAtomic(path, file);
  } catch (error) {
    throw new RlCheckpointError({
      path,
      message: `could not be written (${String(error)}); check the directory exists and is writable.`,
      cause: error,
    });
  }
  return file.byteLength;
}

/** Options of {@link loadDqnAgent}. */
export interface LoadOptions {
  /** The custom tfjs model factory the agent was built with (not saved in the file). */
  model?: QModelFactory;
  /** Override configuration fields (e.g. a new `learningRate`); sizes and engine must stay. */
  config?: Partial<DqnConfig>;
}

/**
 * Loads an agent saved by {@link saveDqnAgent}; `learn` then resumes where it stopped (same
 * counters, epsilon, optimizer moments and, if saved, replay buffer).
 *
 * @param path - the file
 * @param options - see {@link LoadOptions}
 * @returns the agent
 * @throws {@link RlCheckpointError} when the file is missing, truncated, corrupt (checksum) or not a DQN checkpoint
 */
export async function loadDqnAgent(path: string, options: LoadOptions = {}): Promise<DqnAgent> {
  const { readFile } = await import('node:fs/promises');
  const { sha256 } = await import('@tfkit/core/node');
  let file: Uint8Array;
  try {
    file = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new RlCheckpointError({
      path,
      message: `could not be read (${String(error)}); check the path.`,
      cause: error,
    });
  }
  if (file.byteLength < 12 || new TextDecoder().decode(file.subarray(0, 8)) !== magic) {
    throw new RlCheckpointError({
      path,
      message: 'is not a tfkit agent checkpoint (bad magic); pass a file written by saveDqnAgent.',
    });
  }
  const headerLength = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(8, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + headerLength))) as Header;
  } catch (error) {
    throw new RlCheckpointError({
      path,
      message: 'has a corrupt header; the file is damaged, save the agent again.',
      cause: error,
    });
  }
  if (header.format !== 1 || header.kind !== 'dqn') {
    throw new RlCheckpointError({
      path,
      message: `holds a ${String(header.kind)} checkpoint of format ${String(header.format)}, not a DQN agent.`,
    });
  }
  const payload = file.subarray(12 + headerLength);
  if (payload.byteLength !== header.payloadBytes) {
    throw new RlCheckpointError({
      path,
      message: `is truncated (${payload.byteLength} of ${header.payloadBytes} payload bytes); save the agent again.`,
    });
  }
  if (sha256(payload) !== header.sha256) {
    throw new RlCheckpointError({ path, message: 'failed its checksum; the file is corrupt, save the agent again.' });
  }
  const aligned = payload.slice();
  const read = (entry: ArrayEntry): TypedArray => {
    const bytes = aligned.buffer.slice(entry.offset, entry.offset + entry.byteLength);
    if (entry.dtype === 'float32') return new Float32Array(bytes);
    if (entry.dtype === 'int32') return new Int32Array(bytes);
    return new Uint8Array(bytes);
  };
  const config: DqnConfig = { ...header.config, ...(options.config ?? {}) };
  if (options.model) config.model = options.model;
  // The schedule length is fixed by the first learn call and kept in the counters.
  const agent = new DqnAgent({ inputSize: header.inputSize, numActions: header.numActions }, config);
  const state: QNetworkState = {
    engine: header.network.engine,
    optimizerStep: header.network.optimizerStep,
    arrays: header.arrays
      .filter((entry) => entry.name.startsWith('network/'))
      .map((entry) => ({
        name: entry.name.slice('network/'.length),
        shape: entry.shape,
        data: read(entry) as Float32Array,
      })),
  };
  try {
    await agent.restore(state, header.counters);
  } catch (error) {
    agent.dispose();
    throw new RlCheckpointError({
      path,
      message: `does not fit the agent: ${String((error as Error).message)}`,
      cause: error,
    });
  }
  if (header.buffer) {
    const replay = agent.buffer;
    const find = (name: string): TypedArray => {
      const entry = header.arrays.find((candidate) => candidate.name === `buffer/${name}`);
      if (!entry) throw new RlCheckpointError({ path, message: `lacks buffer/${name}; save the agent again.` });
      return read(entry);
    };
    const rows = Math.min(header.buffer.size, replay.capacity);
    replay.observations.set(find('observations').subarray(0, rows * replay.observationSize));
    replay.nextObservations.set(find('nextObservations').subarray(0, rows * replay.observationSize));
    replay.actions.set(find('actions').subarray(0, rows));
    replay.rewards.set(find('rewards').subarray(0, rows));
    replay.terminated.set(find('terminated').subarray(0, rows));
    replay.size = rows;
    replay.position = header.buffer.capacity === replay.capacity ? header.buffer.position : rows % replay.capacity;
  }
  return agent;
}
