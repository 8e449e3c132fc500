import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { recordingOutput } from '../cli/test-output.js';
import { encodePng } from '../report/images.js';
import { commands } from './index.js';

async function cli(...argv: string[]) {
  const output = recordingOutput();
  const code = await runCli(argv, output, commands);
  return { code, out: output.out, err: output.err };
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'tfkit-vision-cli-'));
const served = new Map<string, Uint8Array>();
const server = createServer((request, response) => {
  const body = served.get(request.url ?? '');
  if (!body) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-length': body.length }).end(body);
});
let base = '';
let noTopWeights = '';

/** A small image folder: three classes of tiny PNGs whose colour depends on the class. */
function imageFolder(root: string, perClass: number): void {
  ['cat', 'dog', 'zebra'].forEach((name, label) => {
    mkdirSync(path.join(root, name), { recursive: true });
    for (let index = 0; index < perClass; index++) {
      const pixels = new Uint8Array(20 * 16 * 3).map((_, at) => ((at % 3 === label ? 200 : 30) + index * 7 + at) % 256);
      writeFileSync(
        path.join(root, name, `${index}.png`),
        encodePng({ width: 20, height: 16, channels: 3, data: pixels }),
      );
    }
  });
}

beforeAll(async () => {
  const specifier: string = '@tfkit/vision-transfer';
  const vision = (await import(/* @vite-ignore */ specifier)) as typeof import('@tfkit/vision-transfer');
  // Random weights in the real Keras .h5 layout, as keras.applications publishes them.
  const top = vision.buildModel('mobilenet', { alpha: 0.25, inputShape: [128, 128, 3], seed: 1 });
  await vision.saveH5Weights(top, path.join(scratch, 'top.h5'));
  top.dispose();
  const noTop = vision.buildModel('mobilenet', { alpha: 0.25, includeTop: false, inputShape: [32, 32, 3], seed: 2 });
  noTopWeights = path.join(scratch, 'mobilenet_2_5_no_top.h5');
  await vision.saveH5Weights(noTop, noTopWeights);
  noTop.dispose();
  served.set('/mirror/mobilenet/mobilenet_2_5_128_tf.h5', new Uint8Array(readFileSync(path.join(scratch, 'top.h5'))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('tfkit classify --weights imagenet', () => {
  it("downloads Keras' file once into the cache (from a mirror) and prints the book's top 5", async () => {
    const image = path.join(scratch, 'zebra.png');
    const pixels = new Uint8Array(40 * 30 * 3).map((_, index) => (index * 37) % 256);
    writeFileSync(image, encodePng({ width: 40, height: 30, channels: 3, data: pixels }));
    const cache = path.join(scratch, 'cache');
    process.env.TFKIT_CACHE = cache;
    try {
      const argv = ['classify', '--model', 'mobilenet', '--alpha', '0.25', '--size', '128'];
      const result = await cli(...argv, '--weights-base-url', `${base}/mirror/`, '--no-progress', image);
      expect(result.code, result.err).toBe(0);
      const lines = result.out.trim().split('\n');
      expect(lines[0]).toBe(`${image}:`);
      expect(lines.slice(1)).toHaveLength(5);
      for (const line of lines.slice(1)) expect(line).toMatch(/^Probability \d+\.\d\d% of \[.+\]$/);
      expect(result.err).toMatch(/images\/s/);
      expect(existsSync(path.join(cache, 'models', 'mobilenet_2_5_128_tf.h5'))).toBe(true);
      // offline now, but cached: the same answer without the network
      const again = await cli(...argv, '--weights-base-url', 'http://127.0.0.1:9/', '--no-progress', image);
      expect(again.code, again.err).toBe(0);
      expect(again.out).toBe(result.out);
      // offline with nothing cached: one error naming the URL and the exact path
      const offline = await cli(
        'classify',
        '--model',
        'mobilenet',
        '--alpha',
        '0.5',
        '--size',
        '128',
        '--weights-base-url',
        'http://127.0.0.1:9/',
        image,
      );
      expect(offline.code).not.toBe(0);
      expect(offline.err).toContain('http://127.0.0.1:9/mobilenet/mobilenet_5_0_128_tf.h5');
      expect(offline.err).toContain(path.join(cache, 'models', 'mobilenet_5_0_128_tf.h5'));
    } finally {
      delete process.env.TFKIT_CACHE;
    }
  });
});

describe('tfkit transfer --base on an image folder', () => {
  it('splits, trains two phases, writes the report and a tfjs model', async () => {
    const data = path.join(scratch, 'animals');
    imageFolder(data, 5);
    const out = path.join(scratch, 'transfer-out');
    const result = await cli(
      'transfer',
      '--data',
      data,
      '--base',
      'mobilenet',
      '--alpha',
      '0.25',
      '--size',
      '32',
      '--weights',
      noTopWeights,
      '--head',
      'gap',
      '--epochs',
      '2',
      '--fine-tune-epochs',
      '1',
      '--batch-size',
      '4',
      '--out',
      out,
      '--no-progress',
    );
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/validation accuracy: \d+\.\d\d% \(3 images\)/);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ trainImages: 12, validationImages: 3, classes: ['cat', 'dog', 'zebra'] });
    expect(report.epochs.map((row: { phase: string }) => row.phase)).toEqual(['head', 'head', 'fineTune']);
    expect(report.confusion).toHaveLength(3);
    expect(report.confusion.flat().reduce((sum: number, value: number) => sum + value, 0)).toBe(3);
    expect(report.bottleneckAt).toBeTruthy();
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    for (const part of ['Accuracy curves', 'Confusion matrix', 'Misclassified', '<svg']) expect(html).toContain(part);
    const modelJson = JSON.parse(readFileSync(path.join(out, 'model', 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(JSON.parse(readFileSync(path.join(out, 'model', 'classes.json'), 'utf8'))).toEqual(['cat', 'dog', 'zebra']);
    const bad = await cli('transfer', '--data', data, '--base', 'alexnet');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown base "alexnet"/);
  });
});
