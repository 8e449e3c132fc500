import type { WeightsProgress } from '@tfkit/vision-transfer';
import type { FashionMethodResult, FashionTransferProgress } from '@tfkit/vision-transfer/fashion';
import type { Progress } from './progress.js';
import type { CommandContext } from './run-cli.js';

/** `@tfkit/vision-transfer` and its `/fashion` recipes, as the CLI uses them. */
export type VisionTransfer = typeof import('@tfkit/vision-transfer') & typeof import('@tfkit/vision-transfer/fashion');

/** Loads `@tfkit/vision-transfer` and its `/fashion` recipes on first use (classification and the transfer experiment). */
export async function loadVision(): Promise<VisionTransfer> {
  const [library, fashion] = await Promise.all([
    import('@tfkit/vision-transfer'),
    import('@tfkit/vision-transfer/fashion'),
  ]);
  return { ...library, ...fashion };
}

/** Readable method names for tables. */
export const methodTitles: Record<FashionMethodResult['method'], string> = {
  fromScratch: 'from scratch',
  frozenBackbone: 'frozen backbone',
  fineTuned: 'fine-tuned',
};

/**
 * The `onProgress` of `runFashionTransferExperiment` for the CLI: data notes, one progress bar
 * per method over `epochs` (the fine-tuned method's second phase continues its bar), and the test
 * accuracy when a method ends (also as a note with `noteAccuracy`).
 */
export function transferProgress(
  context: CommandContext,
  epochs: number,
  { noteAccuracy = false }: { noteAccuracy?: boolean } = {},
): (event: FashionTransferProgress) => void {
  let progress: Progress = context.progress('transfer', epochs);
  let method = '';
  return (event) => {
    if (event.stage === 'data') context.note(event.message);
    else if (event.stage === 'train') {
      if (event.method !== method) {
        method = event.method;
        progress = context.progress(`transfer ${methodTitles[event.method]}`, epochs);
      }
      const done = event.epoch.phase === 'fineTune' ? Math.ceil(epochs / 2) + event.epoch.epoch : event.epoch.epoch;
      progress.update(
        Math.min(epochs, done),
        `loss ${event.epoch.loss.toFixed(3)} acc ${event.epoch.accuracy.toFixed(3)}`,
      );
    } else {
      progress.finish(`test accuracy ${(event.testAccuracy * 100).toFixed(1)}%`);
      if (noteAccuracy)
        context.note(`transfer ${methodTitles[event.method]}: test accuracy ${(event.testAccuracy * 100).toFixed(2)}%`);
    }
  };
}

/**
 * The `onProgress` of `createModel` for the CLI: a progress bar per downloaded weights file (a bar
 * redrawn in place on a terminal, plain lines otherwise, nothing with `--no-progress`).
 */
export function weightsDownloadProgress(context: CommandContext): (progress: WeightsProgress) => void {
  let bar: Progress | undefined;
  let current = '';
  return ({ file, bytes, totalBytes }) => {
    if (totalBytes === undefined) return;
    if (file !== current) {
      current = file;
      bar = context.progress(`download ${file}`, totalBytes);
    }
    bar?.update(bytes, `${(bytes / 1e6).toFixed(1)}/${(totalBytes / 1e6).toFixed(1)} MB`);
    if (bytes >= totalBytes) bar?.finish();
  };
}
