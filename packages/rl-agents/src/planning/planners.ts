/**
 * Planning with a model (the book's "model-based" half): value iteration, policy iteration,
 * iterative policy evaluation and the greedy policy of a value function, on any finite MDP.
 */
import { TfkitOptionError } from '@tfkit/core';
import { packageName } from '../errors.js';
import {
  type CompiledMdp,
  compileMdp,
  type PlanningModel,
  type PlanningOptions,
  resolvePlanningOptions,
} from './mdp.js';

/** What {@link valueIteration} and {@link policyIteration} return. */
export interface PlanningResult {
  /** The state values `V[s]`. */
  V: Float64Array;
  /** The action values `Q[s][a]` of `V` (one row per state). */
  Q: Float64Array[];
  /** The greedy policy of `Q` (ties, within `tieTolerance`, go to the first action, like numpy's argmax). */
  policy: Int32Array;
  /** Value iteration: sweeps. Policy iteration: improvement rounds (each after one evaluation). */
  iterations: number;
  /** The largest value change of every sweep (policy iteration: of every evaluation sweep), for convergence plots. */
  deltas: number[];
  /** True when the last sweep changed no value by more than `theta` (and, for policy iteration, the policy was stable). */
  converged: boolean;
}

/** What {@link evaluatePolicy} returns. */
export interface PolicyEvaluationResult {
  /** The policy's state values `V[s]`. */
  V: Float64Array;
  /** Sweeps made. */
  iterations: number;
  /** The largest value change of every sweep. */
  deltas: number[];
  /** True when the last sweep changed no value by more than `theta`. */
  converged: boolean;
}

/** A deterministic policy (an action per state) or a stochastic one (`policy[s][a]` = pi(a|s)). */
export type TabularPolicy = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** `Q(s, a)` from `V`: the expected reward plus the discounted value of non-terminal next states. */
function actionValue(model: CompiledMdp, V: ArrayLike<number>, gamma: number, state: number, action: number): number {
  const pair = state * model.nActions + action;
  let total = 0;
  for (let index = model.first[pair] as number, end = model.first[pair + 1] as number; index < end; index++) {
    const next = model.terminated[index] === 1 ? 0 : gamma * (V[model.nextState[index] as number] as number);
    total += (model.probability[index] as number) * ((model.reward[index] as number) + next);
  }
  return total;
}

/**
 * The first action whose value is within `tolerance` (relative, at least absolute) of the best:
 * numpy's `argmax` on values that agree to about `-log10(tolerance)` digits.
 */
function firstArgmax(values: ArrayLike<number>, tolerance = 0): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) {
    if ((values[index] as number) > (values[best] as number)) best = index;
  }
  if (tolerance === 0) return best;
  const bar = (values[best] as number) - tolerance * Math.max(1, Math.abs(values[best] as number));
  for (let index = 0; index < best; index++) if ((values[index] as number) >= bar) return index;
  return best;
}

/** Options of the greedy step. */
export interface GreedyOptions {
  /**
   * Action values closer than this (relative to the best, at least absolute) count as ties, which
   * go to the first action like numpy's `argmax`. Value and policy iteration stop within `theta`
   * of the true values, so exact ties of the model come out a few ulps apart; the tolerance lets
   * both methods agree on them. Pass `0` for a bare argmax.
   * @defaultValue `1e-9`
   */
  tieTolerance?: number;
}

function tieToleranceOf(options: GreedyOptions): number {
  const { tieTolerance = 1e-9 } = options;
  if (typeof tieTolerance !== 'number' || !(tieTolerance >= 0) || !Number.isFinite(tieTolerance)) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'tieTolerance',
      message: `must be a finite number >= 0, got ${String(tieTolerance)}. Pass 0 for a bare argmax.`,
      value: tieTolerance,
    });
  }
  return tieTolerance;
}

function qTable(model: CompiledMdp, V: ArrayLike<number>, gamma: number): Float64Array[] {
  const Q: Float64Array[] = [];
  for (let state = 0; state < model.nStates; state++) {
    const row = new Float64Array(model.nActions);
    for (let action = 0; action < model.nActions; action++) row[action] = actionValue(model, V, gamma, state, action);
    Q.push(row);
  }
  return Q;
}

function checkValues(model: CompiledMdp, V: ArrayLike<number>): void {
  if (V.length !== model.nStates) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'V',
      message: `has ${V.length} values but the model has ${model.nStates} states. Pass one value per state.`,
    });
  }
}

/**
 * The action values of a value function: `Q[s][a] = sum over outcomes of p * (r + gamma * V[s'])`,
 * without the `V[s']` term for outcomes that end the episode.
 *
 * @param model - a {@link DiscreteMdp} or an env with `unwrapped.P`
 * @param V - one value per state
 * @param options - `gamma` (default 0.99)
 * @returns one row of action values per state
 * @throws {@link RlNotDiscreteError}, {@link RlInvalidMdpError} for a bad model; {@link TfkitOptionError} for a bad gamma or `V`
 * @example
 * ```ts
 * const Q = qFromValues(make('FrozenLake-v1'), valueIteration(env).V, { gamma: 0.99 });
 * Q[0]; // Float64Array(4)
 * ```
 */
export function qFromValues(
  model: PlanningModel,
  V: ArrayLike<number>,
  options: Pick<PlanningOptions, 'gamma'> = {},
): Float64Array[] {
  const { gamma } = resolvePlanningOptions(options);
  const compiled = compileMdp(model);
  checkValues(compiled, V);
  return qTable(compiled, V, gamma);
}

/**
 * The greedy policy of a value function: in each state, the action with the largest `Q[s][a]`
 * (see {@link qFromValues}); ties (within `tieTolerance`) go to the first such action, like numpy's `argmax`.
 *
 * @param model - a {@link DiscreteMdp} or an env with `unwrapped.P`
 * @param V - one value per state
 * @param options - `gamma` (default 0.99), `tieTolerance` (default 1e-9)
 * @returns an action per state
 * @throws {@link RlNotDiscreteError}, {@link RlInvalidMdpError} for a bad model; {@link TfkitOptionError} for a bad gamma or `V`
 * @example
 * ```ts
 * const policy = policyFromValues(env, V, { gamma: 0.99 }); // Int32Array(16)
 * ```
 */
export function policyFromValues(
  model: PlanningModel,
  V: ArrayLike<number>,
  options: Pick<PlanningOptions, 'gamma'> & GreedyOptions = {},
): Int32Array {
  const tolerance = tieToleranceOf(options);
  return Int32Array.from(qFromValues(model, V, options), (row) => firstArgmax(row, tolerance));
}

/**
 * Value iteration (Sutton & Barto 4.4, the book's pseudo-code): sweep the states, setting each
 * `V[s]` to its best action value (in place), until no value changes by more than `theta`; then
 * act greedily.
 *
 * @param model - a {@link DiscreteMdp} or an env with `unwrapped.P` (e.g. `make('FrozenLake-v1')`)
 * @param options - `gamma` (0.99), `theta` (1e-10), `maxIterations` (10,000 sweeps), `tieTolerance` (1e-9)
 * @returns `{ V, Q, policy, iterations, deltas, converged }`
 * @throws {@link RlNotDiscreteError} for an env without `Discrete` spaces or a model
 * @throws {@link RlInvalidMdpError} naming the state and action of a malformed model (probabilities not summing to 1, ...)
 * @throws {@link TfkitOptionError} for `gamma` outside [0, 1], a negative `theta` or a bad `maxIterations`
 * @example
 * ```ts
 * const { V, policy, iterations } = valueIteration(make('FrozenLake-v1'), { gamma: 0.99 });
 * policy[0]; // 0 (left): the slippery lake's safest first move
 * ```
 */
export function valueIteration(model: PlanningModel, options: PlanningOptions & GreedyOptions = {}): PlanningResult {
  const { gamma, theta, maxIterations } = resolvePlanningOptions(options);
  const tolerance = tieToleranceOf(options);
  const compiled = compileMdp(model);
  const { nStates, nActions } = compiled;
  const V = new Float64Array(nStates);
  const deltas: number[] = [];
  let converged = false;
  while (deltas.length < maxIterations) {
    let delta = 0;
    for (let state = 0; state < nStates; state++) {
      let best = Number.NEGATIVE_INFINITY;
      for (let action = 0; action < nActions; action++) {
        const value = actionValue(compiled, V, gamma, state, action);
        if (value > best) best = value;
      }
      const change = Math.abs(best - (V[state] as number));
      if (change > delta) delta = change;
      V[state] = best;
    }
    deltas.push(delta);
    if (delta <= theta) {
      converged = true;
      break;
    }
  }
  const Q = qTable(compiled, V, gamma);
  const policy = Int32Array.from(Q, (row) => firstArgmax(row, tolerance));
  return { V, Q, policy, iterations: deltas.length, deltas, converged };
}

function toDistribution(policy: TabularPolicy, model: CompiledMdp): (state: number, action: number) => number {
  if (policy.length !== model.nStates) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'policy',
      message: `has ${policy.length} entries but the model has ${model.nStates} states. Pass an action (or a distribution over actions) per state.`,
    });
  }
  const stochastic = typeof policy[0] === 'object';
  for (let state = 0; state < model.nStates; state++) {
    const entry = policy[state];
    const valid = stochastic
      ? typeof entry === 'object' && entry !== null && (entry as ArrayLike<number>).length === model.nActions
      : Number.isInteger(entry) && (entry as number) >= 0 && (entry as number) < model.nActions;
    if (!valid) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'policy',
        message: `entry ${state} is not ${stochastic ? `a distribution over ${model.nActions} actions` : `an action in [0, ${model.nActions})`}.`,
        value: entry,
      });
    }
  }
  if (stochastic)
    return (state, action) => ((policy as ArrayLike<ArrayLike<number>>)[state] as ArrayLike<number>)[action] as number;
  return (state, action) => ((policy as ArrayLike<number>)[state] === action ? 1 : 0);
}

function evaluateInPlace(
  compiled: CompiledMdp,
  probabilityOf: (state: number, action: number) => number,
  V: Float64Array,
  gamma: number,
  theta: number,
  maxSweeps: number,
  deltas: number[],
): { sweeps: number; converged: boolean } {
  for (let sweep = 1; sweep <= maxSweeps; sweep++) {
    let delta = 0;
    for (let state = 0; state < compiled.nStates; state++) {
      let value = 0;
      for (let action = 0; action < compiled.nActions; action++) {
        const weight = probabilityOf(state, action);
        if (weight !== 0) value += weight * actionValue(compiled, V, gamma, state, action);
      }
      const change = Math.abs(value - (V[state] as number));
      if (change > delta) delta = change;
      V[state] = value;
    }
    deltas.push(delta);
    if (delta <= theta) return { sweeps: sweep, converged: true };
  }
  return { sweeps: maxSweeps, converged: false };
}

/**
 * Iterative policy evaluation (Sutton & Barto 4.1): the state values of a fixed policy, by in-place
 * sweeps until no value changes by more than `theta`.
 *
 * @param model - a {@link DiscreteMdp} or an env with `unwrapped.P`
 * @param policy - an action per state, or `policy[s][a]` = probability of `a` in `s`
 * @param options - `gamma` (0.99), `theta` (1e-10), `maxIterations` (10,000 sweeps)
 * @returns `{ V, iterations, deltas, converged }`
 * @throws {@link RlNotDiscreteError}, {@link RlInvalidMdpError} for a bad model; {@link TfkitOptionError} for bad options or a policy of the wrong size
 * @example
 * ```ts
 * const uniform = Array.from({ length: 16 }, () => [0.25, 0.25, 0.25, 0.25]);
 * evaluatePolicy(make('FrozenLake-v1'), uniform, { gamma: 1 }).V[14]; // the random walk's success chance from state 14
 * ```
 */
export function evaluatePolicy(
  model: PlanningModel,
  policy: TabularPolicy,
  options: PlanningOptions = {},
): PolicyEvaluationResult {
  const { gamma, theta, maxIterations } = resolvePlanningOptions(options);
  const compiled = compileMdp(model);
  const V = new Float64Array(compiled.nStates);
  const deltas: number[] = [];
  const { sweeps, converged } = evaluateInPlace(
    compiled,
    toDistribution(policy, compiled),
    V,
    gamma,
    theta,
    maxIterations,
    deltas,
  );
  return { V, iterations: sweeps, deltas, converged };
}

/**
 * Policy iteration (Sutton & Barto 4.3, the book's pseudo-code): evaluate the current policy, make
 * it greedy with respect to its values, and repeat until the policy is stable. An action only
 * changes when another is better by more than 1e-12 (so equally good actions cannot flip for
 * ever); the returned policy is then the greedy policy of the final values, ties going to the
 * first action like {@link valueIteration}'s.
 *
 * @param model - a {@link DiscreteMdp} or an env with `unwrapped.P`
 * @param options - `gamma` (0.99), `theta` (1e-10, per evaluation), `maxIterations` (10,000: the
 *   most improvement rounds, and the most sweeps of each evaluation), `tieTolerance` (1e-9); `initialPolicy` (all 0)
 * @returns `{ V, Q, policy, iterations, deltas, converged }`; `deltas` holds every evaluation sweep's
 * @throws {@link RlNotDiscreteError}, {@link RlInvalidMdpError} for a bad model; {@link TfkitOptionError} for bad options
 * @example
 * ```ts
 * const planned = policyIteration(make('Taxi-v4'), { gamma: 0.99 });
 * planned.iterations; // a handful of improvement rounds
 * ```
 */
export function policyIteration(
  model: PlanningModel,
  options: PlanningOptions & GreedyOptions & { initialPolicy?: ArrayLike<number> } = {},
): PlanningResult {
  const { gamma, theta, maxIterations } = resolvePlanningOptions(options);
  const tolerance = tieToleranceOf(options);
  const compiled = compileMdp(model);
  const { nStates, nActions } = compiled;
  const policy = new Int32Array(nStates);
  if (options.initialPolicy !== undefined) {
    toDistribution(options.initialPolicy, compiled);
    policy.set(options.initialPolicy);
  }
  const probabilityOf = (state: number, action: number): number => (policy[state] === action ? 1 : 0);
  const V = new Float64Array(nStates);
  const deltas: number[] = [];
  const q = new Float64Array(nActions);
  let rounds = 0;
  let converged = false;
  while (rounds < maxIterations) {
    rounds++;
    const evaluation = evaluateInPlace(compiled, probabilityOf, V, gamma, theta, maxIterations, deltas);
    let stable = true;
    for (let state = 0; state < nStates; state++) {
      for (let action = 0; action < nActions; action++) q[action] = actionValue(compiled, V, gamma, state, action);
      const best = firstArgmax(q);
      const current = policy[state] as number;
      if ((q[best] as number) > (q[current] as number) + 1e-12 * Math.max(1, Math.abs(q[current] as number))) {
        policy[state] = best;
        stable = false;
      }
    }
    if (stable && evaluation.converged) {
      converged = true;
      break;
    }
  }
  const Q = qTable(compiled, V, gamma);
  return {
    V,
    Q,
    policy: Int32Array.from(Q, (row) => firstArgmax(row, tolerance)),
    iterations: rounds,
    deltas,
    converged,
  };
}
