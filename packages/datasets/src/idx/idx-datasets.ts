import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { downloadFile, type ProgressEvent } from '../download.js';
import { DatasetNotFoundError, optionError } from '../errors.js';
import { type IdxImagesAndLabels, readIdxPair } from './idx-format.js';

/** A split of an IDX dataset. */
export type Split = 'train' | 'test';

/** Where a dataset was loaded from. */
export type DatasetOrigin = 'dir' | 'env' | 'system' | 'cache' | 'download' | 'embedded';

/** A loaded split of an MNIST-format dataset. All arrays are plain bytes; no tensors are made. */
export interface IdxDataset extends IdxImagesAndLabels {
  /** Dataset name, e.g. `'fashion-mnist'`. */
  readonly name: string;
  /** The split. */
  readonly split: Split;
  /** Readable class names; `classNames[label]` names a label. */
  readonly classNames: readonly string[];
  /** How the files were found. */
  readonly origin: DatasetOrigin;
  /** The directory the files were read from. */
  readonly directory: string;
}

/** A file of a dataset with its published size and checksums. */
export interface IdxFileSpec {
  /** File name, e.g. `'train-images-idx3-ubyte.gz'`. */
  readonly name: string;
  /** Size of the canonical `.gz` file. */
  readonly bytes?: number | undefined;
  /** SHA-256 of the canonical `.gz` file (checked on download). */
  readonly sha256?: string | undefined;
}

/** Everything the loaders need to know about one MNIST-format dataset. */
export interface IdxDatasetSpec {
  /** Name, used for the cache directory. */
  readonly name: string;
  /** Name for messages, e.g. `'Fashion-MNIST'`. */
  readonly title: string;
  /** Environment variable naming a directory with the files. */
  readonly envVar: string;
  /** System directories searched after the environment variable (e.g. Debian's). */
  readonly systemDirs: readonly string[];
  /** How to get the files into a system directory, for messages. */
  readonly systemHint?: string | undefined;
  /** Class names. */
  readonly classNames: readonly string[];
  /** The images and labels files of each split. */
  readonly files: Readonly<Record<Split, { readonly images: IdxFileSpec; readonly labels: IdxFileSpec }>>;
  /** Default mirrors: base URLs ending in `/`, the file name is appended. */
  readonly mirrors: readonly string[];
}

/**
 * Fashion-MNIST (Zalando Research, MIT licence). The SHA-256 sums are of the canonical `.gz`
 * files; Debian's copies hold the same deflate streams with the file name and time stripped from
 * the gzip header, so they differ byte-wise but decode to the same data.
 */
export const FASHION_MNIST: IdxDatasetSpec = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  envVar: 'TFKIT_FASHION_MNIST_DIR',
  systemDirs: ['/usr/share/datasets/fashion-mnist'],
  systemHint: 'apt-get install dataset-fashion-mnist',
  classNames: [
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
  ],
  files: {
    train: {
      images: {
        name: 'train-images-idx3-ubyte.gz',
        bytes: 26_421_880,
        sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      },
      labels: {
        name: 'train-labels-idx1-ubyte.gz',
        bytes: 29_515,
        sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      },
    },
    test: {
      images: {
        name: 't10k-images-idx3-ubyte.gz',
        bytes: 4_422_102,
        sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      },
      labels: {
        name: 't10k-labels-idx1-ubyte.gz',
        bytes: 5_148,
        sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      },
    },
  },
  // The S3 website endpoint serves plain HTTP only; the SHA-256 check makes that safe.
  mirrors: [
    'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  ],
};

/** MNIST (LeCun, Cortes, Burges). SHA-256 sums of the canonical `.gz` files. */
export const MNIST: IdxDatasetSpec = {
  name: 'mnist',
  title: 'MNIST',
  envVar: 'TFKIT_MNIST_DIR',
  systemDirs: [],
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  files: {
    train: {
      images: {
        name: 'train-images-idx3-ubyte.gz',
        bytes: 9_912_422,
        sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      },
      labels: {
        name: 'train-labels-idx1-ubyte.gz',
        bytes: 28_881,
        sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      },
    },
    test: {
      images: {
        name: 't10k-images-idx3-ubyte.gz',
        bytes: 1_648_877,
        sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      },
      labels: {
        name: 't10k-labels-idx1-ubyte.gz',
        bytes: 4_542,
        sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      },
    },
  },
  mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
};

/** Options of {@link loadMnist}, {@link loadFashionMnist} and {@link loadIdxDataset}. */
export interface LoadIdxOptions {
  /**
   * Which split.
   * @defaultValue `'train'`
   */
  split?: Split;
  /** A directory holding the split's two files (`.gz` or uncompressed). Searched first, and only it when given. */
  dir?: string;
  /**
   * Download the files into the cache when no local copy is found.
   * @defaultValue `false`
   */
  download?: boolean;
  /** Base URLs (ending in `/`) to download from, in order. Defaults to the dataset's known mirrors. */
  mirrors?: readonly string[];
  /**
   * Root of the tfkit cache; the files live in `<cacheDir>/datasets/<name>/`.
   * @defaultValue `$TFKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/tfkit`, else `~/.cache/tfkit`
   */
  cacheDir?: string;
  /** Called with download and decode progress. */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Environment consulted for the dataset's variable and `TFKIT_CACHE_DIR`.
   * @defaultValue `process.env`
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Overrides the system directories searched (e.g. `[]` to skip Debian's). */
  systemDirs?: readonly string[];
  /** The `fetch` used for downloads. @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch;
  /** Extra tries per mirror. @defaultValue `2` */
  retries?: number;
}

/**
 * The cache directory of a dataset: `<cacheDir>/datasets/<name>`.
 *
 * @param name - dataset name, e.g. `'mnist'`
 * @param options - `cacheDir` and `env` overrides
 * @returns the absolute directory (not created)
 * @example
 * ```ts
 * datasetCacheDir('mnist'); // '/home/me/.cache/tfkit/datasets/mnist'
 * ```
 */
export function datasetCacheDir(name: string, options: Pick<LoadIdxOptions, 'cacheDir' | 'env'> = {}): string {
  const env = options.env ?? process.env;
  const root =
    options.cacheDir ??
    env['TFKIT_CACHE_DIR'] ??
    (env['XDG_CACHE_HOME'] ? join(env['XDG_CACHE_HOME'], 'tfkit') : join(homedir(), '.cache', 'tfkit'));
  return join(root, 'datasets', name);
}

/** Finds a file as `.gz` or uncompressed in `dir`. */
function findFile(dir: string, gzName: string): string | undefined {
  const compressed = join(dir, gzName);
  if (existsSync(compressed)) return compressed;
  const raw = join(dir, gzName.replace(/\.gz$/, ''));
  return existsSync(raw) ? raw : undefined;
}

interface Candidate {
  origin: DatasetOrigin;
  dir: string;
  label: string;
  authoritative: boolean;
}

/**
 * Loads one split of an MNIST-format dataset described by `spec`, searching in order: `dir`;
 * the spec's environment variable; its system directories; the cache directory; and, with
 * `download: true`, its mirrors (into the cache).
 *
 * @param spec - the dataset ({@link MNIST}, {@link FASHION_MNIST} or your own)
 * @param options - split, locations, download policy
 * @returns images, labels, shape, class names and where they came from
 * @throws {@link DatasetNotFoundError} when the split is not found; the message lists every place searched and where to put which files
 * @throws {@link IdxFormatError} when a file found is malformed
 * @throws {@link DownloadError} when a download fails on every mirror
 * @example
 * ```ts
 * const test = await loadIdxDataset(FASHION_MNIST, { split: 'test' });
 * ```
 */
export async function loadIdxDataset(spec: IdxDatasetSpec, options: LoadIdxOptions = {}): Promise<IdxDataset> {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw optionError('split', `must be 'train' or 'test', got ${JSON.stringify(split)}.`);
  }
  const env = options.env ?? process.env;
  const files = spec.files[split];
  const names = [files.images.name, files.labels.name];
  const cacheDir = datasetCacheDir(spec.name, options);
  const candidates: Candidate[] = [];
  if (options.dir !== undefined) {
    candidates.push({ origin: 'dir', dir: options.dir, label: `dir option: ${options.dir}`, authoritative: true });
  } else {
    const fromEnv = env[spec.envVar];
    if (fromEnv)
      candidates.push({ origin: 'env', dir: fromEnv, label: `$${spec.envVar}: ${fromEnv}`, authoritative: true });
    else {
      for (const dir of options.systemDirs ?? spec.systemDirs) {
        candidates.push({ origin: 'system', dir, label: `system: ${dir}`, authoritative: false });
      }
      candidates.push({ origin: 'cache', dir: cacheDir, label: `cache: ${cacheDir}`, authoritative: false });
    }
  }

  const searched: string[] = [];
  for (const candidate of candidates) {
    const imagesPath = findFile(candidate.dir, files.images.name);
    const labelsPath = findFile(candidate.dir, files.labels.name);
    if (imagesPath && labelsPath) {
      options.onProgress?.({ phase: 'decode', file: imagesPath, loaded: 0, total: undefined });
      const pair = await readIdxPair(imagesPath, labelsPath);
      options.onProgress?.({ phase: 'decode', file: imagesPath, loaded: pair.count, total: pair.count });
      return {
        ...pair,
        name: spec.name,
        split,
        classNames: spec.classNames,
        origin: candidate.origin,
        directory: candidate.dir,
      };
    }
    const missing = [imagesPath ? undefined : files.images.name, labelsPath ? undefined : files.labels.name].filter(
      (name): name is string => name !== undefined,
    );
    searched.push(`${candidate.label} (missing ${missing.join(', ')})`);
    if (candidate.authoritative) {
      throw new DatasetNotFoundError({
        message:
          `${spec.title} ${split} split: ${missing.join(' and ')} missing in ${candidate.dir} (given by the ${candidate.origin === 'dir' ? '`dir` option' : `$${spec.envVar} variable`}). ` +
          `Put ${names.join(' and ')} (gzip or uncompressed) there, or point it at the directory that has them.`,
        searched: [candidate.dir],
        files: names,
      });
    }
  }

  if (options.download) {
    const mirrors = options.mirrors ?? spec.mirrors;
    for (const file of [files.images, files.labels]) {
      if (findFile(cacheDir, file.name)) continue;
      await downloadFile({
        urls: mirrors.map((mirror) => new URL(file.name, mirror.endsWith('/') ? mirror : `${mirror}/`).href),
        destination: join(cacheDir, file.name),
        sha256: file.sha256,
        bytes: file.bytes,
        onProgress: options.onProgress,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.retries !== undefined ? { retries: options.retries } : {}),
      });
    }
    const pair = await readIdxPair(join(cacheDir, files.images.name), join(cacheDir, files.labels.name));
    return { ...pair, name: spec.name, split, classNames: spec.classNames, origin: 'download', directory: cacheDir };
  }

  const systemHint = spec.systemHint ? ` install them system-wide (${spec.systemHint}),` : '';
  throw new DatasetNotFoundError({
    message:
      `${spec.title} ${split} split not found. Searched, in order:\n  ${searched.join('\n  ')}\n` +
      `Put ${names.join(' and ')} (gzip or uncompressed) into ${cacheDir}, or set ${spec.envVar} to the directory holding them,` +
      `${systemHint} or pass { download: true } to fetch them from ${spec.mirrors[0] ?? 'a mirror'}` +
      (spec.name === 'fashion-mnist'
        ? ", or pass { source: 'embedded' } for the 3,000-image subset shipped with @tfkit/datasets."
        : '.'),
    searched: candidates.map((candidate) => candidate.dir),
    files: names,
  });
}
