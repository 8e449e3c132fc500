import { CliUsageError } from '../cli/errors.js';
import { type Command, useBackend } from '../cli/run-cli.js';
import { loadVision, methodTitles, transferProgress } from '../cli/vision.js';
import { requireExisting } from './files.js';

/** `tfkit transfer`. */
export const transferCommand: Command = {
  path: ['transfer'],
  summary: 'offline transfer learning: a backbone pretrained on Fashion-MNIST 0-5, retrained on 6-9 with few images',
  options: [
    {
      name: 'embedded',
      type: 'boolean',
      description: 'use the embedded Fashion-MNIST subset even when the full dataset is installed',
    },
    { name: 'data', type: 'string', placeholder: 'DIR', description: 'directory with the Fashion-MNIST IDX files' },
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
      description: 'epoch budget of every method (fine-tuning: half head-only, half everything)',
      default: 20,
      min: 2,
    },
    { name: 'batch-size', type: 'integer', placeholder: 'N', description: 'mini-batch size', default: 32, min: 1 },
    { name: 'max-test', type: 'integer', placeholder: 'N', description: 'evaluate on at most N test images', min: 1 },
    { name: 'json', type: 'boolean', description: 'print the report as one JSON line' },
  ],
  examples: [
    'tfkit transfer --embedded',
    'tfkit transfer --data /usr/share/datasets/fashion-mnist --train-per-class 100 --epochs 20',
    'tfkit transfer --embedded --epochs 3 --max-test 400 --json',
  ],
  details:
    'Compares training from scratch, a frozen pretrained backbone, and fine-tuning, with the same budget and seed, on all test images of classes 6-9 (sandal, shirt, sneaker, bag... per the dataset).',
  async run(context) {
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
