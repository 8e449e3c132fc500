/**
 * Reads the forward-pass goldens written by `scripts/make-goldens.py` and writes their weights as
 * Keras files with h5wasm directly (not through this package's writer): the Keras 2 `.h5` layout
 * of `save_weights` and the Keras 3 `.weights.h5` layout of `saving_lib`.
 *
 * Test support only (not exported by the package).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { maxRelativeError } from '@tfkit/backend/testing';
import type { Group } from 'h5wasm';
import { buildModel, type ModelName } from '../zoo/create-model.js';
import { inputValues, sha256Float32, weightValues } from './formula.js';

/** One layer of a golden: Keras name, Keras 3 path and variables in Keras order. */
export interface GoldenLayer {
  name: string;
  keras3Path: string;
  weights: Array<{ name: string; shape: number[] }>;
}

/** A golden file (see scripts/make-goldens.py). */
export interface Golden {
  format: number;
  id: string;
  model: string | null;
  options: {
    includeTop?: boolean;
    inputShape: [number, number, number];
    classes?: number;
    alpha?: number;
    classifierActivation?: 'softmax' | 'linear';
  };
  seed: number;
  batch: number;
  parameters: number;
  weightsSha256: string;
  layers: GoldenLayer[];
  outputs: Record<string, { shape: number[]; maxAbs: number; float32: string }>;
  sensitivity: Record<string, number>;
  relu6Clipped: number;
}

const directory = path.dirname(fileURLToPath(import.meta.url));

/** Golden ids, one per file `src/goldens/__fixtures__/<id>.golden.json`. */
export const goldenIds = [
  'vgg16',
  'vgg19',
  'vgg-head',
  'resnet50',
  'inception-v3',
  'mobilenet',
  'mobilenet-v2',
] as const;

/** Reads `src/goldens/__fixtures__/<id>.golden.json`. */
export function readGolden(id: string): Golden {
  return JSON.parse(readFileSync(path.join(directory, '__fixtures__', `${id}.golden.json`), 'utf8')) as Golden;
}

/** Decodes a recorded output (little-endian float32, base64). */
export function decodeOutput(golden: Golden, layer: string): Float32Array {
  const bytes = Buffer.from(golden.outputs[layer]!.float32, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** Every weight of the golden, in the order of its layer list. */
export function* goldenWeights(golden: Golden): Generator<[GoldenLayer, string, Float32Array]> {
  for (const layer of golden.layers) {
    for (const weight of layer.weights) {
      yield [layer, weight.name, weightValues(golden.seed, layer.name, weight.name, weight.shape)];
    }
  }
}

type H5Module = typeof import('h5wasm').default;

async function h5(): Promise<H5Module> {
  const module = (await import('h5wasm/node')).default;
  await module.ready;
  return module;
}

const fixed = (values: string[]) => `S${Math.max(1, ...values.map((value) => value.length))}` as const;

/**
 * Writes the golden's weights as Keras 2 `model.save_weights('x.h5')` does: `layer_names` on the
 * root, `weight_names` on each layer group, datasets at `<layer>/<layer>/<weight>:0`.
 *
 * @returns the sha256 of the weights written (float32, in the golden's layer order)
 */
export async function writeKeras2File(golden: Golden, file: string): Promise<string> {
  const module = await h5();
  const handle = new module.File(file, 'w');
  try {
    const names = golden.layers.map((layer) => layer.name);
    handle.create_attribute('layer_names', names, null, fixed(names));
    handle.create_attribute('backend', 'tensorflow');
    handle.create_attribute('keras_version', '2.15.0');
    const groups = new Map<string, Group>();
    for (const layer of golden.layers) {
      const group = handle.create_group(layer.name);
      const weightNames = layer.weights.map((weight) => `${layer.name}/${weight.name}:0`);
      group.create_attribute('weight_names', weightNames, null, fixed(weightNames));
      groups.set(layer.name, group.create_group(layer.name));
    }
    const written: Float32Array[] = [];
    for (const [layer, name, values] of goldenWeights(golden)) {
      const shape = layer.weights.find((weight) => weight.name === name)!.shape;
      groups.get(layer.name)!.create_dataset({ name: `${name}:0`, data: values, shape, dtype: '<f' });
      written.push(values);
    }
    return sha256Float32(written);
  } finally {
    handle.close();
  }
}

/** Options of {@link writeKeras3File}. */
export interface Keras3FileOptions {
  /** Write the layer name on each `vars` group, as Keras >= 3.6 does. @defaultValue true */
  names?: boolean;
  /** Keras 2.13-2.15's spelling of `layers`. @defaultValue false */
  checkpointDependencies?: boolean;
  /** Put the layers under this nested model path, e.g. `layers/functional`. */
  nestUnder?: string;
  /** Extra `[path, shape]` variables to add (other layers, helper state). */
  extra?: Array<[string, number[]]>;
  /** Drop the variables of these layers. */
  skip?: string[];
}

/**
 * Writes the golden's weights as Keras 3 `model.save_weights('x.weights.h5')` does
 * (keras/src/saving/saving_lib.py, H5IOStore): `vars` groups at each layer's path
 * (`layers/conv2d_3/vars/0`, ...), the model's own (empty) `vars` at the root.
 */
export async function writeKeras3File(golden: Golden, file: string, options: Keras3FileOptions = {}): Promise<void> {
  const module = await h5();
  const handle = new module.File(file, 'w');
  const group = (at: string): Group => {
    let current: Group = handle;
    for (const part of at.split('/').filter(Boolean)) {
      current = (current.keys().includes(part) ? current.get(part) : current.create_group(part)) as Group;
    }
    return current;
  };
  const spell = (at: string) =>
    options.checkpointDependencies ? at.replace(/(^|\/)layers(?=\/|$)/g, '$1_layer_checkpoint_dependencies') : at;
  try {
    group('vars').create_attribute('name', golden.id);
    const skip = new Set(options.skip ?? []);
    for (const layer of golden.layers) {
      if (skip.has(layer.name)) continue;
      const at = spell(options.nestUnder ? `${options.nestUnder}/${layer.keras3Path}` : layer.keras3Path);
      const vars = group(`${at}/vars`);
      if (options.names ?? true) vars.create_attribute('name', layer.name);
      layer.weights.forEach((weight, index) => {
        vars.create_dataset({
          name: String(index),
          data: weightValues(golden.seed, layer.name, weight.name, weight.shape),
          shape: weight.shape,
          dtype: '<f',
        });
      });
    }
    for (const [at, shape] of options.extra ?? []) {
      const slash = at.lastIndexOf('/');
      const data = new Float32Array(shape.reduce((total, size) => total * size, 1)).fill(0.5);
      group(spell(at.slice(0, slash))).create_dataset({ name: at.slice(slash + 1), data, shape, dtype: '<f' });
    }
  } finally {
    handle.close();
  }
}

/** Forward goldens must match within this relative error (max |a - b| / max |b|). */
export const goldenTolerance = 1e-4;

/** VGG's classifier (Flatten, fc1, fc2, predictions) at reduced widths on a non-square [3, 5, 16] map. */
export function buildVggHead(golden: Golden): tf.LayersModel {
  const input = tf.input({ shape: golden.options.inputShape, name: 'input_1' });
  let x = tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 12, activation: 'relu', name: 'fc1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 12, activation: 'relu', name: 'fc2' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: golden.options.classes!, activation: 'softmax', name: 'predictions' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'vgg_head' });
}

/** The zoo model a golden describes, with zero weights. */
export function buildGoldenModel(golden: Golden): tf.LayersModel {
  if (!golden.model) return buildVggHead(golden);
  return buildModel(golden.model as ModelName, { ...golden.options, initialization: 'zeros' });
}

/** Runs the golden's input through the model; returns each recorded layer's output and its error. */
export function compareWithGolden(
  model: tf.LayersModel,
  golden: Golden,
): Array<{ layer: string; shape: number[]; relative: number; absolute: number; maxAbs: number }> {
  const shape = [golden.batch, ...golden.options.inputShape];
  const names = Object.keys(golden.outputs);
  return tf.tidy(() => {
    const input = tf.tensor(inputValues(golden.seed, shape), shape, 'float32');
    const outputs = model.execute(
      input,
      names.map((name) => model.getLayer(name).output as tf.SymbolicTensor).map((tensor) => tensor.name),
    );
    return (Array.isArray(outputs) ? outputs : [outputs]).map((output, index) => {
      const layer = names[index]!;
      const actual = output.dataSync() as Float32Array;
      const expected = decodeOutput(golden, layer);
      let absolute = 0;
      for (let i = 0; i < expected.length; i++) absolute = Math.max(absolute, Math.abs(actual[i]! - expected[i]!));
      return {
        layer,
        shape: output.shape,
        relative: maxRelativeError(actual, expected),
        absolute,
        maxAbs: golden.outputs[layer]!.maxAbs,
      };
    });
  });
}
