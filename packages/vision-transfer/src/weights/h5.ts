import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Dataset, Group } from 'h5wasm';
import { WeightsLoadError } from '../errors.js';
import { atomicPath, exists } from './files.js';
import { extractKerasArchiveWeights } from './keras-archive.js';
import { assignKeras3Weights, isKeras3Layout, type Keras3Store, readKeras3Store } from './keras3.js';
import { assignWeights, type SourceLayer, type WeightsReport } from './match.js';

type H5Module = typeof import('h5wasm').default;
let h5Promise: Promise<H5Module> | undefined;

/** Loads h5wasm's Node build (it ships its own wasm) once, on first use. */
async function h5(): Promise<H5Module> {
  h5Promise ??= (async () => {
    const module = (await import('h5wasm/node')).default;
    await module.ready;
    return module;
  })();
  return h5Promise;
}

function stringList(value: unknown): string[] {
  if (value == null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    const text = item instanceof Uint8Array ? new TextDecoder().decode(item) : String(item);
    return text.replace(/\0+$/, '');
  });
}

function attribute(group: Group, name: string): string[] | undefined {
  const attrs = group.attrs;
  if (!(name in attrs)) return undefined;
  return stringList(attrs[name]?.value);
}

/**
 * Reads the layers and weights of a Keras `.h5` file: the Keras 2 layout (`layer_names` and
 * `weight_names` attributes, at the root for `save_weights`, under `model_weights` for
 * `model.save`), the Keras 1 one (weights named `block1_conv1_W_1:0`) and Keras 3's
 * `.weights.h5` (`layers/<class>_<n>/vars/<i>`, returned as `keras3`, with `layers` empty: its
 * layers are found by class and position in a model, see {@link assignH5Weights}), also inside
 * a Keras 3 `.keras` archive (the `model.weights.h5` it holds).
 *
 * @param file - path of the `.h5` (or `.keras`) file
 * @returns the layers in the file's order; weight values are read lazily
 * @throws {@link WeightsLoadError} when the file is missing or is not a Keras weights file
 */
export async function readH5Layers(
  file: string,
): Promise<{ layers: SourceLayer[]; keras3?: Keras3Store; modelConfig?: string; close: () => void }> {
  if (!(await exists(file))) {
    throw new WeightsLoadError({ source: file, message: `weights file ${file} does not exist; check the path.` });
  }
  // a Keras 3 `.keras` archive: read the model.weights.h5 inside
  const archive = await extractKerasArchiveWeights(file);
  if (archive) {
    try {
      const contents = await readH5Layers(archive.file);
      const close = () => {
        try {
          contents.close();
        } finally {
          archive.remove();
        }
      };
      return { ...contents, close };
    } catch (error) {
      archive.remove();
      throw error;
    }
  }
  const module = await h5();
  let handle: InstanceType<H5Module['File']>;
  try {
    handle = new module.File(path.resolve(file), 'r');
  } catch (error) {
    throw new WeightsLoadError({
      source: file,
      message: `${file} is not a readable HDF5 file; re-download it.`,
      cause: error,
    });
  }
  try {
    let root: Group = handle;
    if (handle.keys().includes('model_weights')) root = handle.get('model_weights') as Group;
    const layerNames = attribute(root, 'layer_names');
    if (!layerNames) {
      if (isKeras3Layout(handle))
        return { layers: [], keras3: readKeras3Store(handle, file), close: () => handle.close() };
      throw new WeightsLoadError({
        source: file,
        message: `${file} is an HDF5 file but not a Keras weights file: it has neither Keras 1/2's "layer_names" attribute nor Keras 3's "layers/.../vars" groups. Save the weights with Keras ("model.save_weights('x.weights.h5')" or "save_weights('x.h5')").`,
      });
    }
    const modelConfig = handle.attrs['model_config'] ? String(handle.attrs['model_config'].value) : undefined;
    const layers: SourceLayer[] = layerNames.map((name) => {
      const group = root.get(name) as Group | null;
      if (!group)
        throw new WeightsLoadError({
          source: file,
          message: `${file} lists layer "${name}" but has no group for it; the file is damaged.`,
        });
      const weightNames = attribute(group, 'weight_names') ?? [];
      return {
        name,
        weights: weightNames.map((weightName) => {
          const dataset = group.get(weightName) as Dataset | null;
          if (!dataset?.shape) {
            throw new WeightsLoadError({
              source: file,
              message: `${file}: weight "${weightName}" of layer "${name}" is missing; the file is damaged.`,
            });
          }
          return {
            name: weightName,
            shape: dataset.shape,
            read: () => {
              const value = dataset.value;
              if (value instanceof Float32Array) return value;
              if (value instanceof Float64Array || Array.isArray(value))
                return Float32Array.from(value as ArrayLike<number>);
              throw new WeightsLoadError({
                source: file,
                message: `${file}: weight "${weightName}" has unsupported type ${dataset.dtype}.`,
              });
            },
          };
        }),
      };
    });
    return { layers, modelConfig, close: () => handle.close() };
  } catch (error) {
    try {
      handle.close();
    } catch {
      // the handle never opened
    }
    if (WeightsLoadError.isInstance(error)) throw error;
    throw new WeightsLoadError({
      source: file,
      message: `${file} is not a readable HDF5 weights file; re-download it.`,
      cause: error,
    });
  }
}

/**
 * Loads a Keras `.h5` weights file into a model (by layer name, then by order; see
 * {@link loadWeights}).
 *
 * @param model - the model to fill, e.g. from `createModel('vgg16')`
 * @param file - path of the `.h5` file
 * @returns how the layers were matched
 * @throws {@link WeightsLoadError} naming every layer whose shapes do not fit
 * @example
 * ```ts
 * await loadH5Weights(model, 'vgg16_weights_tf_dim_ordering_tf_kernels.h5');
 * ```
 */
export async function loadH5Weights(model: tf.LayersModel, file: string): Promise<WeightsReport> {
  const contents = await readH5Layers(file);
  try {
    return assignH5Weights(model, contents, file);
  } finally {
    contents.close();
  }
}

/**
 * Sets a model's weights from what {@link readH5Layers} read: Keras 1/2 files by layer name then
 * order ({@link assignWeights}), Keras 3 files by layer path ({@link assignKeras3Weights}).
 *
 * @param model - the model to fill
 * @param contents - from {@link readH5Layers}
 * @param source - the file, for messages
 * @returns how the layers were matched
 * @throws {@link WeightsLoadError} naming every layer that does not fit
 */
export function assignH5Weights(
  model: tf.LayersModel,
  contents: { layers: SourceLayer[]; keras3?: Keras3Store },
  source: string,
): WeightsReport {
  return contents.keras3
    ? assignKeras3Weights(model, contents.keras3, source)
    : assignWeights(model, contents.layers, source);
}

/** Layouts {@link saveH5Weights} can write. */
export type H5Layout = 'keras2' | 'keras2-model' | 'keras1';

const keras1Names: Record<string, string> = {
  kernel: 'W',
  bias: 'b',
  moving_mean: 'running_mean',
  moving_variance: 'running_std',
};

/**
 * Writes a model's weights as a Keras `.h5` file (atomically): `'keras2'` is
 * `model.save_weights()`'s layout, `'keras2-model'` puts it under `model_weights` like
 * `model.save()`, `'keras1'` uses Keras 1 weight names (`block1_conv1_W_1:0`).
 *
 * @param model - the model to save
 * @param file - destination path
 * @param options - `layout`, default `'keras2'`
 * @example
 * ```ts
 * await saveH5Weights(model, 'weights.h5');
 * ```
 */
export async function saveH5Weights(
  model: tf.LayersModel,
  file: string,
  options: { layout?: H5Layout } = {},
): Promise<void> {
  const layout = options.layout ?? 'keras2';
  const module = await h5();
  const target = atomicPath(path.resolve(file));
  const handle = new module.File(target.temporary, 'w');
  try {
    let root: Group = handle;
    if (layout === 'keras2-model') {
      root = handle.create_group('model_weights');
      handle.create_attribute('model_config', JSON.stringify(model.toJSON(null, false)));
    }
    const fixed = (values: string[]) => `S${Math.max(1, ...values.map((value) => value.length))}` as const;
    const layerNames = model.layers.map((layer) => layer.name);
    root.create_attribute('layer_names', layerNames, null, fixed(layerNames));
    root.create_attribute('backend', 'tensorflow');
    root.create_attribute('keras_version', layout === 'keras1' ? '1.2.2' : '2.1.6');
    for (const layer of model.layers) {
      const group = root.create_group(layer.name);
      const weights = layer.weights;
      const names = weights.map((weight) => {
        const short = weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1);
        return layout === 'keras1' ? `${layer.name}_${keras1Names[short] ?? short}_1:0` : `${layer.name}/${short}:0`;
      });
      group.create_attribute('weight_names', names, null, fixed(names));
      if (layout !== 'keras1' && weights.length > 0) group.create_group(layer.name);
      weights.forEach((weight, index) => {
        const values = weight.read().dataSync() as Float32Array;
        const name = names[index]!;
        const slash = name.lastIndexOf('/');
        const parent = slash >= 0 ? (group.get(name.slice(0, slash)) as Group) : group;
        parent.create_dataset({
          name: name.slice(slash + 1),
          data: values,
          shape: weight.shape as number[],
          dtype: '<f',
        });
      });
    }
    handle.close();
    await target.commit();
  } catch (error) {
    try {
      handle.close();
    } catch {
      // already closed
    }
    await target.abort();
    throw error;
  }
}
