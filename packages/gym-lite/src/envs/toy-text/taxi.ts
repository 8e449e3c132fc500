import { describeValue } from '@tfkit/core';
import type { ResetParams, ResetResult, RgbFrame, StepResult } from '../../core.js';
import type { MdpTransition, TransitionInfo } from './discrete-mdp.js';
import {
  assertKnownOptions,
  booleanOption,
  checkRenderOptions,
  optionError,
  probabilityOption,
  type ToyTextRenderOptions,
} from './options.js';
import { Canvas, colorize, type Rgb, ToyTextEnv } from './render.js';

/** Options of {@link TaxiEnv} (Gymnasium's keyword arguments, camelCase). */
export interface TaxiOptions extends ToyTextRenderOptions {
  /**
   * Moves go in the intended direction with probability `rainyProbability`, else to either side.
   * @defaultValue false
   */
  isRainy?: boolean;
  /**
   * The passenger may change destination on the first move after the first pickup.
   * @defaultValue false
   */
  ficklePassenger?: boolean;
  /**
   * Probability of the intended move when rainy; each side gets `(1 - rainyProbability) / 2`.
   * @defaultValue 0.8
   */
  rainyProbability?: number;
  /**
   * Probability (drawn at `reset`) that a fickle passenger changes destination.
   * @defaultValue 0.3
   */
  fickleProbability?: number;
}

/** What Taxi's `reset` and `step` put in `info`. */
export interface TaxiInfo extends TransitionInfo {
  /** 1 for each action that changes the state (numpy int8 array of length 6 in Gymnasium). */
  action_mask: Int8Array;
}

/** Taxi's map (Gymnasium's `MAP`): `|` walls, `:` open, `R G Y B` the four locations. */
export const taxiMap: readonly string[] = Object.freeze([
  '+---------+',
  '|R: | : :G|',
  '| : | : : |',
  '| : : : : |',
  '| | : | : |',
  '|Y| : |B: |',
  '+---------+',
]);

const gridSize = 5;
const maxIndex = gridSize - 1;
const stateCount = 500;
const actionCount = 6;
/** Red, Green, Yellow, Blue as `[row, column]`. */
const locations: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 4],
  [4, 0],
  [4, 3],
];
const locationColors: readonly Rgb[] = [
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [0, 0, 255],
];
const actionNames = ['South', 'North', 'East', 'West', 'Pickup', 'Dropoff'];
/** `(forward, left, right)` steps `[row, column]` of the moves 0 south, 1 north, 2 east, 3 west. */
const rainyMoves: readonly (readonly (readonly [number, number])[])[] = [
  [
    [1, 0],
    [0, 1],
    [0, -1],
  ],
  [
    [-1, 0],
    [0, -1],
    [0, 1],
  ],
  [
    [0, 1],
    [-1, 0],
    [1, 0],
  ],
  [
    [0, -1],
    [1, 0],
    [-1, 0],
  ],
];
const windowWidth = 550;
const windowHeight = 350;

const clamp = (value: number): number => Math.max(0, Math.min(value, maxIndex));
/** Whether the map is open (`:`) east of `(row, column)`. */
const openEast = (row: number, column: number): boolean => taxiMap[1 + row]![2 * column + 2] === ':';
/** Whether the map is open (`:`) west of `(row, column)`. */
const openWest = (row: number, column: number): boolean => taxiMap[1 + row]![2 * column] === ':';
const locationIndex = (row: number, column: number): number =>
  locations.findIndex(([r, c]) => r === row && c === column);

function encodeState(row: number, column: number, passenger: number, destination: number): number {
  return ((row * 5 + column) * 5 + passenger) * 4 + destination;
}

function pickup(row: number, column: number, passenger: number): [passenger: number, reward: number] {
  if (passenger < 4 && locationIndex(row, column) === passenger) return [4, -1];
  return [passenger, -10];
}

function dropoff(
  row: number,
  column: number,
  passenger: number,
  destination: number,
): [passenger: number, reward: number, terminated: boolean] {
  const here = locationIndex(row, column);
  if (passenger === 4 && here === destination) return [destination, 20, true];
  if (passenger === 4 && here >= 0) return [here, -1, false];
  return [passenger, -10, false];
}

/** Gymnasium's `_calc_new_position`: a lateral move, blocked by east/west walls at the target. */
function lateral(row: number, column: number, [dr, dc]: readonly [number, number]): [number, number] {
  const newRow = clamp(row + dr);
  const newColumn = clamp(column + dc);
  if (dc === 1 && taxiMap[1 + newRow]![2 * newColumn] !== ':') return [row, column];
  if (dc === -1 && taxiMap[1 + newRow]![2 * newColumn + 2] !== ':') return [row, column];
  return [newRow, newColumn];
}

function dryOutcome(
  row: number,
  column: number,
  passenger: number,
  destination: number,
  action: number,
): MdpTransition {
  let newRow = row;
  let newColumn = column;
  let newPassenger = passenger;
  let reward = -1;
  let terminated = false;
  if (action === 0) newRow = Math.min(row + 1, maxIndex);
  else if (action === 1) newRow = Math.max(row - 1, 0);
  else if (action === 2) {
    if (openEast(row, column)) newColumn = Math.min(column + 1, maxIndex);
  } else if (action === 3) {
    if (openWest(row, column)) newColumn = Math.max(column - 1, 0);
  } else if (action === 4) [newPassenger, reward] = pickup(row, column, passenger);
  else [newPassenger, reward, terminated] = dropoff(row, column, passenger, destination);
  return [1.0, encodeState(newRow, newColumn, newPassenger, destination), reward, terminated];
}

function rainyOutcomes(
  row: number,
  column: number,
  passenger: number,
  destination: number,
  action: number,
  rainyProbability: number,
  lateralProbability: number,
): MdpTransition[] {
  if (action >= 4) return [dryOutcome(row, column, passenger, destination, action)];
  const possible =
    (action === 0 && row < maxIndex) ||
    (action === 1 && row > 0) ||
    (action === 2 && openEast(row, column)) ||
    (action === 3 && openWest(row, column));
  let intended: [number, number] = [row, column];
  let left: [number, number] = [row, column];
  let right: [number, number] = [row, column];
  if (possible) {
    const [forward, leftMove, rightMove] = rainyMoves[action]!;
    intended = [clamp(row + forward![0]), clamp(column + forward![1])];
    left = lateral(row, column, leftMove!);
    right = lateral(row, column, rightMove!);
  }
  return [
    [rainyProbability, encodeState(intended[0], intended[1], passenger, destination), -1, false],
    [lateralProbability, encodeState(left[0], left[1], passenger, destination), -1, false],
    [lateralProbability, encodeState(right[0], right[1], passenger, destination), -1, false],
  ];
}

const actionMasks = (() => {
  const masks = new Int8Array(stateCount * actionCount);
  for (let state = 0; state < stateCount; state++) {
    const destination = state % 4;
    const passenger = Math.floor(state / 4) % 5;
    const column = Math.floor(state / 20) % 5;
    const row = Math.floor(state / 100);
    const mask = masks.subarray(state * actionCount, state * actionCount + actionCount);
    if (row < 4) mask[0] = 1;
    if (row > 0) mask[1] = 1;
    if (column < 4 && openEast(row, column)) mask[2] = 1;
    if (column > 0 && openWest(row, column)) mask[3] = 1;
    const here = locationIndex(row, column);
    if (passenger < 4 && here === passenger) mask[4] = 1;
    if (passenger === 4 && (here === destination || here >= 0)) mask[5] = 1;
  }
  return masks;
})();

/** A fresh copy of the mask of `state` (six writes into a new array: faster than `slice`). */
function maskOf(state: number): Int8Array {
  const mask = new Int8Array(actionCount);
  const offset = state * actionCount;
  mask[0] = actionMasks[offset]!;
  mask[1] = actionMasks[offset + 1]!;
  mask[2] = actionMasks[offset + 2]!;
  mask[3] = actionMasks[offset + 3]!;
  mask[4] = actionMasks[offset + 4]!;
  mask[5] = actionMasks[offset + 5]!;
  return mask;
}

/**
 * The taxi problem (Dietterich 2000): Gymnasium 1.4's `TaxiEnv` (`Taxi-v4`).
 *
 * @remarks
 * 500 states `((taxiRow * 5 + taxiColumn) * 5 + passengerLocation) * 4 + destination` (see
 * {@link TaxiEnv.encode}/{@link TaxiEnv.decode}); passenger locations 0-3 are R, G, Y, B and 4 is
 * in the taxi. Actions 0 south, 1 north, 2 east, 3 west, 4 pickup, 5 dropoff. Rewards -1 per step,
 * +20 for delivering (terminates), -10 for an illegal pickup or dropoff. `P` is built exactly like
 * Gymnasium's, including the rainy model (`[intended, left, right]` with probabilities
 * `[rainyProbability, (1 - rainyProbability) / 2, (1 - rainyProbability) / 2]`, no drift when the
 * intended move is blocked). A fickle passenger changes destination outside `P`, like Gymnasium.
 * `info` is `{ prob, action_mask }` with a fresh `Int8Array(6)` mask.
 * The episode starts uniformly in one of the 300 states whose passenger waits at a location other
 * than the destination. `rgb_array` frames are 550x350 pixels (50-pixel cells of the map) drawn
 * with plain shapes.
 * @example
 * ```ts
 * const env = new TaxiEnv();
 * const { observation, info } = env.reset({ seed: 0 });
 * env.decode(observation);         // [taxiRow, taxiColumn, passengerLocation, destination]
 * info.action_mask;                // Int8Array(6) [1, 1, 0, 0, 0, 0] ...
 * ```
 */
export class TaxiEnv extends ToyTextEnv {
  protected override readonly defaultId = 'Taxi-v4';
  /** The four pickup/dropoff locations R, G, Y, B as `[row, column]`. */
  readonly locations: readonly (readonly [number, number])[] = locations;
  /** Whether moves are stochastic. */
  readonly isRainy: boolean;
  /** Whether the passenger may change destination. */
  readonly ficklePassenger: boolean;
  /** Probability of the intended move when rainy. */
  readonly rainyProbability: number;
  /** Probability that a fickle passenger changes destination in an episode. */
  readonly fickleProbability: number;
  /** Whether the passenger will still change destination this episode (Gymnasium's `fickle_step`). */
  fickleStep = false;
  /** Frame `[width, height]` in pixels: `[550, 350]`. */
  readonly windowSize: readonly [number, number] = Object.freeze([windowWidth, windowHeight] as const);
  #taxiOrientation = 0;

  /**
   * @param options - `isRainy`, `ficklePassenger`, `rainyProbability`, `fickleProbability`, `renderMode`, `humanRenderer`
   * @throws {@link TfkitOptionError} for an unknown option or an invalid value
   * @throws {@link RenderModeError} for an unknown render mode, or `'human'` without `humanRenderer`
   */
  constructor(options: TaxiOptions = {}) {
    assertKnownOptions('Taxi', options, [
      'isRainy',
      'ficklePassenger',
      'rainyProbability',
      'fickleProbability',
      'renderMode',
      'humanRenderer',
    ]);
    checkRenderOptions('Taxi', options);
    const isRainy = booleanOption('isRainy', options.isRainy, false);
    const ficklePassenger = booleanOption('ficklePassenger', options.ficklePassenger, false);
    const rainyProbability = probabilityOption('rainyProbability', options.rainyProbability, 0.8);
    const fickleProbability = probabilityOption('fickleProbability', options.fickleProbability, 0.3);
    const lateralProbability = (1.0 - rainyProbability) / 2.0;
    const P: MdpTransition[][][] = [];
    const initialStateDistribution = new Float64Array(stateCount);
    for (let state = 0; state < stateCount; state++) {
      const destination = state % 4;
      const passenger = Math.floor(state / 4) % 5;
      const column = Math.floor(state / 20) % 5;
      const row = Math.floor(state / 100);
      if (passenger < 4 && passenger !== destination) initialStateDistribution[state] = 1.0 / 300.0;
      const byAction: MdpTransition[][] = [];
      for (let action = 0; action < actionCount; action++) {
        byAction.push(
          isRainy
            ? rainyOutcomes(row, column, passenger, destination, action, rainyProbability, lateralProbability)
            : [dryOutcome(row, column, passenger, destination, action)],
        );
      }
      P.push(byAction);
    }
    super({ mdp: { nStates: stateCount, nActions: actionCount, P }, initialStateDistribution });
    this.metadata = Object.freeze({ renderModes: Object.freeze(['human', 'ansi', 'rgb_array']), renderFps: 4 });
    this.renderMode = options.renderMode;
    this.humanRenderer = options.humanRenderer;
    this.isRainy = isRainy;
    this.ficklePassenger = ficklePassenger;
    this.rainyProbability = rainyProbability;
    this.fickleProbability = fickleProbability;
  }

  /**
   * Packs a taxi position, passenger location and destination into a state.
   *
   * @param taxiRow - 0-4
   * @param taxiColumn - 0-4
   * @param passengerLocation - 0-3 (R, G, Y, B) or 4 (in the taxi)
   * @param destination - 0-3 (R, G, Y, B)
   * @returns `((taxiRow * 5 + taxiColumn) * 5 + passengerLocation) * 4 + destination`
   */
  encode(taxiRow: number, taxiColumn: number, passengerLocation: number, destination: number): number {
    return encodeState(taxiRow, taxiColumn, passengerLocation, destination);
  }

  /**
   * Unpacks a state.
   *
   * @param state - an integer in [0, 500)
   * @returns `[taxiRow, taxiColumn, passengerLocation, destination]`
   * @throws {@link TfkitOptionError} for a state outside [0, 500)
   */
  decode(state: number): [taxiRow: number, taxiColumn: number, passengerLocation: number, destination: number] {
    if (!Number.isSafeInteger(state) || state < 0 || state >= stateCount) {
      throw optionError('state', `must be an integer in [0, 500), got ${describeValue(state)}.`, state);
    }
    return [Math.floor(state / 100), Math.floor(state / 20) % 5, Math.floor(state / 4) % 5, state % 4];
  }

  /**
   * Which actions change the state (Gymnasium's `action_mask`).
   *
   * @param state - an integer in [0, 500)
   * @returns a new `Int8Array(6)` with 1 for the useful actions
   * @throws {@link TfkitOptionError} for a state outside [0, 500)
   */
  actionMask(state: number): Int8Array {
    this.decode(state);
    return maskOf(state);
  }

  /**
   * Starts an episode; a fickle passenger decides (with `fickleProbability`) whether to change destination.
   *
   * @param params - `seed` re-seeds {@link Env.rng}
   * @returns the state and `{ prob: 1, action_mask }`
   */
  override reset(params: ResetParams = {}): ResetResult<number> {
    const result = super.reset(params);
    this.fickleStep = this.ficklePassenger && this.rng.random() < this.fickleProbability;
    this.#taxiOrientation = 0;
    return result;
  }

  /**
   * Samples one outcome of `P[state][action]`; a fickle passenger may then pick another destination.
   *
   * @param action - 0 south, 1 north, 2 east, 3 west, 4 pickup, 5 dropoff
   * @returns the next state, reward, terminated, `truncated: false` and `{ prob, action_mask }`
   * @throws {@link InvalidActionError} when `action` is not in 0-5
   * @throws {@link ResetNeededError} before the first `reset`
   */
  override step(action: number): StepResult<number> {
    const outcome = this.sampleOutcome(action);
    const previous = this.state;
    let next = this.nextState[outcome]!;
    this.lastAction = action;
    if (this.fickleStep && this.ficklePassenger && Math.floor(previous / 4) % 5 === 4) {
      const moved = Math.floor(next / 20) !== Math.floor(previous / 20);
      if (moved) {
        this.fickleStep = false;
        const oldDestination = previous % 4;
        let destination = this.rng.integers(3);
        if (destination >= oldDestination) destination++;
        next = next - (next % 4) + destination;
      }
    }
    this.moveTo(next);
    if (this.renderMode === 'human') this.render();
    const info: TaxiInfo = { prob: this.probability[outcome]!, action_mask: maskOf(next) };
    return {
      observation: next,
      reward: this.reward[outcome]!,
      terminated: this.terminal[outcome] === 1,
      truncated: false,
      info,
    };
  }

  /** @internal */
  protected override resetInfo(): TaxiInfo {
    const state = this.state;
    return { prob: 1.0, action_mask: maskOf(state) };
  }

  protected override renderText(): string {
    const cells = taxiMap.map((line) => line.split(''));
    const [taxiRow, taxiColumn, passenger, destination] = this.decode(this.state);
    const taxiCell = cells[1 + taxiRow]!;
    if (passenger < 4) {
      taxiCell[2 * taxiColumn + 1] = colorize(taxiCell[2 * taxiColumn + 1]!, 'yellow', { highlight: true });
      const [passengerRow, passengerColumn] = locations[passenger]!;
      const passengerCell = cells[1 + passengerRow]!;
      passengerCell[2 * passengerColumn + 1] = colorize(passengerCell[2 * passengerColumn + 1]!, 'blue', {
        bold: true,
      });
    } else {
      const letter = taxiCell[2 * taxiColumn + 1]!;
      taxiCell[2 * taxiColumn + 1] = colorize(letter === ' ' ? '_' : letter, 'green', { highlight: true });
    }
    const [destinationRow, destinationColumn] = locations[destination]!;
    const destinationCell = cells[1 + destinationRow]!;
    destinationCell[2 * destinationColumn + 1] = colorize(destinationCell[2 * destinationColumn + 1]!, 'magenta');
    const footer = this.lastAction === undefined ? '\n' : `  (${actionNames[this.lastAction]})\n`;
    return `${cells.map((row) => row.join('')).join('\n')}\n${footer}`;
  }

  protected override renderFrame(): RgbFrame {
    const cellWidth = windowWidth / taxiMap[0]!.length;
    const cellHeight = windowHeight / taxiMap.length;
    const canvas = new Canvas(windowWidth, windowHeight);
    canvas.fillRect(0, 0, windowWidth, windowHeight, [200, 200, 200]);
    for (let y = 0; y < taxiMap.length; y++) {
      for (let x = 0; x < taxiMap[y]!.length; x++) {
        const letter = taxiMap[y]![x];
        if (letter === '|')
          canvas.fillRect(x * cellWidth + cellWidth * 0.4, y * cellHeight, cellWidth * 0.2, cellHeight, [90, 90, 90]);
        else if (letter === '-' || letter === '+') {
          canvas.fillRect(x * cellWidth, y * cellHeight + cellHeight * 0.4, cellWidth, cellHeight * 0.2, [90, 90, 90]);
        }
      }
    }
    const cellOf = ([row, column]: readonly [number, number]): [number, number] => [
      (column * 2 + 1) * cellWidth,
      (row + 1) * cellHeight,
    ];
    for (const [index, location] of locations.entries()) {
      const [x, y] = cellOf(location);
      canvas.fillRect(x, y + 10, cellWidth, cellHeight, locationColors[index]!, 0.5);
    }
    const [taxiRow, taxiColumn, passenger, destination] = this.decode(this.state);
    if (this.lastAction !== undefined && this.lastAction < 4) this.#taxiOrientation = this.lastAction;
    const [destinationX, destinationY] = cellOf(locations[destination]!);
    const [taxiX, taxiY] = cellOf([taxiRow, taxiColumn]);
    const drawDestination = (): void => {
      canvas.fillRect(
        destinationX + 12,
        destinationY - cellHeight / 2 + 14,
        cellWidth - 24,
        cellHeight - 20,
        [120, 60, 140],
        0.67,
      );
    };
    const drawTaxi = (): void => {
      const vertical = this.#taxiOrientation <= 1;
      const w = vertical ? cellWidth * 0.5 : cellWidth * 0.8;
      const h = vertical ? cellHeight * 0.8 : cellHeight * 0.5;
      canvas.fillRect(taxiX + (cellWidth - w) / 2, taxiY + (cellHeight - h) / 2, w, h, [240, 190, 20]);
      const [dr, dc] = [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ][this.#taxiOrientation]!;
      canvas.fillRect(
        taxiX + cellWidth / 2 - 4 + dc! * w * 0.3,
        taxiY + cellHeight / 2 - 4 + dr! * h * 0.3,
        8,
        8,
        [40, 40, 40],
      );
      if (passenger === 4)
        canvas.fillEllipse(taxiX + cellWidth / 2 - 6, taxiY + cellHeight / 2 - 6, 12, 12, [30, 30, 160]);
    };
    if (passenger < 4) {
      const [x, y] = cellOf(locations[passenger]!);
      canvas.fillEllipse(x + cellWidth * 0.3, y + cellHeight * 0.1, cellWidth * 0.4, cellHeight * 0.4, [30, 30, 160]);
      canvas.fillRect(x + cellWidth * 0.35, y + cellHeight * 0.5, cellWidth * 0.3, cellHeight * 0.4, [30, 30, 160]);
    }
    if (destinationY <= taxiY) {
      drawDestination();
      drawTaxi();
    } else {
      drawTaxi();
      drawDestination();
    }
    return canvas.frame;
  }
}
