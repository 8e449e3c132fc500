import { TfkitOptionError } from '@tfkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParameters } from '../summary.js';
import { useTestBackend } from '../test-support/setup.js';
import { buildModel, createModel, type ModelName, modelInfo, preprocessingFor } from './create-model.js';

beforeAll(useTestBackend);

// keras.applications totals (include_top=True / False), see ../shared/REFERENCE.md.
const kerasTotals: Array<[ModelName, number, number, number]> = [
  ['vgg16', 1, 138_357_544, 14_714_688],
  ['vgg19', 1, 143_667_240, 20_024_384],
  ['inceptionV3', 1, 23_851_784, 21_802_784],
  ['resnet50', 1, 25_636_712, 23_587_712],
  ['mobilenet', 1, 4_253_864, 3_228_864],
  ['mobilenet', 0.75, 2_601_976, 1_832_976],
  ['mobilenet', 0.5, 1_342_536, 829_536],
  ['mobilenet', 0.25, 475_544, 218_544],
  ['mobilenetV2', 1, 3_538_984, 2_257_984],
];

describe('createModel parameter totals equal Keras', () => {
  it.each(kerasTotals)('%s alpha %s: %i with top, %i without', (name, alpha, withTop, withoutTop) => {
    for (const [includeTop, expected] of [
      [true, withTop],
      [false, withoutTop],
    ] as const) {
      const model = buildModel(name, { includeTop, alpha, initialization: 'zeros' });
      expect(model.countParams()).toBe(expected);
      expect(countParameters(model).total).toBe(expected);
      model.dispose();
    }
  });
});

describe('layer names and order as keras.applications', () => {
  it('VGG16 has Keras names in Keras order', () => {
    const model = buildModel('vgg16', { initialization: 'zeros' });
    expect(model.layers.map((layer) => layer.name)).toEqual([
      'input_1',
      'block1_conv1',
      'block1_conv2',
      'block1_pool',
      'block2_conv1',
      'block2_conv2',
      'block2_pool',
      'block3_conv1',
      'block3_conv2',
      'block3_conv3',
      'block3_pool',
      'block4_conv1',
      'block4_conv2',
      'block4_conv3',
      'block4_pool',
      'block5_conv1',
      'block5_conv2',
      'block5_conv3',
      'block5_pool',
      'flatten',
      'fc1',
      'fc2',
      'predictions',
    ]);
    expect(model.getLayer('fc1').weights.map((weight) => weight.originalName)).toEqual(['fc1/kernel', 'fc1/bias']);
    expect(model.name).toBe('vgg16');
    model.dispose();
  });

  it('InceptionV3 uses Keras 2 automatic names, not tfjs ones, with scale-less BatchNormalization', () => {
    const model = buildModel('inceptionV3', { includeTop: false, initialization: 'zeros' });
    const names = model.layers.map((layer) => layer.name);
    expect(names.slice(0, 4)).toEqual(['input_1', 'conv2d_1', 'batch_normalization_1', 'activation_1']);
    expect(names).toContain('conv2d_94');
    expect(names).toContain('batch_normalization_94');
    expect(names).not.toContain('conv2d_95');
    expect(names).toContain('mixed9_1');
    expect(names.at(-1)).toBe('mixed10');
    expect(names.some((name) => /_[A-Z]/.test(name))).toBe(false); // tfjs would say conv2d_Conv2D1
    expect(model.getLayer('batch_normalization_1').weights.map((weight) => weight.originalName)).toEqual([
      'batch_normalization_1/beta',
      'batch_normalization_1/moving_mean',
      'batch_normalization_1/moving_variance',
    ]);
    model.dispose();
  });

  it('ResNet50, MobileNet and MobileNetV2 carry the names of their Keras weight files', () => {
    const resnet = buildModel('resnet50', { includeTop: false, initialization: 'zeros', inputShape: [64, 64, 3] });
    expect(resnet.getLayer('conv5_block3_out').outputShape).toEqual([null, 2, 2, 2048]);
    expect(resnet.getLayer('conv2_block1_0_bn').weights).toHaveLength(4);
    resnet.dispose();
    const mobilenet = buildModel('mobilenet', { alpha: 0.25, inputShape: [128, 128, 3], initialization: 'zeros' });
    expect(mobilenet.name).toBe('mobilenet_0.25_128');
    expect(mobilenet.getLayer('conv_dw_13').weights[0]!.shape).toEqual([3, 3, 256, 1]);
    expect(mobilenet.getLayer('conv_preds').weights[0]!.shape).toEqual([1, 1, 256, 1000]);
    mobilenet.dispose();
    const v2 = buildModel('mobilenetV2', { includeTop: false, pooling: 'avg', initialization: 'zeros' });
    expect(v2.getLayer('block_16_project_BN').weights[0]!.shape).toEqual([320]);
    expect(v2.outputs[0]!.shape).toEqual([null, 1280]);
    v2.dispose();
  });

  it('builds the 16 MobileNet checkpoints of the book (4 widths x 4 sizes)', () => {
    for (const alpha of [0.25, 0.5, 0.75, 1]) {
      for (const size of [128, 160, 192, 224]) {
        const model = buildModel('mobilenet', { alpha, inputShape: [size, size, 3], initialization: 'zeros' });
        expect(model.outputs[0]!.shape).toEqual([null, 1000]);
        model.dispose();
      }
    }
  });
});

describe('createModel options', () => {
  it('random initialisation is seeded and runs a forward pass', async () => {
    const a = await createModel('mobilenet', { alpha: 0.25, inputShape: [32, 32, 3], classes: 3, seed: 7 });
    const b = await createModel('mobilenet', { alpha: 0.25, inputShape: [32, 32, 3], classes: 3, seed: 7 });
    const kernelA = a.getLayer('conv1').getWeights()[0]!.dataSync();
    const kernelB = b.getLayer('conv1').getWeights()[0]!.dataSync();
    expect(Array.from(kernelA)).toEqual(Array.from(kernelB));
    expect(kernelA.some((value) => value !== 0)).toBe(true);
    a.dispose();
    b.dispose();
  });

  it('rejects unknown names, small inputs and bad options with typed errors', () => {
    expect(() => buildModel('alexnet' as ModelName)).toThrow(/unknown model "alexnet"; use one of vgg16/);
    expect(() => buildModel('inceptionV3', { inputShape: [64, 64, 3] })).toThrow(/at least 75x75/);
    expect(() => buildModel('vgg16', { inputShape: [224, 224, 1] })).toThrow(TfkitOptionError);
    expect(() => buildModel('vgg16', { classes: 0 })).toThrow(/`classes`: must be a positive integer/);
    try {
      buildModel('vgg16', { inputShape: [16, 16, 3] });
    } catch (error) {
      expect(TfkitOptionError.isInstance(error)).toBe(true);
      expect((error as Error).name).toBe('Tfkit_OptionError');
    }
  });

  it('knows each family preprocessing', () => {
    expect(modelInfo('vgg16').preprocessing).toBe('caffe');
    expect(modelInfo('inceptionV3').defaultSize).toBe(299);
    const model = buildModel('resnet50', { includeTop: false, inputShape: [32, 32, 3], initialization: 'zeros' });
    expect(preprocessingFor(model)).toBe('caffe');
    model.dispose();
  });
});
