import type { RgbFrame } from '../../core.js';
import type { MdpTransition } from './discrete-mdp.js';
import { assertKnownOptions, booleanOption, checkRenderOptions, type ToyTextRenderOptions } from './options.js';
import { Canvas, type Rgb, ToyTextEnv } from './render.js';

/** Options of {@link CliffWalkingEnv} (Gymnasium's keyword arguments, camelCase). */
export interface CliffWalkingOptions extends ToyTextRenderOptions {
  /**
   * Each move goes in the intended direction or either perpendicular one, each with probability 1/3.
   * @defaultValue false
   */
  isSlippery?: boolean;
}

const rows = 4;
const columns = 12;
const startState = 3 * columns;
const goalState = rows * columns - 1;
/** Moves of the actions 0 up, 1 right, 2 down, 3 left as `[row, column]` steps. */
const moves: readonly (readonly [number, number])[] = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
];
const isCliff = (row: number, column: number): boolean => row === rows - 1 && column > 0 && column < columns - 1;
const cellSize = 60;

/**
 * Walking along a cliff from start to goal (Sutton & Barto, Example 6.6): Gymnasium 1.4's
 * `CliffWalkingEnv` (`CliffWalking-v1`, `CliffWalkingSlippery-v1`).
 *
 * @remarks
 * A 4x12 grid, state `row * 12 + column`, start 36, goal 47, the cliff along row 3 between them.
 * Actions 0 up, 1 right, 2 down, 3 left. Each step costs -1; stepping into the cliff costs -100 and
 * returns the agent to the start (not terminal); reaching 47 terminates. Slippery moves list
 * `[(a - 1) % 4, a, (a + 1) % 4]`, each with probability `1 / 3`. Like Gymnasium, neither id has a
 * time limit. `rgb_array` frames are 720x240 pixels (60-pixel cells) drawn with plain shapes.
 * @example
 * ```ts
 * const env = new CliffWalkingEnv();
 * env.reset({ seed: 0 }); // { observation: 36, info: { prob: 1 } }
 * env.step(1);            // { observation: 36, reward: -100, terminated: false, ... }
 * ```
 */
export class CliffWalkingEnv extends ToyTextEnv {
  protected override readonly defaultId = 'CliffWalking-v1';
  /** Grid shape `[rows, columns]`: `[4, 12]`. */
  readonly shape: readonly [number, number] = Object.freeze([rows, columns] as const);
  /** The start state, 36. */
  readonly startStateIndex = startState;
  /** Whether moves slip. */
  readonly isSlippery: boolean;
  /** Frame `[width, height]` in pixels: `[720, 240]`. */
  readonly windowSize: readonly [number, number] = Object.freeze([columns * cellSize, rows * cellSize] as const);

  /**
   * @param options - `isSlippery`, `renderMode`, `humanRenderer`
   * @throws {@link TfkitOptionError} for an unknown option or a non-boolean `isSlippery`
   * @throws {@link RenderModeError} for an unknown render mode, or `'human'` without `humanRenderer`
   */
  constructor(options: CliffWalkingOptions = {}) {
    assertKnownOptions('CliffWalking', options, ['isSlippery', 'renderMode', 'humanRenderer']);
    checkRenderOptions('CliffWalking', options);
    const isSlippery = booleanOption('isSlippery', options.isSlippery, false);
    const P: MdpTransition[][][] = [];
    for (let state = 0; state < rows * columns; state++) {
      const row = Math.floor(state / columns);
      const column = state % columns;
      const byAction: MdpTransition[][] = [];
      for (let action = 0; action < 4; action++) {
        const actual = isSlippery ? [(action + 3) % 4, action, (action + 1) % 4] : [action];
        const probability = 1 / actual.length;
        byAction.push(
          actual.map((move): MdpTransition => {
            const [dr, dc] = moves[move]!;
            const nextRow = Math.min(Math.max(row + dr, 0), rows - 1);
            const nextColumn = Math.min(Math.max(column + dc, 0), columns - 1);
            if (isCliff(nextRow, nextColumn)) return [probability, startState, -100, false];
            const next = nextRow * columns + nextColumn;
            return [probability, next, -1, next === goalState];
          }),
        );
      }
      P.push(byAction);
    }
    const initialStateDistribution = new Float64Array(rows * columns);
    initialStateDistribution[startState] = 1.0;
    super({ mdp: { nStates: rows * columns, nActions: 4, P }, initialStateDistribution });
    this.metadata = Object.freeze({ renderModes: Object.freeze(['human', 'rgb_array', 'ansi']), renderFps: 4 });
    this.renderMode = options.renderMode;
    this.humanRenderer = options.humanRenderer;
    this.isSlippery = isSlippery;
  }

  protected override renderText(): string {
    let text = '';
    for (let state = 0; state < rows * columns; state++) {
      const row = Math.floor(state / columns);
      const column = state % columns;
      let cell: string;
      if (state === this.state) cell = ' x ';
      else if (state === goalState) cell = ' T ';
      else if (isCliff(row, column)) cell = ' C ';
      else cell = ' o ';
      if (column === 0) cell = cell.trimStart();
      if (column === columns - 1) cell = `${cell.trimEnd()}\n`;
      text += cell;
    }
    return `${text}\n`;
  }

  protected override renderFrame(): RgbFrame {
    const [width, height] = this.windowSize;
    const canvas = new Canvas(width, height);
    const grass: readonly Rgb[] = [
      [126, 170, 92],
      [112, 156, 80],
    ];
    for (let state = 0; state < rows * columns; state++) {
      const row = Math.floor(state / columns);
      const column = state % columns;
      const x = column * cellSize;
      const y = row * cellSize;
      const checker = (row % 2) ^ (column % 2);
      canvas.fillRect(x, y, cellSize, cellSize, grass[checker]!);
      if (isCliff(row, column)) canvas.fillRect(x, y, cellSize, cellSize, [58, 52, 64]);
      if (row < rows - 1 && isCliff(row + 1, column)) canvas.fillRect(x, y + cellSize - 8, cellSize, 8, [96, 80, 70]);
      if (state === startState) canvas.fillRect(x + 18, y + 33, 24, 7, [139, 94, 52]);
      if (state === goalState) canvas.fillEllipse(x + 15, y + 15, 30, 30, [196, 140, 72]);
      if (state === this.state) {
        const [dr, dc] = moves[this.lastAction ?? 2]!;
        canvas.agent(x, y - 0.1 * cellSize, cellSize, [46, 110, 170], [255, 255, 255], [dc, dr]);
      }
    }
    return canvas.frame;
  }
}
