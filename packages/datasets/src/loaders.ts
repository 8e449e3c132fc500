import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { IdxFormatError, optionError } from './errors.js';
import {
  FASHION_MNIST,
  type IdxDataset,
  type LoadIdxOptions,
  loadIdxDataset,
  MNIST,
  type Split,
} from './idx/idx-datasets.js';
import { combineIdxPair, gunzipIfNeeded, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx } from './idx/idx-format.js';

/**
 * Directory of the embedded Fashion-MNIST subset. This module sits directly under `src/` and is
 * bundled directly under `dist/`, so `../assets` is the package's `assets/` in both cases
 * (and in an installed tarball).
 */
const embeddedDirectoryUrl = new URL('../assets/fashion-mnist-subset/', import.meta.url);

/**
 * The directory holding the embedded Fashion-MNIST subset (IDX `.gz` files, `checksums.json`, `LICENSE`).
 *
 * @returns an absolute path inside the installed package
 * @example
 * ```ts
 * console.log(embeddedFashionMnistDir()); // .../node_modules/@tfkit/datasets/assets/fashion-mnist-subset
 * ```
 */
export function embeddedFashionMnistDir(): string {
  return fileURLToPath(embeddedDirectoryUrl);
}

interface EmbeddedManifest {
  files: Record<string, { bytes: number; sha256: string }>;
  sourceIndices: Record<Split, number[]>;
}

async function readChecked(name: string, manifest: EmbeddedManifest): Promise<Uint8Array> {
  const path = fileURLToPath(new URL(name, embeddedDirectoryUrl));
  const bytes = new Uint8Array(await readFile(path));
  const expected = manifest.files[name];
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (!expected || expected.bytes !== bytes.length || expected.sha256 !== sha256) {
    throw new IdxFormatError({
      file: path,
      problem: 'truncated',
      message: `the embedded file does not match checksums.json (${bytes.length} bytes, SHA-256 ${sha256}). Reinstall @tfkit/datasets.`,
    });
  }
  return gunzipIfNeeded(bytes, path);
}

/** Options of {@link loadEmbeddedFashionMnist}. */
export interface LoadEmbeddedOptions {
  /**
   * Which split: 2,000 train images (200 per class) or 1,000 test images (100 per class).
   * @defaultValue `'train'`
   */
  split?: Split;
}

/**
 * Loads the balanced subset of real Fashion-MNIST shipped inside this package (2,000 train and
 * 1,000 test images, 28x28, 10 classes, MIT licence), so demos and tests run with no data installed.
 * Files are checked against `checksums.json` when read.
 *
 * @param options - the split
 * @returns the subset, `origin: 'embedded'`; `sourceIndices` are the images' indices in the full split
 * @throws {@link IdxFormatError} when the shipped files are damaged (reinstall the package)
 * @example
 * ```ts
 * const { count, classNames } = await loadEmbeddedFashionMnist({ split: 'test' });
 * console.log(count, classNames[9]); // 1000 'Ankle boot'
 * ```
 */
export async function loadEmbeddedFashionMnist(
  options: LoadEmbeddedOptions = {},
): Promise<IdxDataset & { readonly sourceIndices: readonly number[] }> {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw optionError('split', `must be 'train' or 'test', got ${JSON.stringify(split)}.`);
  }
  const manifest = JSON.parse(
    await readFile(fileURLToPath(new URL('checksums.json', embeddedDirectoryUrl)), 'utf8'),
  ) as EmbeddedManifest;
  const files = FASHION_MNIST.files[split];
  const [imagesBytes, labelsBytes] = await Promise.all([
    readChecked(files.images.name, manifest),
    readChecked(files.labels.name, manifest),
  ]);
  const directory = embeddedFashionMnistDir();
  const pair = combineIdxPair(
    parseIdx(imagesBytes, { file: files.images.name, expectMagic: IDX_IMAGES_MAGIC }),
    parseIdx(labelsBytes, { file: files.labels.name, expectMagic: IDX_LABELS_MAGIC }),
    { images: files.images.name, labels: files.labels.name },
  );
  return {
    ...pair,
    name: FASHION_MNIST.name,
    split,
    classNames: FASHION_MNIST.classNames,
    origin: 'embedded',
    directory,
    sourceIndices: manifest.sourceIndices[split],
  };
}

/** Options of {@link loadFashionMnist}. */
export interface LoadFashionMnistOptions extends LoadIdxOptions {
  /**
   * `'auto'` searches the locations described in {@link loadIdxDataset}; `'embedded'` loads the
   * small subset shipped with the package.
   * @defaultValue `'auto'`
   */
  source?: 'auto' | 'embedded';
}

/**
 * Loads a split of Fashion-MNIST (60,000 train / 10,000 test images, 28x28 greyscale, 10 classes).
 *
 * Searched in order: `dir`; `$TFKIT_FASHION_MNIST_DIR`; `/usr/share/datasets/fashion-mnist`
 * (Debian package `dataset-fashion-mnist`); the cache `<cacheDir>/datasets/fashion-mnist`
 * (`$TFKIT_CACHE_DIR`, else `~/.cache/tfkit`); then, with `download: true`, the mirrors, checked
 * with SHA-256 and written atomically into the cache. `source: 'embedded'` loads the shipped subset instead.
 *
 * @param options - split, locations, download policy, source
 * @returns images (`count*rows*cols` bytes), labels, shape, class names, origin
 * @throws {@link DatasetNotFoundError} offline and not found: the message says where to put which files
 * @throws {@link IdxFormatError} for malformed files
 * @throws {@link DownloadError} when every mirror fails
 * @example
 * ```ts
 * const train = await loadFashionMnist({ split: 'train' });
 * console.log(train.count, train.rows, train.cols); // 60000 28 28
 * ```
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<IdxDataset> {
  const { source = 'auto', ...rest } = options;
  if (source === 'embedded') return loadEmbeddedFashionMnist(rest.split ? { split: rest.split } : {});
  if (source !== 'auto') {
    throw optionError('source', `must be 'auto' or 'embedded', got ${JSON.stringify(source)}.`);
  }
  return loadIdxDataset(FASHION_MNIST, rest);
}

/**
 * Loads a split of MNIST (handwritten digits, 60,000 train / 10,000 test, 28x28 greyscale).
 *
 * Searched in order: `dir`; `$TFKIT_MNIST_DIR`; the cache `<cacheDir>/datasets/mnist`
 * (`$TFKIT_CACHE_DIR`, else `~/.cache/tfkit`); then, with `download: true`, the mirrors
 * (`ossci-datasets` S3, Google's `cvdf-datasets`), checked with SHA-256 and written atomically.
 *
 * @param options - split, locations, download policy
 * @returns images, labels, shape, class names `'0'`..`'9'`, origin
 * @throws {@link DatasetNotFoundError} offline and not found: the message says where to put which files
 * @throws {@link IdxFormatError} for malformed files
 * @throws {@link DownloadError} when every mirror fails
 * @example
 * ```ts
 * const test = await loadMnist({ split: 'test', download: true });
 * console.log(test.count); // 10000
 * ```
 */
export async function loadMnist(options: LoadIdxOptions = {}): Promise<IdxDataset> {
  return loadIdxDataset(MNIST, options);
}
