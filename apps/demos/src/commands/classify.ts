import { didYouMean } from '@tfkit/core';
import { CliUsageError } from '../cli/errors.js';
import { type Command, useBackend } from '../cli/run-cli.js';
import { loadVision, weightsDownloadProgress } from '../cli/vision.js';
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
      placeholder: 'imagenet|FILE',
      description:
        "'imagenet' (Keras' published file, downloaded once into the cache and checked), a Keras .h5 file, a tfjs model.json (or its directory) or an http(s) URL",
      default: 'imagenet',
    },
    {
      name: 'alpha',
      type: 'number',
      placeholder: 'A',
      description: 'MobileNet width multiplier (0.25, 0.5, 0.75, 1; MobileNetV2 also 0.35, 1.3, 1.4)',
      greaterThan: 0,
      max: 1.4,
    },
    {
      name: 'size',
      type: 'integer',
      placeholder: 'N',
      description: 'input side (MobileNet: 128, 160, 192, 224; MobileNetV2 also 96); the model default otherwise',
      min: 32,
    },
    {
      name: 'weights-base-url',
      type: 'string',
      placeholder: 'URL',
      description: "mirror of Keras' weights for --weights imagenet (else $TFKIT_WEIGHTS_BASE_URL, else Keras' host)",
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
    'tfkit classify --model vgg16 zebra.jpg',
    'tfkit classify --model mobilenet --alpha 0.25 --size 128 cat.png dog.png',
    'tfkit classify --model resnet50 --weights resnet50_weights_tf_dim_ordering_tf_kernels.h5 zebra.jpg',
    'tfkit classify --model inceptionV3 --weights https://example.org/inception_v3/model.json --top 3 horse.jpg',
  ],
  details:
    '--weights imagenet (the default) downloads the file keras.applications publishes into $TFKIT_CACHE/models (else ~/.cache/tfkit/models) once, checking its hash. Offline, the error names the URL, the hash and the exact path to place the file at by hand.',
  async run(context) {
    const name = context.options.model;
    if (name === undefined) throw new CliUsageError({ message: 'missing --model NAME.' });
    const source = String(context.options.weights ?? 'imagenet');
    const isUrl = /^https?:\/\//i.test(source);
    const weightsSource = source === 'imagenet' || isUrl ? source : requireExisting(source, '--weights', 'file');
    const images = context.positionals.map((image) => requireExisting(image, 'image'));
    const vision = await loadVision();
    const modelName = vision.modelNames.find((candidate) => candidate === String(name));
    if (modelName === undefined) {
      throw new CliUsageError({
        message: `unknown model "${String(name)}"; use one of ${vision.modelNames.join(', ')}.${didYouMean(String(name), vision.modelNames)}`,
      });
    }
    await useBackend(context);
    const size = context.options.size === undefined ? undefined : Number(context.options.size);
    const model = await vision.createModel(modelName, {
      weights: weightsSource,
      ...(context.options.alpha === undefined ? {} : { alpha: Number(context.options.alpha) }),
      ...(size === undefined ? {} : { inputShape: [size, size, 3] as [number, number, number] }),
      ...(context.options.weightsBaseUrl === undefined
        ? {}
        : { weightsBaseUrl: String(context.options.weightsBaseUrl) }),
      onProgress: weightsDownloadProgress(context),
    });
    try {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const predictions = await vision.classify(model, images, { topK: Number(context.options.top) });
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      predictions.forEach((top, index) => {
        context.print(`${context.positionals[index]}:`);
        context.print(vision.formatPredictions(top));
      });
      context.note(
        `${model.name}: ${images.length} image(s) in ${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU (${(images.length / seconds).toFixed(2)} images/s, decoding included)`,
      );
    } finally {
      model.dispose();
    }
    return 0;
  },
};
