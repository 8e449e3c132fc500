import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeightsLoadError, WeightsOfflineError } from '../errors.js';
import { KerasBatchNormalization } from '../layers/keras-batch-normalization.js';
import { maxDifference, randomImages, randomizeWeights, useTestBackend } from '../test-support/setup.js';
import { buildModel, createModel } from '../zoo/create-model.js';
import { saveH5Weights } from './h5.js';
import { loadWeights } from './load-weights.js';
import { loadLayersModel, saveLayersModel } from './tfjs-format.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-tfjs-'));
const small = { alpha: 0.25, inputShape: [32, 32, 3] as [number, number, number], classes: 4 };
let source: tf.LayersModel;
let server: Server;
let baseUrl: string;
const requests: string[] = [];

beforeAll(async () => {
  await useTestBackend();
  source = buildModel('mobilenet', { ...small, seed: 4 });
  randomizeWeights(source, 21);
  // The hosted tfjs MobileNet v1 layout: model.json + group1-shardNofM files next to it.
  await saveLayersModel(source, path.join(directory, 'served', 'mobilenet_v1_0.25_32'), { shardBytes: 100_000 });
  await saveH5Weights(source, path.join(directory, 'served', 'mobilenet_2_5_32_tf.h5'));
  writeHostedLayout(path.join(directory, 'served', 'mobilenet_v1_0.25_32'), path.join(directory, 'served', 'hosted'));
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    try {
      const body = readFileSync(path.join(directory, 'served', request.url ?? ''));
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  source.dispose();
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

/**
 * Rewrites a saved model in the layout of the hosted tfjs MobileNet v1 models (converted from
 * Keras 2.1): `modelTopology` wraps `model_config` with `keras_version`/`backend`, and every layer's
 * weights sit in their own manifest group `groupN-shard1of1`.
 */
function writeHostedLayout(savedDirectory: string, hostedDirectory: string): void {
  const json = JSON.parse(readFileSync(path.join(savedDirectory, 'model.json'), 'utf8'));
  const paths: string[] = json.weightsManifest[0].paths;
  const bytes = Buffer.concat(paths.map((name) => readFileSync(path.join(savedDirectory, name))));
  const groups: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }> = [];
  let offset = 0;
  let current: string | undefined;
  mkdirSync(hostedDirectory, { recursive: true });
  for (const spec of json.weightsManifest[0].weights) {
    const layer = spec.name.slice(0, spec.name.lastIndexOf('/'));
    if (layer !== current) {
      current = layer;
      groups.push({ paths: [`group${groups.length + 1}-shard1of1`], weights: [] });
    }
    const size = 4 * spec.shape.reduce((a: number, b: number) => a * b, 1);
    const group = groups.at(-1)!;
    group.weights.push(spec);
    const file = path.join(hostedDirectory, group.paths[0]!);
    writeFileSync(
      file,
      Buffer.concat([existsSync(file) ? readFileSync(file) : Buffer.alloc(0), bytes.subarray(offset, offset + size)]),
    );
    offset += size;
  }
  const hosted = {
    modelTopology: { keras_version: '2.1.4', backend: 'tensorflow', model_config: json.modelTopology },
    weightsManifest: groups,
  };
  writeFileSync(path.join(hostedDirectory, 'model.json'), JSON.stringify(hosted));
}

function predictionsDiffer(a: tf.LayersModel, b: tf.LayersModel): number {
  const images = randomImages(2, 32, 9);
  const left = a.predict(images) as tf.Tensor;
  const right = b.predict(images) as tf.Tensor;
  const difference = maxDifference(left, right);
  tf.dispose([images, left, right]);
  return difference;
}

describe('tfjs layers format', () => {
  it('saves shards + checksums and loads back from a path: predict equals the source', async () => {
    const target = path.join(directory, 'saved');
    const { modelJsonPath, files } = await saveLayersModel(source, target);
    expect(Object.keys(files).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const loaded = await loadLayersModel(modelJsonPath);
    expect(predictionsDiffer(source, loaded)).toBeLessThan(1e-6);
    expect(loaded.getLayer('conv1_bn')).toBeInstanceOf(KerasBatchNormalization);
    loaded.dispose();
    const byDirectory = await loadLayersModel(target);
    expect(predictionsDiffer(source, byDirectory)).toBeLessThan(1e-6);
    byDirectory.dispose();
  });

  it('detects a damaged shard through its checksum', async () => {
    const target = path.join(directory, 'damaged');
    await saveLayersModel(source, target);
    const shard = path.join(target, 'group1-shard1of1.bin');
    const bytes = readFileSync(shard);
    bytes[100] = (bytes[100]! + 1) % 256;
    writeFileSync(shard, bytes);
    await expect(loadLayersModel(target)).rejects.toThrow(/does not match its checksum.*delete it/);
  });

  it('downloads from an http URL into the cache, then loads from the cache without the server', async () => {
    const cacheDir = path.join(directory, 'cache');
    const url = `${baseUrl}/mobilenet_v1_0.25_32/model.json`;
    const progress: string[] = [];
    const loaded = await loadLayersModel(url, { cacheDir, onProgress: (event) => progress.push(event.file) });
    expect(predictionsDiffer(source, loaded)).toBeLessThan(1e-6);
    expect(progress.length).toBeGreaterThan(1); // several 100 kB shards
    loaded.dispose();
    const served = requests.length;
    const again = await loadLayersModel(url, { cacheDir });
    expect(requests.length).toBe(served); // nothing fetched the second time
    again.dispose();
  });

  it('loads the hosted tfjs MobileNet v1 layout (Keras 2.1 model_config, one manifest group per layer) from a URL', async () => {
    const url = `${baseUrl}/hosted/model.json`;
    const cacheDir = path.join(directory, 'cache-hosted');
    const model = await loadLayersModel(url, { cacheDir });
    expect(predictionsDiffer(source, model)).toBeLessThan(1e-6);
    expect(requests).toContain('/hosted/group2-shard1of1');
    model.dispose();
    const zoo = await createModel('mobilenet', { ...small, weights: url, cacheDir });
    expect(predictionsDiffer(source, zoo)).toBeLessThan(1e-6);
    zoo.dispose();
  });

  it('loads hosted weights by name into a model built by createModel', async () => {
    const model = await createModel('mobilenet', {
      ...small,
      weights: `${baseUrl}/mobilenet_v1_0.25_32/model.json`,
      cacheDir: path.join(directory, 'cache2'),
    });
    expect(predictionsDiffer(source, model)).toBeLessThan(1e-6);
    model.dispose();
  });

  it('downloads Keras .h5 weights from a URL once, into the cache', async () => {
    const cacheDir = path.join(directory, 'cache-h5');
    const url = `${baseUrl}/mobilenet_2_5_32_tf.h5`;
    const model = await createModel('mobilenet', { ...small, weights: url, cacheDir });
    expect(predictionsDiffer(source, model)).toBeLessThan(1e-6);
    const served = requests.length;
    const report = await loadWeights(model, url, { cacheDir });
    expect(report.matchedBy).toBe('name');
    expect(requests.length).toBe(served);
    model.dispose();
    const offline = await loadWeights(model, 'http://127.0.0.1:9/x/vgg16.h5', { cacheDir, retries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(WeightsOfflineError.isInstance(offline)).toBe(true);
    expect((offline as Error).message).toMatch(/Place the file by hand at .*cache-h5\/[0-9a-f]{16}\/vgg16\.h5/);
    expect((offline as WeightsOfflineError).file).toMatch(/cache-h5\/[0-9a-f]{16}\/vgg16\.h5$/);
  });

  it('offline: the error names the URL and the directory to put the files in', async () => {
    const cacheDir = path.join(directory, 'offline-cache');
    const error = await loadLayersModel('http://127.0.0.1:9/mobilenet/model.json', { cacheDir, retries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(WeightsOfflineError.isInstance(error)).toBe(true);
    const offline = error as WeightsOfflineError;
    expect(offline.cacheDirectory.startsWith(cacheDir)).toBe(true);
    expect(offline.message).toContain('could not download http://127.0.0.1:9/mobilenet/model.json');
    expect(offline.message).toContain(`Place the file by hand at ${offline.cacheDirectory}/model.json`);
    expect(offline.message).toContain('with its weight shards (group1-shard1of1.bin, ...) beside it');
  });

  it('HTTP errors and missing files are typed errors', async () => {
    await expect(loadLayersModel(`${baseUrl}/nothing/model.json`, { cacheDir: directory })).rejects.toThrow(/HTTP 404/);
    await expect(loadLayersModel(path.join(directory, 'nowhere'))).rejects.toThrow(WeightsLoadError);
    const model = buildModel('mobilenet', { ...small, alpha: 0.5, initialization: 'zeros' });
    await expect(loadWeights(model, path.join(directory, 'saved'))).rejects.toThrow(
      /conv1: expected \[3, 3, 3, 16\] got \[3, 3, 3, 8\]/,
    );
    model.dispose();
  });
});
