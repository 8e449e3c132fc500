import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGan, GanDisposedError, type GanPreset } from './index.js';

beforeAll(async () => {
  await ensureBackend({ log: false });
});

describe('createGan', () => {
  it("builds the book's dense GAN with the book's parameter counts", async () => {
    await expectNoTensorLeak(() => {
      const gan = createGan({ preset: 'dense' });
      expect(gan.parameterCounts()).toEqual({ generator: 1_526_288, discriminator: 201_217 });
      expect(gan.nZ).toBe(256);
      const summary = gan.summary();
      expect(summary).toContain('Total params: 1526288');
      expect(summary).toContain('Total params: 201217');
      expect(summary).toContain('Generator params: 1,526,288; discriminator params: 201,217');
      gan.dispose();
    });
  });

  it("builds the book's DCGAN with the book's parameter counts", async () => {
    await expectNoTensorLeak(() => {
      const gan = createGan({ preset: 'dcgan' });
      expect(gan.parameterCounts()).toEqual({ generator: 21_162_496, discriminator: 14_209 });
      const lines: string[] = [];
      gan.summary((line) => lines.push(line));
      expect(lines.some((line) => line.includes('UpSampling2D'))).toBe(true);
      expect(lines.some((line) => line.includes('MaxPooling2D'))).toBe(true);
      gan.dispose();
    });
  });

  it('builds the tuned DCGAN with transposed convolutions, batch norm and a final convolution', () => {
    const gan = createGan({ preset: 'dcgan-tuned' });
    const classes = gan.generator.model.layers.map((layer) => layer.getClassName());
    expect(classes).toContain('Conv2DTranspose');
    expect(classes).toContain('BatchNormalization');
    expect(classes.filter((name) => name !== 'Flatten').at(-1)).toBe('Conv2D');
    gan.dispose();
  });

  it('keeps the tuned DCGAN at 367,441 / 36,513 parameters and doubles its width in dcgan-wide', () => {
    const tuned = createGan({ preset: 'dcgan-tuned' });
    const wide = createGan({ preset: 'dcgan-wide' });
    expect(tuned.parameterCounts()).toEqual({ generator: 367_441, discriminator: 36_513 });
    expect(wide.parameterCounts()).toEqual({ generator: 816_801, discriminator: 138_561 });
    tuned.dispose();
    wide.dispose();
  });

  it('conditions dcgan-conditional on the label through z and a projection discriminator', async () => {
    await expectNoTensorLeak(() => {
      const gan = createGan({ preset: 'dcgan-conditional', seed: 4 });
      // dcgan-tuned plus a 10 x 3136 label block in G's first Dense and a 10 x 3136 embedding in D.
      expect(gan.parameterCounts()).toEqual({ generator: 367_441 + 31_360, discriminator: 36_513 + 31_360 });
      expect(gan.classes).toBe(10);
      const z = tf.randomUniform([3, gan.nZ], -1, 1, 'float32', 2) as tf.Tensor2D;
      const [shirts, boots] = [6, 9].map((label) =>
        tf.tidy(() => tf.oneHot(tf.tensor1d([label, label, label], 'int32'), 10).toFloat() as tf.Tensor2D),
      ) as [tf.Tensor2D, tf.Tensor2D];
      const images = gan.generate(z, shirts);
      const otherImages = gan.generate(z, boots);
      expect(images.shape).toEqual([3, 784]);
      expect(Array.from(otherImages.dataSync())).not.toEqual(Array.from(images.dataSync()));
      // The Keras model (used for summary() and weights) and the forward pass agree, label included.
      const forward = gan.discriminate(images, shirts);
      const keras = gan.discriminator.model.predict([images, shirts]) as tf.Tensor;
      expect(forward.shape).toEqual([3, 1]);
      const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(forward, keras))).dataSync()[0]!);
      expect(difference).toBeLessThan(1e-5);
      // The logit is head(h) + <embed(y), h>: another label moves it.
      const otherLabel = gan.discriminate(images, boots);
      expect(Array.from(otherLabel.dataSync())).not.toEqual(Array.from(forward.dataSync()));
      expect(() => gan.sample(2, { labels: 10 })).toThrow(/label 10/);
      tf.dispose([z, shirts, boots, images, otherImages, forward, keras, otherLabel]);
      gan.dispose();
    });
  });

  it.each<GanPreset>(['dense', 'dense-tuned', 'dcgan-tuned', 'dcgan-wide', 'conditional', 'dcgan-conditional'])(
    'generates images in [-1, 1] of shape [n, 784] for %s, without leaking',
    async (preset) => {
      await expectNoTensorLeak(() => {
        const gan = createGan({ preset, seed: 3 });
        const z = tf.randomUniform([4, gan.nZ], -1, 1, 'float32', 1) as tf.Tensor2D;
        const labels = gan.classes
          ? tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10).toFloat() as tf.Tensor2D)
          : undefined;
        const images = gan.generate(z, labels);
        expect(images.shape).toEqual([4, 784]);
        const values = images.dataSync();
        expect(Math.max(...values)).toBeLessThanOrEqual(1);
        expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
        const probabilities = gan.discriminate(images, labels);
        expect(probabilities.shape).toEqual([4, 1]);
        tf.dispose([z, labels, images, probabilities]);
        gan.dispose();
      });
    },
  );

  it('initialises weights from the seed', () => {
    const first = createGan({ preset: 'dense-tuned', seed: 5 });
    const second = createGan({ preset: 'dense-tuned', seed: 5 });
    const third = createGan({ preset: 'dense-tuned', seed: 6 });
    const weights = (gan: typeof first) => gan.getState().weights[0]!;
    expect(weights(second)).toEqual(weights(first));
    expect(weights(third)).not.toEqual(weights(first));
    for (const gan of [first, second, third]) gan.dispose();
  });

  it('rejects unknown presets and styles with typed errors', () => {
    expect(() => createGan({ preset: 'vae' as GanPreset })).toThrow(/unknown preset 'vae'/);
    try {
      createGan({ style: 'joint' as 'split' });
      expect.unreachable();
    } catch (error) {
      expect(TfkitOptionError.isInstance(error)).toBe(true);
      expect((error as TfkitOptionError).option).toBe('style');
      expect((error as Error).message).toBe(
        "[@tfkit/gan] Invalid option `style`: unknown style 'joint'; use 'split' or 'stacked'.",
      );
    }
  });

  it('refuses to work after dispose', () => {
    const gan = createGan({ preset: 'dense' });
    gan.dispose();
    gan.dispose();
    expect(gan.isDisposed).toBe(true);
    expect(() => gan.sample(1)).toThrow(/disposed; create a new one/);
    expect(() => gan.sample(1)).toThrow(GanDisposedError);
    const other = createGan({ preset: 'dense' });
    other[Symbol.dispose]();
    expect(other.isDisposed).toBe(true);
  });
});

describe('Gan.sample', () => {
  it('returns n * 784 bytes that depend only on the seed', async () => {
    await expectNoTensorLeak(() => {
      const gan = createGan({ preset: 'dense', seed: 1 });
      const first = gan.sample(3, { seed: 9 });
      expect(first).toBeInstanceOf(Uint8Array);
      expect(first.length).toBe(3 * 784);
      expect(gan.sample(3, { seed: 9 })).toEqual(first);
      expect(gan.sample(3, { seed: 10 })).not.toEqual(first);
      expect(() => gan.sample(0)).toThrow(TfkitOptionError);
      expect(() => gan.sample(2, { labels: 1 })).toThrow(/conditional/);
      gan.dispose();
    });
  });

  it('draws the requested classes from the conditional GAN', () => {
    const gan = createGan({ preset: 'conditional', seed: 1 });
    const shoes = gan.sample(2, { seed: 1, labels: 7 });
    const mixed = gan.sample(2, { seed: 1, labels: [7, 3] });
    expect(mixed.subarray(0, 784)).toEqual(shoes.subarray(0, 784));
    expect(mixed.subarray(784)).not.toEqual(shoes.subarray(784));
    expect(() => gan.sample(2, { labels: [1, 10] })).toThrow(/label 10 for image 1/);
    gan.dispose();
  });
});
