import * as tf from '@tensorflow/tfjs';
import { WeightsLoadError } from '../errors.js';

/** One weight read from a file, before it becomes a tensor. */
export interface SourceWeight {
  /** Name in the file, e.g. `block1_conv1/kernel:0` or `block1_conv1_W_1:0`. */
  name: string;
  shape: number[];
  /** Reads the values (Float32). */
  read: () => Float32Array;
}

/** The weights of one layer in a file, in the file's order. */
export interface SourceLayer {
  name: string;
  weights: SourceWeight[];
}

/** How {@link assignWeights} matched the file's layers to the model's. */
export interface WeightsReport {
  /**
   * `'name'` when every layer with weights was found by name, `'order'` for the fallback,
   * `'path'` for Keras 3 files (layers found by class and position, as Keras 3 does).
   */
  matchedBy: 'name' | 'order' | 'path';
  /** Layers whose weights were set. */
  layers: number;
  /** Weight tensors set. */
  tensors: number;
  /** Layers of the file that the model does not have (by-name and by-path matching only). */
  unused: string[];
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

function sameShape(a: readonly (number | null)[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, index) => size === b[index]);
}

/**
 * Sets the model's weights from layers read out of a file: by layer name first (Keras's
 * `by_name`), then, when some names are missing, by the order of the layers that have weights
 * (Keras's default, which survives auto-generated names shifting). Shapes are checked before
 * anything is written.
 *
 * @throws {@link WeightsLoadError} listing every layer whose weights do not fit
 */
export function assignWeights(model: tf.LayersModel, sourceLayers: SourceLayer[], source: string): WeightsReport {
  const modelLayers = model.layers.filter((layer) => layer.weights.length > 0);
  const fileLayers = sourceLayers.filter((layer) => layer.weights.length > 0);
  const byName = new Map(fileLayers.map((layer) => [layer.name, layer]));
  const allNamed = modelLayers.every((layer) => byName.has(layer.name));
  let pairs: Array<[tf.layers.Layer, SourceLayer]>;
  let matchedBy: WeightsReport['matchedBy'];
  const mismatches: string[] = [];
  if (allNamed) {
    matchedBy = 'name';
    pairs = modelLayers.map((layer) => [layer, byName.get(layer.name)!]);
  } else {
    matchedBy = 'order';
    if (modelLayers.length !== fileLayers.length) {
      const missing = modelLayers.filter((layer) => !byName.has(layer.name)).map((layer) => layer.name);
      throw new WeightsLoadError({
        source,
        message: `${source} does not fit model "${model.name}": it has ${fileLayers.length} layers with weights, the model ${modelLayers.length}, and ${missing.length} model layers are not in the file by name (${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}). Build the model with the options the weights were saved with (includeTop, alpha, classes, inputShape).`,
        mismatches: missing.map((name) => `${name}: not in file`),
      });
    }
    pairs = modelLayers.map((layer, index) => [layer, fileLayers[index]!]);
  }
  for (const [layer, fileLayer] of pairs) {
    const expected = layer.weights.map((weight) => weight.shape);
    const got = fileLayer.weights.map((weight) => weight.shape);
    const fits = expected.length === got.length && expected.every((shape, index) => sameShape(shape, got[index]!));
    if (!fits) {
      const label = layer.name === fileLayer.name ? layer.name : `${layer.name} (file: ${fileLayer.name})`;
      mismatches.push(`${label}: expected ${expected.map(shapeText).join(' ')} got ${got.map(shapeText).join(' ')}`);
    }
  }
  if (mismatches.length > 0) {
    throw new WeightsLoadError({
      source,
      message: `${mismatches.length} layer(s) of ${source} do not fit model "${model.name}" (matched by ${matchedBy}):\n  ${mismatches.slice(0, 20).join('\n  ')}${mismatches.length > 20 ? `\n  ... and ${mismatches.length - 20} more` : ''}\nBuild the model with the options the weights were saved with (includeTop, alpha, classes, inputShape).`,
      mismatches,
    });
  }
  let tensors = 0;
  for (const [layer, fileLayer] of pairs) {
    const values = fileLayer.weights.map((weight) => tf.tensor(weight.read(), weight.shape, 'float32'));
    try {
      layer.setWeights(values);
    } finally {
      tf.dispose(values);
    }
    tensors += values.length;
  }
  const used = new Set(pairs.map(([, fileLayer]) => fileLayer.name));
  const unused = matchedBy === 'name' ? fileLayers.filter((layer) => !used.has(layer.name)).map((l) => l.name) : [];
  return { matchedBy, layers: pairs.length, tensors, unused };
}
