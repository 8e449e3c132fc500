import type { FashionMethodResult } from '@tfkit/vision-transfer/fashion';

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
