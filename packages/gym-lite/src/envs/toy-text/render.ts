import type { RgbFrame } from '../../core.js';
import { warn } from '../../logger.js';
import { DiscreteMdpEnv } from './discrete-mdp.js';
import type { ToyTextRenderMode } from './options.js';

/** An RGB colour. */
export type Rgb = readonly [red: number, green: number, blue: number];

const ansiColors = {
  gray: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  crimson: 38,
};

/**
 * Gymnasium's `utils.colorize`: wraps text in ANSI escape codes.
 *
 * @internal
 */
export function colorize(
  text: string,
  color: keyof typeof ansiColors,
  { bold = false, highlight = false }: { bold?: boolean; highlight?: boolean } = {},
): string {
  const code = ansiColors[color] + (highlight ? 10 : 0);
  return `\x1b[${bold ? `${code};1` : code}m${text}\x1b[0m`;
}

/**
 * A small raster canvas for the `rgb_array` frames (plain shapes; Gymnasium's sprites are not bundled).
 *
 * @internal
 */
export class Canvas {
  readonly frame: RgbFrame;

  constructor(width: number, height: number) {
    this.frame = { data: new Uint8Array(width * height * 3), width, height };
  }

  /** Fills the pixels of `[x, x + w) x [y, y + h)` (clipped), blending with `alpha` in [0, 1]. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    const { data, width, height } = this.frame;
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(width, Math.round(x + w));
    const y1 = Math.min(height, Math.round(y + h));
    for (let row = y0; row < y1; row++) {
      for (let column = x0; column < x1; column++) {
        const offset = (row * width + column) * 3;
        for (let channel = 0; channel < 3; channel++) {
          data[offset + channel] =
            alpha >= 1 ? color[channel]! : Math.round(data[offset + channel]! * (1 - alpha) + color[channel]! * alpha);
        }
      }
    }
  }

  /** Draws a one-pixel outline of the rectangle. */
  strokeRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.fillRect(x, y, w, 1, color);
    this.fillRect(x, y + h - 1, w, 1, color);
    this.fillRect(x, y, 1, h, color);
    this.fillRect(x + w - 1, y, 1, h, color);
  }

  /** Fills the ellipse inscribed in the rectangle. */
  fillEllipse(x: number, y: number, w: number, h: number, color: Rgb): void {
    const { data, width, height } = this.frame;
    const centerX = x + w / 2;
    const centerY = y + h / 2;
    const radiusX = w / 2;
    const radiusY = h / 2;
    for (let row = Math.max(0, Math.floor(y)); row < Math.min(height, Math.ceil(y + h)); row++) {
      for (let column = Math.max(0, Math.floor(x)); column < Math.min(width, Math.ceil(x + w)); column++) {
        const dx = (column + 0.5 - centerX) / radiusX;
        const dy = (row + 0.5 - centerY) / radiusY;
        if (dx * dx + dy * dy <= 1) {
          const offset = (row * width + column) * 3;
          data[offset] = color[0];
          data[offset + 1] = color[1];
          data[offset + 2] = color[2];
        }
      }
    }
  }

  /**
   * Draws an agent: a filled circle with a dot on the side it last moved towards.
   *
   * @param direction - `[dx, dy]` unit direction of the last move
   */
  agent(x: number, y: number, size: number, body: Rgb, mark: Rgb, direction: readonly [number, number]): void {
    const inset = size * 0.2;
    this.fillEllipse(x + inset, y + inset, size - 2 * inset, size - 2 * inset, body);
    const dot = size * 0.16;
    const centerX = x + size / 2 + direction[0] * size * 0.18;
    const centerY = y + size / 2 + direction[1] * size * 0.18;
    this.fillEllipse(centerX - dot / 2, centerY - dot / 2, dot, dot, mark);
  }
}

/** What {@link renderToyText} needs from a toy-text env. @internal */
export interface ToyTextRenderRequest {
  /** The env's render mode. */
  mode: ToyTextRenderMode | undefined;
  /** The env id, for the warning. */
  id: string;
  /** The current state (negative before the first reset). */
  state: number;
  /** Gets each `'human'` frame. */
  humanRenderer: ((frame: RgbFrame) => void) | undefined;
  /** The env's ansi text. */
  text: () => string;
  /** The env's rgb frame. */
  frame: () => RgbFrame;
}

/**
 * The `render()` every toy-text env shares, as Gymnasium's: no mode warns and returns nothing;
 * before the first reset nothing is drawn; `'ansi'` returns text, `'rgb_array'` a frame, and
 * `'human'` passes the frame to the `humanRenderer`.
 *
 * @internal
 */
export function renderToyText(request: ToyTextRenderRequest): RgbFrame | string | undefined {
  if (request.mode === undefined) {
    warn(
      'You are calling render method without specifying any render mode. ' +
        `You can specify the renderMode at initialization, e.g. make('${request.id}', { renderMode: 'rgb_array' })`,
    );
    return undefined;
  }
  if (request.state < 0) return undefined;
  if (request.mode === 'ansi') return request.text();
  const frame = request.frame();
  if (request.mode === 'human') {
    request.humanRenderer?.(frame);
    return undefined;
  }
  return frame;
}

/**
 * What FrozenLake, CliffWalking and Taxi share beyond {@link DiscreteMdpEnv}: Gymnasium's
 * `render()` over each env's own ansi text and rgb frame.
 *
 * @internal
 */
export abstract class ToyTextEnv extends DiscreteMdpEnv {
  /** Gets each `'human'` frame. */
  protected humanRenderer: ((frame: RgbFrame) => void) | undefined;
  /** The id named in the no-render-mode warning when the env was not made through `make()`. */
  protected abstract readonly defaultId: string;
  /** The env's ansi text of the current state. */
  protected abstract renderText(): string;
  /** A new rgb frame of the current state. */
  protected abstract renderFrame(): RgbFrame;

  /**
   * Renders the current state as Gymnasium does.
   *
   * @returns `'ansi'`: Gymnasium's coloured text; `'rgb_array'`: a new {@link RgbFrame} (see the
   *   env's README row for its size); `'human'`: `undefined` after passing the frame to
   *   `humanRenderer`; no mode: `undefined` and a warning; before the first reset: `undefined`
   */
  override render(): RgbFrame | string | undefined {
    return renderToyText({
      mode: this.renderMode as ToyTextRenderMode | undefined,
      id: this.spec?.id ?? this.defaultId,
      state: this.state,
      humanRenderer: this.humanRenderer,
      text: () => this.renderText(),
      frame: () => this.renderFrame(),
    });
  }
}
