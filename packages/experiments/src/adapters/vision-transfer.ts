/**
 * The one place that knows `@tfkit/vision-transfer`'s Fashion-MNIST experiment API for the
 * `fashion-transfer` trial.
 *
 * @internal
 */
import { ensureTrialBackend } from './backend.js';

/** What the transfer trial asks for. */
export interface FashionRunOptions {
  trainPerClass: number;
  epochs: number;
  batchSize: number;
  seed: number;
  data: 'auto' | 'embedded';
  featureLayer: 'block3_pool' | 'fc1';
  maxTestImages: number | undefined;
  signal: AbortSignal;
}

/** One method's outcome. */
export interface FashionMethodOutcome {
  method: string;
  testAccuracy: number;
  trainSeconds: number;
  /** Training accuracy per epoch (both phases in order). */
  accuracy: number[];
  loss: number[];
}

/** What the transfer trial reads back. */
export interface FashionRunResult {
  backend: string;
  dataDescription: string;
  methods: FashionMethodOutcome[];
}

/** Runs `runFashionTransferExperiment` of `@tfkit/vision-transfer/fashion` (from scratch vs frozen backbone vs fine-tuned). */
export async function runFashionTransfer(options: FashionRunOptions): Promise<FashionRunResult> {
  const backend = await ensureTrialBackend();
  const fashion = await import('@tfkit/vision-transfer/fashion');
  const report = await fashion.runFashionTransferExperiment({
    trainPerClass: options.trainPerClass,
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed: options.seed,
    data: options.data,
    featureLayer: options.featureLayer,
    signal: options.signal,
    ...(options.maxTestImages ? { maxTestImages: options.maxTestImages } : {}),
  });
  return {
    backend,
    dataDescription: report.data.description,
    methods: report.results.map((result) => ({
      method: result.method,
      testAccuracy: result.testAccuracy,
      trainSeconds: result.trainSeconds,
      accuracy: result.epochs.map((epoch) => epoch.accuracy),
      loss: result.epochs.map((epoch) => epoch.loss),
    })),
  };
}
