import * as tf from '@tensorflow/tfjs';
import { expectNoTensorLeak } from '@tfkit/backend/testing';
import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aspectPreservingResize,
  centerCrop,
  deprocessInput,
  type PreprocessMode,
  preprocessInput,
  resizeAndCenterCrop,
  resizeWithCropOrPad,
} from './preprocess.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 4): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) => {
    expect(actual[index]).toBeCloseTo(value, digits);
  });
}

// Two RGB pixels: [10, 20, 30] and [255, 127.5, 0].
const pixels = () =>
  tf.tensor3d([
    [
      [10, 20, 30],
      [255, 127.5, 0],
    ],
  ]);

describe('preprocessInput golden values (computed by hand)', () => {
  it('caffe: flips RGB to BGR and subtracts the BGR means', async () => {
    await expectNoTensorLeak(() => {
      const input = pixels();
      const out = preprocessInput(input, 'caffe');
      // [30 - 103.939, 20 - 116.779, 10 - 123.68], [0 - 103.939, 127.5 - 116.779, 255 - 123.68]
      expectClose(out.dataSync(), [-73.939, -96.779, -113.68, -103.939, 10.721, 131.32]);
      expect(out.shape).toEqual([1, 2, 3]);
      tf.dispose([input, out]);
    });
  });

  it('tf: x / 127.5 - 1', async () => {
    await expectNoTensorLeak(() => {
      const input = pixels();
      const out = preprocessInput(input, 'tf');
      expectClose(out.dataSync(), [10 / 127.5 - 1, 20 / 127.5 - 1, 30 / 127.5 - 1, 1, 0, -1], 6);
      expectClose(out.dataSync().slice(0, 1), [-0.921569], 5);
      tf.dispose([input, out]);
    });
  });

  it('torch: /255, minus ImageNet mean, over ImageNet std', async () => {
    await expectNoTensorLeak(() => {
      const input = pixels();
      const out = preprocessInput(input, 'torch');
      // R of pixel 2: (1 - 0.485) / 0.229 = 2.248908; G: (0.5 - 0.456) / 0.224 = 0.196429; B: (0 - 0.406) / 0.225 = -1.804444
      // pixel 1: (10/255 - 0.485) / 0.229 = -1.946656, (20/255 - 0.456)/0.224 = -1.685574, (30/255 - 0.406)/0.225 = -1.281569
      expectClose(out.dataSync(), [-1.946656, -1.685574, -1.281569, 2.248908, 0.196429, -1.804444]);
      tf.dispose([input, out]);
    });
  });

  it('slim-vgg: RGB minus [123.68, 116.78, 103.94], no flip', async () => {
    await expectNoTensorLeak(() => {
      const input = pixels();
      const out = preprocessInput(input, 'slim-vgg');
      expectClose(out.dataSync(), [-113.68, -96.78, -73.94, 131.32, 10.72, -103.94]);
      tf.dispose([input, out]);
    });
  });

  it.each<PreprocessMode>(['caffe', 'tf', 'torch', 'slim-vgg'])('%s: deprocessInput inverts it', async (mode) => {
    await expectNoTensorLeak(() => {
      const input = pixels();
      const there = preprocessInput(input, mode);
      const back = deprocessInput(there, mode);
      expectClose(back.dataSync(), [10, 20, 30, 255, 127.5, 0], 3);
      tf.dispose([input, there, back]);
    });
  });

  it('deprocessInput clips to [0, 255] unless told not to', async () => {
    await expectNoTensorLeak(() => {
      const input = tf.tensor1d([-2, 0, 2]);
      const clipped = deprocessInput(input, 'tf');
      const raw = deprocessInput(input, 'tf', { clip: false });
      expectClose(clipped.dataSync(), [0, 127.5, 255]);
      expectClose(raw.dataSync(), [-127.5, 127.5, 382.5]);
      tf.dispose([input, clipped, raw]);
    });
  });

  it('works on batches and int tensors, and rejects non-RGB input and unknown modes', async () => {
    await expectNoTensorLeak(() => {
      const batch = tf.ones([2, 4, 4, 3], 'int32');
      const out = preprocessInput(batch, 'tf');
      expect(out.dtype).toBe('float32');
      expect(out.shape).toEqual([2, 4, 4, 3]);
      const grey = tf.ones([4, 4, 1]);
      expect(() => preprocessInput(grey, 'tf')).toThrow(/3 channels last/);
      expect(() => preprocessInput(batch, 'inception' as PreprocessMode)).toThrow(TfkitOptionError);
      tf.dispose([batch, out, grey]);
    });
  });
});

describe('resizeWithCropOrPad (TensorFlow semantics)', () => {
  // 3x3 single-channel image 1..9
  const image = () => tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1]);

  it('crops centred, dropping the odd extra row/column at the bottom/right', async () => {
    await expectNoTensorLeak(() => {
      const input = image();
      const out = resizeWithCropOrPad(input, 2, 2);
      expect(Array.from(out.dataSync())).toEqual([1, 2, 4, 5]);
      const middle = resizeWithCropOrPad(input, 1, 1);
      expect(Array.from(middle.dataSync())).toEqual([5]);
      tf.dispose([input, out, middle]);
    });
  });

  it('pads centred with zeros, the odd extra row/column at the bottom/right', async () => {
    await expectNoTensorLeak(() => {
      const input = image();
      const out = resizeWithCropOrPad(input, 4, 4);
      expect(Array.from(out.dataSync())).toEqual([1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0]);
      const wide = resizeWithCropOrPad(input, 1, 6); // crop rows to the middle one, pad 1 left, 2 right
      expect(Array.from(wide.dataSync())).toEqual([0, 4, 5, 6, 0, 0]);
      tf.dispose([input, out, wide]);
    });
  });

  it('handles batches and rejects bad ranks and sizes', async () => {
    await expectNoTensorLeak(() => {
      const batch = tf.ones([2, 3, 5, 3]);
      const out = resizeWithCropOrPad(batch, 4, 4);
      expect(out.shape).toEqual([2, 4, 4, 3]);
      const total = out.sum();
      expect(total.dataSync()[0]).toBe(2 * 3 * 4 * 3); // 3 real rows x 4 kept columns x 3 channels
      const vector = tf.ones([3]);
      expect(() => resizeWithCropOrPad(vector, 2, 2)).toThrow(/\[h, w, c\]/);
      expect(() => resizeWithCropOrPad(batch, 0, 2)).toThrow(TfkitOptionError);
      tf.dispose([batch, out, total, vector]);
    });
  });
});

describe('aspect-preserving resize and centre crop', () => {
  it('resizes the shorter side, rounding the other half-to-even like tf.rint', async () => {
    await expectNoTensorLeak(() => {
      const input = tf.zeros([2, 5, 3]);
      const out = aspectPreservingResize(input, 1); // 5 * 0.5 = 2.5 -> 2
      expect(out.shape).toEqual([1, 2, 3]);
      const tall = tf.zeros([480, 360, 3]);
      const tallOut = aspectPreservingResize(tall, 256); // 480 * 256/360 = 341.33 -> 341
      expect(tallOut.shape).toEqual([341, 256, 3]);
      tf.dispose([input, out, tall, tallOut]);
    });
  });

  it('averages 2x2 blocks when halving with half-pixel centres (bilinear)', async () => {
    await expectNoTensorLeak(() => {
      // value = row * 8 + col on a 4x8 image; halving samples at (2i + 0.5, 2j + 0.5)
      const input = tf.tensor3d(
        Array.from({ length: 32 }, (_, index) => index),
        [4, 8, 1],
      );
      const out = aspectPreservingResize(input, 2);
      expect(out.shape).toEqual([2, 4, 1]);
      // (0 + 1 + 8 + 9) / 4 = 4.5, then +2 per column step, +16 per row step
      expectClose(out.dataSync(), [4.5, 6.5, 8.5, 10.5, 20.5, 22.5, 24.5, 26.5]);
      tf.dispose([input, out]);
    });
  });

  it('centre-crops with floor offsets and refuses crops larger than the image', async () => {
    await expectNoTensorLeak(() => {
      const input = tf.tensor3d(
        Array.from({ length: 20 }, (_, index) => index),
        [4, 5, 1],
      );
      const out = centerCrop(input, 2, 2); // offsets floor(2/2)=1, floor(3/2)=1
      expect(Array.from(out.dataSync())).toEqual([6, 7, 11, 12]);
      expect(() => centerCrop(input, 5, 2)).toThrow(/larger than the 4x5 image/);
      tf.dispose([input, out]);
    });
  });

  it('resizeAndCenterCrop covers the target, or uses the given shorter side first', async () => {
    await expectNoTensorLeak(() => {
      const photo = tf.zeros([480, 640, 3]);
      const out = resizeAndCenterCrop(photo, 224, 224);
      expect(out.shape).toEqual([224, 224, 3]);
      const classic = resizeAndCenterCrop(photo, 224, 224, { smallestSide: 256 });
      expect(classic.shape).toEqual([224, 224, 3]);
      // a 4x8 ramp (value = column) resized to 2x4 then cropped to 2x2 keeps columns 1..2 of the 2x4
      const ramp = tf.tensor3d(
        Array.from({ length: 32 }, (_, index) => index % 8),
        [4, 8, 1],
      );
      const crop = resizeAndCenterCrop(ramp, 2, 2);
      expectClose(crop.dataSync(), [2.5, 4.5, 2.5, 4.5]);
      expect(() => resizeAndCenterCrop(photo, 224, 224, { smallestSide: 100 })).toThrow(TfkitOptionError);
      tf.dispose([photo, out, classic, ramp, crop]);
    });
  });
});
