import { writeFile } from 'node:fs/promises';
import { runFashionTransfer } from '../adapters/vision-transfer.js';
import { defineTrial } from '../trial.js';

/**
 * The `fashion-transfer` trial kind: `@tfkit/vision-transfer`'s offline transfer experiment (a
 * backbone pretrained on Fashion-MNIST classes 0-5 moved to classes 6-9 with few images), three
 * methods with the same budget: from scratch, frozen backbone, fine-tuned.
 *
 * Metrics: `fromScratch`, `frozenBackbone`, `fineTuned` (test accuracy of each) and
 * `transferGain` (fine-tuned minus from scratch). Curves: `<method>Accuracy` (training accuracy
 * per epoch). Artifact `report` (the per-method JSON).
 */
export const fashionTransferTrial = defineTrial({
  name: 'fashion-transfer',
  description: 'Fashion-MNIST transfer: from scratch vs frozen backbone vs fine-tuned',
  defaultMetric: { name: 'fineTuned', goal: 'max' },
  parameters: {
    trainPerClass: { type: 'integer', default: 100, min: 1 },
    epochs: { type: 'integer', default: 20, min: 2 },
    batchSize: { type: 'integer', default: 32, min: 1 },
    data: { type: 'string', choices: ['auto', 'embedded'], default: 'auto' },
    featureLayer: { type: 'string', choices: ['block3_pool', 'fc1'], default: 'block3_pool' },
    maxTestImages: { type: 'integer', default: 0, min: 0, description: '0: every test image of classes 6-9' },
  },
  async run(parameters, context) {
    const result = await runFashionTransfer({
      ...parameters,
      maxTestImages: parameters.maxTestImages || undefined,
      seed: context.seed,
      signal: context.signal,
    });
    const accuracy = Object.fromEntries(result.methods.map((method) => [method.method, method.testAccuracy]));
    const report = await context.artifactPath('transfer.json');
    await writeFile(report, `${JSON.stringify(result, null, 2)}\n`);
    return {
      metrics: {
        ...accuracy,
        ...(accuracy.fineTuned !== undefined && accuracy.fromScratch !== undefined
          ? { transferGain: accuracy.fineTuned - accuracy.fromScratch }
          : {}),
      },
      curves: Object.fromEntries(
        result.methods.map((method) => [
          `${method.method}Accuracy`,
          method.accuracy.map((value, index) => [index + 1, value] as const),
        ]),
      ),
      artifacts: { report },
    };
  },
});
