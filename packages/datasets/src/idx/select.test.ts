import { TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { patternImages } from '../test-support/idx-fixtures.js';
import { FASHION_MNIST, type IdxDataset } from './idx-datasets.js';
import { filterClasses, selectExamples } from './select.js';

function dataset(labels: number[]): IdxDataset {
  return {
    name: 'fashion-mnist',
    split: 'train',
    classNames: FASHION_MNIST.classNames,
    origin: 'dir',
    directory: '/nowhere',
    rows: 1,
    cols: 2,
    count: labels.length,
    labels: Uint8Array.from(labels),
    images: patternImages(labels.length, 1, 2),
  };
}

describe('selectExamples and filterClasses', () => {
  it('copies the chosen examples in the given order', () => {
    const source = dataset([0, 1, 2]);
    const picked = selectExamples(source, [2, 0]);
    expect(Array.from(picked.labels)).toEqual([2, 0]);
    expect(Array.from(picked.images)).toEqual([14, 15, 0, 1]);
    expect(() => selectExamples(source, [3])).toThrow(/outside \[0, 3\)/);
  });

  it('keeps classes 6-9 with their labels, or renumbered', () => {
    const source = dataset([9, 0, 6, 3, 7, 8, 6]);
    const kept = filterClasses(source, [6, 7, 8, 9]);
    expect(kept.count).toBe(5);
    expect(Array.from(kept.labels)).toEqual([9, 6, 7, 8, 6]);
    expect(Array.from(kept.images.subarray(0, 4))).toEqual([0, 1, 14, 15]);
    expect(kept.classNames).toHaveLength(10);
    const renumbered = filterClasses(source, [9, 6], { relabel: true });
    expect(Array.from(renumbered.labels)).toEqual([0, 1, 1]);
    expect(renumbered.classNames).toEqual(['Ankle boot', 'Shirt']);
    expect(source.count).toBe(7);
  });

  it('rejects an empty list and unknown classes', () => {
    const source = dataset([1]);
    expect(() => filterClasses(source, [])).toThrow(TfkitOptionError);
    expect(() => filterClasses(source, [10])).toThrow(/class 10 is not one of the 10 classes/);
  });
});
