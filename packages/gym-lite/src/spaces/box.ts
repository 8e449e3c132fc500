import { SpaceError } from '../errors.js';
import { allClose, formatNumber, jsonNumber, Space, type SpaceJSON } from './space.js';

/** Element types a {@link Box} supports (numpy names). */
export type BoxDtype = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32';

/** The typed array that holds one {@link Box} element, by dtype. */
export interface BoxArrays {
  /** float32 elements. */
  float32: Float32Array;
  /** float64 elements. */
  float64: Float64Array;
  /** int8 elements. */
  int8: Int8Array;
  /** int16 elements. */
  int16: Int16Array;
  /** int32 elements. */
  int32: Int32Array;
  /** uint8 elements. */
  uint8: Uint8Array;
  /** uint16 elements. */
  uint16: Uint16Array;
  /** uint32 elements. */
  uint32: Uint32Array;
}

/** Any typed array a {@link Box} may hold. */
export type BoxArray = BoxArrays[BoxDtype];

const arrayTypes = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
} as const;

const integerRanges: Partial<Record<BoxDtype, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};

/** Which typed arrays can be cast to each dtype without loss (numpy's `can_cast(..., 'safe')`). */
const safeSources: Record<BoxDtype, readonly string[]> = {
  float32: ['Float32Array', 'Int8Array', 'Int16Array', 'Uint8Array', 'Uint16Array'],
  float64: [
    'Float64Array',
    'Float32Array',
    'Int8Array',
    'Int16Array',
    'Int32Array',
    'Uint8Array',
    'Uint16Array',
    'Uint32Array',
  ],
  int8: ['Int8Array'],
  int16: ['Int8Array', 'Int16Array', 'Uint8Array'],
  int32: ['Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint16Array'],
  uint8: ['Uint8Array'],
  uint16: ['Uint8Array', 'Uint16Array'],
  uint32: ['Uint8Array', 'Uint16Array', 'Uint32Array'],
};

/** The shortest decimal that rounds to the same float32 (numpy's float32 repr). */
function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function isBoxDtype(value: unknown): value is BoxDtype {
  return typeof value === 'string' && Object.hasOwn(arrayTypes, value);
}

function toValues(bound: number | ArrayLike<number>, size: number, name: string): number[] {
  if (typeof bound === 'number') return new Array<number>(size).fill(bound);
  if (bound.length !== size) {
    throw new SpaceError({
      message: `Box ${name} has ${bound.length} values but the shape holds ${size}. Match the shape.`,
    });
  }
  return Array.from(bound);
}

/**
 * A (possibly unbounded) box in R^n (Gymnasium's `spaces.Box`); elements are flat typed arrays.
 *
 * @remarks
 * Elements are stored flat (row-major) in the dtype's typed array; `shape` describes them.
 * Like Gymnasium, bounds are cast to the dtype (`4.8` in a `float32` box is `4.800000190734863`),
 * and a `Float64Array` is not contained in a `float32` box (numpy's safe-cast rule); plain
 * number arrays are cast first.
 * @example
 * ```ts
 * const box = new Box(-1, 2, [3], 'float32', { seed: 1 });
 * box.sample();                         // Float32Array(3) in [-1, 2]
 * box.contains(new Float32Array([0, 1, 2])); // true
 * ```
 */
export class Box<D extends BoxDtype = 'float32'> extends Space<BoxArrays[D]> {
  /** Lower bounds, in the dtype (`-Infinity` where unbounded for float dtypes). */
  readonly low: BoxArrays[D];
  /** Upper bounds, in the dtype. */
  readonly high: BoxArrays[D];
  /** Per element: bounded below. */
  readonly boundedBelow: Uint8Array;
  /** Per element: bounded above. */
  readonly boundedAbove: Uint8Array;
  /** Number of scalars in one element. */
  readonly size: number;
  declare readonly dtype: D;

  /**
   * @param low - lower bound(s): a number for all elements, or one per element
   * @param high - upper bound(s)
   * @param shape - element shape; inferred from array bounds, `[1]` for two scalars
   * @param dtype - element type
   * @param options - `seed` of the sampler
   * @defaultValue dtype `'float32'`
   * @throws {@link SpaceError} for NaN bounds, low > high, mismatched shapes, unknown dtype, or out-of-range integer bounds
   */
  constructor(
    low: number | ArrayLike<number>,
    high: number | ArrayLike<number>,
    shape?: readonly number[],
    dtype: D = 'float32' as D,
    options: { seed?: number } = {},
  ) {
    if (!isBoxDtype(dtype)) {
      throw new SpaceError({
        message: `Invalid Box dtype ${String(dtype)}; use one of ${Object.keys(arrayTypes).join(', ')}.`,
      });
    }
    let resolvedShape: number[];
    if (shape !== undefined) {
      if (!shape.every((dimension) => Number.isSafeInteger(dimension) && dimension >= 0)) {
        throw new SpaceError({ message: `Box shape must hold non-negative integers, got [${shape.join(', ')}].` });
      }
      resolvedShape = [...shape];
    } else if (typeof low !== 'number' && typeof high !== 'number') {
      if (low.length !== high.length) {
        throw new SpaceError({
          message: `Box low and high have different lengths (${low.length} and ${high.length}).`,
        });
      }
      resolvedShape = [low.length];
    } else if (typeof low !== 'number') {
      resolvedShape = [low.length];
    } else if (typeof high !== 'number') {
      resolvedShape = [high.length];
    } else {
      resolvedShape = [1];
    }
    super(resolvedShape, dtype, options.seed);
    const size = resolvedShape.reduce((product, dimension) => product * dimension, 1);
    this.size = size;
    const lowValues = toValues(low, size, 'low');
    const highValues = toValues(high, size, 'high');
    const ArrayType = arrayTypes[dtype];
    this.low = new ArrayType(size) as BoxArrays[D];
    this.high = new ArrayType(size) as BoxArrays[D];
    this.boundedBelow = new Uint8Array(size);
    this.boundedAbove = new Uint8Array(size);
    const range = integerRanges[dtype];
    for (let index = 0; index < size; index++) {
      let lowValue = lowValues[index]!;
      let highValue = highValues[index]!;
      if (Number.isNaN(lowValue) || Number.isNaN(highValue) || typeof lowValue !== 'number') {
        throw new SpaceError({
          message: `No Box bound can be NaN (index ${index}). Use -Infinity/Infinity for unbounded.`,
        });
      }
      this.boundedBelow[index] = lowValue > Number.NEGATIVE_INFINITY ? 1 : 0;
      this.boundedAbove[index] = highValue < Number.POSITIVE_INFINITY ? 1 : 0;
      if (range !== undefined) {
        if (lowValue === Number.NEGATIVE_INFINITY || highValue === Number.POSITIVE_INFINITY) {
          if (dtype.startsWith('u')) {
            throw new SpaceError({ message: `Box ${dtype} does not support infinite bounds; give finite bounds.` });
          }
          if (lowValue === Number.NEGATIVE_INFINITY) lowValue = range[0];
          if (highValue === Number.POSITIVE_INFINITY) highValue = range[1];
        }
        if (lowValue < range[0] || highValue > range[1]) {
          throw new SpaceError({ message: `Box bounds [${lowValue}, ${highValue}] are out of the ${dtype} range.` });
        }
      }
      this.low[index] = lowValue;
      this.high[index] = highValue;
      if (this.low[index]! > this.high[index]!) {
        throw new SpaceError({
          message: `Box low must be <= high everywhere; index ${index} has low ${lowValue} > high ${highValue}.`,
        });
      }
    }
  }

  /**
   * Whether every element is bounded (Gymnasium's `is_bounded`).
   *
   * @param manner - `'both'`, `'below'` or `'above'`
   * @returns true when bounded in that manner
   * @defaultValue `'both'`
   */
  isBounded(manner: 'both' | 'below' | 'above' = 'both'): boolean {
    const below = this.boundedBelow.every((flag) => flag === 1);
    const above = this.boundedAbove.every((flag) => flag === 1);
    if (manner === 'below') return below;
    if (manner === 'above') return above;
    return below && above;
  }

  /**
   * A random element: uniform on [low, high] where bounded, shifted exponential where bounded on
   * one side, normal where unbounded (like Gymnasium).
   *
   * @returns a new typed array of the dtype
   */
  sample(): BoxArrays[D] {
    const rng = this.rng;
    const isFloat = this.dtype.startsWith('float');
    const out = new arrayTypes[this.dtype](this.size);
    for (let index = 0; index < this.size; index++) {
      const low = this.low[index]!;
      const high = isFloat ? this.high[index]! : this.high[index]! + 1;
      const below = this.boundedBelow[index] === 1;
      const above = this.boundedAbove[index] === 1;
      let value: number;
      if (below && above) value = rng.uniform(low, high);
      else if (below) value = rng.exponential() + low;
      else if (above) value = high - rng.exponential();
      else value = rng.normal();
      if (!isFloat) value = Math.min(Math.max(Math.floor(value), this.low[index]!), this.high[index]!);
      out[index] = value;
    }
    return out as BoxArrays[D];
  }

  /**
   * @param value - a typed array or a number array (cast to the dtype first), or a number for a one-element box
   * @returns true when it has the box's size and every entry is within [low, high]
   */
  contains(value: unknown): value is BoxArrays[D] {
    let values: ArrayLike<number>;
    if (ArrayBuffer.isView(value)) {
      const name = value.constructor.name;
      if (!safeSources[this.dtype].includes(name)) return false;
      values = value as unknown as ArrayLike<number>;
    } else if (Array.isArray(value)) {
      if (!value.every((entry) => typeof entry === 'number')) return false;
      values = new arrayTypes[this.dtype](value as number[]);
      if (!this.dtype.startsWith('float') && !(value as number[]).every((entry) => Number.isInteger(entry))) {
        return false;
      }
    } else if (typeof value === 'number' && this.size === 1) {
      values = new arrayTypes[this.dtype]([value]);
    } else {
      return false;
    }
    if (values.length !== this.size) return false;
    for (let index = 0; index < this.size; index++) {
      const entry = values[index]!;
      if (!(entry >= this.low[index]! && entry <= this.high[index]!)) return false;
    }
    return true;
  }

  /**
   * @param other - anything
   * @returns true for a `Box` with the same shape and dtype and close bounds (`np.allclose`)
   */
  equals(other: unknown): boolean {
    return (
      other instanceof Box &&
      other.dtype === this.dtype &&
      other.shape.length === this.shape.length &&
      other.shape.every((dimension, index) => dimension === this.shape[index]) &&
      allClose(this.low, other.low) &&
      allClose(this.high, other.high)
    );
  }

  /** @returns `{ type: 'Box', low, high, shape, dtype }` with infinities as strings */
  toJSON(): SpaceJSON {
    return {
      type: 'Box',
      low: Array.from(this.low, jsonNumber),
      high: Array.from(this.high, jsonNumber),
      shape: [...this.shape],
      dtype: this.dtype,
    };
  }

  /**
   * @param samples - elements
   * @returns each element as a plain number array
   */
  toJsonable(samples: readonly BoxArrays[D][]): number[][] {
    return samples.map((sample) => Array.from(sample));
  }

  /**
   * @param values - number arrays
   * @returns typed arrays of the dtype
   * @throws {@link SpaceError} when a value is not an array of the element size
   */
  fromJsonable(values: readonly unknown[]): BoxArrays[D][] {
    return values.map((value) => {
      if (!Array.isArray(value) || value.length !== this.size) {
        throw new SpaceError({ message: `Box.fromJsonable expects arrays of ${this.size} numbers.` });
      }
      return new arrayTypes[this.dtype](value as number[]) as BoxArrays[D];
    });
  }

  /** @returns Gymnasium's text form, e.g. `Box(-1.0, 2.0, (3,), float32)` */
  override toString(): string {
    const shapeText = this.shape.length === 1 ? `(${this.shape[0]},)` : `(${this.shape.join(', ')})`;
    const short = (values: BoxArray): string => {
      const first = values[0];
      if (values.length > 0 && values.every((entry) => entry === first)) return formatNumber(first!);
      return `[${Array.from(values, (entry) =>
        this.dtype === 'float32' ? formatNumber(shortestFloat32(entry)) : formatNumber(entry),
      ).join(' ')}]`;
    };
    return `Box(${short(this.low)}, ${short(this.high)}, ${shapeText}, ${this.dtype})`;
  }
}
