import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, download, FileWriteError, sha256, writeFileAtomic } from '../node.js';

const payload = randomBytes(256 * 1024);
const payloadSha256 = sha256(payload);
const payloadMd5 = createHash('md5').update(payload).digest('hex');

type Mode = 'ok' | 'truncate-once' | 'ignore-range' | 'stall' | 'not-found' | 'flaky-500' | 'slow';
interface Hit {
  path: string;
  range: string | undefined;
}

let server: Server;
let base = '';
let mode: Mode = 'ok';
let hits: Hit[] = [];
let truncated = false;
let failuresLeft = 0;

function handle(request: IncomingMessage, response: ServerResponse): void {
  hits.push({ path: request.url ?? '', range: request.headers.range });
  if (mode === 'not-found') {
    response.writeHead(404).end('no');
    return;
  }
  if (mode === 'flaky-500' && failuresLeft > 0) {
    failuresLeft -= 1;
    response.writeHead(503).end('busy');
    return;
  }
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  if (range && mode !== 'ignore-range' && mode !== 'stall') {
    const start = Number(range[1]);
    if (start >= payload.length) {
      response.writeHead(416).end();
      return;
    }
    response.writeHead(206, {
      'content-length': String(payload.length - start),
      'content-range': `bytes ${start}-${payload.length - 1}/${payload.length}`,
    });
    response.end(payload.subarray(start));
    return;
  }
  response.writeHead(200, { 'content-length': String(payload.length) });
  if (mode === 'truncate-once' && !truncated) {
    truncated = true;
    response.write(payload.subarray(0, 100_000), () => {
      setTimeout(() => response.socket?.destroy(), 20);
    });
    return;
  }
  if (mode === 'stall') {
    response.write(payload.subarray(0, 1000));
    return; // never ends: the client must give up
  }
  if (mode === 'slow') {
    let offset = 0;
    const tick = (): void => {
      if (response.destroyed) return;
      const next = Math.min(offset + 32 * 1024, payload.length);
      response.write(payload.subarray(offset, next));
      offset = next;
      if (offset >= payload.length) response.end();
      else setTimeout(tick, 25);
    };
    tick();
    return;
  }
  response.end(payload);
}

let directory = '';

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'tfkit-download-'));
  mode = 'ok';
  hits = [];
  truncated = false;
  failuresLeft = 0;
});

afterEach(() => {
  server.closeAllConnections();
  rmSync(directory, { recursive: true, force: true });
});

/** The destination holds the exact payload, or nothing; no lock or temporary file is left. */
function expectCleanCache(destination: string, complete: boolean): void {
  if (complete) expect(sha256(readFileSync(destination))).toBe(payloadSha256);
  else expect(existsSync(destination)).toBe(false);
  const leftovers = readdirSync(path.dirname(destination)).filter(
    (name) => name.endsWith('.lock') || name.endsWith('.tmp'),
  );
  expect(leftovers).toEqual([]);
}

describe('download', () => {
  it('downloads, verifies and then reuses the verified file without a request', async () => {
    const destination = path.join(directory, 'cache', 'weights.h5');
    const progress: number[] = [];
    const first = await download({
      urls: `${base}/weights.h5`,
      destination,
      hash: payloadSha256,
      onProgress: ({ loaded }) => progress.push(loaded),
    });
    expect(first).toMatchObject({ cached: false, bytes: payload.length, hash: payloadSha256, hashAlgorithm: 'sha256' });
    expect(progress.at(-1)).toBe(payload.length);
    expectCleanCache(destination, true);
    const second = await download({ urls: `${base}/weights.h5`, destination, hash: payloadSha256 });
    expect(second.cached).toBe(true);
    expect(hits).toHaveLength(1);
  });

  it('detects md5 digests the way Keras does', async () => {
    const destination = path.join(directory, 'file.bin');
    const result = await download({ urls: [`${base}/file.bin`], destination, hash: payloadMd5 });
    expect(result.hashAlgorithm).toBe('md5');
    expect(result.hash).toBe(payloadMd5);
  });

  it('resumes a truncated transfer with an HTTP Range request', async () => {
    mode = 'truncate-once';
    const destination = path.join(directory, 'file.bin');
    const result = await download({ urls: `${base}/file.bin`, destination, hash: payloadSha256, retryDelayMs: 10 });
    expect(hits).toHaveLength(2);
    expect(hits[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(result.resumedFrom).toBeGreaterThan(0);
    expect(result.resumedFrom).toBeLessThanOrEqual(100_000);
    expectCleanCache(destination, true);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('restarts from zero when the server ignores Range', async () => {
    const destination = path.join(directory, 'file.bin');
    writeFileSync(`${destination}.part`, payload.subarray(0, 5000));
    mode = 'ignore-range';
    const result = await download({ urls: `${base}/file.bin`, destination, hash: payloadSha256 });
    expect(hits[0]!.range).toBe('bytes=5000-');
    expect(result.resumedFrom).toBe(0);
    expectCleanCache(destination, true);
  });

  it('restarts when a stale partial file does not verify after resuming', async () => {
    const destination = path.join(directory, 'file.bin');
    writeFileSync(`${destination}.part`, randomBytes(5000));
    const result = await download({ urls: `${base}/file.bin`, destination, hash: payloadSha256, retryDelayMs: 10 });
    expect(hits.map((hit) => hit.range)).toEqual(['bytes=5000-', undefined]);
    expect(result.resumedFrom).toBe(0);
    expectCleanCache(destination, true);
  });

  it('rejects a wrong hash and leaves nothing at the destination', async () => {
    const destination = path.join(directory, 'file.bin');
    const wrong = '0'.repeat(64);
    const error = await download({ urls: `${base}/file.bin`, destination, hash: wrong }).catch((caught) => caught);
    expect(DownloadError.isInstance(error)).toBe(true);
    expect(error.offline).toBe(false);
    expect(error.message).toContain(wrong);
    expect(error.message).toContain(destination);
    expect(hits).toHaveLength(1);
    expectCleanCache(destination, false);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('does not retry a 404 and tries the next mirror', async () => {
    mode = 'not-found';
    const destination = path.join(directory, 'file.bin');
    const error = await download({ urls: [`${base}/a`, `${base}/b`], destination, retryDelayMs: 10 }).catch(
      (caught) => caught,
    );
    expect(DownloadError.isInstance(error)).toBe(true);
    expect(hits.map((hit) => hit.path)).toEqual(['/a', '/b']);
    expect(error.failures.map((failure: { reason: string }) => failure.reason)).toEqual([
      'HTTP 404 Not Found',
      'HTTP 404 Not Found',
    ]);
    expectCleanCache(destination, false);
  });

  it('retries 5xx answers with back-off', async () => {
    mode = 'flaky-500';
    failuresLeft = 2;
    const destination = path.join(directory, 'file.bin');
    const result = await download({ urls: `${base}/file.bin`, destination, hash: payloadSha256, retryDelayMs: 10 });
    expect(hits).toHaveLength(3);
    expect(result.cached).toBe(false);
    expectCleanCache(destination, true);
  });

  it('gives up on a server that stalls past the timeout', async () => {
    mode = 'stall';
    const destination = path.join(directory, 'file.bin');
    const error = await download({
      urls: `${base}/file.bin`,
      destination,
      hash: payloadSha256,
      stallTimeoutMs: 200,
      retries: 1,
      retryDelayMs: 10,
    }).catch((caught) => caught);
    expect(DownloadError.isInstance(error)).toBe(true);
    expect(error.failures).toHaveLength(2);
    expect(error.failures[0].reason).toMatch(/stalled/);
    expectCleanCache(destination, false);
  });

  it('fetches again when the cached file was corrupted afterwards', async () => {
    const destination = path.join(directory, 'file.bin');
    await download({ urls: `${base}/file.bin`, destination, hash: payloadSha256 });
    const damaged = Buffer.from(payload);
    damaged[10] = damaged[10]! ^ 0xff;
    writeFileSync(destination, damaged);
    const result = await download({ urls: `${base}/file.bin`, destination, hash: payloadSha256 });
    expect(result.cached).toBe(false);
    expect(hits).toHaveLength(2);
    expectCleanCache(destination, true);
  });

  it('says offline, with the URL, hash and the place for the file, when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const destination = path.join(directory, 'weights.h5');
    const url = `http://127.0.0.1:${port}/weights.h5`;
    const error = await download({ urls: url, destination, hash: payloadSha256, retries: 1, retryDelayMs: 10 }).catch(
      (caught) => caught,
    );
    expect(DownloadError.isInstance(error)).toBe(true);
    expect(error.offline).toBe(true);
    expect(error.message).toContain(url);
    expect(error.message).toContain(payloadSha256);
    expect(error.message).toContain(`place the file by hand at ${destination}`);
    expectCleanCache(destination, false);
  });

  it('stops on an abort signal and keeps the partial file for a later resume', async () => {
    mode = 'slow';
    const destination = path.join(directory, 'file.bin');
    const controller = new AbortController();
    const promise = download({
      urls: `${base}/file.bin`,
      destination,
      hash: payloadSha256,
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        if (loaded >= 64 * 1024) controller.abort();
      },
    });
    await expect(promise).rejects.toThrow();
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(`${destination}.lock`)).toBe(false);
    mode = 'ok';
    const result = await download({ urls: `${base}/file.bin`, destination, hash: payloadSha256 });
    expect(result.resumedFrom).toBeGreaterThan(0);
    expectCleanCache(destination, true);
  });

  it('lets two processes download the same file at once: one transfer, both get the file', async () => {
    mode = 'slow';
    const destination = path.join(directory, 'shared', 'weights.h5');
    const moduleUrl = new URL('../../dist/node.js', import.meta.url).href;
    const script = `
      const { download } = await import(${JSON.stringify(moduleUrl)});
      const result = await download({ urls: ${JSON.stringify(`${base}/weights.h5`)}, destination: ${JSON.stringify(destination)}, hash: ${JSON.stringify(payloadSha256)} });
      console.log(JSON.stringify({ cached: result.cached, hash: result.hash }));
    `;
    const run = promisify(execFile);
    const results = await Promise.all([0, 1].map(() => run('node', ['--input-type=module', '-e', script])));
    const outputs = results.map((result) => JSON.parse(result.stdout.trim()) as { cached: boolean; hash: string });
    for (const output of outputs) expect(output.hash).toBe(payloadSha256);
    expect(outputs.filter((output) => output.cached)).toHaveLength(1);
    expect(hits).toHaveLength(1);
    expectCleanCache(destination, true);
  });
});

describe('writeFileAtomic', () => {
  it('writes whole files, makes directories and leaves no temporary file', async () => {
    const file = path.join(directory, 'a', 'b', 'state.json');
    await writeFileAtomic(file, '{"step":1}');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('throws a typed error and cleans up when the target cannot be written', async () => {
    const blocker = path.join(directory, 'blocker');
    writeFileSync(blocker, 'a file where a directory should be');
    const error = await writeFileAtomic(path.join(blocker, 'x.json'), '{}').catch((caught) => caught);
    expect(FileWriteError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^\[@tfkit\/core\] Could not write/);
    expect(readdirSync(directory)).toEqual(['blocker']);
  });
});
