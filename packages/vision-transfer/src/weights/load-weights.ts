import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WeightsLoadError } from '../errors.js';
import { kerasCustomObjects } from '../layers/keras-batch-normalization.js';
import { isHttpUrl, toLocalPath } from './files.js';
import { assignH5Weights, readH5Layers } from './h5.js';
import { assignWeights, type WeightsReport } from './match.js';
import {
  artifactsToLayers,
  cachedDownload,
  type FetchOptions,
  readLayersArtifacts,
  saveLayersModel,
} from './tfjs-format.js';

/** Options of {@link loadWeights}. */
export type LoadWeightsOptions = FetchOptions;

function isH5(source: string): boolean {
  return /\.(h5|hdf5|keras1?)$/i.test(source);
}

/**
 * Loads weights into a model from a Keras `.h5` file or tfjs layers-model artifacts (path,
 * directory or http(s) URL, cached). Layers are matched by name, and when some names are missing
 * (InceptionV3's auto-generated names shift between Keras sessions) by the order of the layers
 * that have weights; every shape is checked before anything is written.
 *
 * @param model - the model to fill
 * @param source - `.h5` path, `model.json` path or directory, or URL
 * @param options - cache directory and progress for URLs
 * @returns how layers were matched (`matchedBy`, counts, unused file layers)
 * @throws {@link WeightsLoadError} listing each mismatched layer with expected and found shapes
 * @throws {@link WeightsOfflineError} when a URL cannot be fetched; says where to put the files
 * @example
 * ```ts
 * const model = await createModel('vgg16', { initialization: 'zeros' });
 * await loadWeights(model, 'vgg16_weights_tf_dim_ordering_tf_kernels.h5'); // { matchedBy: 'name', ... }
 * ```
 */
export async function loadWeights(
  model: tf.LayersModel,
  source: string | URL,
  options: LoadWeightsOptions = {},
): Promise<WeightsReport> {
  const text = source.toString();
  if (isH5(text)) {
    const file = isHttpUrl(text) ? await cachedDownload(text, options) : toLocalPath(source);
    const contents = await readH5Layers(file);
    try {
      return assignH5Weights(model, contents, text);
    } finally {
      contents.close();
    }
  }
  const artifacts = await readLayersArtifacts(source, options);
  return assignWeights(model, artifactsToLayers(artifacts), artifacts.source);
}

/**
 * Converts a Keras `.h5` weights file into the tfjs layers format in one call: loads the `.h5`
 * weights into the model given (or, for files written by Keras's `model.save()`, into the
 * architecture stored in their `model_config` attribute) and saves model.json + shards.
 *
 * @param h5File - the Keras weights
 * @param outputDirectory - where model.json and the shards go
 * @param model - the architecture the weights belong to (e.g. `buildModel('vgg16', { initialization: 'zeros' })`);
 *   the caller keeps ownership. Optional for `model.save()` files.
 * @returns the path of model.json and how the weights were matched
 * @throws {@link WeightsLoadError} when the weights do not fit the model, or no model is given and
 *   the file holds no usable `model_config`
 * @example
 * ```ts
 * const model = buildModel('mobilenet', { alpha: 0.25, inputShape: [128, 128, 3], initialization: 'zeros' });
 * await convertH5ToTfjs('mobilenet_2_5_128_tf.h5', './mobilenet-0.25-128', model);
 * ```
 */
export async function convertH5ToTfjs(
  h5File: string,
  outputDirectory: string,
  model?: tf.LayersModel,
): Promise<{ modelJsonPath: string; report: WeightsReport }> {
  const contents = await readH5Layers(h5File);
  const { modelConfig, close } = contents;
  let target = model;
  try {
    if (!target) {
      if (!modelConfig) {
        throw new WeightsLoadError({
          source: h5File,
          message: `${h5File} holds weights only (no model_config); pass the model, e.g. buildModel('vgg16', { initialization: 'zeros' }).`,
        });
      }
      try {
        target = (await tf.models.modelFromJSON(
          { modelTopology: JSON.parse(modelConfig) } as tf.io.ModelJSON,
          kerasCustomObjects(),
        )) as tf.LayersModel;
      } catch (error) {
        throw new WeightsLoadError({
          source: h5File,
          message: `the model_config of ${h5File} cannot be rebuilt in tfjs (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); pass the model instead.`,
          cause: error,
        });
      }
    }
    const report = assignH5Weights(target, contents, h5File);
    const { modelJsonPath } = await saveLayersModel(target, path.resolve(outputDirectory));
    return { modelJsonPath, report };
  } finally {
    close();
    if (target && target !== model) target.dispose();
  }
}
