import type { RgbFrame } from '../core.js';

const width = 600;
const height = 400;

/** A tiny RGB canvas in pygame's coordinates (y down); `flip` writes rows bottom-up like Gymnasium's final flip. */
class Canvas {
  constructor(
    readonly data: Uint8Array,
    readonly flip: boolean,
  ) {}

  fill(red: number, green: number, blue: number): void {
    for (let index = 0; index < this.data.length; index += 3) {
      this.data[index] = red;
      this.data[index + 1] = green;
      this.data[index + 2] = blue;
    }
  }

  /** SDL_gfx `hline`: inclusive from `x1` to `x2`, clipped. */
  hline(x1: number, x2: number, y: number, color: readonly [number, number, number]): void {
    if (y < 0 || y >= height) return;
    let start = Math.min(x1, x2);
    let end = Math.max(x1, x2);
    if (end < 0 || start >= width) return;
    start = Math.max(start, 0);
    end = Math.min(end, width - 1);
    const row = this.flip ? height - 1 - y : y;
    for (let x = start; x <= end; x++) {
      const offset = (row * width + x) * 3;
      this.data[offset] = color[0];
      this.data[offset + 1] = color[1];
      this.data[offset + 2] = color[2];
    }
  }

  /** SDL_gfx `filledPolygon`: scanline fill with 16.16 fixed-point edge intersections; vertices truncated to int. */
  filledPolygon(points: readonly (readonly [number, number])[], color: readonly [number, number, number]): void {
    const xs = points.map((point) => Math.trunc(point[0]));
    const ys = points.map((point) => Math.trunc(point[1]));
    const count = points.length;
    const minY = Math.min(...ys);
    const maxY = Math.max(...ys);
    const intersections: number[] = [];
    for (let y = minY; y <= maxY; y++) {
      intersections.length = 0;
      for (let index = 0; index < count; index++) {
        const previous = index === 0 ? count - 1 : index - 1;
        let y1 = ys[previous]!;
        let y2 = ys[index]!;
        let x1: number;
        let x2: number;
        if (y1 < y2) {
          x1 = xs[previous]!;
          x2 = xs[index]!;
        } else if (y1 > y2) {
          y2 = ys[previous]!;
          y1 = ys[index]!;
          x2 = xs[previous]!;
          x1 = xs[index]!;
        } else {
          continue;
        }
        if ((y >= y1 && y < y2) || (y === maxY && y > y1 && y <= y2)) {
          intersections.push(Math.trunc((65536 * (y - y1)) / (y2 - y1)) * (x2 - x1) + 65536 * x1);
        }
      }
      intersections.sort((a, b) => a - b);
      for (let index = 0; index + 1 < intersections.length; index += 2) {
        let xa = intersections[index]! + 1;
        xa = (xa >> 16) + ((xa & 32768) >> 15);
        let xb = intersections[index + 1]! - 1;
        xb = (xb >> 16) + ((xb & 32768) >> 15);
        this.hline(xa, xb, y, color);
      }
    }
  }

  /** SDL_gfx `filledCircle`: midpoint circle filled with horizontal lines. */
  filledCircle(x: number, y: number, radius: number, color: readonly [number, number, number]): void {
    let cx = 0;
    let cy = radius;
    let ocx = -1;
    let ocy = -1;
    let df = 1 - radius;
    let dE = 3;
    let dSE = -2 * radius + 5;
    do {
      if (ocy !== cy) {
        if (cy > 0) {
          this.hline(x - cx, x + cx, y + cy, color);
          this.hline(x - cx, x + cx, y - cy, color);
        } else {
          this.hline(x - cx, x + cx, y, color);
        }
        ocy = cy;
      }
      if (ocx !== cx) {
        if (cx !== cy) {
          if (cx > 0) {
            this.hline(x - cy, x + cy, y - cx, color);
            this.hline(x - cy, x + cy, y + cx, color);
          } else {
            this.hline(x - cy, x + cy, y, color);
          }
        }
        ocx = cx;
      }
      if (df < 0) {
        df += dE;
        dE += 2;
        dSE += 2;
      } else {
        df += dSE;
        dE += 2;
        dSE += 4;
        cy--;
      }
      cx++;
    } while (cx <= cy);
  }
}

const black = [0, 0, 0] as const;
/** The pole's colour in Gymnasium's renderer. */
export const poleColor = [202, 152, 101] as const;
/** The axle's colour in Gymnasium's renderer. */
export const axleColor = [129, 132, 203] as const;

/**
 * Draws CartPole like Gymnasium's pygame renderer (without anti-aliased outlines).
 *
 * @internal
 */
export function renderCartPoleRgb(
  state: ArrayLike<number>,
  xThreshold: number,
  length: number,
  reuse?: RgbFrame,
): RgbFrame {
  const frame = reuse ?? { data: new Uint8Array(width * height * 3), width, height };
  const canvas = new Canvas(frame.data, true);
  const worldWidth = xThreshold * 2;
  const scale = width / worldWidth;
  const poleWidth = 10.0;
  const poleLength = scale * (2 * length);
  const cartWidth = 50.0;
  const cartHeight = 30.0;
  canvas.fill(255, 255, 255);
  let left = -cartWidth / 2;
  let right = cartWidth / 2;
  let top = cartHeight / 2;
  let bottom = -cartHeight / 2;
  const axleOffset = cartHeight / 4.0;
  const cartX = state[0]! * scale + width / 2.0;
  const cartY = 100;
  const cart = (
    [
      [left, bottom],
      [left, top],
      [right, top],
      [right, bottom],
    ] as const
  ).map(([x, y]) => [x + cartX, y + cartY] as const);
  canvas.filledPolygon(cart, black);
  left = -poleWidth / 2;
  right = poleWidth / 2;
  top = poleLength - poleWidth / 2;
  bottom = -poleWidth / 2;
  const angle = -state[2]!;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const pole = (
    [
      [left, bottom],
      [left, top],
      [right, top],
      [right, bottom],
    ] as const
  ).map(([x, y]) => [x * cos - y * sin + cartX, x * sin + y * cos + cartY + axleOffset] as const);
  canvas.filledPolygon(pole, poleColor);
  canvas.filledCircle(Math.trunc(cartX), Math.trunc(cartY + axleOffset), Math.trunc(poleWidth / 2), axleColor);
  canvas.hline(0, width, cartY, black);
  return frame;
}

/**
 * A text picture of the cart and pole: a status line, the pole, the cart and a 61-column track.
 *
 * @internal
 */
export function renderCartPoleAnsi(state: ArrayLike<number>, xThreshold: number, thetaThreshold: number): string {
  const columns = 61;
  const x = state[0]!;
  const theta = state[2]!;
  const position = Math.round(((x + xThreshold) / (2 * xThreshold)) * (columns - 1));
  const column = Math.min(Math.max(position, 1), columns - 2);
  const pad = (text: string, at: number): string => `${' '.repeat(Math.max(at, 0))}${text}`;
  const pole = Math.abs(theta) < 0.05 ? '|' : theta > 0 ? '/' : '\\';
  const poleColumn = column + (Math.abs(theta) < 0.05 ? 0 : theta > 0 ? 1 : -1);
  const track = Array.from({ length: columns }, (_, index) =>
    index === 0 || index === columns - 1 ? '|' : index === (columns - 1) / 2 ? '+' : '=',
  ).join('');
  const degrees = (theta * 180) / Math.PI;
  const status =
    `x=${x.toFixed(4)} xDot=${state[1]!.toFixed(4)} theta=${theta.toFixed(4)} rad (${degrees.toFixed(1)} deg)` +
    ` thetaDot=${state[3]!.toFixed(4)}${Math.abs(x) > xThreshold || Math.abs(theta) > thetaThreshold ? ' FALLEN' : ''}`;
  return `${status}\n${pad(pole, poleColumn)}\n${pad('[#]', column - 1)}\n${track}\n`;
}
