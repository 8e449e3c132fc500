import type { Env } from '@tfkit/gym-lite';
import { loadGym, makeEnv } from './gym.js';
import { loadRl, type RlAgents } from './rl.js';
import type { Command, CommandContext } from './run-cli.js';

/** A toy-text env as the planning commands use it (integer states and actions). */
export type DiscreteGymEnv = Env<number, number>;

/** How to draw an env's states on a grid: which state each cell shows, and its arrows. */
export interface StateGrid {
  /** Grid rows and columns. */
  rows: number;
  columns: number;
  /** The state shown in each cell (row-major). */
  cells: number[];
  /** The arrow (or letter) of each action. */
  arrows: readonly string[];
  /** A letter for special cells (FrozenLake: H, G), else undefined. */
  mark(cell: number): string | undefined;
  /** What the grid shows (Taxi: one passenger/destination slice). */
  caption: string;
}

/**
 * The grid of a toy-text env: FrozenLake's map, CliffWalking's 4x12 board, or Taxi's 5x5 positions
 * for the passenger at R going to G.
 */
export function stateGrid(env: DiscreteGymEnv): StateGrid | undefined {
  const inner = env.unwrapped as unknown as {
    desc?: readonly string[];
    rows?: number;
    columns?: number;
    shape?: readonly [number, number];
    locations?: readonly unknown[];
  };
  const range = (count: number) => Array.from({ length: count }, (_, index) => index);
  if (inner.desc !== undefined && inner.rows !== undefined && inner.columns !== undefined) {
    const desc = inner.desc;
    const columns = inner.columns;
    return {
      rows: inner.rows,
      columns,
      cells: range(inner.rows * columns),
      arrows: ['←', '↓', '→', '↑'],
      mark: (cell) => {
        const letter = desc[Math.floor(cell / columns)]?.[cell % columns];
        return letter === 'H' || letter === 'G' ? letter : undefined;
      },
      caption: 'the lake (H: hole, G: goal)',
    };
  }
  if (inner.shape !== undefined) {
    const [rows, columns] = inner.shape;
    return {
      rows,
      columns,
      cells: range(rows * columns),
      arrows: ['↑', '→', '↓', '←'],
      mark: (cell) => (cell >= (rows - 1) * columns + 1 && cell < rows * columns - 1 ? 'C' : undefined),
      caption: 'the cliff (C) along the bottom row',
    };
  }
  if (inner.locations !== undefined) {
    // Taxi: state = ((row * 5 + column) * 5 + passenger) * 4 + destination; passenger at R (0), destination G (1).
    return {
      rows: 5,
      columns: 5,
      cells: range(25).map((position) => (position * 5 + 0) * 4 + 1),
      arrows: ['↓', '↑', '→', '←', 'P', 'D'],
      mark: () => undefined,
      caption: 'taxi positions, passenger waiting at R, destination G',
    };
  }
  return undefined;
}

/** The values of a grid's cells, right-aligned, one line per row. */
export function formatValueGrid(grid: StateGrid, values: ArrayLike<number>): string[] {
  const texts = grid.cells.map((state) => (values[state] as number).toFixed(3));
  const width = Math.max(...texts.map((text) => text.length));
  return Array.from({ length: grid.rows }, (_, row) =>
    texts
      .slice(row * grid.columns, (row + 1) * grid.columns)
      .map((text) => text.padStart(width))
      .join(' '),
  );
}

/** The policy as arrows (special cells keep their letter), one line per row. */
export function formatPolicyGrid(grid: StateGrid, policy: ArrayLike<number>): string[] {
  return Array.from({ length: grid.rows }, (_, row) =>
    Array.from({ length: grid.columns }, (_, column) => {
      const cell = row * grid.columns + column;
      return grid.mark(cell) ?? grid.arrows[policy[grid.cells[cell] as number] as number] ?? '?';
    }).join(' '),
  );
}

/** Options both toy-text commands take: the discount, the evaluation episodes (named `episodesName`) and the JSON switch. */
export function toyTextOptions(episodesName: string): Command['options'] {
  return [
    {
      name: 'gamma',
      type: 'number',
      placeholder: 'G',
      description: 'discount factor in [0, 1]',
      default: 0.99,
      min: 0,
      max: 1,
    },
    {
      name: episodesName,
      type: 'integer',
      placeholder: 'N',
      description: 'seeded episodes that measure the greedy policy',
      default: 10_000,
      min: 1,
    },
    { name: 'json', type: 'boolean', description: 'print the result as one JSON line instead' },
  ];
}

/** Loads gym-lite and rl-agents and makes the `--env` toy-text env (close it when done). */
export async function openToyTextEnv(
  context: CommandContext,
): Promise<{ rl: RlAgents; id: string; env: DiscreteGymEnv }> {
  const [gym, rl] = await Promise.all([loadGym(), loadRl()]);
  const id = String(context.options.env);
  return { rl, id, env: makeEnv(gym, id) as unknown as DiscreteGymEnv };
}
