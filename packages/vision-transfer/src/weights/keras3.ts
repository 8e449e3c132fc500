import * as tf from '@tensorflow/tfjs';
import type { Dataset, Group } from 'h5wasm';
import { WeightsLoadError } from '../errors.js';
import type { SourceWeight, WeightsReport } from './match.js';

/** The variables of one Keras 3 layer: the `vars` group at `path` (e.g. `layers/conv2d_3`). */
export interface Keras3Entry {
  /** Path of the layer's group, `_layer_checkpoint_dependencies` spelled `layers`. */
  path: string;
  /** The layer's name, when the file records it (Keras >= 3.6 writes it as an attribute of `vars`). */
  name?: string;
  /** `vars/0`, `vars/1`, ... in numeric order. */
  weights: SourceWeight[];
}

/** The layer variables of a Keras 3 `.weights.h5` file, by path. */
export type Keras3Store = Map<string, Keras3Entry>;

const isGroup = (entity: unknown): entity is Group => (entity as { type?: string } | null)?.type === 'Group';
const isDataset = (entity: unknown): entity is Dataset => (entity as { type?: string } | null)?.type === 'Dataset';

/**
 * True when an HDF5 root looks like Keras 3's `model.save_weights('x.weights.h5')` (or the
 * `.weights.h5` inside a `.keras` archive): a `layers` group, or `_layer_checkpoint_dependencies`
 * for files written by Keras 2.13-2.15's new saving format, and no Keras 2 `layer_names`.
 */
export function isKeras3Layout(root: Group): boolean {
  const keys = root.keys();
  return !('layer_names' in root.attrs) && (keys.includes('layers') || keys.includes('_layer_checkpoint_dependencies'));
}

function textAttribute(group: Group, name: string): string | undefined {
  if (!(name in group.attrs)) return undefined;
  const value = group.attrs[name]?.value;
  if (value == null) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return (first instanceof Uint8Array ? new TextDecoder().decode(first) : String(first)).replace(/\0+$/, '');
}

/**
 * Reads every layer's variables of a Keras 3 weights file: the groups `layers/<key>/vars/<i>`
 * (nested models: `layers/<key>/layers/<key>/vars/<i>`). Values are read lazily.
 *
 * @param root - the open file
 * @param file - its path, for messages
 * @returns the entries by path
 */
export function readKeras3Store(root: Group, file: string): Keras3Store {
  const store: Keras3Store = new Map();
  const visit = (group: Group, path: string, depth: number) => {
    if (depth > 32) return;
    for (const key of group.keys()) {
      const child = group.get(key);
      if (!isGroup(child)) continue;
      const childPath = path ? `${path}/${key}` : key;
      if (key === 'vars') {
        const names = child
          .keys()
          .filter((name) => /^\d+$/.test(name))
          .sort((a, b) => Number(a) - Number(b));
        const weights = names.map((index): SourceWeight => {
          const dataset = child.get(index);
          if (!isDataset(dataset) || !dataset.shape) {
            throw new WeightsLoadError({
              source: file,
              message: `${file}: ${childPath}/${index} is not a dataset; the file is damaged.`,
            });
          }
          return {
            name: `${childPath}/${index}`,
            shape: dataset.shape,
            read: () => {
              const value = dataset.value;
              if (value instanceof Float32Array) return value;
              if (value instanceof Float64Array) return Float32Array.from(value);
              throw new WeightsLoadError({
                source: file,
                message: `${file}: ${childPath}/${index} has type ${JSON.stringify(dataset.dtype)}${'dtype' in dataset.attrs ? ` (${textAttribute(dataset as unknown as Group, 'dtype')})` : ''}; only float32 and float64 variables load. Save the weights from a float32 model (keras.config.set_dtype_policy('float32')).`,
              });
            },
          };
        });
        const entryPath = path.replace(/(^|\/)_layer_checkpoint_dependencies(?=\/|$)/g, '$1layers');
        // only layers (`.../layers/<key>/vars`), not the state of their helpers (`layers/dropout/seed_generator/vars`)
        if (/(^|\/)layers\/[^/]+$/.test(entryPath)) {
          store.set(entryPath, { path: entryPath, name: textAttribute(child, 'name'), weights });
        }
      } else {
        visit(child, childPath, depth + 1);
      }
    }
  };
  for (const top of ['layers', '_layer_checkpoint_dependencies']) {
    const group = root.get(top);
    if (isGroup(group)) visit(group, top, 0);
  }
  return store;
}

/** Keras's `naming.to_snake_case`, which names the groups of a Keras 3 weights file. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras 3 class name of a tfjs layer (tfjs calls a functional model `Model`, Keras `Functional`). */
function kerasClassName(layer: tf.layers.Layer): string {
  const className = layer.getClassName();
  return className === 'Model' ? 'Functional' : className;
}

function isContainer(layer: tf.layers.Layer): layer is tf.LayersModel {
  return Array.isArray((layer as Partial<tf.LayersModel>).layers);
}

/**
 * The Keras 3 path of every layer of a model, as `saving_lib` names them: in `model.layers`
 * order, the class name in snake case, `_1`, `_2`, ... for repeats of a class, and nested
 * models under their own `layers/`. Keras 3 addresses layers by these paths, never by layer name.
 *
 * @param model - a tfjs model (functional or sequential, possibly nested)
 * @returns `[layer, path]` for each layer that is not itself a model
 */
export function keras3LayerPaths(model: tf.LayersModel): Array<[tf.layers.Layer, string]> {
  const result: Array<[tf.layers.Layer, string]> = [];
  const walk = (container: tf.LayersModel, prefix: string) => {
    const used = new Map<string, number>();
    for (const layer of container.layers) {
      const base = toSnakeCase(kerasClassName(layer));
      const count = used.get(base);
      used.set(base, count === undefined ? 0 : count + 1);
      const key = count === undefined ? base : `${base}_${count + 1}`;
      const path = `${prefix}/${key}`;
      if (isContainer(layer)) walk(layer, `${path}/layers`);
      else result.push([layer, path]);
    }
  };
  walk(model, 'layers');
  return result;
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/**
 * Sets a model's weights from a Keras 3 weights file. Layers are found by their Keras 3 path
 * (class and rank among the layers of that class, see {@link keras3LayerPaths}), as Keras 3
 * itself loads them; variables in Keras's order (`vars/0, 1, ...`: Conv2D and Dense kernel then
 * bias, DepthwiseConv2D depthwise kernel, BatchNormalization gamma (absent with `scale=False`),
 * beta, moving mean, moving variance). Every shape is checked before anything is written.
 *
 * @param model - the model to fill
 * @param store - from {@link readKeras3Store}
 * @param source - the file, for messages
 * @returns how the layers were matched (`matchedBy: 'path'`)
 * @throws {@link WeightsLoadError} naming each layer whose path is missing or whose shapes differ
 */
export function assignKeras3Weights(model: tf.LayersModel, store: Keras3Store, source: string): WeightsReport {
  const paths = keras3LayerPaths(model).filter(([layer]) => layer.weights.length > 0);
  const problems: string[] = [];
  const pairs: Array<{ layer: tf.layers.Layer; weights: SourceWeight[] }> = [];
  for (const [layer, path] of paths) {
    const entry = store.get(path);
    if (!entry || entry.weights.length === 0) {
      problems.push(`${layer.name}: no variables at ${path}/vars in the file`);
      continue;
    }
    const expected = layer.weights.map((weight) => weight.shape);
    const got = entry.weights.map((weight) => weight.shape);
    const fits =
      expected.length === got.length && expected.every((shape, index) => shapeText(shape) === shapeText(got[index]!));
    if (!fits) {
      const named = entry.name && entry.name !== layer.name ? ` (named "${entry.name}" in the file)` : '';
      problems.push(
        `${layer.name} at ${path}${named}: expected ${expected.map(shapeText).join(' ')} got ${got.map(shapeText).join(' ')}`,
      );
      continue;
    }
    pairs.push({ layer, weights: entry.weights });
  }
  const used = new Set(paths.map(([, path]) => path));
  const unused = [...store.values()].filter((entry) => entry.weights.length > 0 && !used.has(entry.path));
  if (problems.length > 0) {
    const extra =
      unused.length > 0
        ? `\nThe file also has ${unused.length} layer(s) the model does not: ${unused
            .slice(0, 5)
            .map((entry) => entry.path + (entry.name ? ` ("${entry.name}")` : ''))
            .join(', ')}${unused.length > 5 ? ', ...' : ''}.`
        : '';
    throw new WeightsLoadError({
      source,
      message: `${problems.length} layer(s) of model "${model.name}" do not fit the Keras 3 weights file ${source} (Keras 3 finds layers by class and position, e.g. layers/conv2d_3 is the 4th Conv2D):\n  ${problems
        .slice(0, 20)
        .join(
          '\n  ',
        )}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''}${extra}\nBuild the model with the architecture and options the weights were saved from (includeTop, alpha, classes, inputShape, the same head layers in the same order).`,
      mismatches: problems,
    });
  }
  let tensors = 0;
  for (const { layer, weights } of pairs) {
    const values = weights.map((weight) => tf.tensor(weight.read(), weight.shape, 'float32'));
    try {
      layer.setWeights(values);
    } finally {
      tf.dispose(values);
    }
    tensors += values.length;
  }
  return { matchedBy: 'path', layers: pairs.length, tensors, unused: unused.map((entry) => entry.path) };
}
