import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { readIdxPair } from './idx/idx-format.js';
import { loadEmbeddedFashionMnist, loadFashionMnist } from './loaders.js';

const debianDir = '/usr/share/datasets/fashion-mnist';
const hasDebian = existsSync(join(debianDir, 't10k-images-idx3-ubyte.gz'));

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]! += 1;
  return counts;
}

describe('embedded Fashion-MNIST subset', () => {
  it('holds 2,000 balanced train images and 1,000 balanced test images', async () => {
    const train = await loadFashionMnist({ source: 'embedded' });
    expect(train).toMatchObject({ count: 2000, rows: 28, cols: 28, origin: 'embedded', split: 'train' });
    expect(train.images.length).toBe(2000 * 784);
    expect(classCounts(train.labels)).toEqual(new Array(10).fill(200));
    const test = await loadEmbeddedFashionMnist({ split: 'test' });
    expect(test.count).toBe(1000);
    expect(classCounts(test.labels)).toEqual(new Array(10).fill(100));
    expect(test.classNames).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    // real images: mostly background, some bright pixels, not constant
    const mean = test.images.reduce((sum, value) => sum + value, 0) / test.images.length;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(110);
  });

  it('is shipped in assets/ with the MIT notice, checksums, and under 5 MB', () => {
    const dir = new URL('../assets/fashion-mnist-subset/', import.meta.url);
    const manifest = JSON.parse(readFileSync(new URL('checksums.json', dir), 'utf8'));
    let total = 0;
    for (const name of Object.keys(manifest.files)) total += statSync(new URL(name, dir)).size;
    expect(Object.keys(manifest.files)).toHaveLength(4);
    expect(total).toBeLessThan(5 * 1024 * 1024);
    const licence = readFileSync(new URL('LICENSE', dir), 'utf8');
    expect(licence).toContain('The MIT License (MIT) Copyright © [2017] Zalando SE');
    const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(packageJson.files).toContain('assets');
  });

  it.skipIf(!hasDebian)('is byte-identical to the full Debian split at its source indices', async () => {
    const test = await loadEmbeddedFashionMnist({ split: 'test' });
    const full = await readIdxPair(
      join(debianDir, 't10k-images-idx3-ubyte.gz'),
      join(debianDir, 't10k-labels-idx1-ubyte.gz'),
    );
    expect(test.sourceIndices).toHaveLength(1000);
    test.sourceIndices.forEach((source, target) => {
      expect(test.labels[target]).toBe(full.labels[source]);
    });
    const last = test.sourceIndices[999]!;
    expect(Array.from(test.images.subarray(999 * 784, 1000 * 784))).toEqual(
      Array.from(full.images.subarray(last * 784, (last + 1) * 784)),
    );
  });

  it('rejects an unknown source', async () => {
    await expect(loadFashionMnist({ source: 'web' as 'auto' })).rejects.toSatisfy(TfkitOptionError.isInstance);
  });
});

describe.skipIf(!hasDebian)('Fashion-MNIST from the Debian package', () => {
  it('finds the test split in /usr/share/datasets/fashion-mnist', async () => {
    const test = await loadFashionMnist({ split: 'test', env: {} });
    expect(test).toMatchObject({ origin: 'system', directory: debianDir, count: 10000, rows: 28, cols: 28 });
    expect(classCounts(test.labels)).toEqual(new Array(10).fill(1000));
  });
});
