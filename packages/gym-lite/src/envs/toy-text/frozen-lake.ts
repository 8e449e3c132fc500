import { createRng, describeValue } from '@tfkit/core';
import type { RgbFrame } from '../../core.js';
import type { MdpTransition } from './discrete-mdp.js';
import {
  assertKnownOptions,
  booleanOption,
  checkRenderOptions,
  optionError,
  probabilityOption,
  type ToyTextRenderOptions,
} from './options.js';
import { Canvas, colorize, type Rgb, ToyTextEnv } from './render.js';

/** The two built-in lakes (Gymnasium's `MAPS`): `S` start, `F` frozen, `H` hole, `G` goal. */
export const frozenLakeMaps: Readonly<Record<'4x4' | '8x8', readonly string[]>> = Object.freeze({
  '4x4': Object.freeze(['SFFF', 'FHFH', 'FFFH', 'HFFG']),
  '8x8': Object.freeze([
    'SFFFFFFF',
    'FFFFFFFF',
    'FFFHFFFF',
    'FFFFFHFF',
    'FFFHFFFF',
    'FHHFFFHF',
    'FHFFHFHF',
    'FFFHFFFG',
  ]),
});

/** Options of {@link FrozenLakeEnv} (Gymnasium's keyword arguments, camelCase). */
export interface FrozenLakeOptions extends ToyTextRenderOptions {
  /**
   * A custom lake, one string (or array of letters) per row, e.g. `['SFFF', 'FHFH', 'FFFH', 'HFFG']`.
   * Wins over `mapName`. Letters: `S` start (at least one), `F` frozen, `H` hole, `G` goal.
   * @defaultValue undefined (use `mapName`)
   */
  desc?: readonly (string | readonly string[])[] | null;
  /**
   * `'4x4'` or `'8x8'`; `null` together with no `desc` draws a random 8x8 lake ({@link generateRandomMap}).
   * @defaultValue '4x4'
   */
  mapName?: '4x4' | '8x8' | null;
  /**
   * Moves in the intended direction with probability `successRate`, else to either side with equal probability.
   * @defaultValue true
   */
  isSlippery?: boolean;
  /**
   * Probability of moving in the intended direction when slippery.
   * @defaultValue 1 / 3
   */
  successRate?: number;
  /**
   * Rewards for reaching `[goal, hole, frozen (or start)]`.
   * @defaultValue [1, 0, 0]
   */
  rewardSchedule?: readonly [goal: number, hole: number, frozen: number];
}

const optionNames = [
  'desc',
  'mapName',
  'isSlippery',
  'successRate',
  'rewardSchedule',
  'renderMode',
  'humanRenderer',
] as const;

/** Moves of the actions 0 left, 1 down, 2 right, 3 up as `[row, column]` steps. */
const moves: readonly (readonly [number, number])[] = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
];
const actionNames = ['Left', 'Down', 'Right', 'Up'];

/**
 * Whether the goal can be reached from the top-left cell through non-hole cells (Gymnasium's
 * depth-first `is_valid`).
 *
 * @internal
 */
export function isLakeValid(board: readonly (readonly string[])[] | readonly string[], size: number): boolean {
  const frontier: number[] = [0];
  const discovered = new Uint8Array(size * size);
  while (frontier.length > 0) {
    const cell = frontier.pop()!;
    if (discovered[cell] === 1) continue;
    discovered[cell] = 1;
    const row = Math.floor(cell / size);
    const column = cell % size;
    for (const [dr, dc] of [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ] as const) {
      const r = row + dr;
      const c = column + dc;
      if (r < 0 || r >= size || c < 0 || c >= size) continue;
      const letter = board[r]![c];
      if (letter === 'G') return true;
      if (letter !== 'H') frontier.push(r * size + c);
    }
  }
  return false;
}

/**
 * Draws random lakes until the goal is reachable (Gymnasium's `generate_random_map`).
 *
 * @remarks
 * Each cell is frozen with probability `p` (one `random()` per cell, row by row), then the top-left
 * cell becomes `S` and the bottom-right `G`; lakes without a path from `S` to `G` (same depth-first
 * rule as Gymnasium) are drawn again. The same seed gives the same lake on every platform, but not
 * the lake Python draws (the generators differ).
 * @param size - side length, an integer >= 2
 * @param p - probability that a cell is frozen, in (0, 1] (values above 1 count as 1, like Gymnasium)
 * @param seed - a non-negative integer for a reproducible lake
 * @returns the rows, e.g. `['SFFH', ...]`
 * @throws {@link TfkitOptionError} for a size below 2, `p <= 0` (no lake would ever be valid) or a bad seed
 * @defaultValue size 8, p 0.8, seed from entropy
 * @example
 * ```ts
 * const desc = generateRandomMap(8, 0.8, 42);
 * const env = new FrozenLakeEnv({ desc });
 * ```
 */
export function generateRandomMap(size = 8, p = 0.8, seed?: number): string[] {
  if (!Number.isSafeInteger(size) || size < 2) {
    throw optionError('size', `must be an integer >= 2, got ${describeValue(size)}.`, size);
  }
  if (typeof p !== 'number' || !(p > 0)) {
    throw optionError(
      'p',
      `must be a probability in (0, 1], got ${describeValue(p)}; with no frozen cells no lake is valid.`,
      p,
    );
  }
  const frozen = Math.min(1, p);
  const threshold = frozen / (frozen + (1 - frozen));
  const rng = createRng(seed);
  const board: string[][] = [];
  do {
    board.length = 0;
    for (let row = 0; row < size; row++) {
      const letters: string[] = [];
      for (let column = 0; column < size; column++) letters.push(rng.random() < threshold ? 'F' : 'H');
      board.push(letters);
    }
    board[0]![0] = 'S';
    board[size - 1]![size - 1] = 'G';
  } while (!isLakeValid(board, size));
  return board.map((letters) => letters.join(''));
}

function parseDesc(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw optionError(
      'desc',
      `must be a non-empty array of rows such as ['SFFF', 'FHFH', 'FFFH', 'HFFG'], got ${describeValue(value)}.`,
      value,
    );
  }
  const rows: unknown[] = value.map((row: unknown) => (Array.isArray(row) ? row.join('') : row));
  const width = typeof rows[0] === 'string' ? rows[0].length : 0;
  for (const [index, row] of rows.entries()) {
    if (typeof row !== 'string' || row.length === 0 || row.length !== width) {
      throw optionError(
        'desc',
        `row ${index} is ${describeValue(row)}; every row must be a string of the same length (${width}).`,
        value,
      );
    }
    if (!/^[SFHG]+$/.test(row)) {
      throw optionError('desc', `row ${index} ('${row}') may only contain S, F, H and G.`, value);
    }
  }
  if (!(rows as string[]).some((row) => row.includes('S'))) {
    throw optionError('desc', 'needs at least one start cell S (the episode starts on one of them).', value);
  }
  return rows as string[];
}

/**
 * Crossing a frozen lake from start to goal without falling into a hole: Gymnasium 1.4's
 * `FrozenLakeEnv` (`FrozenLake-v1`, `FrozenLake8x8-v1`).
 *
 * @remarks
 * State `row * columns + column`; actions 0 left, 1 down, 2 right, 3 up. `P` is built exactly like
 * Gymnasium's (same order, same floats): holes and the goal loop on themselves with reward 0 and
 * `terminated`; slippery moves list `[(a - 1) % 4, a, (a + 1) % 4]` with probabilities
 * `[(1 - successRate) / 2, successRate, (1 - successRate) / 2]`. `info` is `{ prob }`.
 * `rgb_array` frames are `min(64 * columns, 512)` x `min(64 * rows, 512)` pixels (256x256 for 4x4,
 * 512x512 for 8x8) drawn with plain shapes.
 * @example
 * ```ts
 * const env = new FrozenLakeEnv({ mapName: '8x8', isSlippery: false });
 * env.reset({ seed: 0 });          // { observation: 0, info: { prob: 1 } }
 * env.step(2);                     // { observation: 1, reward: 0, terminated: false, ... }
 * env.unwrapped.P[0][2];           // [[1, 1, 0, false]]
 * ```
 */
export class FrozenLakeEnv extends ToyTextEnv {
  protected override readonly defaultId = 'FrozenLake-v1';
  /** The lake, one string per row. */
  readonly desc: readonly string[];
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly columns: number;
  /** Whether moves slip. */
  readonly isSlippery: boolean;
  /** Probability of the intended move when slippery. */
  readonly successRate: number;
  /** Rewards for reaching `[goal, hole, frozen]`. */
  readonly rewardSchedule: readonly [number, number, number];
  /** `[min(rewardSchedule), max(rewardSchedule)]`. */
  readonly rewardRange: readonly [number, number];
  /** Frame `[width, height]` in pixels: `min(64 * columns, 512)`, `min(64 * rows, 512)`. */
  readonly windowSize: readonly [number, number];

  /**
   * @param options - `desc`, `mapName`, `isSlippery`, `successRate`, `rewardSchedule`, `renderMode`, `humanRenderer`
   * @throws {@link TfkitOptionError} for an unknown option or an invalid value
   * @throws {@link RenderModeError} for an unknown render mode, or `'human'` without `humanRenderer`
   */
  constructor(options: FrozenLakeOptions = {}) {
    assertKnownOptions('FrozenLake', options, optionNames);
    checkRenderOptions('FrozenLake', options);
    const mapName = options.mapName === undefined ? '4x4' : options.mapName;
    let desc: string[];
    if (options.desc !== undefined && options.desc !== null) desc = parseDesc(options.desc);
    else if (mapName === null) desc = generateRandomMap();
    else if (mapName === '4x4' || mapName === '8x8') desc = [...frozenLakeMaps[mapName]];
    else {
      throw optionError(
        'mapName',
        `must be '4x4' or '8x8' (or null for a random 8x8 lake), got ${describeValue(mapName)}. Pass desc for other lakes.`,
        mapName,
      );
    }
    const isSlippery = booleanOption('isSlippery', options.isSlippery, true);
    const successRate = probabilityOption('successRate', options.successRate, 1.0 / 3.0);
    const schedule = options.rewardSchedule ?? [1, 0, 0];
    if (
      !Array.isArray(schedule) ||
      schedule.length !== 3 ||
      !schedule.every((value) => typeof value === 'number' && Number.isFinite(value))
    ) {
      throw optionError(
        'rewardSchedule',
        `must be three finite numbers [goal, hole, frozen], got ${describeValue(schedule)}; the default is [1, 0, 0].`,
        schedule,
      );
    }
    const rewardSchedule = Object.freeze([schedule[0], schedule[1], schedule[2]] as const);
    const rows = desc.length;
    const columns = desc[0]!.length;
    const failRate = (1.0 - successRate) / 2.0;
    const outcome = (row: number, column: number, action: number, probability: number): MdpTransition => {
      const [dr, dc] = moves[action]!;
      const nextRow = Math.min(Math.max(row + dr, 0), rows - 1);
      const nextColumn = Math.min(Math.max(column + dc, 0), columns - 1);
      const letter = desc[nextRow]![nextColumn]!;
      const reward = letter === 'G' ? rewardSchedule[0] : letter === 'H' ? rewardSchedule[1] : rewardSchedule[2];
      return [probability, nextRow * columns + nextColumn, reward, letter === 'G' || letter === 'H'];
    };
    const P: MdpTransition[][][] = [];
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const state = row * columns + column;
        const letter = desc[row]![column]!;
        const byAction: MdpTransition[][] = [];
        for (let action = 0; action < 4; action++) {
          if (letter === 'G' || letter === 'H') byAction.push([[1.0, state, 0, true]]);
          else if (isSlippery) {
            byAction.push(
              [(action + 3) % 4, action, (action + 1) % 4].map((move) =>
                outcome(row, column, move, move === action ? successRate : failRate),
              ),
            );
          } else byAction.push([outcome(row, column, action, 1.0)]);
        }
        P.push(byAction);
      }
    }
    const starts = desc
      .join('')
      .split('')
      .filter((letter) => letter === 'S').length;
    const initialStateDistribution = desc
      .join('')
      .split('')
      .map((letter) => (letter === 'S' ? 1 / starts : 0));
    super({ mdp: { nStates: rows * columns, nActions: 4, P }, initialStateDistribution });
    this.metadata = Object.freeze({ renderModes: Object.freeze(['human', 'ansi', 'rgb_array']), renderFps: 4 });
    this.renderMode = options.renderMode;
    this.humanRenderer = options.humanRenderer;
    this.desc = Object.freeze(desc);
    this.rows = rows;
    this.columns = columns;
    this.isSlippery = isSlippery;
    this.successRate = successRate;
    this.rewardSchedule = rewardSchedule;
    this.rewardRange = Object.freeze([Math.min(...rewardSchedule), Math.max(...rewardSchedule)] as const);
    this.windowSize = Object.freeze([Math.min(64 * columns, 512), Math.min(64 * rows, 512)] as const);
  }

  protected override renderText(): string {
    const row = Math.floor(this.state / this.columns);
    const column = this.state % this.columns;
    const lines = this.desc.map((line, index) =>
      index === row
        ? line.slice(0, column) + colorize(line[column]!, 'red', { highlight: true }) + line.slice(column + 1)
        : line,
    );
    const header = this.lastAction === undefined ? '\n' : `  (${actionNames[this.lastAction]})\n`;
    return `${header}${lines.join('\n')}\n`;
  }

  protected override renderFrame(): RgbFrame {
    const [width, height] = this.windowSize;
    const cellWidth = Math.floor(width / this.columns);
    const cellHeight = Math.floor(height / this.rows);
    const canvas = new Canvas(width, height);
    const ice: Rgb = [214, 234, 248];
    const hole: Rgb = [33, 55, 92];
    for (let row = 0; row < this.rows; row++) {
      for (let column = 0; column < this.columns; column++) {
        const x = column * cellWidth;
        const y = row * cellHeight;
        canvas.fillRect(x, y, cellWidth, cellHeight, ice);
        const letter = this.desc[row]![column];
        if (letter === 'H') canvas.fillEllipse(x + 4, y + cellHeight * 0.2, cellWidth - 8, cellHeight * 0.6, hole);
        else if (letter === 'G') {
          canvas.fillRect(
            x + cellWidth * 0.25,
            y + cellHeight * 0.3,
            cellWidth * 0.5,
            cellHeight * 0.45,
            [214, 160, 38],
          );
          canvas.fillRect(
            x + cellWidth * 0.45,
            y + cellHeight * 0.3,
            cellWidth * 0.1,
            cellHeight * 0.45,
            [176, 38, 38],
          );
        } else if (letter === 'S') {
          canvas.fillRect(
            x + cellWidth * 0.3,
            y + cellHeight * 0.55,
            cellWidth * 0.4,
            cellHeight * 0.12,
            [139, 94, 52],
          );
        }
        canvas.strokeRect(x, y, cellWidth, cellHeight, [180, 200, 230]);
      }
    }
    const row = Math.floor(this.state / this.columns);
    const column = this.state % this.columns;
    const x = column * cellWidth;
    const y = row * cellHeight;
    if (this.desc[row]![column] === 'H') {
      canvas.fillEllipse(x + 4, y + cellHeight * 0.2, cellWidth - 8, cellHeight * 0.6, [150, 40, 40]);
    } else {
      const [dr, dc] = moves[this.lastAction ?? 1]!;
      canvas.agent(x, y, Math.min(cellWidth, cellHeight), [46, 139, 87], [255, 255, 255], [dc, dr]);
    }
    return canvas.frame;
  }
}
