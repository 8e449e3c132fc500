import path from 'node:path';
import { CliUsageError } from '../cli/errors.js';
import { balancedSubset, ganModels, loadDatasets, loadGan } from '../cli/gan.js';
import { type Command, useBackend } from '../cli/run-cli.js';
import { requireExisting } from './files.js';

const modelNames = Object.keys(ganModels);

/** `tfkit gan train`. */
export const ganTrainCommand: Command = {
  path: ['gan', 'train'],
  summary: "train a GAN on Fashion-MNIST, writing sample grids and checkpoints, printing the book's loss lines",
  options: [
    {
      name: 'model',
      type: 'string',
      placeholder: 'NAME',
      description: 'which GAN',
      default: 'dense',
      choices: modelNames,
    },
    { name: 'epochs', type: 'integer', placeholder: 'N', description: 'training epochs', default: 5, min: 1 },
    {
      name: 'out',
      type: 'string',
      placeholder: 'DIR',
      description: 'directory for grids (epoch-NNNN.png) and the checkpoint',
      default: 'out/gan',
    },
    {
      name: 'data',
      type: 'string',
      placeholder: 'DIR',
      description: 'directory with Fashion-MNIST IDX files (default: the embedded subset)',
    },
    {
      name: 'images',
      type: 'integer',
      placeholder: 'N',
      description: 'train on at most N images (class-balanced)',
      min: 1,
    },
    {
      name: 'batch-size',
      type: 'integer',
      placeholder: 'N',
      description: "images per batch (default: the model's, 32 for dcgan, else 100)",
      min: 1,
    },
    {
      name: 'sample-every',
      type: 'integer',
      placeholder: 'N',
      description: 'write a grid every N epochs (and after the last)',
      default: 1,
      min: 1,
    },
    { name: 'resume', type: 'boolean', description: 'continue from the checkpoint in --out' },
  ],
  examples: [
    'tfkit gan train --model dense --epochs 5 --out out/gan-dense',
    'tfkit gan train --model dcgan --epochs 3 --images 2000 --out out/dcgan',
    'tfkit gan train --model cgan --data /usr/share/datasets/fashion-mnist --epochs 10 --out out/cgan',
  ],
  details: Object.entries(ganModels)
    .map(([name, model]) => `  ${name.padEnd(14)}${model.description}`)
    .join('\n')
    .replace(/^/, 'Models:\n'),
  async run(context) {
    const model = ganModels[String(context.options.model)]!;
    const dataDirectory =
      context.options.data === undefined
        ? undefined
        : requireExisting(String(context.options.data), '--data', 'directory');
    const out = path.resolve(String(context.options.out));
    await useBackend(context);
    const gans = await loadGan();
    const datasets = await loadDatasets();
    const dataset = dataDirectory
      ? await datasets.loadFashionMnist({ split: 'train', dir: dataDirectory })
      : await datasets.loadEmbeddedFashionMnist({ split: 'train' });
    const limit = context.options.images === undefined ? dataset.count : Number(context.options.images);
    const data = balancedSubset(dataset, limit);
    const epochs = Number(context.options.epochs);
    const gan = gans.createGan({
      preset: model.preset,
      seed: context.seed,
      ...(model.style ? { style: model.style } : {}),
    });
    const batchSize = context.options.batchSize === undefined ? gan.batchSize : Number(context.options.batchSize);
    if (batchSize > data.count) {
      gan.dispose();
      throw new CliUsageError({
        message: `--batch-size ${batchSize} is larger than the ${data.count} training images.`,
      });
    }
    try {
      const counts = gan.parameterCounts();
      context.note(
        `${String(context.options.model)}: generator ${counts.generator.toLocaleString('en-US')} parameters, discriminator ${counts.discriminator.toLocaleString('en-US')}; ${data.count} images, batch ${batchSize}`,
      );
      const batches = Math.floor(data.count / batchSize);
      const progress = context.progress('gan', epochs * batches);
      const result = await gans.trainGan(gan, data, {
        epochs,
        batchSize,
        seed: context.seed,
        sampleEvery: Number(context.options.sampleEvery),
        sampleDir: out,
        checkpointDir: out,
        resume: context.options.resume === true,
        log: (line) => context.print(line),
        onBatchEnd: (batch, logs) =>
          progress.update(batch + 1, `d ${logs.dLoss.toFixed(3)} g ${logs.gLoss.toFixed(3)}`),
      });
      progress.finish();
      for (const file of result.gridFiles) context.note(`grid: ${file}`);
      context.print(`checkpoint: ${out}`);
    } finally {
      gan.dispose();
    }
    return 0;
  },
};
