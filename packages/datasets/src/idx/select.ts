import { optionError } from '../errors.js';
import type { IdxDataset } from './idx-datasets.js';

/**
 * A new dataset holding the examples at `indices`, in that order (pixels and labels are copied).
 *
 * @param dataset - a loaded dataset
 * @param indices - example indices, each in `[0, dataset.count)`
 * @returns a dataset with `indices.length` examples and the same class names
 * @throws {@link optionError} for an index out of range
 * @example
 * ```ts
 * const firstTen = selectExamples(train, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * ```
 */
export function selectExamples<T extends IdxDataset>(dataset: T, indices: readonly number[]): T {
  const size = dataset.rows * dataset.cols;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((source, target) => {
    if (!Number.isInteger(source) || source < 0 || source >= dataset.count) {
      throw optionError('indices', `example index ${source} is outside [0, ${dataset.count}).`);
    }
    images.set(dataset.images.subarray(source * size, (source + 1) * size), target * size);
    labels[target] = dataset.labels[source]!;
  });
  return { ...dataset, images, labels, count: indices.length };
}

/** Options of {@link filterClasses}. */
export interface FilterClassesOptions {
  /**
   * Renumber the kept classes `0..classes.length-1` in the order given (and narrow `classNames`),
   * so a classifier over them needs only `classes.length` outputs.
   * @defaultValue `false`
   */
  relabel?: boolean;
}

/**
 * Keeps only the examples whose label is in `classes` (e.g. Fashion-MNIST 6-9 for a small GAN).
 *
 * @param dataset - a loaded dataset
 * @param classes - class indices to keep
 * @param options - whether to renumber the kept classes
 * @returns a new dataset (copied bytes) with the kept examples in their original order
 * @throws {@link optionError} for an empty list or a class outside `classNames`
 * @example
 * ```ts
 * const shoesAndBags = filterClasses(train, [5, 7, 8, 9], { relabel: true });
 * console.log(shoesAndBags.classNames); // ['Sandal', 'Sneaker', 'Bag', 'Ankle boot']
 * ```
 */
export function filterClasses<T extends IdxDataset>(
  dataset: T,
  classes: readonly number[],
  options: FilterClassesOptions = {},
): T {
  if (classes.length === 0) throw optionError('classes', 'filterClasses needs at least one class.');
  const mapping = new Int16Array(256).fill(-1);
  classes.forEach((label, position) => {
    if (!Number.isInteger(label) || label < 0 || label >= dataset.classNames.length) {
      throw optionError(
        'classes',
        `class ${label} is not one of the ${dataset.classNames.length} classes of ${dataset.name} (0..${dataset.classNames.length - 1}).`,
      );
    }
    mapping[label] = options.relabel ? position : label;
  });
  const kept: number[] = [];
  for (let index = 0; index < dataset.count; index++) {
    if (mapping[dataset.labels[index]!]! >= 0) kept.push(index);
  }
  const selected = selectExamples(dataset, kept);
  if (!options.relabel) return selected;
  const labels = selected.labels.map((label) => mapping[label]!);
  const classNames = classes.map((label) => dataset.classNames[label]!);
  return { ...selected, labels, classNames };
}
