import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { sha256, writeFileAtomic } from '@tfkit/core/node';
import { WeightsLoadError } from '../errors.js';
import { kerasCustomObjects } from '../layers/keras-batch-normalization.js';
import { fetchIntoCache } from './cache.js';
import { defaultCacheDirectory, exists, isHttpUrl, readBytes, toLocalPath } from './files.js';
import type { SourceLayer } from './match.js';

/** Progress of a download or a file read. */
export interface WeightsProgress {
  /** File being fetched or read. */
  file: string;
  /** Files done so far, and in all. */
  filesDone: number;
  filesTotal: number;
  /** Bytes of the current file so far. */
  bytes: number;
  /** Size of the current file when known (from the server or the registry). */
  totalBytes?: number | undefined;
}

/** Where and how tfjs-format weights are fetched. */
export interface FetchOptions {
  /**
   * Cache for downloaded model files, one subdirectory per URL, with a checksum manifest.
   * @defaultValue `<cache>/models`, where `<cache>` is `$TFKIT_CACHE`, else `$TFKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/tfkit`, else `~/.cache/tfkit`
   */
  cacheDir?: string;
  /** Called as files are downloaded or read. */
  onProgress?: (progress: WeightsProgress) => void;
  /**
   * The `fetch` to use (tests, proxies).
   * @defaultValue `globalThis.fetch`
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Extra tries per file after a network error, a stall or a 5xx answer, with exponential back-off.
   * @defaultValue `3`
   */
  retries?: number;
  /**
   * Back-off before the first retry, doubled for each further one.
   * @defaultValue `500`
   */
  retryDelayMs?: number;
  /**
   * A try fails when no byte arrives for this long.
   * @defaultValue `30_000`
   */
  stallTimeoutMs?: number;
}

/** The model.json of the tfjs layers format. */
export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: Record<string, unknown> | null;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  [key: string]: unknown;
}

/** model.json plus its weight bytes, from disk, the cache or the network. */
export interface LayersArtifacts {
  modelJson: ModelJson;
  /** All shards concatenated in manifest order. */
  weightData: ArrayBuffer;
  /** Where they came from (a path or URL). */
  source: string;
  /** Local directory that holds them (the cache directory for URLs). */
  directory: string;
}

const checksumFile = 'tfkit-checksums.json';

interface Checksums {
  url?: string;
  files: Record<string, { size: number; sha256: string }>;
}

function concat(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

function parseModelJson(text: string, source: string): ModelJson {
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (error) {
    throw new WeightsLoadError({
      source,
      message: `${source} is not valid JSON; re-download or re-convert it.`,
      cause: error,
    });
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new WeightsLoadError({
      source,
      message: `${source} has no weightsManifest: it is not a tfjs layers-model model.json (graph models from tensorflowjs_converter --output_format=tfjs_graph_model are not supported).`,
    });
  }
  return json;
}

async function readChecksums(directory: string): Promise<Checksums | undefined> {
  try {
    return JSON.parse(await readFile(path.join(directory, checksumFile), 'utf8')) as Checksums;
  } catch {
    return undefined;
  }
}

async function verified(directory: string, name: string, checksums: Checksums | undefined): Promise<Uint8Array> {
  const file = path.join(directory, name);
  const bytes = await readBytes(file);
  const expected = checksums?.files[name];
  if (expected && (expected.size !== bytes.byteLength || expected.sha256 !== sha256(bytes))) {
    throw new WeightsLoadError({
      source: file,
      message: `${file} does not match its checksum in ${checksumFile} (${bytes.byteLength} bytes, expected ${expected.size}); delete it so that it is fetched or written again.`,
    });
  }
  return bytes;
}

async function readLocal(source: string, options: FetchOptions): Promise<LayersArtifacts> {
  let file = toLocalPath(source);
  if (!file.endsWith('.json')) file = path.join(file, 'model.json');
  if (!(await exists(file))) {
    throw new WeightsLoadError({
      source: file,
      message: `${file} does not exist; pass the path of a tfjs model.json or its directory.`,
    });
  }
  const directory = path.dirname(file);
  const checksums = await readChecksums(directory);
  const modelJson = parseModelJson(
    new TextDecoder().decode(await verified(directory, path.basename(file), checksums)),
    file,
  );
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const parts: Uint8Array[] = [];
  for (const [index, name] of paths.entries()) {
    if (!(await exists(path.join(directory, name)))) {
      throw new WeightsLoadError({
        source: file,
        message: `weight shard ${path.join(directory, name)} named in ${file} is missing; copy all shard files next to model.json.`,
      });
    }
    parts.push(await verified(directory, name, checksums));
    options.onProgress?.({
      file: name,
      filesDone: index + 1,
      filesTotal: paths.length,
      bytes: parts.at(-1)!.byteLength,
    });
  }
  return { modelJson, weightData: concat(parts), source: file, directory };
}

function cacheDirectoryOf(url: string, options: FetchOptions): string {
  const cacheRoot = options.cacheDir ?? defaultCacheDirectory();
  return path.join(cacheRoot, sha256(url).slice(0, 16));
}

async function readRemote(url: string, options: FetchOptions): Promise<LayersArtifacts> {
  const directory = cacheDirectoryOf(url, options);
  const checksums = await readChecksums(directory);
  if (checksums?.url === url && (await exists(path.join(directory, 'model.json')))) {
    try {
      const cached = await readLocal(path.join(directory, 'model.json'), options);
      return { ...cached, source: url };
    } catch (error) {
      if (!WeightsLoadError.isInstance(error)) throw error;
      // a damaged cache entry: fetch again below
    }
  }
  const advice =
    ', with its weight shards (group1-shard1of1.bin, ...) beside it, or pass the local path of model.json instead of the URL';
  // The checksum record is written last: without it, nothing here counts as cached.
  await rm(path.join(directory, checksumFile), { force: true });
  const jsonFile = path.join(directory, 'model.json');
  await fetchIntoCache({ url, file: jsonFile, directory, reuse: false, advice, options });
  const jsonBytes = await readBytes(jsonFile);
  const modelJson = parseModelJson(new TextDecoder().decode(jsonBytes), url);
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const record: Checksums = { url, files: { 'model.json': { size: jsonBytes.byteLength, sha256: sha256(jsonBytes) } } };
  const parts: Uint8Array[] = [];
  for (const [index, name] of paths.entries()) {
    const file = path.join(directory, name);
    await fetchIntoCache({
      url: new URL(name, url).toString(),
      file,
      directory,
      reuse: false,
      advice,
      options,
      onBytes: (bytes) => options.onProgress?.({ file: name, filesDone: index, filesTotal: paths.length, bytes }),
    });
    const bytes = await readBytes(file);
    record.files[name] = { size: bytes.byteLength, sha256: sha256(bytes) };
    parts.push(bytes);
    options.onProgress?.({ file: name, filesDone: index + 1, filesTotal: paths.length, bytes: bytes.byteLength });
  }
  await writeFileAtomic(path.join(directory, checksumFile), JSON.stringify(record, null, 2));
  return { modelJson, weightData: concat(parts), source: url, directory };
}

/**
 * Downloads one file (e.g. a Keras `.h5`) into the cache, or returns the cached copy after
 * checking its SHA-256: a thin layer over `download` from `@tfkit/core/node` (retries, stall
 * timeout, HTTP Range resume, atomic rename, a lock shared by processes) that keeps the cache
 * layout, one directory per URL with a `tfkit-checksums.json` record.
 *
 * @param url - http(s) URL of the file
 * @param options - cache directory, fetch, progress
 * @returns the local path of the file
 * @throws {@link WeightsOfflineError} when offline: the message says where to put the file
 * @throws {@link WeightsLoadError} when the server answers with an error
 */
export async function cachedDownload(url: string, options: FetchOptions = {}): Promise<string> {
  const directory = cacheDirectoryOf(url, options);
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'download');
  const file = path.join(directory, name);
  const checksums = await readChecksums(directory);
  if (checksums?.files[name] && (await exists(file))) {
    try {
      await verified(directory, name, checksums);
      return file;
    } catch (error) {
      if (!WeightsLoadError.isInstance(error)) throw error;
      await rm(file, { force: true });
    }
  }
  await rm(path.join(directory, checksumFile), { force: true });
  await fetchIntoCache({
    url,
    file,
    directory,
    reuse: false,
    advice: ', or pass its local path instead of the URL',
    options,
    onBytes: (bytes) => options.onProgress?.({ file: name, filesDone: 0, filesTotal: 1, bytes }),
  });
  const bytes = await readBytes(file);
  await writeFileAtomic(
    path.join(directory, checksumFile),
    JSON.stringify({ url, files: { [name]: { size: bytes.byteLength, sha256: sha256(bytes) } } }, null, 2),
  );
  options.onProgress?.({ file: name, filesDone: 1, filesTotal: 1, bytes: bytes.byteLength });
  return file;
}

/**
 * Reads tfjs layers-model artifacts (model.json + weight shards) from a path, a directory or an
 * http(s) URL. URLs go through a cache directory (atomic writes, sha256 checksums checked on
 * every read); offline, the error says which directory to put the files in.
 *
 * @param source - `model.json` path, its directory, a `file:` URL or an http(s) URL
 * @param options - cache directory, progress callback, fetch
 * @returns the parsed model.json and all weight bytes
 * @throws {@link WeightsOfflineError} when a download fails at the network level
 * @throws {@link WeightsLoadError} for missing, damaged or non-layers-model files
 */
export async function readLayersArtifacts(source: string | URL, options: FetchOptions = {}): Promise<LayersArtifacts> {
  return isHttpUrl(source) ? readRemote(source.toString(), options) : readLocal(source.toString(), options);
}

/** Splits artifacts into layers of named weights (`layer/weight` names), in manifest order. */
export function artifactsToLayers(artifacts: LayersArtifacts): SourceLayer[] {
  const specs = artifacts.modelJson.weightsManifest.flatMap((group) => group.weights);
  const named = tf.io.decodeWeights(artifacts.weightData, specs);
  const layers: SourceLayer[] = [];
  const byName = new Map<string, SourceLayer>();
  try {
    for (const spec of specs) {
      const slash = spec.name.lastIndexOf('/');
      const layerName = slash >= 0 ? spec.name.slice(0, slash) : spec.name;
      let layer = byName.get(layerName);
      if (!layer) {
        layer = { name: layerName, weights: [] };
        byName.set(layerName, layer);
        layers.push(layer);
      }
      const values = named[spec.name]!.dataSync() as Float32Array;
      const copy = values instanceof Float32Array ? values.slice() : Float32Array.from(values);
      layer.weights.push({ name: spec.name, shape: spec.shape, read: () => copy });
    }
  } finally {
    tf.dispose(Object.values(named));
  }
  // tfjs stores a layer's weights under its full name; nested names keep the layer part.
  return layers;
}

/** Options of {@link loadLayersModel}. */
export type LoadModelOptions = FetchOptions;

/**
 * Loads a whole tfjs layers model (topology and weights), e.g. the hosted tfjs MobileNet v1
 * models or the output of {@link saveLayersModel}. BatchNormalization layers come back with
 * Keras semantics.
 *
 * @param source - `model.json` path, directory, `file:` URL or http(s) URL
 * @param options - see {@link FetchOptions}
 * @returns the model; the caller disposes it
 * @throws {@link WeightsOfflineError} when offline (says where to put the files)
 * @throws {@link WeightsLoadError} for missing or damaged files
 * @example
 * ```ts
 * const model = await loadLayersModel('https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json');
 * ```
 */
export async function loadLayersModel(source: string | URL, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  const artifacts = await readLayersArtifacts(source, options);
  if (!artifacts.modelJson.modelTopology) {
    throw new WeightsLoadError({
      source: artifacts.source,
      message: `${artifacts.source} has weights but no modelTopology; build the model with createModel and pass it as \`weights\` instead.`,
    });
  }
  const model = (await tf.models.modelFromJSON(
    { modelTopology: artifacts.modelJson.modelTopology } as tf.io.ModelJSON,
    kerasCustomObjects(),
  )) as tf.LayersModel;
  try {
    const specs = artifacts.modelJson.weightsManifest.flatMap((group) => group.weights);
    const named = tf.io.decodeWeights(artifacts.weightData, specs);
    try {
      model.loadWeights(named, true);
    } finally {
      tf.dispose(Object.values(named));
    }
  } catch (error) {
    model.dispose();
    if (error instanceof Error && !WeightsLoadError.isInstance(error)) {
      throw new WeightsLoadError({
        source: artifacts.source,
        message: `weights of ${artifacts.source} do not fit its topology: ${error.message}`,
        cause: error,
      });
    }
    throw error;
  }
  return model;
}

/** Options of {@link saveLayersModel}. */
export interface SaveModelOptions {
  /**
   * Largest shard, in bytes (tensorflowjs_converter uses 4 MiB).
   * @defaultValue `4194304`
   */
  shardBytes?: number;
  /**
   * Save weights only (`modelTopology: null`), for loading into a model built by `createModel`.
   * @defaultValue `false`
   */
  weightsOnly?: boolean;
}

/**
 * Saves a model in the tfjs layers format (model.json + `group1-shardNofM.bin`) to a directory,
 * every file written atomically, plus `tfkit-checksums.json` that the loaders verify.
 *
 * @param model - the model to save
 * @param directory - destination directory (created)
 * @param options - shard size
 * @returns the path of model.json and the sha256 of each file
 * @example
 * ```ts
 * await saveLayersModel(model, './my-model');
 * ```
 */
export async function saveLayersModel(
  model: tf.LayersModel,
  directory: string,
  options: SaveModelOptions = {},
): Promise<{ modelJsonPath: string; files: Record<string, { size: number; sha256: string }> }> {
  const shardBytes = options.shardBytes ?? 4 * 1024 * 1024;
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = captured!;
  const weightData = artifacts.weightData;
  const buffer = new Uint8Array(
    Array.isArray(weightData)
      ? concat(weightData.map((part) => new Uint8Array(part)))
      : (weightData ?? new ArrayBuffer(0)),
  );
  const shardCount = Math.max(1, Math.ceil(buffer.byteLength / shardBytes));
  const paths: string[] = [];
  const files: Record<string, { size: number; sha256: string }> = {};
  for (let index = 0; index < shardCount; index++) {
    const name = `group1-shard${index + 1}of${shardCount}.bin`;
    const part = buffer.subarray(index * shardBytes, Math.min(buffer.byteLength, (index + 1) * shardBytes));
    await writeFileAtomic(path.join(directory, name), part);
    files[name] = { size: part.byteLength, sha256: sha256(part) };
    paths.push(name);
  }
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: '@tfkit/vision-transfer',
    modelTopology: options.weightsOnly ? null : (artifacts.modelTopology as Record<string, unknown>),
    weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
  };
  const jsonBytes = new TextEncoder().encode(JSON.stringify(modelJson));
  const modelJsonPath = path.join(directory, 'model.json');
  await writeFileAtomic(modelJsonPath, jsonBytes);
  files['model.json'] = { size: jsonBytes.byteLength, sha256: sha256(jsonBytes) };
  await writeFileAtomic(path.join(directory, checksumFile), JSON.stringify({ files } satisfies Checksums, null, 2));
  return { modelJsonPath, files };
}
