import { didYouMean } from '@tfkit/core';
import { CliUsageError } from '../cli/errors.js';
import { type Command, useBackend } from '../cli/run-cli.js';
import { loadVision } from '../cli/vision.js';
import { requireExisting } from './files.js';

/** `tfkit classify`. */
export const classifyCommand: Command = {
  path: ['classify'],
  summary: "classify images with an ImageNet CNN and print the top 5 in the book's format",
  positionals: { name: 'IMAGE...', description: 'image files (jpeg, png, webp, gif)', required: true, variadic: true },
  options: [
    {
      name: 'model',
      type: 'string',
      placeholder: 'NAME',
      description: 'vgg16, vgg19, inceptionV3, resnet50, mobilenet or mobilenetV2',
    },
    {
      name: 'weights',
      type: 'string',
      placeholder: 'PATH|URL',
      description: 'Keras .h5 file, tfjs model.json (or its directory) or an http(s) URL',
    },
    {
      name: 'alpha',
      type: 'number',
      placeholder: 'A',
      description: 'MobileNet width multiplier (0.25, 0.5, 0.75, 1)',
      greaterThan: 0,
      max: 1.4,
    },
    {
      name: 'top',
      type: 'integer',
      placeholder: 'K',
      description: 'predictions per image',
      default: 5,
      min: 1,
      max: 1000,
    },
  ],
  examples: [
    'tfkit classify --model vgg16 --weights vgg16_weights_tf_dim_ordering_tf_kernels.h5 zebra.jpg',
    'tfkit classify --model mobilenet --alpha 0.25 --weights ./mobilenet_0.25_128/model.json cat.png dog.png',
    'tfkit classify --model inceptionV3 --weights https://example.org/inception_v3/model.json --top 3 horse.jpg',
  ],
  details: 'No ImageNet weights ship with tfkit; point --weights at a Keras .h5 file or a tfjs layers model.',
  async run(context) {
    const name = context.options.model;
    if (name === undefined) throw new CliUsageError({ message: 'missing --model NAME.' });
    const weights = context.options.weights;
    if (weights === undefined)
      throw new CliUsageError({ message: 'missing --weights PATH|URL (no ImageNet weights ship with tfkit).' });
    const source = String(weights);
    const isUrl = /^https?:\/\//i.test(source);
    const weightsSource = isUrl ? source : requireExisting(source, '--weights', 'file');
    const images = context.positionals.map((image) => requireExisting(image, 'image'));
    const vision = await loadVision();
    const modelName = vision.modelNames.find((candidate) => candidate === String(name));
    if (modelName === undefined) {
      throw new CliUsageError({
        message: `unknown model "${String(name)}"; use one of ${vision.modelNames.join(', ')}.${didYouMean(String(name), vision.modelNames)}`,
      });
    }
    await useBackend(context);
    const model = await vision.createModel(modelName, {
      weights: weightsSource,
      ...(context.options.alpha === undefined ? {} : { alpha: Number(context.options.alpha) }),
    });
    try {
      const predictions = await vision.classify(model, images, { topK: Number(context.options.top) });
      predictions.forEach((top, index) => {
        context.print(`${context.positionals[index]}:`);
        context.print(vision.formatPredictions(top));
      });
    } finally {
      model.dispose();
    }
    return 0;
  },
};
