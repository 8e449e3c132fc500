import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type * as tf from '@tensorflow/tfjs';
import { TfkitOptionError } from '@tfkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeightsLoadError, WeightsOfflineError } from '../errors.js';
import { maxDifference, randomImages, randomizeWeights, useTestBackend } from '../test-support/setup.js';
import { buildModel, createModel, modelNames } from '../zoo/create-model.js';
import { saveH5Weights } from './h5.js';
import {
  fetchImagenetWeights,
  type ImagenetWeightsEntry,
  imagenetWeights,
  imagenetWeightsPath,
  KERAS_WEIGHTS_BASE_URL,
  resolveImagenetWeights,
} from './imagenet.js';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-imagenet-'));
const noTopPath = 'mobilenet/mobilenet_2_5_224_tf_no_top.h5';
let weightsBytes: Uint8Array;
let source: tf.LayersModel;
let server: Server;
let base = '';
const hits = new Map<string, number>();
const ranges: string[] = [];

/** Serves `files` by path under a mode prefix: good (honours Range), truncate-once, no-range, stall, slow. */
function serve(files: Map<string, Uint8Array>): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, mode = '', ...rest] = url.pathname.split('/');
    const key = rest.join('/');
    const count = (hits.get(url.pathname) ?? 0) + 1;
    hits.set(url.pathname, count);
    const body = files.get(key);
    if (!body) return void response.writeHead(404).end('not found');
    const range = request.headers.range;
    if (range) ranges.push(`${url.pathname} ${range}`);
    const half = body.subarray(0, body.length >> 1);
    const cutOff = () => {
      response.writeHead(200, { 'content-length': body.length });
      response.write(half, () => setTimeout(() => response.socket?.destroy(), 20));
    };
    if (mode === 'stall') {
      response.writeHead(200, { 'content-length': body.length });
      response.write(body.subarray(0, 1000)); // then nothing, connection kept open
      return;
    }
    if ((mode === 'truncate-once' || mode === 'no-range') && count === 1) return cutOff();
    const start = mode !== 'no-range' && range ? Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0) : 0;
    const slice = body.subarray(start);
    response.writeHead(start > 0 ? 206 : 200, {
      'content-length': slice.length,
      ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (mode !== 'slow') return void response.end(slice);
    const pieces = 8;
    const size = Math.ceil(slice.length / pieces);
    let index = 0;
    const next = () => {
      if (index >= pieces) return void response.end();
      response.write(slice.subarray(index * size, (index + 1) * size));
      index++;
      setTimeout(next, 60);
    };
    next();
  });
}

/** Files in a cache directory (empty when it does not exist). */
function cacheFiles(cacheDir: string): string[] {
  return existsSync(cacheDir) ? readdirSync(cacheDir).sort() : [];
}

/** Nothing corrupt in the cache: no `name` unless it is exactly `bytes`, a `.part` only as a prefix of it, no lock. */
function expectNoCorruptFile(cacheDir: string, name: string, bytes: Uint8Array): void {
  for (const file of cacheFiles(cacheDir)) {
    const content = readFileSync(path.join(cacheDir, file));
    if (file === name) expect(md5(content)).toBe(md5(bytes));
    else if (file === `${name}.part`)
      expect(Buffer.compare(content, Buffer.from(bytes.subarray(0, content.length)))).toBe(0);
    else if (file === `${name}.sha256`)
      expect(content.toString().trim()).toBe(createHash('sha256').update(bytes).digest('hex'));
    else throw new Error(`unexpected file in the cache: ${file}`);
  }
}

beforeAll(async () => {
  process.env.KERAS_HOME = path.join(directory, 'no-keras-home'); // never a real ~/.keras
  await useTestBackend();
  // A MobileNet 0.25 without top in the real Keras .h5 layout (save_weights), random weights.
  source = buildModel('mobilenet', { alpha: 0.25, includeTop: false, inputShape: [32, 32, 3], seed: 5 });
  randomizeWeights(source, 17);
  const file = path.join(directory, 'generated.h5');
  await saveH5Weights(source, file);
  weightsBytes = new Uint8Array(readFileSync(file));
  const files = new Map<string, Uint8Array>([
    [noTopPath, weightsBytes],
    ['mobilenet/mobilenet_2_5_128_tf_no_top.h5', weightsBytes],
    ['vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5', weightsBytes], // not VGG16's: fails its md5
  ]);
  server = serve(files);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  source.dispose();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

describe('the registry of published ImageNet weights', () => {
  it('has every architecture and variant keras.applications publishes, each entry well-formed', () => {
    expect(imagenetWeights).toHaveLength(84);
    expect(new Set(imagenetWeights.map((entry) => entry.path)).size).toBe(84);
    expect(KERAS_WEIGHTS_BASE_URL).toBe('https://storage.googleapis.com/tensorflow/keras-applications/');
    for (const entry of imagenetWeights) {
      expect(modelNames).toContain(entry.model);
      expect(new URL(entry.path, KERAS_WEIGHTS_BASE_URL).href).toBe(`${KERAS_WEIGHTS_BASE_URL}${entry.path}`);
      expect(entry.path).toMatch(/^(vgg16|vgg19|resnet|inception_v3|mobilenet|mobilenet_v2)\/[a-z0-9_.]+\.h5$/);
      expect(entry.path.includes('no_top') || entry.path.includes('notop')).toBe(!entry.includeTop);
      if (entry.model.startsWith('mobilenet')) {
        expect(entry.md5).toBeNull(); // Keras' mobilenet.py / mobilenet_v2.py pass no file_hash
        expect(entry.alpha).toBeGreaterThan(0);
        expect(entry.size).toBeGreaterThanOrEqual(96);
      } else {
        expect(entry.md5).toMatch(/^[0-9a-f]{32}$/);
        expect(entry.alpha).toBeUndefined();
      }
    }
    const count = (model: string, includeTop: boolean) =>
      imagenetWeights.filter((entry) => entry.model === model && entry.includeTop === includeTop).length;
    for (const model of ['vgg16', 'vgg19', 'resnet50', 'inceptionV3'])
      for (const top of [true, false]) expect(count(model, top)).toBe(1);
    for (const top of [true, false]) {
      expect(count('mobilenet', top)).toBe(16); // 4 alphas x 4 sizes
      expect(count('mobilenetV2', top)).toBe(22); // 4 alphas x 5 sizes + 1.3 and 1.4 at 224
    }
    // Keras' file-name formulas
    for (const alpha of [0.25, 0.5, 0.75, 1])
      for (const size of [128, 160, 192, 224]) {
        const text = { 0.25: '2_5', 0.5: '5_0', 0.75: '7_5', 1: '1_0' }[alpha];
        expect(resolveImagenetWeights('mobilenet', { alpha, inputShape: [size, size, 3] }).path).toBe(
          `mobilenet/mobilenet_${text}_${size}_tf.h5`,
        );
      }
    expect(
      resolveImagenetWeights('mobilenetV2', { alpha: 0.35, inputShape: [96, 96, 3], includeTop: false }).path,
    ).toBe('mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5');
    expect(resolveImagenetWeights('mobilenetV2', { alpha: 1 }).path).toBe(
      'mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5',
    );
    expect(resolveImagenetWeights('vgg16')).toMatchObject({ md5: '64373286793e3c8b2b4e3219cbf3544b' });
    expect(resolveImagenetWeights('resnet50', { includeTop: false }).md5).toBe('4d473c1dd8becc155b73f8504c6f6626');
  });

  it("rejects wrong combinations with Keras' rules and messages", () => {
    const rejects = (run: () => unknown, pattern: RegExp) => {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(TfkitOptionError.isInstance(caught), String(caught)).toBe(true);
      expect((caught as Error).message).toMatch(pattern);
    };
    rejects(() => resolveImagenetWeights('vgg16', { classes: 10 }), /`classes` should be 1000\. Received classes=10/);
    rejects(
      () => resolveImagenetWeights('vgg16', { inputShape: [160, 160, 3] }),
      /`includeTop: true` and loading `imagenet` weights, `inputShape` should be \[224, 224, 3\]/,
    );
    rejects(() => resolveImagenetWeights('inceptionV3', { inputShape: [224, 224, 3] }), /should be \[299, 299, 3\]/);
    rejects(() => resolveImagenetWeights('mobilenet', { inputShape: [150, 150, 3] }), /should be \[224, 224, 3\]/);
    rejects(
      () => resolveImagenetWeights('mobilenet', { alpha: 0.35 }),
      /alpha can be one of `0.25`, `0.50`, `0.75` or `1.0` only/,
    );
    rejects(() => resolveImagenetWeights('mobilenetV2', { alpha: 0.25 }), /alpha must be one of `0.35`/);
    rejects(
      () => resolveImagenetWeights('mobilenetV2', { alpha: 1.4, inputShape: [128, 128, 3] }),
      /224x224 inputs only/,
    );
    // no top: any size, the 224 weights where no other size is published (Keras warns and does the same)
    expect(resolveImagenetWeights('mobilenet', { alpha: 0.5, includeTop: false, inputShape: [100, 120, 3] }).size).toBe(
      224,
    );
    expect(resolveImagenetWeights('vgg19', { includeTop: false, inputShape: [64, 64, 3], classes: 3 }).includeTop).toBe(
      false,
    );
  });
});

describe("weights: 'imagenet' through a loopback server", () => {
  const hashed = (): ImagenetWeightsEntry => ({
    model: 'mobilenet',
    includeTop: false,
    alpha: 0.25,
    size: 224,
    path: noTopPath,
    md5: md5(weightsBytes),
  });
  const name = path.posix.basename(noTopPath);
  const fresh = (label: string) => path.join(directory, label);

  it('a clean download, reuse from the cache, and a re-fetch after the cached file was corrupted', async () => {
    const cacheDir = fresh('clean');
    const progress: number[] = [];
    const options = {
      alpha: 0.25,
      includeTop: false,
      inputShape: [32, 32, 3] as [number, number, number],
      weights: 'imagenet' as const,
      weightsBaseUrl: `${base}/good/`,
      cacheDir,
      onProgress: (event: { bytes: number }) => progress.push(event.bytes),
    };
    const model = await createModel('mobilenet', options);
    const images = randomImages(2, 32, 3);
    expect(maxDifference(source.predict(images) as tf.Tensor, model.predict(images) as tf.Tensor)).toBeLessThan(1e-6);
    expect(progress.at(-1)).toBe(weightsBytes.length);
    expect(cacheFiles(cacheDir)).toEqual([name, `${name}.sha256`]);
    expectNoCorruptFile(cacheDir, name, weightsBytes);
    const served = hits.get(`/good/${noTopPath}`);
    model.dispose();
    (await createModel('mobilenet', options)).dispose();
    expect(hits.get(`/good/${noTopPath}`)).toBe(served); // from the cache
    const cached = path.join(cacheDir, name);
    const damaged = readFileSync(cached);
    damaged[damaged.length >> 1] = (damaged[damaged.length >> 1] ?? 0) ^ 0xff;
    writeFileSync(cached, damaged);
    (await createModel('mobilenet', options)).dispose();
    expect(hits.get(`/good/${noTopPath}`)).toBe(served! + 1); // detected and fetched again
    expectNoCorruptFile(cacheDir, name, weightsBytes);
    images.dispose();
  });

  it('a truncated transfer is resumed with Range, and restarted when the server ignores Range', async () => {
    const resumedDir = fresh('resume');
    const file = await fetchImagenetWeights(hashed(), {
      weightsBaseUrl: `${base}/truncate-once/`,
      cacheDir: resumedDir,
      retryDelayMs: 1,
    });
    expect(md5(readFileSync(file))).toBe(md5(weightsBytes));
    expect(ranges.some((line) => line.startsWith(`/truncate-once/${noTopPath} bytes=`) && !line.endsWith('=0-'))).toBe(
      true,
    );
    expect(cacheFiles(resumedDir)).toEqual([name]);

    const restartedDir = fresh('no-range');
    const again = await fetchImagenetWeights(hashed(), {
      weightsBaseUrl: `${base}/no-range/`,
      cacheDir: restartedDir,
      retryDelayMs: 1,
    });
    expect(md5(readFileSync(again))).toBe(md5(weightsBytes));
    expect(hits.get(`/no-range/${noTopPath}`)).toBe(2);
    expect(cacheFiles(restartedDir)).toEqual([name]);
  });

  it('a wrong hash, a 404 and a stalled server fail with typed errors and leave nothing corrupt', async () => {
    const wrongDir = fresh('wrong-hash');
    const vgg = resolveImagenetWeights('vgg16', { includeTop: false });
    const wrong = await fetchImagenetWeights(vgg, {
      weightsBaseUrl: `${base}/good/`,
      cacheDir: wrongDir,
      retryDelayMs: 1,
    }).catch((error: unknown) => error);
    expect(WeightsLoadError.isInstance(wrong)).toBe(true);
    expect((wrong as Error).message).toContain(`does not match the expected ${vgg.md5}`);
    expect(cacheFiles(wrongDir)).toEqual([]);

    const missingDir = fresh('missing');
    const entry = resolveImagenetWeights('resnet50', { includeTop: false });
    const missing = await fetchImagenetWeights(entry, { weightsBaseUrl: `${base}/good/`, cacheDir: missingDir }).catch(
      (error: unknown) => error,
    );
    expect(WeightsLoadError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/HTTP 404/);
    expect((missing as Error).message).toContain(`${base}/good/${entry.path}`);
    expect(cacheFiles(missingDir)).toEqual([]);

    const stallDir = fresh('stall');
    const stalled = await fetchImagenetWeights(hashed(), {
      weightsBaseUrl: `${base}/stall/`,
      cacheDir: stallDir,
      stallTimeoutMs: 300,
      retries: 1,
      retryDelayMs: 1,
    }).catch((error: unknown) => error);
    expect(WeightsLoadError.isInstance(stalled)).toBe(true);
    expect((stalled as Error).message).toMatch(/stalled: no data for 300 ms/);
    expect(existsSync(path.join(stallDir, name))).toBe(false);
    expectNoCorruptFile(stallDir, name, weightsBytes); // at most a resumable prefix in `.part`
  });

  it('offline with nothing cached: one typed error naming the URL, the expected hash and the exact path', async () => {
    const cacheDir = fresh('offline');
    const entry = resolveImagenetWeights('vgg16');
    const error = await fetchImagenetWeights(entry, {
      weightsBaseUrl: 'http://127.0.0.1:9/',
      cacheDir,
      retries: 0,
    }).catch((caught: unknown) => caught);
    expect(WeightsOfflineError.isInstance(error)).toBe(true);
    const offline = error as WeightsOfflineError;
    const expectedPath = imagenetWeightsPath(entry, { cacheDir });
    expect(offline).toMatchObject({
      url: `http://127.0.0.1:9/${entry.path}`,
      expectedHash: '64373286793e3c8b2b4e3219cbf3544b',
      file: expectedPath,
    });
    expect(offline.message).toContain(offline.url);
    expect(offline.message).toContain('64373286793e3c8b2b4e3219cbf3544b');
    expect(offline.message).toContain(`place the file by hand at ${expectedPath}`.replace('place', 'Place'));
    expect(cacheFiles(cacheDir)).toEqual([]);
    // ...a verified copy in Keras' own cache is used in place (a wrong one is not)...
    const kerasHome = fresh('keras-home');
    const kerasCopy = path.join(kerasHome, 'models', name);
    mkdirSync(path.dirname(kerasCopy), { recursive: true });
    writeFileSync(kerasCopy, weightsBytes);
    process.env.KERAS_HOME = kerasHome;
    try {
      const offlineOptions = { weightsBaseUrl: 'http://127.0.0.1:9/', cacheDir, retries: 0 };
      expect(await fetchImagenetWeights(hashed(), offlineOptions)).toBe(kerasCopy);
      const tampered = { ...hashed(), md5: '0'.repeat(32) };
      await expect(fetchImagenetWeights(tampered, offlineOptions)).rejects.toSatisfy(WeightsOfflineError.isInstance);
      await expect(fetchImagenetWeights(hashed(), { ...offlineOptions, kerasCache: false })).rejects.toSatisfy(
        WeightsOfflineError.isInstance,
      );
    } finally {
      process.env.KERAS_HOME = path.join(directory, 'no-keras-home');
    }
    // ...and a file placed by hand where such an error says is used without any network (checked by md5)
    writeFileSync(imagenetWeightsPath(hashed(), { cacheDir }), weightsBytes);
    const placed = await fetchImagenetWeights(hashed(), {
      weightsBaseUrl: 'http://127.0.0.1:9/',
      cacheDir,
      retries: 0,
    });
    expect(placed).toBe(path.join(cacheDir, name));
  });

  it('two processes downloading the same file at once share one download', async () => {
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    expect(existsSync(dist), 'build the package first (turbo runs build before test)').toBe(true);
    const cacheDir = fresh('two-processes');
    const script = `
      const { imagenetWeightsFile } = await import(${JSON.stringify(dist)});
      const file = await imagenetWeightsFile('mobilenet', {
        alpha: 0.25, includeTop: false, inputShape: [128, 128, 3],
        weightsBaseUrl: ${JSON.stringify(`${base}/slow/`)}, cacheDir: ${JSON.stringify(cacheDir)},
      });
      console.log(JSON.stringify({ file }));
    `;
    const run = () =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const results = await Promise.all([run(), run()]);
    const files = results.map((result) => JSON.parse(result.stdout.trim().split('\n').at(-1)!).file);
    const expected = path.join(cacheDir, 'mobilenet_2_5_128_tf_no_top.h5');
    expect(files).toEqual([expected, expected]);
    expect(hits.get('/slow/mobilenet/mobilenet_2_5_128_tf_no_top.h5')).toBe(1);
    expect(cacheFiles(cacheDir)).toEqual(['mobilenet_2_5_128_tf_no_top.h5', 'mobilenet_2_5_128_tf_no_top.h5.sha256']);
    expectNoCorruptFile(cacheDir, 'mobilenet_2_5_128_tf_no_top.h5', weightsBytes);
  }, 90_000);
});
