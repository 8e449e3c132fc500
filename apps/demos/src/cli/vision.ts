import { importPackage } from './packages.js';

/** One predicted class. */
export interface ClassPrediction {
  index: number;
  label: string;
  probability: number;
}

/** One epoch of transfer training. */
export interface TransferEpoch {
  phase: 'head' | 'fineTune';
  epoch: number;
  loss: number;
  accuracy: number;
  seconds: number;
}

/** One method of the Fashion-MNIST transfer experiment. */
export interface FashionMethodResult {
  method: 'fromScratch' | 'frozenBackbone' | 'fineTuned';
  testAccuracy: number;
  confusion: number[][];
  trainSeconds: number;
  epochs: TransferEpoch[];
}

/** What `runFashionTransferExperiment` returns. */
export interface FashionTransferReport {
  data: { origin: string; directory: string; trainImages: number; testImages: number; description: string };
  classNames: string[];
  results: FashionMethodResult[];
  settings: { trainPerClass: number; epochs: number; seed: number; batchSize: number };
  backend: string;
}

/** Progress events of the experiment. */
export type FashionTransferProgress =
  | { stage: 'data'; message: string }
  | { stage: 'train'; method: FashionMethodResult['method']; epoch: TransferEpoch }
  | { stage: 'evaluate'; method: FashionMethodResult['method']; testAccuracy: number };

/** A loaded model (a `tf.LayersModel`); only disposed here. */
export interface LayersModelLike {
  dispose(): void;
}

/** The part of `@tfkit/vision-transfer` the CLI uses. */
export interface VisionTransfer {
  modelNames: readonly string[];
  createModel(
    name: string,
    options?: { weights?: string | URL | null; alpha?: number; inputShape?: number[] },
  ): Promise<LayersModelLike>;
  classify(
    model: LayersModelLike,
    images: readonly string[],
    options?: { topK?: number },
  ): Promise<ClassPrediction[][]>;
  formatPredictions(predictions: readonly ClassPrediction[]): string;
  runFashionTransferExperiment(options?: {
    trainPerClass?: number;
    epochs?: number;
    seed?: number;
    batchSize?: number;
    data?: 'auto' | 'embedded';
    maxTestImages?: number;
    onProgress?: (progress: FashionTransferProgress) => void;
  }): Promise<FashionTransferReport>;
}

/** Loads `@tfkit/vision-transfer` with the classification exports. */
export function loadVisionForClassify(): Promise<VisionTransfer> {
  return importPackage<VisionTransfer>('@tfkit/vision-transfer', [
    'modelNames',
    'createModel',
    'classify',
    'formatPredictions',
  ]);
}

/** Loads `@tfkit/vision-transfer` with the transfer experiment. */
export function loadVisionForTransfer(): Promise<VisionTransfer> {
  return importPackage<VisionTransfer>('@tfkit/vision-transfer', ['runFashionTransferExperiment']);
}

/** Readable method names for tables. */
export const methodTitles: Record<FashionMethodResult['method'], string> = {
  fromScratch: 'from scratch',
  frozenBackbone: 'frozen backbone',
  fineTuned: 'fine-tuned',
};
