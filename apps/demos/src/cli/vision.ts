import type { FashionMethodResult } from '@tfkit/vision-transfer';

/** `@tfkit/vision-transfer` as the CLI uses it. */
export type VisionTransfer = typeof import('@tfkit/vision-transfer');

/** Loads `@tfkit/vision-transfer` on first use (classification and the transfer experiment). */
export function loadVision(): Promise<VisionTransfer> {
  return import('@tfkit/vision-transfer');
}

/** Readable method names for tables. */
export const methodTitles: Record<FashionMethodResult['method'], string> = {
  fromScratch: 'from scratch',
  frozenBackbone: 'frozen backbone',
  fineTuned: 'fine-tuned',
};
