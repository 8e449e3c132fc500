import * as tf from '@tensorflow/tfjs';
import { optionError } from '../errors.js';

/**
 * How a model family expects its RGB 0..255 input:
 * - `'caffe'`: RGB to BGR, then subtract the BGR means `[103.939, 116.779, 123.68]` (Keras VGG16, VGG19, ResNet50);
 * - `'tf'`: `x / 127.5 - 1`, i.e. `[-1, 1]` (InceptionV3, Xception, MobileNet, MobileNetV2);
 * - `'torch'`: `x / 255`, subtract `[0.485, 0.456, 0.406]`, divide by `[0.229, 0.224, 0.225]` (DenseNet, PyTorch models);
 * - `'slim-vgg'`: RGB minus `[123.68, 116.78, 103.94]`, no channel flip (TF-slim VGG, as in the book).
 */
export type PreprocessMode = 'caffe' | 'tf' | 'torch' | 'slim-vgg';

/** BGR channel means of Keras' `caffe` mode. */
export const CAFFE_BGR_MEAN = [103.939, 116.779, 123.68] as const;
/** RGB channel means of TF-slim's VGG preprocessing. */
export const SLIM_VGG_RGB_MEAN = [123.68, 116.78, 103.94] as const;
/** ImageNet RGB mean of Keras' `torch` mode (on the 0..1 scale). */
export const TORCH_RGB_MEAN = [0.485, 0.456, 0.406] as const;
/** ImageNet RGB standard deviation of Keras' `torch` mode (on the 0..1 scale). */
export const TORCH_RGB_STD = [0.229, 0.224, 0.225] as const;

const modes: readonly PreprocessMode[] = ['caffe', 'tf', 'torch', 'slim-vgg'];

function checkImages(images: tf.Tensor, mode: PreprocessMode, what: string): void {
  if (!modes.includes(mode)) {
    throw optionError('mode', `${what}: mode must be one of ${modes.join(', ')}, got ${JSON.stringify(mode)}.`);
  }
  if (images.rank < 1 || images.shape[images.rank - 1] !== 3) {
    throw optionError(
      'images',
      `${what} expects RGB images with 3 channels last ([h, w, 3] or [n, h, w, 3]), got shape [${images.shape.join(', ')}]. Convert greyscale with tf.image.grayscaleToRGB first.`,
    );
  }
}

function flipChannels(images: tf.Tensor): tf.Tensor {
  return tf.reverse(images, -1);
}

/**
 * Preprocesses RGB images with pixel values 0..255 exactly as a model family was trained (see
 * {@link PreprocessMode}); Keras' `preprocess_input` for channels-last data.
 *
 * @param images - float or int tensor `[..., 3]`, RGB, 0..255
 * @param mode - the model family's convention
 * @returns float32 tensor of the same shape (BGR for `'caffe'`)
 * @throws {@link optionError} for an unknown mode or a last dimension other than 3
 * @remarks Caller owns the returned tensor; `images` is not disposed.
 * @example
 * ```ts
 * const x = preprocessInput(tf.tensor3d([[[10, 20, 30]]]), 'caffe');
 * x.print(); // [[[-73.939, -96.779, -113.68]]]
 * ```
 */
export function preprocessInput(images: tf.Tensor, mode: PreprocessMode): tf.Tensor {
  checkImages(images, mode, 'preprocessInput');
  return tf.tidy(() => {
    const x = images.toFloat();
    switch (mode) {
      case 'caffe':
        return flipChannels(x).sub(tf.tensor1d(CAFFE_BGR_MEAN as unknown as number[]));
      case 'tf':
        return x.div(127.5).sub(1);
      case 'torch':
        return x
          .div(255)
          .sub(tf.tensor1d(TORCH_RGB_MEAN as unknown as number[]))
          .div(tf.tensor1d(TORCH_RGB_STD as unknown as number[]));
      default:
        return x.sub(tf.tensor1d(SLIM_VGG_RGB_MEAN as unknown as number[]));
    }
  });
}

/** Options of {@link deprocessInput}. */
export interface DeprocessInputOptions {
  /**
   * Clip to `[0, 255]` so the result can be shown or encoded as an image.
   * @defaultValue `true`
   */
  clip?: boolean;
}

/**
 * Inverts {@link preprocessInput}: turns a preprocessed tensor back into RGB 0..255, e.g. to show
 * an input or a gradient-ascent result.
 *
 * @param images - preprocessed tensor `[..., 3]`
 * @param mode - the mode it was preprocessed with
 * @param options - whether to clip to `[0, 255]`
 * @returns float32 RGB tensor of the same shape
 * @throws {@link optionError} for an unknown mode or a last dimension other than 3
 * @remarks Caller owns the returned tensor; `images` is not disposed.
 * @example
 * ```ts
 * const rgb = deprocessInput(preprocessInput(image, 'caffe'), 'caffe'); // equals image (within float32)
 * ```
 */
export function deprocessInput(
  images: tf.Tensor,
  mode: PreprocessMode,
  options: DeprocessInputOptions = {},
): tf.Tensor {
  checkImages(images, mode, 'deprocessInput');
  return tf.tidy(() => {
    const x = images.toFloat();
    let rgb: tf.Tensor;
    switch (mode) {
      case 'caffe':
        rgb = flipChannels(x.add(tf.tensor1d(CAFFE_BGR_MEAN as unknown as number[])));
        break;
      case 'tf':
        rgb = x.add(1).mul(127.5);
        break;
      case 'torch':
        rgb = x
          .mul(tf.tensor1d(TORCH_RGB_STD as unknown as number[]))
          .add(tf.tensor1d(TORCH_RGB_MEAN as unknown as number[]))
          .mul(255);
        break;
      default:
        rgb = x.add(tf.tensor1d(SLIM_VGG_RGB_MEAN as unknown as number[]));
    }
    return options.clip === false ? rgb : rgb.clipByValue(0, 255);
  });
}

function imageSize(image: tf.Tensor, what: string): [number, number] {
  if (image.rank !== 3 && image.rank !== 4) {
    throw optionError('image', `${what} expects [h, w, c] or [n, h, w, c], got shape [${image.shape.join(', ')}].`);
  }
  const offset = image.rank - 3;
  return [image.shape[offset]!, image.shape[offset + 1]!];
}

function checkTarget(height: number, width: number, what: string): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw optionError('size', `${what}: target size must be positive integers, got ${height}x${width}.`);
  }
}

function cropAndPad(
  image: tf.Tensor,
  top: number,
  left: number,
  height: number,
  width: number,
  padding: [[number, number], [number, number]],
): tf.Tensor {
  return tf.tidy(() => {
    const batched = image.rank === 4;
    const x = (batched ? image : image.expandDims(0)) as tf.Tensor4D;
    const [n, , , c] = x.shape;
    let out: tf.Tensor4D = x.slice([0, top, left, 0], [n, height, width, c]);
    if (padding[0][0] + padding[0][1] + padding[1][0] + padding[1][1] > 0) {
      out = out.pad([[0, 0], padding[0], padding[1], [0, 0]]);
    }
    return batched ? out : out.squeeze([0]);
  });
}

/**
 * Crops or zero-pads an image (or batch) to a size, centred, with TensorFlow's
 * `tf.image.resize_with_crop_or_pad` semantics: when the difference is odd, the extra row or
 * column is cropped from, or padded at, the bottom/right.
 *
 * @param image - `[h, w, c]` or `[n, h, w, c]`
 * @param targetHeight - output height
 * @param targetWidth - output width
 * @returns the cropped/padded tensor, same dtype
 * @throws {@link optionError} for a rank other than 3/4 or a non-positive size
 * @remarks Caller owns the returned tensor; `image` is not disposed.
 * @example
 * ```ts
 * resizeWithCropOrPad(tf.zeros([3, 5, 3]), 4, 4).shape; // [4, 4, 3]
 * ```
 */
export function resizeWithCropOrPad(image: tf.Tensor, targetHeight: number, targetWidth: number): tf.Tensor {
  const [height, width] = imageSize(image, 'resizeWithCropOrPad');
  checkTarget(targetHeight, targetWidth, 'resizeWithCropOrPad');
  const cropTop = Math.max(Math.floor((height - targetHeight) / 2), 0);
  const cropLeft = Math.max(Math.floor((width - targetWidth) / 2), 0);
  const keptHeight = Math.min(height, targetHeight);
  const keptWidth = Math.min(width, targetWidth);
  const padTop = Math.max(Math.floor((targetHeight - height) / 2), 0);
  const padLeft = Math.max(Math.floor((targetWidth - width) / 2), 0);
  return cropAndPad(image, cropTop, cropLeft, keptHeight, keptWidth, [
    [padTop, targetHeight - keptHeight - padTop],
    [padLeft, targetWidth - keptWidth - padLeft],
  ]);
}

/**
 * Crops the centre of an image (or batch); offsets are `floor((size - target) / 2)` as in TF-slim's `_central_crop`.
 *
 * @param image - `[h, w, c]` or `[n, h, w, c]`
 * @param targetHeight - crop height, at most the image's
 * @param targetWidth - crop width, at most the image's
 * @returns the crop, same dtype
 * @throws {@link optionError} when the crop is larger than the image
 * @remarks Caller owns the returned tensor; `image` is not disposed.
 * @example
 * ```ts
 * centerCrop(image256, 224, 224);
 * ```
 */
export function centerCrop(image: tf.Tensor, targetHeight: number, targetWidth: number): tf.Tensor {
  const [height, width] = imageSize(image, 'centerCrop');
  checkTarget(targetHeight, targetWidth, 'centerCrop');
  if (targetHeight > height || targetWidth > width) {
    throw optionError(
      'size',
      `centerCrop: ${targetHeight}x${targetWidth} is larger than the ${height}x${width} image. Resize first or use resizeWithCropOrPad.`,
    );
  }
  return cropAndPad(
    image,
    Math.floor((height - targetHeight) / 2),
    Math.floor((width - targetWidth) / 2),
    targetHeight,
    targetWidth,
    [
      [0, 0],
      [0, 0],
    ],
  );
}

/** Options of the resizing functions. */
export interface ResizeOptions {
  /**
   * Interpolation.
   * @defaultValue `'bilinear'`
   */
  method?: 'bilinear' | 'nearest';
  /**
   * Sample at pixel centres as TF2's `tf.image.resize`, PIL and sharp do. `false` gives TF1's
   * `resize_images` (TF-slim's checkpoints were trained with it).
   * @defaultValue `true`
   */
  halfPixelCenters?: boolean;
}

/** Rounds half to even, like `tf.rint`. */
function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (Math.abs(fraction - 0.5) > 1e-9) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

function resize(image: tf.Tensor, height: number, width: number, options: ResizeOptions): tf.Tensor {
  return tf.tidy(() => {
    const x = image.toFloat() as tf.Tensor3D | tf.Tensor4D;
    const half = options.halfPixelCenters ?? true;
    return (options.method ?? 'bilinear') === 'nearest'
      ? tf.image.resizeNearestNeighbor(x, [height, width], false, half)
      : tf.image.resizeBilinear(x, [height, width], false, half);
  });
}

/**
 * Resizes so that the shorter side becomes `smallestSide`, keeping the aspect ratio (TF-slim's
 * `_aspect_preserving_resize`: the other side is `rint(side * scale)`, halves to even).
 *
 * @param image - `[h, w, c]` or `[n, h, w, c]`
 * @param smallestSide - length of the shorter side after resizing
 * @param options - interpolation
 * @returns float32 resized tensor
 * @throws {@link optionError} for a bad rank or size
 * @remarks Caller owns the returned tensor; `image` is not disposed.
 * @example
 * ```ts
 * aspectPreservingResize(tf.zeros([480, 640, 3]), 256).shape; // [256, 341, 3]
 * ```
 */
export function aspectPreservingResize(image: tf.Tensor, smallestSide: number, options: ResizeOptions = {}): tf.Tensor {
  const [height, width] = imageSize(image, 'aspectPreservingResize');
  checkTarget(smallestSide, smallestSide, 'aspectPreservingResize');
  const scale = smallestSide / Math.min(height, width);
  const newHeight = height <= width ? smallestSide : roundHalfToEven(height * scale);
  const newWidth = width < height ? smallestSide : roundHalfToEven(width * scale);
  return resize(image, newHeight, newWidth, options);
}

/** Options of {@link resizeAndCenterCrop}. */
export interface ResizeAndCenterCropOptions extends ResizeOptions {
  /**
   * Shorter side after the aspect-preserving resize, before cropping (e.g. 256 for a 224 crop, the
   * classic VGG/ResNet evaluation). Defaults to the smallest size that covers the crop.
   */
  smallestSide?: number;
}

/**
 * Aspect-preserving resize, then a centre crop: the standard evaluation preprocessing of ImageNet CNNs.
 *
 * @param image - `[h, w, c]` or `[n, h, w, c]`
 * @param targetHeight - output height
 * @param targetWidth - output width
 * @param options - interpolation and the intermediate shorter side
 * @returns float32 `[targetHeight, targetWidth, c]` (or batched)
 * @throws {@link optionError} for a bad rank or sizes, or a `smallestSide` too small for the crop
 * @remarks Caller owns the returned tensor; `image` is not disposed.
 * @example
 * ```ts
 * const x = resizeAndCenterCrop(photo, 224, 224, { smallestSide: 256 }); // [224, 224, 3]
 * ```
 */
export function resizeAndCenterCrop(
  image: tf.Tensor,
  targetHeight: number,
  targetWidth: number,
  options: ResizeAndCenterCropOptions = {},
): tf.Tensor {
  const [height, width] = imageSize(image, 'resizeAndCenterCrop');
  checkTarget(targetHeight, targetWidth, 'resizeAndCenterCrop');
  const cover = Math.max(targetHeight / height, targetWidth / width);
  const smallestSide = options.smallestSide ?? Math.ceil(Math.min(height, width) * cover - 1e-9);
  const resized = aspectPreservingResize(image, smallestSide, options);
  try {
    return centerCrop(resized, targetHeight, targetWidth);
  } finally {
    resized.dispose();
  }
}
