import { CliUsageError } from '../cli/errors.js';
import { type Command, useBackend } from '../cli/run-cli.js';
import { loadVision, methodTitles, transferProgress } from '../cli/vision.js';
import { requireExisting } from './files.js';
import { runImageFolderTransfer } from './transfer-images.js';

/** `tfkit transfer`. */
export const transferCommand: Command = {
  path: ['transfer'],
  summary:
    'transfer learning: retrain an ImageNet CNN on an image folder (--base), or the offline Fashion-MNIST 0-5 -> 6-9 experiment',
  options: [
    {
      name: 'embedded',
      type: 'boolean',
      description: 'use the embedded Fashion-MNIST subset even when the full dataset is installed',
    },
    {
      name: 'data',
      type: 'string',
      placeholder: 'DIR',
      description: 'with --base: an image folder, one subfolder per class; without: the Fashion-MNIST IDX files',
    },
    {
      name: 'base',
      type: 'string',
      placeholder: 'NAME',
      description: 'retrain this ImageNet CNN on --data: vgg16, vgg19, inceptionV3, resnet50, mobilenet, mobilenetV2',
    },
    {
      name: 'weights',
      type: 'string',
      placeholder: 'imagenet|FILE|none',
      description: "with --base: the base's weights (Keras' ImageNet file by default, a .h5 or tfjs model, or none)",
    },
    {
      name: 'freeze',
      type: 'integer',
      placeholder: 'N',
      description:
        'with --base: leading layers frozen in the head phase (default 15 for the book head, the whole base for gap)',
      min: 0,
    },
    {
      name: 'head',
      type: 'string',
      placeholder: 'book|gap',
      description: "with --base: the book's Flatten+Dense 256 head or global average pooling",
    },
    {
      name: 'alpha',
      type: 'number',
      placeholder: 'A',
      description: 'with --base: MobileNet width multiplier',
      greaterThan: 0,
      max: 1.4,
    },
    {
      name: 'size',
      type: 'integer',
      placeholder: 'N',
      description: "with --base: input side (the base's default)",
      min: 32,
    },
    {
      name: 'fine-tune-epochs',
      type: 'integer',
      placeholder: 'N',
      description: 'with --base: epochs of the second phase (every layer, learning rate / 10)',
      default: 2,
      min: 0,
    },
    {
      name: 'validation-split',
      type: 'number',
      placeholder: 'F',
      description: 'with --base: fraction of each class held out for validation',
      default: 0.2,
      min: 0,
      max: 0.9,
    },
    {
      name: 'out',
      type: 'string',
      placeholder: 'DIR',
      description: 'with --base: where the report and the model go (default ./tfkit-transfer)',
    },
    {
      name: 'weights-base-url',
      type: 'string',
      placeholder: 'URL',
      description: "with --base: mirror of Keras' weights",
    },
    {
      name: 'train-per-class',
      type: 'integer',
      placeholder: 'N',
      description: 'training images per class',
      default: 100,
      min: 1,
    },
    {
      name: 'epochs',
      type: 'integer',
      placeholder: 'N',
      description:
        'epoch budget of every method (fine-tuning: half head-only, half everything); with --base: head epochs',
      default: 20,
      min: 2,
    },
    { name: 'batch-size', type: 'integer', placeholder: 'N', description: 'mini-batch size', default: 32, min: 1 },
    { name: 'max-test', type: 'integer', placeholder: 'N', description: 'evaluate on at most N test images', min: 1 },
    { name: 'json', type: 'boolean', description: 'print the report as one JSON line' },
  ],
  examples: [
    'tfkit transfer --data coco-animals/train --base vgg16 --freeze 15 --head book --epochs 5',
    'tfkit transfer --data photos --base mobilenet --alpha 0.25 --size 128 --head gap --weights imagenet',
    'tfkit transfer --embedded',
    'tfkit transfer --data /usr/share/datasets/fashion-mnist --train-per-class 100 --epochs 20',
    'tfkit transfer --embedded --epochs 3 --max-test 400 --json',
  ],
  details:
    "With --base: the book's flow on an image folder (COCO-animals layout, one subfolder per class): a seeded train/validation split, the base without top and a new head trained with the frozen layers' features cached (bottleneck), then every layer fine-tuned at a tenth of the learning rate; writes report.html (accuracy curves, confusion matrix, misclassified images), report.json and the model in the tfjs format to --out. Without --base: compares training from scratch, a frozen pretrained backbone, and fine-tuning, with the same budget and seed, on all test images of Fashion-MNIST classes 6-9.",
  async run(context) {
    if (context.options.base !== undefined) return runImageFolderTransfer(context);
    if (context.options.embedded && context.options.data !== undefined) {
      throw new CliUsageError({ message: 'use either --embedded or --data DIR, not both.' });
    }
    if (context.options.data !== undefined) {
      // The datasets loader reads this variable first when searching for Fashion-MNIST.
      process.env.TFKIT_FASHION_MNIST_DIR = requireExisting(String(context.options.data), '--data', 'directory');
    }
    const vision = await loadVision();
    await useBackend(context);
    const epochs = Number(context.options.epochs);
    const report = await vision.runFashionTransferExperiment({
      trainPerClass: Number(context.options.trainPerClass),
      epochs,
      seed: context.seed,
      batchSize: Number(context.options.batchSize),
      data: context.options.embedded ? 'embedded' : 'auto',
      ...(context.options.maxTest === undefined ? {} : { maxTestImages: Number(context.options.maxTest) }),
      onProgress: transferProgress(context, epochs),
    });
    if (context.options.json) {
      context.print(
        JSON.stringify({
          data: report.data.description,
          settings: report.settings,
          results: report.results.map((result) => ({
            method: result.method,
            testAccuracy: result.testAccuracy,
            trainSeconds: result.trainSeconds,
          })),
        }),
      );
      return 0;
    }
    context.print(`data: ${report.data.description}`);
    context.print(`${'method'.padEnd(18)}${'test accuracy'.padEnd(15)}train seconds`);
    for (const result of report.results) {
      context.print(
        `${methodTitles[result.method].padEnd(18)}${`${(result.testAccuracy * 100).toFixed(2)}%`.padEnd(15)}${result.trainSeconds.toFixed(1)}`,
      );
    }
    return 0;
  },
};
