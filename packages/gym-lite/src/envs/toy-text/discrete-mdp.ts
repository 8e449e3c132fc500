import { describeValue } from '@tfkit/core';
import type { EnvMetadata, ResetParams, ResetResult, StepResult } from '../../core.js';
import { Env } from '../../core.js';
import { Discrete } from '../../spaces/discrete.js';
import { assertKnownOptions, invalidAction, optionError, resetNeeded } from './options.js';

/** One outcome of taking an action: Gymnasium's (probability, next_state, reward, terminated). */
export type MdpTransition = readonly [probability: number, nextState: number, reward: number, terminated: boolean];

/** A finite MDP: P[s][a] lists the outcomes of action a in state s, in Gymnasium's order. */
export interface DiscreteMdp {
  readonly nStates: number;
  readonly nActions: number;
  readonly P: ReadonlyArray<ReadonlyArray<ReadonlyArray<MdpTransition>>>;
}

/** What the toy-text environments put in `info`: Gymnasium's `{"prob": p}`. */
export interface TransitionInfo {
  /** The probability of the outcome that happened (1 after `reset`). */
  prob: number;
  /** Further entries (Taxi: `action_mask`). */
  [key: string]: unknown;
}

/** Options of {@link DiscreteMdpEnv}. */
export interface DiscreteMdpEnvOptions {
  /** The model to simulate: any {@link DiscreteMdp}, e.g. one you wrote yourself. */
  mdp: DiscreteMdp;
  /**
   * The probability of starting in each state (length `nStates`).
   * @defaultValue all mass on state 0
   */
  initialStateDistribution?: ArrayLike<number>;
}

const metadata: EnvMetadata = Object.freeze({ renderModes: Object.freeze([]) });

/**
 * Simulates a finite MDP by sampling its transition table, like Gymnasium's toy-text envs
 * (FrozenLake, CliffWalking and Taxi extend it).
 *
 * @remarks
 * `P` is copied and frozen at construction, and compiled to flat typed arrays so that `step` does
 * not allocate besides its result. Sampling follows Gymnasium's `categorical_sample`: one
 * `rng.random()` draw `u` per `step` (and per `reset`), and the first outcome whose running sum
 * of probabilities exceeds `u` (outcome 0 when none does, like numpy's `argmax` of all-false).
 * The probabilities are not checked to sum to 1 (Gymnasium does not either). The bit stream is
 * not numpy's, so the same seed gives other samples than Python; the distributions are the same.
 * @example
 * ```ts
 * const coin: DiscreteMdp = {
 *   nStates: 2,
 *   nActions: 1,
 *   P: [[[[0.5, 0, 0, false], [0.5, 1, 1, true]]], [[[1, 1, 0, true]]]],
 * };
 * const env = new DiscreteMdpEnv({ mdp: coin });
 * env.reset({ seed: 0 }); // { observation: 0, info: { prob: 1 } }
 * env.step(0);            // observation 0 or 1, info.prob 0.5
 * ```
 */
export class DiscreteMdpEnv extends Env<number, number> implements DiscreteMdp {
  /** Number of states. */
  readonly nStates: number;
  /** Number of actions. */
  readonly nActions: number;
  /** The model: `P[s][a]` lists `[probability, nextState, reward, terminated]` in Gymnasium's order (frozen). */
  readonly P: ReadonlyArray<ReadonlyArray<ReadonlyArray<MdpTransition>>>;
  /** The initial state distribution (Gymnasium's `initial_state_distrib`); do not modify. */
  readonly initialStateDistribution: Float64Array;
  /** `Discrete(nActions)`. */
  readonly actionSpace: Discrete;
  /** `Discrete(nStates)`. */
  readonly observationSpace: Discrete;
  /** The last action taken (Gymnasium's `lastaction`); `undefined` after `reset`. */
  lastAction: number | undefined = undefined;
  /** @internal Outcome `k` of `(s, a)` is at `first[s * nActions + a] + k`. */
  protected readonly first: Int32Array;
  /** @internal Running sums of the probabilities within each `(s, a)`. */
  protected readonly cumulative: Float64Array;
  /** @internal */
  protected readonly probability: Float64Array;
  /** @internal */
  protected readonly nextState: Int32Array;
  /** @internal */
  protected readonly reward: Float64Array;
  /** @internal */
  protected readonly terminal: Uint8Array;
  readonly #initialCumulative: Float64Array;
  #state = -1;

  /**
   * @param options - `mdp` and `initialStateDistribution`
   * @throws {@link TfkitOptionError} when the model is malformed (sizes, a next state out of range,
   *   a probability that is not a finite number) or the initial distribution has the wrong length
   */
  constructor(options: DiscreteMdpEnvOptions) {
    super();
    assertKnownOptions('DiscreteMdpEnv', options, ['mdp', 'initialStateDistribution']);
    const mdp = options.mdp;
    if (mdp === null || typeof mdp !== 'object') {
      throw optionError('mdp', `must be a DiscreteMdp { nStates, nActions, P }, got ${describeValue(mdp)}.`, mdp);
    }
    const { nStates, nActions, P } = mdp;
    if (!Number.isSafeInteger(nStates) || nStates <= 0 || !Number.isSafeInteger(nActions) || nActions <= 0) {
      throw optionError(
        'mdp',
        `nStates and nActions must be positive integers, got ${describeValue(nStates)} and ${describeValue(nActions)}.`,
      );
    }
    if (!Array.isArray(P) || P.length !== nStates) {
      throw optionError(
        'mdp',
        `P must be an array of nStates (${nStates}) arrays of nActions (${nActions}) outcome lists.`,
      );
    }
    let count = 0;
    for (let state = 0; state < nStates; state++) {
      const row = P[state];
      if (!Array.isArray(row) || row.length !== nActions) {
        throw optionError('mdp', `P[${state}] must list the outcomes of each of the ${nActions} actions.`);
      }
      for (let action = 0; action < nActions; action++) {
        const outcomes = row[action];
        if (!Array.isArray(outcomes) || outcomes.length === 0) {
          throw optionError('mdp', `P[${state}][${action}] must be a non-empty array of outcomes.`);
        }
        count += outcomes.length;
      }
    }
    this.nStates = nStates;
    this.nActions = nActions;
    this.first = new Int32Array(nStates * nActions + 1);
    this.cumulative = new Float64Array(count);
    this.probability = new Float64Array(count);
    this.nextState = new Int32Array(count);
    this.reward = new Float64Array(count);
    this.terminal = new Uint8Array(count);
    const frozen: MdpTransition[][][] = [];
    let index = 0;
    for (let state = 0; state < nStates; state++) {
      const frozenRow: MdpTransition[][] = [];
      for (let action = 0; action < nActions; action++) {
        this.first[state * nActions + action] = index;
        let sum = 0;
        const frozenOutcomes: MdpTransition[] = [];
        for (const outcome of P[state]![action]!) {
          const [probability, next, reward, terminated] = outcome;
          if (typeof probability !== 'number' || !Number.isFinite(probability) || probability < 0) {
            throw optionError(
              'mdp',
              `P[${state}][${action}] has probability ${describeValue(probability)}; use finite numbers >= 0.`,
            );
          }
          if (!Number.isSafeInteger(next) || next < 0 || next >= nStates) {
            throw optionError(
              'mdp',
              `P[${state}][${action}] leads to state ${describeValue(next)}, outside [0, ${nStates}).`,
            );
          }
          if (typeof reward !== 'number' || Number.isNaN(reward)) {
            throw optionError('mdp', `P[${state}][${action}] has reward ${describeValue(reward)}; use numbers.`);
          }
          sum += probability;
          this.cumulative[index] = sum;
          this.probability[index] = probability;
          this.nextState[index] = next;
          this.reward[index] = reward;
          this.terminal[index] = terminated ? 1 : 0;
          frozenOutcomes.push(Object.freeze([probability, next, reward, terminated === true] as const));
          index++;
        }
        frozenRow.push(Object.freeze(frozenOutcomes) as MdpTransition[]);
      }
      frozen.push(Object.freeze(frozenRow) as MdpTransition[][]);
    }
    this.first[nStates * nActions] = index;
    this.P = Object.freeze(frozen);
    const initial = options.initialStateDistribution;
    if (initial === undefined) {
      this.initialStateDistribution = new Float64Array(nStates);
      this.initialStateDistribution[0] = 1;
    } else {
      if (initial === null || typeof initial !== 'object' || initial.length !== nStates) {
        throw optionError(
          'initialStateDistribution',
          `must hold one probability per state (${nStates}), got ${describeValue(initial)}.`,
        );
      }
      this.initialStateDistribution = Float64Array.from(initial);
    }
    this.#initialCumulative = new Float64Array(nStates);
    let sum = 0;
    for (let state = 0; state < nStates; state++) {
      sum += this.initialStateDistribution[state]!;
      this.#initialCumulative[state] = sum;
    }
    this.actionSpace = new Discrete(nActions);
    this.observationSpace = new Discrete(nStates);
    this.metadata = metadata;
  }

  /**
   * The current state (Gymnasium's `s`), -1 before the first `reset`.
   *
   * @remarks
   * Assigning it moves the agent (Gymnasium: `env.unwrapped.s = 5`), e.g. to render or replay a state.
   * @throws {@link TfkitOptionError} when set to something that is not a state
   */
  get state(): number {
    return this.#state;
  }
  set state(value: number) {
    if (!Number.isSafeInteger(value) || value < 0 || value >= this.nStates) {
      throw optionError('state', `must be an integer in [0, ${this.nStates}), got ${describeValue(value)}.`, value);
    }
    this.#state = value;
  }

  /**
   * Starts an episode in a state drawn from {@link DiscreteMdpEnv.initialStateDistribution}.
   *
   * @param params - `seed` re-seeds {@link Env.rng}; no options are read
   * @returns the state and `{ prob: 1 }`
   * @throws {@link TfkitOptionError} for a bad seed
   */
  reset(params: ResetParams = {}): ResetResult<number> {
    this.reseed(params.seed);
    this.#state = sampleIndex(this.#initialCumulative, 0, this.nStates, this.rng.random());
    this.lastAction = undefined;
    if (this.renderMode === 'human') this.render();
    return { observation: this.#state, info: this.resetInfo() };
  }

  /**
   * Samples one outcome of `P[state][action]` and moves there.
   *
   * @param action - an integer in `[0, nActions)`
   * @returns the next state, the reward, `terminated`, `truncated: false` and `{ prob }`
   * @throws {@link InvalidActionError} when `action` is not in the action space
   * @throws {@link ResetNeededError} before the first `reset`
   */
  step(action: number): StepResult<number> {
    const outcome = this.sampleOutcome(action);
    const next = this.nextState[outcome]!;
    this.#state = next;
    this.lastAction = action;
    if (this.renderMode === 'human') this.render();
    return {
      observation: next,
      reward: this.reward[outcome]!,
      terminated: this.terminal[outcome] === 1,
      truncated: false,
      info: { prob: this.probability[outcome]! },
    };
  }

  /** @internal Moves to a state known to be valid (no checks). */
  protected moveTo(state: number): void {
    this.#state = state;
  }

  /** @internal The info `reset` returns. */
  protected resetInfo(): TransitionInfo {
    return { prob: 1 };
  }

  /**
   * @internal Validates the action and draws the index of an outcome of `P[state][action]` (one `random()`).
   */
  protected sampleOutcome(action: number): number {
    const nActions = this.nActions;
    if (!(action >= 0 && action < nActions && (action | 0) === action)) {
      throw invalidAction(action, this.actionSpace.toString());
    }
    const state = this.#state;
    if (state < 0) throw resetNeeded('Cannot call step() before reset().');
    const key = state * nActions + action;
    return sampleIndex(this.cumulative, this.first[key]!, this.first[key + 1]!, this.rng.random());
  }
}

/**
 * Gymnasium's `categorical_sample` on precomputed running sums: the first index in
 * `[begin, end)` whose running sum exceeds `draw`, or `begin` when none does.
 *
 * @internal
 */
export function sampleIndex(cumulative: Float64Array, begin: number, end: number, draw: number): number {
  for (let index = begin; index < end; index++) if (cumulative[index]! > draw) return index;
  return begin;
}
