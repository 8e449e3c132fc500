import type { IdxDataset } from '@tfkit/datasets';
import type { GanPreset, GanStyle } from '@tfkit/gan';

/** `@tfkit/gan` as the CLI uses it. */
export type GanPackage = typeof import('@tfkit/gan');

/** `@tfkit/datasets` as the CLI uses it. */
export type DatasetsPackage = typeof import('@tfkit/datasets');

/** CLI model names -> the gan package's preset and training style. */
export const ganModels: Record<string, { preset: GanPreset; style?: GanStyle; description: string }> = {
  dense: {
    preset: 'dense',
    style: 'split',
    description: "the book's dense GAN, split training (G Adam 1e-5, D SGD 0.01)",
  },
  'dense-stacked': {
    preset: 'dense',
    style: 'stacked',
    description: "the book's dense GAN, stacked Keras-style training",
  },
  'dense-tuned': { preset: 'dense-tuned', description: 'dense GAN with Adam 2e-4, beta1 0.5' },
  'dcgan-book': { preset: 'dcgan', description: "the book's DCGAN" },
  dcgan: { preset: 'dcgan-tuned', description: 'a standard DCGAN (transposed convolutions, batch norm), tuned' },
  cgan: { preset: 'conditional', description: 'conditional GAN: ask for a class' },
  cdcgan: {
    preset: 'dcgan-conditional',
    description: 'conditional DCGAN (label into G, projection discriminator), tuned like dcgan: ask for a class',
  },
};

/** Loads `@tfkit/gan` on first use. */
export function loadGan(): Promise<GanPackage> {
  return import('@tfkit/gan');
}

/** Loads `@tfkit/datasets` on first use. */
export function loadDatasets(): Promise<DatasetsPackage> {
  return import('@tfkit/datasets');
}

/**
 * The first `limit` images of a dataset, taken class-balanced (round-robin over classes) so that
 * a small subset still shows every class.
 */
export function balancedSubset(
  dataset: IdxDataset,
  limit: number,
): { images: Uint8Array; labels: Uint8Array; count: number } {
  const pixels = dataset.rows * dataset.cols;
  if (limit >= dataset.count) return { images: dataset.images, labels: dataset.labels, count: dataset.count };
  const byClass = new Map<number, number[]>();
  for (let index = 0; index < dataset.count; index++) {
    const label = dataset.labels[index]!;
    const list = byClass.get(label) ?? [];
    list.push(index);
    byClass.set(label, list);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const chosen: number[] = [];
  for (let round = 0; chosen.length < limit; round++) {
    let added = false;
    for (const label of classes) {
      const index = byClass.get(label)![round];
      if (index !== undefined && chosen.length < limit) {
        chosen.push(index);
        added = true;
      }
    }
    if (!added) break;
  }
  const images = new Uint8Array(chosen.length * pixels);
  const labels = new Uint8Array(chosen.length);
  chosen.forEach((source, target) => {
    images.set(dataset.images.subarray(source * pixels, (source + 1) * pixels), target * pixels);
    labels[target] = dataset.labels[source]!;
  });
  return { images, labels, count: chosen.length };
}
