/**
 * The integer formula that makes the weights and inputs of the forward-pass goldens, bit for bit
 * the same as `uniform` / `weight_values` / `input_values` of `scripts/make-goldens.py`: FNV-1a of
 * a string key, plus `i * 0x9e3779b9` per element, through murmur3's 32-bit finaliser, divided by
 * 2^32; scaled in float64 and rounded once to float32. Nothing big has to be committed.
 *
 * Test support only (not exported by the package).
 */
import { createHash } from 'node:crypto';

/** FNV-1a (32 bit) of the UTF-8 bytes of `text`. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The `index`-th number in [0, 1) of the sequence of a key whose FNV-1a is `base`. */
function unit(base: number, index: number): number {
  let hash = (base + Math.imul(index, 0x9e3779b9)) >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return (hash >>> 0) / 4294967296;
}

/** `count` numbers in [0, 1) from a key (float64, exact multiples of 2^-32). */
export function uniform(key: string, count: number): Float64Array {
  const base = fnv1a(key);
  const values = new Float64Array(count);
  for (let index = 0; index < count; index++) values[index] = unit(base, index);
  return values;
}

const product = (values: readonly number[]) => values.reduce((total, value) => total * value, 1);

/**
 * Values of one weight, from its Keras name and shape: kernels He-uniform (`sqrt(6 / fanIn)`),
 * biases and BatchNormalization statistics small and random, moving variances in [0.5, 2).
 * Each value is computed in float64 exactly as the Python script does, then rounded to float32.
 *
 * @param seed - the golden's seed
 * @param layer - Keras layer name, e.g. `conv1_bn`
 * @param short - Keras variable name: `kernel`, `depthwise_kernel`, `bias`, `gamma`, `beta`, `moving_mean`, `moving_variance`
 * @param shape - Keras shape
 * @returns float32 values in row-major (Keras / tfjs) order
 */
export function weightValues(seed: number, layer: string, short: string, shape: readonly number[]): Float32Array {
  // symmetric: (2u - 1) * scale; affine: offset + width * u
  let symmetric = true;
  let scale = 0;
  let offset = 0;
  let width = 0;
  switch (short) {
    case 'kernel':
      scale = Math.sqrt(6 / product(shape.slice(0, -1)));
      break;
    case 'depthwise_kernel':
      scale = Math.sqrt(6 / (shape[0]! * shape[1]!));
      break;
    case 'bias':
      scale = 0.1;
      break;
    case 'beta':
    case 'moving_mean':
      scale = 0.2;
      break;
    case 'gamma':
      symmetric = false;
      offset = 0.75;
      width = 0.5;
      break;
    case 'moving_variance':
      symmetric = false;
      offset = 0.5;
      width = 1.5;
      break;
    default:
      throw new Error(`no formula for weight "${short}"`);
  }
  const base = fnv1a(`${seed}:${layer}/${short}`);
  const result = new Float32Array(product(shape));
  for (let index = 0; index < result.length; index++) {
    const u = unit(base, index);
    result[index] = symmetric ? (2 * u - 1) * scale : offset + width * u;
  }
  return result;
}

/** The golden's input batch `[batch, ...shape]` (NHWC), uniform in [-3, 3). */
export function inputValues(seed: number, shape: readonly number[]): Float32Array {
  const base = fnv1a(`${seed}:input`);
  const result = new Float32Array(product(shape));
  for (let index = 0; index < result.length; index++) result[index] = (2 * unit(base, index) - 1) * 3;
  return result;
}

/** sha256 (hex) of float32 arrays, little-endian, concatenated. */
export function sha256Float32(arrays: Iterable<Float32Array>): string {
  const hash = createHash('sha256');
  for (const array of arrays) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return hash.digest('hex');
}
