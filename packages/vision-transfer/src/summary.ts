import type * as tf from '@tensorflow/tfjs';

/** Parameter totals of a model, counted like Keras (BatchNormalization statistics are non-trainable). */
export interface ParameterCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

const size = (shape: readonly (number | null)[]) => shape.reduce<number>((product, dim) => product * (dim ?? 1), 1);

/**
 * Counts a model's parameters, split like Keras's `summary()`.
 *
 * @param model - any layers model
 * @returns total, trainable and non-trainable counts
 * @example
 * ```ts
 * countParameters(model); // { total: 21139528, trainable: 13504264, nonTrainable: 7635264 }
 * ```
 */
export function countParameters(model: tf.LayersModel): ParameterCounts {
  const trainable = model.trainableWeights.reduce((sum, weight) => sum + size(weight.shape), 0);
  const nonTrainable = model.nonTrainableWeights.reduce((sum, weight) => sum + size(weight.shape), 0);
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}

const grouped = (value: number) => value.toLocaleString('en-US');

function outputShape(layer: tf.layers.Layer): string {
  try {
    const shape = layer.outputShape as (number | null)[] | (number | null)[][];
    const format = (one: (number | null)[]) => `(${one.map((dim) => (dim === null ? 'None' : dim)).join(', ')})`;
    return Array.isArray(shape[0])
      ? (shape as (number | null)[][]).map(format).join(', ')
      : format(shape as (number | null)[]);
  } catch {
    return 'multiple';
  }
}

/**
 * Prints a Keras-style summary (layer, output shape, parameters, then `Total params: 21,139,528`,
 * `Trainable params: ...`, `Non-trainable params: ...` with thousands separators).
 *
 * @param model - the model
 * @param printFn - where lines go
 * @defaultValue printFn `console.log`
 * @returns the parameter counts that were printed
 * @example
 * ```ts
 * summary(transfer.model);
 * // Total params: 21,139,528
 * // Trainable params: 13,504,264
 * // Non-trainable params: 7,635,264
 * ```
 */
export function summary(model: tf.LayersModel, printFn: (line: string) => void = console.log): ParameterCounts {
  const widths = [40, 28, 14];
  const row = (cells: string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index]!))
      .join('')
      .trimEnd();
  const rule = (char: string) => char.repeat(widths.reduce((a, b) => a + b, 0));
  printFn(`Model: "${model.name}"`);
  printFn(rule('_'));
  printFn(row(['Layer (type)', 'Output Shape', 'Param #']));
  printFn(rule('='));
  model.layers.forEach((layer, index) => {
    printFn(row([`${layer.name} (${layer.getClassName()})`, outputShape(layer), grouped(layer.countParams())]));
    printFn(rule(index === model.layers.length - 1 ? '=' : '_'));
  });
  const counts = countParameters(model);
  printFn(`Total params: ${grouped(counts.total)}`);
  printFn(`Trainable params: ${grouped(counts.trainable)}`);
  printFn(`Non-trainable params: ${grouped(counts.nonTrainable)}`);
  printFn(rule('_'));
  return counts;
}
