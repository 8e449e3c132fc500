import { createRng, type Rng, TfkitOptionError } from '@tfkit/core';
import type { EnvMetadata, Info, ResetParams, RgbFrame } from '../core.js';
import { type KinematicsIntegrator, parseResetBounds } from '../envs/cart-pole.js';
import { renderCartPoleRgb } from '../envs/cart-pole-render.js';
import { InvalidActionError, RenderModeError, ResetNeededError } from '../errors.js';
import { warn } from '../logger.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { MultiDiscrete } from '../spaces/multi-discrete.js';
import type { AutoresetMode, VectorResetResult, VectorStepResult } from './vector-env.js';
import { VectorEnv } from './vector-env.js';

const packageName = '@tfkit/gym-lite';

/** Options of {@link CartPoleVectorEnv}. */
export interface CartPoleVectorOptions {
  /**
   * Number of sub-environments.
   * @defaultValue 1
   */
  numEnvs?: number;
  /**
   * Steps after which a sub-environment is truncated.
   * @defaultValue 500
   */
  maxEpisodeSteps?: number;
  /**
   * `'next-step'` (Gymnasium's `CartPoleVectorEnv`) or `'same-step'` (final observation in `info`).
   * @defaultValue 'next-step'
   */
  autoresetMode?: AutoresetMode;
  /**
   * Sutton & Barto reward: 0 per step, -1 on termination.
   * @defaultValue false
   */
  suttonBartoReward?: boolean;
  /**
   * `'rgb_array'` to render one frame per sub-environment.
   * @defaultValue undefined
   */
  renderMode?: 'rgb_array';
  /**
   * Seed of the generator (so that a first `reset()` without seed is reproducible).
   * @defaultValue undefined (entropy)
   */
  seed?: number;
  /**
   * Return copies of the result buffers instead of the reused buffers.
   * @defaultValue false
   */
  copy?: boolean;
}

const thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
const xThreshold = 2.4;

/** Whether every action is 0 or 1; integer typed arrays take a fast bitwise path. */
function areBinaryActions(actions: ArrayLike<number>, count: number): boolean {
  if (
    actions instanceof Int32Array ||
    actions instanceof Uint8Array ||
    actions instanceof Int8Array ||
    actions instanceof Uint16Array ||
    actions instanceof Int16Array ||
    actions instanceof Uint32Array
  ) {
    let bits = 0;
    for (let index = 0; index < count; index++) bits |= actions[index]!;
    return (bits & ~1) === 0;
  }
  for (let index = 0; index < count; index++) {
    const action = actions[index];
    if (action !== 0 && action !== 1) return false;
  }
  return true;
}

/**
 * `numEnvs` CartPoles in struct-of-arrays typed buffers (Gymnasium's `CartPoleVectorEnv`), with
 * next-step or same-step autoreset.
 *
 * @remarks
 * Each sub-environment follows exactly the single-env dynamics (same operations, same float64
 * state, same termination). Truncation comes from an internal step counter (`maxEpisodeSteps`).
 * Result buffers (`observations`, `rewards`, `terminations`, `truncations` and the same-step
 * `info` buffers) are allocated once and overwritten by the next `step`/`reset`; pass
 * `copy: true` or copy them yourself to keep them. `step` allocates nothing.
 *
 * Next-step mode: the step after a sub-environment ended resets it, ignoring its action; that
 * step reports its first observation with reward 0, `terminated` and `truncated` 0.
 * Same-step mode: a sub-environment that ends is reset within the same step; `observations`
 * holds the new episode's first observation, and `info.finalObservation` (rows where
 * `info.finalObservationMask` is 1) the last observation of the finished episode.
 * @example
 * ```ts
 * const envs = new CartPoleVectorEnv({ numEnvs: 4 });
 * const { observations } = envs.reset({ seed: 0 }); // Float32Array(16)
 * const { rewards, terminations } = envs.step([0, 1, 1, 0]);
 * ```
 */
export class CartPoleVectorEnv extends VectorEnv {
  /** Gravity (m/s^2). */
  gravity = 9.8;
  /** Cart mass (kg). */
  masscart = 1.0;
  /** Pole mass (kg). */
  masspole = 0.1;
  /** `masspole + masscart`. */
  totalMass = this.masspole + this.masscart;
  /** Half the pole's length (m). */
  length = 0.5;
  /** `masspole * length`. */
  polemassLength = this.masspole * this.length;
  /** Force magnitude (N). */
  forceMag = 10.0;
  /** Seconds between state updates. */
  tau = 0.02;
  /** Pole angle at which an episode terminates. */
  thetaThresholdRadians = thetaThresholdRadians;
  /** Cart position at which an episode terminates. */
  xThreshold = xThreshold;
  readonly numEnvs: number;
  /** Steps after which a sub-environment is truncated. */
  readonly maxEpisodeSteps: number;
  /** The autoreset mode. */
  readonly autoresetMode: AutoresetMode;
  readonly singleActionSpace = new Discrete(2);
  readonly singleObservationSpace: Box;
  readonly actionSpace: MultiDiscrete;
  readonly observationSpace: Box;
  readonly metadata: EnvMetadata;
  readonly renderMode: 'rgb_array' | undefined;
  rng: Rng;
  /** Cart positions (float64), one per sub-environment. */
  readonly x: Float64Array;
  /** Cart velocities. */
  readonly xDot: Float64Array;
  /** Pole angles. */
  readonly theta: Float64Array;
  /** Pole angular velocities. */
  readonly thetaDot: Float64Array;
  /** Steps of each sub-environment's current episode. */
  readonly steps: Int32Array;
  readonly #suttonBartoReward: boolean;
  readonly #copy: boolean;
  readonly #previousDone: Uint8Array;
  readonly #resetIndices: Int32Array;
  readonly #cosines: Float64Array;
  readonly #sines: Float64Array;
  readonly #observations: Float32Array;
  readonly #rewards: Float32Array;
  readonly #terminations: Uint8Array;
  readonly #truncations: Uint8Array;
  readonly #finalObservation: Float32Array;
  readonly #finalObservationMask: Uint8Array;
  readonly #info: Info;
  readonly #result: VectorStepResult;
  #kinematicsIntegrator: KinematicsIntegrator = 'euler';
  #low = -0.05;
  #high = 0.05;
  #hasReset = false;

  /**
   * @param options - see {@link CartPoleVectorOptions}
   * @throws {@link TfkitOptionError} for a bad `numEnvs`, `maxEpisodeSteps`, `autoresetMode` or unknown option
   * @throws {@link RenderModeError} for a render mode other than `'rgb_array'`
   */
  constructor(options: CartPoleVectorOptions = {}) {
    super();
    const known = ['numEnvs', 'maxEpisodeSteps', 'autoresetMode', 'suttonBartoReward', 'renderMode', 'seed', 'copy'];
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) {
        throw new TfkitOptionError({
          package: packageName,
          option: 'options',
          message: `CartPoleVectorEnv has no option '${key}'. Its options are ${known.join(', ')}.`,
          value: key,
        });
      }
    }
    const numEnvs = options.numEnvs ?? 1;
    if (!Number.isSafeInteger(numEnvs) || numEnvs <= 0) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'numEnvs',
        message: `numEnvs must be a positive integer, got ${String(numEnvs)}.`,
        value: numEnvs,
      });
    }
    const maxEpisodeSteps = options.maxEpisodeSteps ?? 500;
    if (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'maxEpisodeSteps',
        message: `maxEpisodeSteps must be a positive integer, got ${String(maxEpisodeSteps)}.`,
        value: maxEpisodeSteps,
      });
    }
    const autoresetMode = options.autoresetMode ?? 'next-step';
    if (autoresetMode !== 'next-step' && autoresetMode !== 'same-step') {
      throw new TfkitOptionError({
        package: packageName,
        option: 'autoresetMode',
        message: `autoresetMode must be 'next-step' or 'same-step', got ${String(autoresetMode)}.`,
        value: autoresetMode,
      });
    }
    if (options.renderMode !== undefined && options.renderMode !== 'rgb_array') {
      throw new RenderModeError({
        message: `CartPoleVectorEnv renders only 'rgb_array', got '${String(options.renderMode)}'.`,
      });
    }
    this.numEnvs = numEnvs;
    this.maxEpisodeSteps = maxEpisodeSteps;
    this.autoresetMode = autoresetMode;
    this.renderMode = options.renderMode;
    this.#suttonBartoReward = options.suttonBartoReward === true;
    this.#copy = options.copy === true;
    this.rng = createRng(options.seed);
    this.metadata = Object.freeze({ renderModes: Object.freeze(['rgb_array']), renderFps: 50, autoresetMode });
    const high = [xThreshold * 2, Number.POSITIVE_INFINITY, thetaThresholdRadians * 2, Number.POSITIVE_INFINITY];
    const low = high.map((value) => -value);
    this.singleObservationSpace = new Box(low, high, [4], 'float32');
    this.observationSpace = new Box(
      Array.from({ length: numEnvs }, () => low).flat(),
      Array.from({ length: numEnvs }, () => high).flat(),
      [numEnvs, 4],
      'float32',
    );
    this.actionSpace = new MultiDiscrete(new Array<number>(numEnvs).fill(2));
    this.x = new Float64Array(numEnvs);
    this.xDot = new Float64Array(numEnvs);
    this.theta = new Float64Array(numEnvs);
    this.thetaDot = new Float64Array(numEnvs);
    this.steps = new Int32Array(numEnvs);
    this.#previousDone = new Uint8Array(numEnvs);
    this.#resetIndices = new Int32Array(numEnvs);
    this.#cosines = new Float64Array(numEnvs);
    this.#sines = new Float64Array(numEnvs);
    this.#observations = new Float32Array(numEnvs * 4);
    this.#rewards = new Float32Array(numEnvs);
    this.#terminations = new Uint8Array(numEnvs);
    this.#truncations = new Uint8Array(numEnvs);
    this.#finalObservation = new Float32Array(autoresetMode === 'same-step' ? numEnvs * 4 : 0);
    this.#finalObservationMask = new Uint8Array(autoresetMode === 'same-step' ? numEnvs : 0);
    this.#info =
      autoresetMode === 'same-step'
        ? { finalObservation: this.#finalObservation, finalObservationMask: this.#finalObservationMask }
        : {};
    this.#result = {
      observations: this.#observations,
      rewards: this.#rewards,
      terminations: this.#terminations,
      truncations: this.#truncations,
      info: this.#info,
    };
  }

  /** Whether the Sutton & Barto reward is used. */
  get suttonBartoReward(): boolean {
    return this.#suttonBartoReward;
  }

  /** `'euler'` (default) or `'semi-implicit euler'`, for every sub-environment; may be changed at any time. */
  get kinematicsIntegrator(): KinematicsIntegrator {
    return this.#kinematicsIntegrator;
  }
  set kinematicsIntegrator(value: KinematicsIntegrator) {
    if (value !== 'euler' && value !== 'semi-implicit euler') {
      throw new TfkitOptionError({
        package: packageName,
        option: 'kinematicsIntegrator',
        message: `kinematicsIntegrator must be 'euler' or 'semi-implicit euler', got ${String(value)}.`,
        value: value,
      });
    }
    this.#kinematicsIntegrator = value;
  }

  /**
   * Draws every sub-environment's state uniformly from `(low, high)`.
   *
   * @param params - `seed` re-seeds {@link CartPoleVectorEnv.rng}; `options.low`/`options.high` set the
   *   bounds, also used by later autoresets
   * @returns the observations (`numEnvs * 4`) and `{}`
   * @throws {@link TfkitOptionError} for bad bounds or seed
   */
  reset(params: ResetParams = {}): VectorResetResult {
    if (params.seed !== undefined && params.seed !== null) this.rng = createRng(params.seed);
    const { low, high } = parseResetBounds(params.options, -0.05, 0.05);
    this.#low = low;
    this.#high = high;
    const count = this.numEnvs;
    for (let index = 0; index < count; index++) this.#resetIndices[index] = index;
    this.#drawStates(count);
    this.steps.fill(0);
    this.#previousDone.fill(0);
    this.#finalObservationMask.fill(0);
    this.#finalObservation.fill(0);
    this.#hasReset = true;
    return { observations: this.#copy ? this.#observations.slice() : this.#observations, info: {} };
  }

  /**
   * Gymnasium's `uniform(low, high, size=(4, k))` for the `count` sub-environments listed in
   * `#resetIndices`: row-major (all x, then all xDot, ...), then their observations.
   */
  #drawStates(count: number): void {
    const rng = this.rng;
    const low = this.#low;
    const high = this.#high;
    const indices = this.#resetIndices;
    const observations = this.#observations;
    const rows = [this.x, this.xDot, this.theta, this.thetaDot] as const;
    for (let variable = 0; variable < 4; variable++) {
      const row = rows[variable]!;
      for (let position = 0; position < count; position++) {
        const index = indices[position]!;
        const value = rng.uniform(low, high);
        row[index] = value;
        observations[index * 4 + variable] = value;
      }
    }
  }

  /**
   * Steps every sub-environment with its action, then autoresets as the mode says.
   *
   * @param actions - `numEnvs` actions, each 0 or 1 (`Int32Array`, `Uint8Array` or `number[]`)
   * @returns the result buffers (reused across steps unless `copy: true`)
   * @throws {@link InvalidActionError} when an action is not 0 or 1 or the length is wrong (nothing is stepped)
   * @throws {@link ResetNeededError} before the first `reset`
   */
  step(actions: ArrayLike<number>): VectorStepResult {
    const count = this.numEnvs;
    if (!this.#hasReset) throw new ResetNeededError({ message: 'Cannot call step() on a vector env before reset().' });
    if (actions === null || typeof actions !== 'object' || actions.length !== count) {
      throw new InvalidActionError({
        action: actions,
        space: `${this.actionSpace} (one 0/1 action per sub-environment)`,
      });
    }
    if (!areBinaryActions(actions, count)) {
      for (let index = 0; index < count; index++) {
        const action = actions[index];
        if (action !== 0 && action !== 1) {
          throw new InvalidActionError({ action, space: `Discrete(2) (sub-environment ${index})` });
        }
      }
    }
    const sameStep = this.autoresetMode === 'same-step';
    const xs = this.x;
    const xDots = this.xDot;
    const thetas = this.theta;
    const thetaDots = this.thetaDot;
    const steps = this.steps;
    const previousDone = this.#previousDone;
    const resetIndices = this.#resetIndices;
    const observations = this.#observations;
    const rewards = this.#rewards;
    const terminations = this.#terminations;
    const truncations = this.#truncations;
    const finalObservation = this.#finalObservation;
    const finalMask = this.#finalObservationMask;
    const gravity = this.gravity;
    const masspole = this.masspole;
    const totalMass = this.totalMass;
    const length = this.length;
    const polemassLength = this.polemassLength;
    const forceMag = this.forceMag;
    const tau = this.tau;
    const xLimit = this.xThreshold;
    const thetaLimit = this.thetaThresholdRadians;
    const euler = this.kinematicsIntegrator === 'euler';
    const maxSteps = this.maxEpisodeSteps;
    const runningReward = this.#suttonBartoReward ? 0 : 1;
    const terminalReward = this.#suttonBartoReward ? -1 : 1;
    if (sameStep) finalMask.fill(0);
    // Trigonometry in its own pass: a loop without calls keeps every constant in a register.
    const cosines = this.#cosines;
    const sines = this.#sines;
    for (let index = 0; index < count; index++) {
      const theta = thetas[index]!;
      cosines[index] = Math.cos(theta);
      sines[index] = Math.sin(theta);
    }
    let resetCount = 0;
    for (let index = 0; index < count; index++) {
      if (previousDone[index] === 1) {
        resetIndices[resetCount++] = index;
        continue;
      }
      let x = xs[index]!;
      let xDot = xDots[index]!;
      let theta = thetas[index]!;
      let thetaDot = thetaDots[index]!;
      const force = actions[index] === 1 ? forceMag : -forceMag;
      const costheta = cosines[index]!;
      const sintheta = sines[index]!;
      const temp = (force + polemassLength * (thetaDot * thetaDot) * sintheta) / totalMass;
      const thetaacc =
        (gravity * sintheta - costheta * temp) /
        (length * (4.0 / 3.0 - (masspole * (costheta * costheta)) / totalMass));
      const xacc = temp - (polemassLength * thetaacc * costheta) / totalMass;
      if (euler) {
        x = x + tau * xDot;
        xDot = xDot + tau * xacc;
        theta = theta + tau * thetaDot;
        thetaDot = thetaDot + tau * thetaacc;
      } else {
        xDot = xDot + tau * xacc;
        x = x + tau * xDot;
        thetaDot = thetaDot + tau * thetaacc;
        theta = theta + tau * thetaDot;
      }
      xs[index] = x;
      xDots[index] = xDot;
      thetas[index] = theta;
      thetaDots[index] = thetaDot;
      const terminated = x < -xLimit || x > xLimit || theta < -thetaLimit || theta > thetaLimit;
      const stepCount = steps[index]! + 1;
      steps[index] = stepCount;
      const truncated = stepCount >= maxSteps;
      terminations[index] = terminated ? 1 : 0;
      truncations[index] = truncated ? 1 : 0;
      rewards[index] = terminated ? terminalReward : runningReward;
      const offset = index * 4;
      if (terminated || truncated) {
        if (sameStep) {
          finalObservation[offset] = x;
          finalObservation[offset + 1] = xDot;
          finalObservation[offset + 2] = theta;
          finalObservation[offset + 3] = thetaDot;
          finalMask[index] = 1;
          resetIndices[resetCount++] = index;
          continue;
        }
        previousDone[index] = 1;
      }
      observations[offset] = x;
      observations[offset + 1] = xDot;
      observations[offset + 2] = theta;
      observations[offset + 3] = thetaDot;
    }
    if (resetCount > 0) {
      this.#drawStates(resetCount);
      for (let position = 0; position < resetCount; position++) {
        const index = resetIndices[position]!;
        steps[index] = 0;
        if (!sameStep) {
          rewards[index] = 0;
          terminations[index] = 0;
          truncations[index] = 0;
          previousDone[index] = 0;
        }
      }
    }
    if (this.#copy) {
      return {
        observations: observations.slice(),
        rewards: rewards.slice(),
        terminations: terminations.slice(),
        truncations: truncations.slice(),
        info: sameStep ? { finalObservation: finalObservation.slice(), finalObservationMask: finalMask.slice() } : {},
      };
    }
    return this.#result;
  }

  /**
   * @returns `'rgb_array'`: one 600x400 frame per sub-environment; otherwise `undefined` with a warning
   * @throws {@link ResetNeededError} before the first `reset`
   */
  override render(): RgbFrame[] | undefined {
    if (this.renderMode === undefined) {
      warn(
        "You are calling render method without specifying any render mode; pass renderMode: 'rgb_array' to makeVec().",
      );
      return undefined;
    }
    if (!this.#hasReset) throw new ResetNeededError({ message: "CartPoleVectorEnv's state is empty." });
    const frames: RgbFrame[] = [];
    for (let index = 0; index < this.numEnvs; index++) {
      const state = [this.x[index]!, this.xDot[index]!, this.theta[index]!, this.thetaDot[index]!];
      frames.push(renderCartPoleRgb(state, this.xThreshold, this.length));
    }
    return frames;
  }

  /** @returns `CartPoleVectorEnv(CartPole-v1, numEnvs=4)` like Gymnasium */
  override toString(): string {
    return `CartPoleVectorEnv(${this.spec?.id ?? 'CartPole'}, numEnvs=${this.numEnvs})`;
  }
}
