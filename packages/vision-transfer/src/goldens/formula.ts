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

/** `count` numbers in [0, 1) from a key (float64, exact multiples of 2^-32). */
export function uniform(key: string, count: number): Float64Array {
  const base = fnv1a(key);
  const values = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    let hash = (base + Math.imul(index, 0x9e3779b9)) >>> 0;
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b) >>> 0;
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
    hash ^= hash >>> 16;
    values[index] = (hash >>> 0) / 4294967296;
  }
  return values;
}

const product = (values: readonly number[]) => values.reduce((total, value) => total * value, 1);

/**
 * Values of one weight, from its Keras name and shape: kernels He-uniform (`sqrt(6 / fanIn)`),
 * biases and BatchNormalization statistics small and random, moving variances in [0.5, 2).
 *
 * @param seed - the golden's seed
 * @param layer - Keras layer name, e.g. `conv1_bn`
 * @param short - Keras variable name: `kernel`, `depthwise_kernel`, `bias`, `gamma`, `beta`, `moving_mean`, `moving_variance`
 * @param shape - Keras shape
 * @returns float32 values in row-major (Keras / tfjs) order
 */
export function weightValues(seed: number, layer: string, short: string, shape: readonly number[]): Float32Array {
  const u = uniform(`${seed}:${layer}/${short}`, product(shape));
  let value: (x: number) => number;
  switch (short) {
    case 'kernel': {
      const scale = Math.sqrt(6 / product(shape.slice(0, -1)));
      value = (x) => (2 * x - 1) * scale;
      break;
    }
    case 'depthwise_kernel': {
      const scale = Math.sqrt(6 / (shape[0]! * shape[1]!));
      value = (x) => (2 * x - 1) * scale;
      break;
    }
    case 'bias':
      value = (x) => (2 * x - 1) * 0.1;
      break;
    case 'gamma':
      value = (x) => 0.75 + 0.5 * x;
      break;
    case 'beta':
    case 'moving_mean':
      value = (x) => (2 * x - 1) * 0.2;
      break;
    case 'moving_variance':
      value = (x) => 0.5 + 1.5 * x;
      break;
    default:
      throw new Error(`no formula for weight "${short}"`);
  }
  const result = new Float32Array(u.length);
  for (let index = 0; index < u.length; index++) result[index] = value(u[index]!);
  return result;
}

/** The golden's input batch `[batch, ...shape]` (NHWC), uniform in [-3, 3). */
export function inputValues(seed: number, shape: readonly number[]): Float32Array {
  const u = uniform(`${seed}:input`, product(shape));
  const result = new Float32Array(u.length);
  for (let index = 0; index < u.length; index++) result[index] = (2 * u[index]! - 1) * 3;
  return result;
}

/** sha256 (hex) of float32 arrays, little-endian, concatenated. */
export function sha256Float32(arrays: Iterable<Float32Array>): string {
  const hash = createHash('sha256');
  for (const array of arrays) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return hash.digest('hex');
}
