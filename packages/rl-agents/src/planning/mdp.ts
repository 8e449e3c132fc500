/**
 * Finite MDPs for planning: the `DiscreteMdp` model type (Gymnasium's `P[s][a]` lists of
 * `[probability, nextState, reward, terminated]`), how planners accept a model or an env that
 * exposes one (`env.unwrapped.P`), and its validated, flattened form.
 */
import { TfkitOptionError } from '@tfkit/core';
import type { DiscreteMdp, MdpTransition } from '@tfkit/gym-lite';
import { packageName, RlInvalidMdpError, RlNotDiscreteError } from '../errors.js';

export type { DiscreteMdp, MdpTransition };

/**
 * What the planners accept: a {@link DiscreteMdp} you wrote, or an environment whose
 * `unwrapped` exposes the model `P` (gym-lite's toy-text envs: `make('FrozenLake-v1')`) and whose
 * observation and action spaces are `Discrete`.
 */
export type PlanningModel = DiscreteMdp | { readonly unwrapped: object };

/**
 * A validated model in flat arrays: the outcomes of `(s, a)` are the indices
 * `first[s * nActions + a]` up to (excluding) `first[s * nActions + a + 1]`.
 */
export interface CompiledMdp {
  /** Number of states. */
  readonly nStates: number;
  /** Number of actions. */
  readonly nActions: number;
  /** Start of each `(s, a)`'s outcomes; length `nStates * nActions + 1`. */
  readonly first: Int32Array;
  /** Probability of each outcome. */
  readonly probability: Float64Array;
  /** Next state of each outcome. */
  readonly nextState: Int32Array;
  /** Reward of each outcome. */
  readonly reward: Float64Array;
  /** 1 when the outcome ends the episode (no bootstrapping from its next state). */
  readonly terminated: Uint8Array;
}

/** How far the probabilities of one `(s, a)` may sum away from 1. */
export const probabilityTolerance = 1e-9;

const compiled = new WeakMap<object, CompiledMdp>();

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return `${typeof value} ${String(value)}`;
  const text = String(value);
  return text === '[object Object]' ? (value.constructor?.name ?? 'object') : text;
}

function discreteSize(space: unknown): number | undefined {
  const n = (space as { n?: unknown } | null | undefined)?.n;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function isMdp(value: unknown): value is DiscreteMdp {
  return typeof value === 'object' && value !== null && Array.isArray((value as { P?: unknown }).P);
}

/**
 * Finds the model of `model`: itself when it is a {@link DiscreteMdp}, else `model.unwrapped`'s
 * `P` with the sizes of its `Discrete` spaces.
 *
 * @param model - a {@link PlanningModel}
 * @returns the model
 * @throws {@link RlNotDiscreteError} when the spaces are not `Discrete` or there is no `P`
 */
export function resolveMdp(model: PlanningModel): DiscreteMdp {
  if (isMdp(model) && 'nStates' in model) return model;
  const env = model as { unwrapped?: unknown; observationSpace?: unknown; actionSpace?: unknown };
  const inner = (env.unwrapped ?? model) as Partial<DiscreteMdp> & {
    observationSpace?: unknown;
    actionSpace?: unknown;
  };
  const observationSpace = env.observationSpace ?? inner.observationSpace;
  const actionSpace = env.actionSpace ?? inner.actionSpace;
  const nStates = inner.nStates ?? discreteSize(observationSpace);
  const nActions = inner.nActions ?? discreteSize(actionSpace);
  if (observationSpace !== undefined && discreteSize(observationSpace) === undefined) {
    throw new RlNotDiscreteError({ what: 'observation space', found: describe(observationSpace) });
  }
  if (actionSpace !== undefined && discreteSize(actionSpace) === undefined) {
    throw new RlNotDiscreteError({ what: 'action space', found: describe(actionSpace) });
  }
  if (!isMdp(inner) || nStates === undefined || nActions === undefined) {
    throw new RlNotDiscreteError({ what: 'model', found: describe(inner) });
  }
  return { nStates, nActions, P: inner.P as DiscreteMdp['P'] };
}

/**
 * Validates a model and flattens it into typed arrays (cached per `P` array, so planning the same
 * env twice validates once).
 *
 * @param model - a {@link PlanningModel}
 * @returns the flat model
 * @throws {@link RlNotDiscreteError} when `model` has no finite model
 * @throws {@link RlInvalidMdpError} naming the state and action whose outcomes are malformed, point
 *   outside the states, or whose probabilities do not sum to 1 (within {@link probabilityTolerance})
 * @example
 * ```ts
 * const flat = compileMdp(make('FrozenLake-v1'));
 * flat.nStates; // 16
 * ```
 */
export function compileMdp(model: PlanningModel): CompiledMdp {
  const mdp = resolveMdp(model);
  const cached = compiled.get(mdp.P);
  if (cached !== undefined && cached.nStates === mdp.nStates && cached.nActions === mdp.nActions) return cached;
  const { nStates, nActions, P } = mdp;
  if (!Number.isSafeInteger(nStates) || nStates < 1 || !Number.isSafeInteger(nActions) || nActions < 1) {
    throw new RlInvalidMdpError({
      message: `nStates and nActions must be positive integers, got ${nStates} and ${nActions}.`,
    });
  }
  if (P.length !== nStates) {
    throw new RlInvalidMdpError({ message: `P has ${P.length} states but nStates is ${nStates}.` });
  }
  let count = 0;
  for (let state = 0; state < nStates; state++) {
    const row = P[state];
    if (!Array.isArray(row) || row.length !== nActions) {
      throw new RlInvalidMdpError({
        state,
        message: `has ${Array.isArray(row) ? row.length : describe(row)} actions but nActions is ${nActions}.`,
      });
    }
    for (let action = 0; action < nActions; action++) {
      const outcomes = row[action];
      if (!Array.isArray(outcomes) || outcomes.length === 0) {
        throw new RlInvalidMdpError({ state, action, message: 'lists no outcome.' });
      }
      count += outcomes.length;
    }
  }
  const first = new Int32Array(nStates * nActions + 1);
  const probability = new Float64Array(count);
  const nextState = new Int32Array(count);
  const reward = new Float64Array(count);
  const terminated = new Uint8Array(count);
  let index = 0;
  for (let state = 0; state < nStates; state++) {
    for (let action = 0; action < nActions; action++) {
      first[state * nActions + action] = index;
      let sum = 0;
      for (const outcome of (P[state] as DiscreteMdp['P'][number])[action] as readonly MdpTransition[]) {
        const [p, next, r, done] = Array.isArray(outcome) ? outcome : [];
        if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
          throw new RlInvalidMdpError({ state, action, message: `has an outcome with probability ${String(p)}.` });
        }
        if (typeof next !== 'number' || !Number.isInteger(next) || next < 0 || next >= nStates) {
          throw new RlInvalidMdpError({
            state,
            action,
            message: `has an outcome whose next state ${String(next)} is not in [0, ${nStates}).`,
          });
        }
        if (typeof r !== 'number' || !Number.isFinite(r)) {
          throw new RlInvalidMdpError({ state, action, message: `has an outcome with reward ${String(r)}.` });
        }
        if (typeof done !== 'boolean') {
          throw new RlInvalidMdpError({
            state,
            action,
            message: `has an outcome whose terminated flag is ${describe(done)}.`,
          });
        }
        probability[index] = p;
        nextState[index] = next;
        reward[index] = r;
        terminated[index] = done ? 1 : 0;
        sum += p;
        index++;
      }
      if (Math.abs(sum - 1) > probabilityTolerance) {
        throw new RlInvalidMdpError({ state, action, message: `its outcome probabilities sum to ${sum}, not 1.` });
      }
    }
  }
  first[nStates * nActions] = index;
  const result: CompiledMdp = { nStates, nActions, first, probability, nextState, reward, terminated };
  compiled.set(mdp.P, result);
  return result;
}

/** Options every planner takes. */
export interface PlanningOptions {
  /**
   * Discount factor in [0, 1]. With `gamma: 1`, policy evaluation only converges for policies
   * that end every episode.
   * @defaultValue `0.99`
   */
  gamma?: number;
  /**
   * Stop once a sweep changes no value by more than this (Sutton & Barto's theta).
   * @defaultValue `1e-10`
   */
  theta?: number;
  /**
   * The most sweeps (value iteration, policy evaluation) or improvement rounds (policy iteration).
   * @defaultValue `10000`
   */
  maxIterations?: number;
}

/** @internal Checks and completes {@link PlanningOptions}. */
export function resolvePlanningOptions(options: PlanningOptions): Required<PlanningOptions> {
  const { gamma = 0.99, theta = 1e-10, maxIterations = 10_000 } = options;
  if (typeof gamma !== 'number' || !(gamma >= 0 && gamma <= 1)) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'gamma',
      message: `must be a discount in [0, 1], got ${String(gamma)}. Pass e.g. 0.99.`,
      value: gamma,
    });
  }
  if (typeof theta !== 'number' || !(theta >= 0) || !Number.isFinite(theta)) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'theta',
      message: `must be a finite number >= 0, got ${String(theta)}. Pass e.g. 1e-10.`,
      value: theta,
    });
  }
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'maxIterations',
      message: `must be a positive integer, got ${String(maxIterations)}.`,
      value: maxIterations,
    });
  }
  return { gamma, theta, maxIterations };
}
