import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TfkitError } from '@tfkit/core';
import type { BatchSource, TensorBatch } from '../batching/batches.js';
import { ImageDataError, type ImageProblem, optionError } from '../errors.js';
import { type PreprocessMode, preprocessInput } from '../preprocess/preprocess.js';
import { oneHot } from '../tensors.js';

type SharpFactory = typeof import('sharp').default;

let sharpPromise: Promise<SharpFactory> | undefined;

/** Imports sharp on first use, so that code not decoding images never loads native code. */
async function loadSharp(): Promise<SharpFactory> {
  sharpPromise ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => {
      sharpPromise = undefined;
      throw new TfkitError({
        name: 'Tfkit_DependencyError',
        package: '@tfkit/datasets',
        message: `sharp could not be loaded (${(error as Error).message}). Reinstall with \`npm i sharp\`; with pnpm, allow its build in pnpm-workspace.yaml (allowBuilds: sharp: true).`,
        cause: error,
      });
    },
  );
  return sharpPromise;
}

/** A file of an image folder. */
export interface ImageFile {
  /** Absolute or dir-relative path as listed. */
  readonly path: string;
  /** Class index into `classNames`. */
  readonly label: number;
}

/** A file that could not be decoded and was skipped (`onError: 'skip'`). */
export interface SkippedFile {
  /** The file. */
  readonly path: string;
  /** What is wrong with it. */
  readonly problem: ImageProblem;
  /** The decoder's message. */
  readonly reason: string;
}

/** How `xs` of an image-folder batch are scaled: a model family's {@link PreprocessMode}, `[0, 1]`, or raw 0..255. */
export type ImageScale = PreprocessMode | 'zeroToOne' | 'none';

/** Options of {@link imageFolder}. */
export interface ImageFolderOptions {
  /**
   * File extensions to include (case-insensitive, with the dot).
   * @defaultValue `['.jpg', '.jpeg', '.png', '.webp', '.gif']`
   */
  extensions?: readonly string[];
  /** Class folders to use, in this label order. Default: every subfolder, sorted by name. */
  classes?: readonly string[];
  /**
   * Output size `[height, width]` (or one number for square).
   * @defaultValue `224`
   */
  size?: number | readonly [number, number];
  /**
   * `'cover'`: aspect-preserving resize then centre crop; `'fill'`: stretch; `'contain'`: letterbox with black.
   * @defaultValue `'cover'`
   */
  fit?: 'cover' | 'fill' | 'contain';
  /**
   * Images decoded at the same time.
   * @defaultValue `min(4, availableParallelism())`
   */
  concurrency?: number;
  /**
   * What to do with a file that cannot be decoded: `'throw'` an {@link ImageDataError} naming it,
   * or `'skip'` it (the batch is smaller) and record it in `skipped`.
   * @defaultValue `'throw'`
   */
  onError?: 'throw' | 'skip';
  /**
   * How `xs` are scaled by {@link ImageFolder.read}.
   * @defaultValue `'none'` (float32 0..255)
   */
  scale?: ImageScale;
  /**
   * Labels as one-hot float32 `[n, classes]` or int32 class indices `[n]`.
   * @defaultValue `'one-hot'`
   */
  labels?: 'one-hot' | 'index';
}

/** Decoded pixels of some files of an image folder. */
export interface DecodedImages {
  /** RGB bytes, `count * height * width * 3`. */
  readonly pixels: Uint8Array;
  /** Class index of each decoded image. */
  readonly labels: Uint8Array;
  /** Number of images decoded (requested minus skipped). */
  readonly count: number;
  /** Height. */
  readonly height: number;
  /** Width. */
  readonly width: number;
  /** The file indices that were decoded, in order. */
  readonly indices: readonly number[];
}

/** An image folder: the listing and a lazy, batched decoder. Implements {@link BatchSource}. */
export interface ImageFolder extends BatchSource {
  /** The root folder. */
  readonly dir: string;
  /** Class names; the label of a file is its class folder's position here. */
  readonly classNames: readonly string[];
  /** Every image file, sorted by class then file name. */
  readonly files: readonly ImageFile[];
  /** Number of files (`files.length`). */
  readonly size: number;
  /** Output `[height, width]`. */
  readonly imageSize: readonly [number, number];
  /** Files skipped so far because they could not be decoded (`onError: 'skip'`). */
  readonly skipped: readonly SkippedFile[];
  /**
   * Decodes files to RGB bytes through sharp: EXIF orientation applied, greyscale and alpha turned
   * into 3 channels, resized to `imageSize` with the folder's `fit`; GIFs give their first frame.
   *
   * @param indices - file indices
   * @returns the pixels and labels of the decoded files
   * @throws {@link ImageDataError} for an undecodable file when `onError` is `'throw'`
   */
  decode(indices: readonly number[]): Promise<DecodedImages>;
  /**
   * Decodes files and makes `{ xs: [n, h, w, 3] float32, ys }` with the folder's scaling and label encoding.
   *
   * @param indices - file indices
   * @returns the batch
   * @throws {@link ImageDataError} for an undecodable file when `onError` is `'throw'`
   * @remarks Caller owns both tensors.
   */
  read(indices: readonly number[]): Promise<TensorBatch>;
}

const defaultExtensions = ['.jpg', '.jpeg', '.png', '.webp', '.gif'];

function problemOf(message: string): ImageProblem {
  return /unsupported image format|not a known file format|Input file is missing/i.test(message)
    ? 'not-an-image'
    : 'corrupt';
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Lists an image folder laid out as `<dir>/<class>/<image>` (Keras' `image_dataset_from_directory`
 * layout, the book's COCO-animals layout). Nothing is decoded until {@link ImageFolder.decode} or
 * {@link ImageFolder.read} (or {@link batches}) asks for it.
 *
 * @param dir - the folder holding one subfolder per class
 * @param options - extensions, classes, output size, fit, concurrency, error policy, scaling
 * @returns the listing and decoder
 * @throws {@link ImageDataError} `no-classes` when `dir` has no subfolders, `unknown-class` for a
 *   `classes` entry without a folder, `empty-class` for a class folder without images
 * @throws {@link optionError} for invalid options
 * @example
 * ```ts
 * const train = await imageFolder('coco-animals/train', { size: 224, scale: 'caffe' });
 * console.log(train.classNames); // ['bear', 'bird', ...]
 * const { xs, ys } = await train.read([0, 1, 2, 3]);
 * ```
 */
export async function imageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageFolder> {
  const extensions = new Set((options.extensions ?? defaultExtensions).map((extension) => extension.toLowerCase()));
  const [height, width] =
    typeof options.size === 'number' ? [options.size, options.size] : (options.size ?? [224, 224]);
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw optionError('size', `must be positive integers, got ${height}x${width}.`);
  }
  const concurrency = options.concurrency ?? Math.min(4, availableParallelism());
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw optionError('concurrency', `must be a positive integer, got ${concurrency}.`);
  }
  const fit = options.fit ?? 'cover';
  const onError = options.onError ?? 'throw';
  const scale = options.scale ?? 'none';
  const labelEncoding = options.labels ?? 'one-hot';

  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new ImageDataError({
      file: dir,
      problem: 'no-classes',
      message: 'cannot read the folder. Check the path.',
      cause: error,
    });
  }
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const classNames = options.classes ? [...options.classes] : folders;
  if (classNames.length === 0) {
    throw new ImageDataError({
      file: dir,
      problem: 'no-classes',
      message: 'has no class subfolders. Lay images out as <dir>/<class>/<image>.',
    });
  }
  const files: ImageFile[] = [];
  for (const [label, className] of classNames.entries()) {
    const classDir = join(dir, className);
    if (!folders.includes(className)) {
      throw new ImageDataError({
        file: classDir,
        problem: 'unknown-class',
        message: `class folder ${JSON.stringify(className)} does not exist (found: ${folders.join(', ') || 'none'}).`,
      });
    }
    const names = (await readdir(classDir)).filter((name) => extensions.has(extname(name).toLowerCase())).sort();
    const regular: string[] = [];
    for (const name of names) {
      if ((await stat(join(classDir, name))).isFile()) regular.push(name);
    }
    if (regular.length === 0) {
      throw new ImageDataError({
        file: classDir,
        problem: 'empty-class',
        message: `class folder has no images with extensions ${[...extensions].join(', ')}. Add images, remove the folder, or pass \`classes\` without it.`,
      });
    }
    for (const name of regular) files.push({ path: join(classDir, name), label });
  }
  const skipped: SkippedFile[] = [];

  const decodeOne = async (sharp: SharpFactory, file: ImageFile): Promise<Uint8Array | undefined> => {
    try {
      const { data, info } = await sharp(file.path, { failOn: 'warning', animated: false })
        .rotate()
        .removeAlpha()
        .toColourspace('srgb')
        .resize(width, height, { fit, position: 'centre', background: { r: 0, g: 0, b: 0 } })
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels === 3 && info.width === width && info.height === height) return new Uint8Array(data);
      // defensive: expand anything that is not 3-channel
      const out = new Uint8Array(width * height * 3);
      for (let pixel = 0; pixel < width * height; pixel++) {
        for (let channel = 0; channel < 3; channel++) {
          out[pixel * 3 + channel] = data[pixel * info.channels + Math.min(channel, info.channels - 1)]!;
        }
      }
      return out;
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0] ?? String(error);
      const problem = problemOf(reason);
      if (onError === 'skip') {
        skipped.push({ path: file.path, problem, reason });
        return undefined;
      }
      throw new ImageDataError({
        file: file.path,
        problem,
        message: `cannot decode (${reason}). Remove or replace the file, or pass { onError: 'skip' }.`,
        cause: error,
      });
    }
  };

  const folder: ImageFolder = {
    dir,
    classNames,
    files,
    size: files.length,
    imageSize: [height, width],
    skipped,
    async decode(indices) {
      for (const index of indices) {
        if (!Number.isInteger(index) || index < 0 || index >= files.length) {
          throw optionError('indices', `file index ${index} is outside [0, ${files.length}).`);
        }
      }
      const sharp = await loadSharp();
      const decoded = await mapLimit(indices, concurrency, (index) => decodeOne(sharp, files[index]!));
      const kept = indices.filter((_, position) => decoded[position] !== undefined);
      const size = height * width * 3;
      const pixels = new Uint8Array(kept.length * size);
      const labels = new Uint8Array(kept.length);
      let position = 0;
      decoded.forEach((image, requested) => {
        if (!image) return;
        pixels.set(image, position * size);
        labels[position] = files[indices[requested]!]!.label;
        position++;
      });
      return { pixels, labels, count: kept.length, height, width, indices: kept };
    },
    async read(indices) {
      const images = await folder.decode(indices);
      return tf.tidy(() => {
        const raw = tf.tensor4d(Float32Array.from(images.pixels), [images.count, height, width, 3], 'float32');
        const xs =
          scale === 'none' ? raw : scale === 'zeroToOne' ? raw.div(255) : preprocessInput(raw, scale as PreprocessMode);
        const ys =
          labelEncoding === 'index'
            ? tf.tensor1d(Int32Array.from(images.labels), 'int32')
            : oneHot(images.labels, classNames.length);
        return { xs, ys };
      });
    },
  };
  return folder;
}

/** The 8 classes of the book's COCO-animals subset, in label order. */
export const COCO_ANIMALS_CLASSES = ['bear', 'bird', 'cat', 'dog', 'giraffe', 'horse', 'sheep', 'zebra'] as const;

/** Options of {@link cocoAnimals}. */
export interface CocoAnimalsOptions extends Omit<ImageFolderOptions, 'classes'> {
  /** The `coco-animals` folder holding `train/` and `val/`. */
  dir: string;
  /**
   * Which split folder.
   * @defaultValue `'train'`
   */
  split?: 'train' | 'val';
}

/**
 * The book's COCO-animals dataset (`<dir>/{train,val}/<class>/*.jpg`, 8 classes: bear, bird, cat,
 * dog, giraffe, horse, sheep, zebra) as an {@link imageFolder} with the classes in that order.
 *
 * @param options - the root folder, split, and any {@link ImageFolderOptions}
 * @returns the image folder of the split
 * @throws {@link ImageDataError} when the split folder or a class folder is missing or empty
 * @example
 * ```ts
 * const val = await cocoAnimals({ dir: '/data/coco-animals', split: 'val', scale: 'caffe' });
 * ```
 */
export async function cocoAnimals(options: CocoAnimalsOptions): Promise<ImageFolder> {
  const { dir, split = 'train', ...rest } = options;
  if (split !== 'train' && split !== 'val') {
    throw optionError('split', `must be 'train' or 'val', got ${JSON.stringify(split)}.`);
  }
  return imageFolder(join(dir, split), { ...rest, classes: COCO_ANIMALS_CLASSES });
}
