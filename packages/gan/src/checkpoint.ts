import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { sha256, writeFileAtomic } from '@tfkit/core/node';
import { GanCheckpointError, GanError } from './errors.js';
import type { Gan, GanState } from './gan.js';

/** One epoch's figures in a training history. */
export interface EpochLog {
  /** Epoch index, from 0. */
  epoch: number;
  /** Mean discriminator loss over the epoch's batches. */
  dLoss: number;
  /** Mean generator loss. */
  gLoss: number;
  /** Mean D(x). */
  dReal: number;
  /** Mean D(G(z)). */
  dFake: number;
}

/** What a checkpoint holds besides the tensors. */
export interface CheckpointMeta {
  /** Preset of the GAN it belongs to. */
  preset: string;
  /** Training style. */
  style: string;
  /** Epochs completed. */
  epoch: number;
  /** Training seed the run used. */
  seed: number;
  /** Batch size the run used. */
  batchSize: number;
  /** History up to this epoch. */
  history: EpochLog[];
}

interface Manifest extends CheckpointMeta {
  format: 'tfkit-gan-checkpoint';
  version: 1;
  dataFile: string;
  bytes: number;
  sha256: string;
  layout: { weights: number[]; generatorSlots: number[]; discriminatorSlots: number[] };
  optimizerSteps: { generator: number; discriminator: number };
}

/** Name of the manifest inside a checkpoint directory. */
export const CHECKPOINT_FILE = 'gan-checkpoint.json';

/**
 * Writes the GAN's full state (weights, optimizer moments and steps) plus `meta` to `directory`.
 * The data file is written first under a new name, then the manifest replaces the old one with a
 * rename, so a crash leaves either the old or the new checkpoint, never a mix.
 *
 * @param directory - checkpoint directory (created when missing)
 * @param gan - the GAN
 * @param meta - epoch, seed, history
 * @throws `FileWriteError` (from `@tfkit/core/node`) when it cannot be written
 */
export async function saveCheckpoint(directory: string, gan: Gan, meta: CheckpointMeta): Promise<void> {
  const state = gan.getState();
  const arrays = [...state.weights, ...state.generatorOptimizer.slots, ...state.discriminatorOptimizer.slots];
  const total = arrays.reduce((sum, array) => sum + array.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const array of arrays) {
    data.set(array, offset);
    offset += array.length;
  }
  const bytes = new Uint8Array(data.buffer);
  const dataFile = `gan-checkpoint-${String(meta.epoch).padStart(4, '0')}.bin`;
  await writeFileAtomic(path.join(directory, dataFile), bytes);
  const previous = await readManifest(directory).catch(() => undefined);
  const manifest: Manifest = {
    format: 'tfkit-gan-checkpoint',
    version: 1,
    ...meta,
    dataFile,
    bytes: bytes.length,
    sha256: sha256(bytes),
    layout: gan.stateLayout(),
    optimizerSteps: { generator: state.generatorOptimizer.step, discriminator: state.discriminatorOptimizer.step },
  };
  await writeFileAtomic(path.join(directory, CHECKPOINT_FILE), JSON.stringify(manifest, null, 2));
  if (previous && previous.dataFile !== dataFile) await rm(path.join(directory, previous.dataFile), { force: true });
}

async function readManifest(directory: string): Promise<Manifest> {
  const text = await readFile(path.join(directory, CHECKPOINT_FILE), 'utf8');
  const manifest = JSON.parse(text) as Manifest;
  if (manifest.format !== 'tfkit-gan-checkpoint' || manifest.version !== 1) {
    throw new GanCheckpointError({
      message: `${directory} holds no tfkit GAN checkpoint (format ${String(manifest.format)}).`,
    });
  }
  return manifest;
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint} into `gan`, after checking its size and
 * SHA-256 and that it belongs to the same preset and style.
 *
 * @param directory - checkpoint directory
 * @param gan - the GAN to restore (same preset and style)
 * @returns the checkpoint's metadata, or `undefined` when the directory holds none
 * @throws {@link GanCheckpointError} for a corrupt or foreign checkpoint
 */
export async function loadCheckpoint(directory: string, gan: Gan): Promise<CheckpointMeta | undefined> {
  let manifest: Manifest;
  try {
    manifest = await readManifest(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (GanError.isInstance(error)) throw error;
    throw new GanCheckpointError({
      message: `the checkpoint manifest in ${directory} cannot be read; delete it to start over.`,
      cause: error,
    });
  }
  if (manifest.preset !== gan.preset || manifest.style !== gan.style) {
    throw new GanCheckpointError({
      message: `the checkpoint in ${directory} is for preset '${manifest.preset}' (${manifest.style}), not '${gan.preset}' (${gan.style}); use another checkpointDir.`,
    });
  }
  const bytes = await readFile(path.join(directory, manifest.dataFile)).catch((error: unknown) => {
    throw new GanCheckpointError({
      message: `the checkpoint data ${manifest.dataFile} is missing in ${directory}.`,
      cause: error,
    });
  });
  if (bytes.length !== manifest.bytes || sha256(bytes) !== manifest.sha256) {
    throw new GanCheckpointError({
      message: `${manifest.dataFile} in ${directory} is corrupt (size or SHA-256 differs); delete the directory to start over.`,
    });
  }
  const layout = gan.stateLayout();
  if (JSON.stringify(layout) !== JSON.stringify(manifest.layout)) {
    throw new GanCheckpointError({ message: `the checkpoint in ${directory} has a different layout than this GAN.` });
  }
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  let offset = 0;
  const take = (size: number) => {
    const array = data.subarray(offset, offset + size);
    offset += size;
    return array;
  };
  const state: GanState = {
    weights: layout.weights.map(take),
    generatorOptimizer: { step: manifest.optimizerSteps.generator, slots: layout.generatorSlots.map(take) },
    discriminatorOptimizer: { step: manifest.optimizerSteps.discriminator, slots: layout.discriminatorSlots.map(take) },
  };
  gan.setState(state);
  return {
    preset: manifest.preset,
    style: manifest.style,
    epoch: manifest.epoch,
    seed: manifest.seed,
    batchSize: manifest.batchSize,
    history: manifest.history,
  };
}
