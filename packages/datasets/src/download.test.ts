import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DownloadError } from '@tfkit/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, type ProgressEvent } from './download.js';
import { FASHION_MNIST, type IdxDatasetSpec, loadIdxDataset } from './idx/idx-datasets.js';
import { encodeIdx } from './idx/idx-format.js';
import { loadMnist } from './loaders.js';
import { temporaryDir } from './test-support/idx-fixtures.js';

const payload = new Uint8Array(1_000_000).map((_, index) => (index * 13) % 251);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const labelsGz = gzipSync(encodeIdx([3], Uint8Array.from([4, 0, 9])));
const imagesGz = gzipSync(encodeIdx([3, 2, 2], new Uint8Array(12).fill(200)));

function expectRejection(): never {
  throw new Error('expected the promise to reject');
}

let server: Server;
let base = '';
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    const send = (body: Uint8Array) => {
      response.writeHead(200, { 'content-length': body.length });
      // two chunks, so progress is reported more than once
      response.write(body.subarray(0, body.length >> 1));
      setTimeout(() => response.end(body.subarray(body.length >> 1)), 20);
    };
    if (path === '/good/file.bin') return send(payload);
    if (path === '/flaky/file.bin') {
      if (count < 3) return response.writeHead(503).end('busy');
      return send(payload);
    }
    if (path === '/tampered/file.bin') return send(payload.map((value) => value ^ 1));
    if (path.startsWith('/mirror/') && path.endsWith('train-labels-idx1-ubyte.gz')) return send(labelsGz);
    if (path.startsWith('/mirror/') && path.endsWith('train-images-idx3-ubyte.gz')) return send(imagesGz);
    response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('downloadFile', () => {
  it('downloads, checks size and SHA-256, reports progress, writes atomically', async () => {
    const dir = temporaryDir();
    const destination = join(dir, 'nested', 'file.bin');
    const events: ProgressEvent[] = [];
    const result = await downloadFile({
      urls: [`${base}/good/file.bin`],
      destination,
      sha256: sha256(payload),
      bytes: payload.length,
      onProgress: (event) => events.push(event),
    });
    expect(result).toMatchObject({ path: destination, bytes: payload.length, sha256: sha256(payload) });
    expect(Array.from(readFileSync(destination))).toEqual(Array.from(payload));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({ phase: 'download', loaded: payload.length, total: payload.length });
    expect(events.map((event) => event.loaded)).toEqual([...events.map((event) => event.loaded)].sort((a, b) => a - b));
    expect(readdirSync(join(dir, 'nested'))).toEqual(['file.bin']);
  });

  it('retries a mirror that answers 503, then succeeds', async () => {
    const dir = temporaryDir();
    const result = await downloadFile({
      urls: [`${base}/flaky/file.bin`],
      destination: join(dir, 'file.bin'),
      sha256: sha256(payload),
      retries: 2,
      retryDelayMs: 1,
    });
    expect(result.url).toBe(`${base}/flaky/file.bin`);
    expect(hits.get('/flaky/file.bin')).toBe(3);
  });

  it('moves on from a 404 and from a checksum mismatch to the next mirror', async () => {
    const dir = temporaryDir();
    const result = await downloadFile({
      urls: [`${base}/missing/file.bin`, `${base}/tampered/file.bin`, `${base}/good/file.bin`],
      destination: join(dir, 'file.bin'),
      sha256: sha256(payload),
      retryDelayMs: 1,
    });
    expect(result.url).toBe(`${base}/good/file.bin`);
    expect(hits.get('/missing/file.bin')).toBe(1); // 404 is not retried
  });

  it('fails with a DownloadError listing every URL, leaving no file behind', async () => {
    const dir = temporaryDir();
    const destination = join(dir, 'file.bin');
    const error = await downloadFile({
      urls: [`${base}/tampered/file.bin`, `${base}/nothing/here`],
      destination,
      sha256: sha256(payload),
      retryDelayMs: 1,
    }).then(expectRejection, (reason: unknown) => reason as DownloadError);
    expect(DownloadError.isInstance(error)).toBe(true);
    expect(error.urls).toHaveLength(2);
    expect(error.message).toContain('does not match the expected');
    expect(error.message).toContain('HTTP 404');
    expect(existsSync(destination)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('loaders with download: true', () => {
  const tiny: IdxDatasetSpec = {
    ...FASHION_MNIST,
    name: 'tiny-download',
    envVar: 'TINY_DOWNLOAD_DIR',
    systemDirs: [],
    files: {
      ...FASHION_MNIST.files,
      train: {
        images: { name: 'train-images-idx3-ubyte.gz', bytes: imagesGz.length, sha256: sha256(imagesGz) },
        labels: { name: 'train-labels-idx1-ubyte.gz', bytes: labelsGz.length, sha256: sha256(labelsGz) },
      },
    },
  };

  it('downloads into the cache once, then loads from the cache', async () => {
    const cacheDir = temporaryDir();
    const mirrors = [`${base}/mirror/`];
    const events: ProgressEvent[] = [];
    const first = await loadIdxDataset(tiny, {
      env: {},
      cacheDir,
      download: true,
      mirrors,
      onProgress: (event) => events.push(event),
    });
    expect(first).toMatchObject({ origin: 'download', count: 3, rows: 2, cols: 2 });
    expect(Array.from(first.labels)).toEqual([4, 0, 9]);
    expect(events.some((event) => event.phase === 'download')).toBe(true);
    const requests = hits.get('/mirror/train-images-idx3-ubyte.gz');
    const second = await loadIdxDataset(tiny, { env: {}, cacheDir, download: true, mirrors });
    expect(second.origin).toBe('cache');
    expect(hits.get('/mirror/train-images-idx3-ubyte.gz')).toBe(requests);
    expect(readdirSync(join(cacheDir, 'datasets', 'tiny-download')).sort()).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
  });

  it('enforces the published MNIST checksums', async () => {
    const cacheDir = temporaryDir();
    const error = await loadMnist({
      env: {},
      cacheDir,
      download: true,
      mirrors: [`${base}/mirror/`],
      retries: 0,
    }).then(expectRejection, (reason: unknown) => reason as DownloadError);
    expect(DownloadError.isInstance(error)).toBe(true);
    expect(error.message).toContain('expected 9912422');
    expect(existsSync(join(cacheDir, 'datasets', 'mnist', 'train-images-idx3-ubyte.gz'))).toBe(false);
  });
});
