import { runGan } from '../adapters/gan.js';
import { defineTrial } from '../trial.js';

/**
 * The `gan` trial kind: a `@tfkit/gan` preset trained with `trainGan` on the 2,000-image
 * Fashion-MNIST subset embedded in `@tfkit/datasets` (offline), optionally scored with FID.
 *
 * Metrics: `dLoss`, `gLoss`, `dReal`, `dFake` of the last epoch, and `fid`, `classEntropy`,
 * `classesCovered` when `scoreCount > 0`. Curves: `dLoss`, `gLoss` per epoch. Artifact `grid`
 * (the final 10x10 sample grid, PNG) when `saveGrid`.
 */
export const ganTrial = defineTrial({
  name: 'gan',
  description: 'a @tfkit/gan preset trained on embedded Fashion-MNIST, with FID',
  defaultMetric: { name: 'fid', goal: 'min' },
  parameters: {
    preset: {
      type: 'string',
      choices: ['dense', 'dcgan', 'dense-tuned', 'dcgan-tuned', 'dcgan-wide', 'conditional', 'dcgan-conditional'],
      default: 'dense-tuned',
    },
    epochs: { type: 'integer', default: 2, min: 1 },
    batchSize: { type: 'integer', default: 50, min: 1 },
    maxBatchesPerEpoch: { type: 'integer', default: 0, min: 0, description: '0: every full batch' },
    scoreCount: { type: 'integer', default: 500, min: 0, description: 'images generated for FID; 0 for none' },
    saveGrid: { type: 'boolean', default: true },
  },
  async run(parameters, context) {
    let sampleDirectory: string | undefined;
    if (parameters.saveGrid) {
      await context.artifactPath('grid.png'); // creates the directory
      sampleDirectory = context.artifactDirectory;
    }
    const result = await runGan({
      preset: parameters.preset,
      epochs: parameters.epochs,
      batchSize: parameters.batchSize,
      maxBatchesPerEpoch: parameters.maxBatchesPerEpoch || undefined,
      seed: context.seed,
      scoreCount: parameters.scoreCount,
      sampleDirectory,
      signal: context.signal,
    });
    const last = result.history.at(-1);
    return {
      metrics: {
        ...(last ? { dLoss: last.dLoss, gLoss: last.gLoss, dReal: last.dReal, dFake: last.dFake } : {}),
        ...(result.score ?? {}),
      } as Record<string, number>,
      curves: {
        dLoss: result.history.map((entry) => [entry.epoch + 1, entry.dLoss] as const),
        gLoss: result.history.map((entry) => [entry.epoch + 1, entry.gLoss] as const),
      },
      artifacts: result.gridFiles.length > 0 ? { grid: result.gridFiles.at(-1)! } : ({} as Record<string, string>),
    };
  },
});
