import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TfkitOptionError } from '@tfkit/core';
import { describe, expect, it } from 'vitest';
import { DatasetNotFoundError } from '../errors.js';
import { temporaryDir, writeIdxSplit } from '../test-support/idx-fixtures.js';
import { datasetCacheDir, FASHION_MNIST, type IdxDatasetSpec, loadIdxDataset, MNIST } from './idx-datasets.js';

const tiny: IdxDatasetSpec = { ...FASHION_MNIST, name: 'tiny', title: 'Tiny', envVar: 'TINY_DIR', systemDirs: [] };

/** Four directories, each holding a train split with a distinct first label. */
function layout() {
  const root = temporaryDir();
  const dirs = {
    dir: join(root, 'dir'),
    env: join(root, 'env'),
    system: join(root, 'system'),
    cache: join(root, 'cache'),
  };
  const cacheDatasetDir = join(dirs.cache, 'datasets', 'tiny');
  for (const dir of [...Object.values(dirs), cacheDatasetDir]) mkdirSync(dir, { recursive: true });
  writeIdxSplit(dirs.dir, { labels: [1] });
  writeIdxSplit(dirs.env, { labels: [2] });
  writeIdxSplit(dirs.system, { labels: [3] });
  writeIdxSplit(cacheDatasetDir, { labels: [4] });
  return { root, dirs, cacheDatasetDir };
}

async function notFound(promise: Promise<unknown>): Promise<DatasetNotFoundError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(DatasetNotFoundError.isInstance(error)).toBe(true);
  return error as DatasetNotFoundError;
}

describe('loadIdxDataset resolution order', () => {
  it('prefers dir, then the environment variable, then system dirs, then the cache', async () => {
    const { dirs } = layout();
    const common = { env: { TINY_DIR: dirs.env }, systemDirs: [dirs.system], cacheDir: dirs.cache };
    const fromDir = await loadIdxDataset(tiny, { ...common, dir: dirs.dir });
    expect([fromDir.origin, fromDir.labels[0]]).toEqual(['dir', 1]);
    const fromEnv = await loadIdxDataset(tiny, common);
    expect([fromEnv.origin, fromEnv.labels[0]]).toEqual(['env', 2]);
    const fromSystem = await loadIdxDataset(tiny, { ...common, env: {} });
    expect([fromSystem.origin, fromSystem.labels[0], fromSystem.directory]).toEqual(['system', 3, dirs.system]);
    const fromCache = await loadIdxDataset(tiny, { ...common, env: {}, systemDirs: [join(dirs.system, 'nothing')] });
    expect([fromCache.origin, fromCache.labels[0]]).toEqual(['cache', 4]);
    expect(fromCache).toMatchObject({ name: 'tiny', split: 'train', count: 1, rows: 2, cols: 3 });
    expect(fromCache.classNames[0]).toBe('T-shirt/top');
  });

  it('takes TFKIT_CACHE_DIR from the environment when no cacheDir is given', async () => {
    const { dirs } = layout();
    const loaded = await loadIdxDataset(tiny, { env: { TFKIT_CACHE_DIR: dirs.cache }, systemDirs: [] });
    expect(loaded.origin).toBe('cache');
    expect(datasetCacheDir('mnist', { env: { XDG_CACHE_HOME: '/x' } })).toBe('/x/tfkit/datasets/mnist');
    expect(datasetCacheDir('mnist', { env: { TFKIT_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' } })).toBe(
      '/c/datasets/mnist',
    );
  });

  it('fails on an explicit dir that lacks the split instead of falling through', async () => {
    const { dirs } = layout();
    const error = await notFound(
      loadIdxDataset(tiny, { dir: dirs.dir, split: 'test', env: {}, systemDirs: [dirs.system], cacheDir: dirs.cache }),
    );
    expect(error.message).toContain('Tiny test split');
    expect(error.message).toContain('t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz missing in');
    expect(error.searched).toEqual([dirs.dir]);
  });

  it('names the one missing file when a directory holds only half of a split', async () => {
    const { dirs } = layout();
    writeIdxSplit(dirs.env, { prefix: 't10k', labels: [1] });
    const { rmSync } = await import('node:fs');
    rmSync(join(dirs.env, 't10k-labels-idx1-ubyte.gz'));
    const error = await notFound(loadIdxDataset(tiny, { split: 'test', env: { TINY_DIR: dirs.env } }));
    expect(error.message).toContain('t10k-labels-idx1-ubyte.gz missing in');
    expect(error.message).toContain('$TINY_DIR');
  });

  it('says offline exactly where to put which files', async () => {
    const root = temporaryDir();
    const cacheDir = join(root, 'cache');
    const error = await notFound(
      loadIdxDataset(FASHION_MNIST, { split: 'test', env: {}, systemDirs: [join(root, 'debian')], cacheDir }),
    );
    const expectedCache = join(cacheDir, 'datasets', 'fashion-mnist');
    expect(error.searched).toEqual([join(root, 'debian'), expectedCache]);
    expect(error.files).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    expect(error.message).toContain(`Put t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz`);
    expect(error.message).toContain(`into ${expectedCache}`);
    expect(error.message).toContain('TFKIT_FASHION_MNIST_DIR');
    expect(error.message).toContain('apt-get install dataset-fashion-mnist');
    expect(error.message).toContain('{ download: true }');
    expect(error.message).toContain("{ source: 'embedded' }");
    const mnist = await notFound(loadIdxDataset(MNIST, { env: {}, cacheDir }));
    expect(mnist.message).toContain('TFKIT_MNIST_DIR');
    expect(mnist.message).toContain(join(cacheDir, 'datasets', 'mnist'));
  });

  it('rejects an unknown split', async () => {
    await expect(loadIdxDataset(tiny, { split: 'validation' as 'train' })).rejects.toSatisfy(
      TfkitOptionError.isInstance,
    );
  });
});
