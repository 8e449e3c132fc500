import type * as tf from '@tensorflow/tfjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  buildModel,
  type CommonModelOptions,
  type CreateModelOptions,
  createModel,
  type MobileNetOptions,
  type MobileNetV2Options,
  type ModelName,
  modelNames,
} from './create-model.js';

describe('createModel types', () => {
  it('names are the union of the zoo', () => {
    expectTypeOf<ModelName>().toEqualTypeOf<
      'vgg16' | 'vgg19' | 'inceptionV3' | 'resnet50' | 'mobilenet' | 'mobilenetV2'
    >();
    expectTypeOf(modelNames).toEqualTypeOf<readonly ModelName[]>();
    expectTypeOf(createModel).parameter(0).toEqualTypeOf<ModelName>();
    // @ts-expect-error not a zoo name
    void createModel('vgg11');
    // @ts-expect-error names are case-sensitive
    void createModel('VGG16');
  });

  it('options depend on the name: alpha only for the MobileNets, dropout only for MobileNet v1', () => {
    expectTypeOf<CreateModelOptions<'vgg16'>>().toEqualTypeOf<CommonModelOptions>();
    expectTypeOf<CreateModelOptions<'resnet50'>>().toEqualTypeOf<CommonModelOptions>();
    expectTypeOf<CreateModelOptions<'mobilenet'>>().toEqualTypeOf<MobileNetOptions>();
    expectTypeOf<CreateModelOptions<'mobilenetV2'>>().toEqualTypeOf<MobileNetV2Options>();
    expectTypeOf<MobileNetOptions>().toHaveProperty('alpha');
    expectTypeOf<MobileNetOptions>().toHaveProperty('dropout');
    expectTypeOf<MobileNetV2Options>().toHaveProperty('alpha');
    expectTypeOf<MobileNetV2Options>().not.toHaveProperty('dropout');
    expectTypeOf<CommonModelOptions>().not.toHaveProperty('alpha');

    void createModel('mobilenet', { alpha: 0.25, dropout: 0.1, inputShape: [128, 128, 3] });
    void createModel('mobilenetV2', { alpha: 0.35 });
    // @ts-expect-error VGG16 has no width multiplier
    void createModel('vgg16', { alpha: 0.5 });
    // @ts-expect-error MobileNetV2 has no dropout option
    void createModel('mobilenetV2', { dropout: 0.2 });
    // @ts-expect-error inputShape is [height, width, channels]
    void buildModel('inceptionV3', { inputShape: [299, 299] });
  });

  it('a name only known at run time accepts the options of any architecture', () => {
    const name = 'mobilenet' as ModelName;
    void createModel(name, { alpha: 0.5, includeTop: false });
    expectTypeOf(createModel(name)).toEqualTypeOf<Promise<tf.LayersModel>>();
    expectTypeOf(buildModel('vgg16')).toEqualTypeOf<tf.LayersModel>();
  });
});
