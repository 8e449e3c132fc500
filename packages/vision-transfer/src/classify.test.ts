import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, formatPredictions, imagesToBatch } from './classify.js';
import { ImageInputError } from './errors.js';
import { useTestBackend } from './test-support/setup.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-classify-'));
beforeAll(useTestBackend);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A 4x4 model named like a Keras family whose output favours one ImageNet class. */
function tinyModel(name: string, favourite: number, classes = 1000): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: 'zeros' });
  const output = dense.apply(pooled) as tf.SymbolicTensor;
  const bias = new Float32Array(classes);
  bias[favourite] = 8;
  bias[(favourite + 1) % classes] = 4;
  dense.setWeights([tf.zeros([3, classes]), tf.tensor1d(bias)]);
  return tf.model({ inputs: input, outputs: output, name });
}

const solid = (rgb: [number, number, number], format: 'png' | 'jpeg') =>
  sharp({ create: { width: 8, height: 6, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .toFormat(format)
    .toBuffer();

describe('classify', () => {
  it('decodes paths, buffers and tensors and applies caffe preprocessing to VGG-family models', async () => {
    const model = tinyModel('vgg16', 340);
    const file = path.join(directory, 'solid.png');
    await sharp(await solid([10, 20, 30], 'png')).toFile(file);
    const pixels = tf.fill([4, 4, 3], 0, 'float32').add(tf.tensor1d([10, 20, 30])) as tf.Tensor3D;
    await expectNoTensorLeak(async () => {
      const batch = await imagesToBatch(model, [file, pixels]);
      expect(batch.shape).toEqual([2, 4, 4, 3]);
      const values = Array.from((await batch.data()).slice(0, 3));
      // RGB -> BGR, minus the ImageNet BGR mean
      expect(values[0]).toBeCloseTo(30 - 103.939, 3);
      expect(values[1]).toBeCloseTo(20 - 116.779, 3);
      expect(values[2]).toBeCloseTo(10 - 123.68, 3);
      batch.dispose();
    });
    pixels.dispose();
    model.dispose();
  });

  it("uses 'tf' preprocessing for MobileNet/Inception and prints the book's line", async () => {
    const model = tinyModel('mobilenet_1.00_224', 340);
    const jpeg = await solid([255, 0, 128], 'jpeg');
    const batch = await imagesToBatch(model, new Uint8Array(jpeg));
    const [r, g, b] = Array.from((await batch.data()).slice(0, 3));
    expect(r).toBeGreaterThan(0.95); // 255 / 127.5 - 1 = 1 (JPEG rounding)
    expect(g).toBeLessThan(-0.95);
    expect(b).toBeCloseTo(128 / 127.5 - 1, 1);
    batch.dispose();
    const predictions = await classify(model, [new Uint8Array(jpeg), path.join(directory, 'solid.png')], { topK: 2 });
    expect(predictions).toHaveLength(2);
    expect(predictions[0]!.map((prediction) => prediction.label)).toEqual(['zebra', 'hog']);
    expect(predictions[0]![0]!.wnid).toBe('n02391049');
    const line = formatPredictions(predictions[0]!).split('\n')[0];
    expect(line).toMatch(/^Probability \d{2}\.\d{2}% of \[zebra\]$/);
    expect(formatPredictions([{ index: 340, label: 'zebra', probability: 0.9915 }])).toBe(
      'Probability 99.15% of [zebra]',
    );
    model.dispose();
  });

  it('decodes TF-slim 1001-class outputs (background at index 0)', async () => {
    const model = tinyModel('inception_v3_slim', 341, 1001);
    const [top] = await classify(model, tf.zeros([4, 4, 3]) as tf.Tensor3D, { topK: 1 });
    expect(top![0]).toMatchObject({ index: 341, label: 'zebra' });
    model.dispose();
  });

  it('decodes retrained models with their own class names, and resizes tensors to the model input', async () => {
    const model = tinyModel('mobilenet_transfer', 2, 3);
    const image = tf.zeros([9, 7, 3]) as tf.Tensor3D;
    const [top] = await classify(model, image, { classNames: ['bear', 'cat', 'zebra'], topK: 3 });
    expect(top!.map((prediction) => prediction.label)).toEqual(['zebra', 'bear', 'cat']);
    expect(top!.reduce((sum, prediction) => sum + prediction.probability, 0)).toBeCloseTo(1, 5);
    await expect(classify(model, image, { classNames: ['a'] })).rejects.toThrow(/classNames has 1 names/);
    await expect(classify(model, image)).rejects.toThrow(/1000 \(Keras\) or 1001/);
    image.dispose();
    model.dispose();
  });

  it('rejects undecodable bytes and wrong tensor shapes with ImageInputError', async () => {
    const model = tinyModel('vgg16', 1);
    const error = await classify(model, new Uint8Array([1, 2, 3, 4])).catch((caught: unknown) => caught);
    expect(ImageInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not decode image <4 bytes>/);
    await expect(classify(model, path.join(directory, 'missing.jpg'))).rejects.toThrow(/missing\.jpg/);
    const grey = tf.zeros([4, 4, 1]) as unknown as tf.Tensor3D;
    await expect(classify(model, grey)).rejects.toThrow(/\[h, w, 3\]/);
    grey.dispose();
    model.dispose();
  });
});
