import { TfkitOptionError } from '@tfkit/core';
import type { EnvMetadata, ResetParams, ResetResult, RgbFrame, StepResult } from '../core.js';
import { Env } from '../core.js';
import { InvalidActionError, RenderModeError, ResetNeededError } from '../errors.js';
import { warn } from '../logger.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { renderCartPoleAnsi, renderCartPoleRgb } from './cart-pole-render.js';

const packageName = '@tfkit/gym-lite';

/** CartPole's integrators: Gymnasium's default `'euler'` or `'semi-implicit euler'`. */
export type KinematicsIntegrator = 'euler' | 'semi-implicit euler';

/** Render modes of CartPole (`'human'` needs a `humanRenderer`). */
export type CartPoleRenderMode = 'human' | 'rgb_array' | 'ansi';

/** Options of {@link CartPoleEnv} (Gymnasium's constructor keyword arguments, camelCase). */
export interface CartPoleOptions {
  /**
   * Reward 0 per non-terminating step and -1 on termination (Sutton & Barto's original).
   * @defaultValue false
   */
  suttonBartoReward?: boolean;
  /**
   * `'rgb_array'` (600x400 RGB frame), `'ansi'` (text) or `'human'` (needs `humanRenderer`).
   * @defaultValue undefined (no rendering)
   */
  renderMode?: CartPoleRenderMode;
  /**
   * Receives each frame in `'human'` mode (e.g. to draw on a canvas); required for `'human'`.
   * @defaultValue undefined
   */
  humanRenderer?: (frame: RgbFrame) => void;
}

/** Observation bound: `[2 * xThreshold, inf, 2 * thetaThreshold, inf]` as in Gymnasium. */
const thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
const observationHigh = [2.4 * 2, Number.POSITIVE_INFINITY, thetaThresholdRadians * 2, Number.POSITIVE_INFINITY];

const metadata: EnvMetadata = Object.freeze({
  renderModes: Object.freeze(['human', 'rgb_array', 'ansi']),
  renderFps: 50,
});

/**
 * The classic cart-pole (Barto, Sutton & Anderson), a faithful port of Gymnasium 1.4's `CartPoleEnv`.
 *
 * @remarks
 * Same constants, same order of floating-point operations (the fixtures from Gymnasium 1.4.0
 * replay bit for bit), termination decided on the float64 state with strict comparisons,
 * reward 1 on every step including the terminating one, one warning and reward 0 for steps
 * after termination. Each `step`/`reset` returns a fresh `Float32Array(4)` observation.
 * Constants are public fields like Gymnasium's attributes and may be changed.
 * @example
 * ```ts
 * const env = new CartPoleEnv();
 * const { observation } = env.reset({ seed: 42 });
 * const { reward, terminated } = env.step(1);
 * env.unwrapped.state = [0, 0, 0.1, 0]; // set the float64 state directly
 * ```
 */
export class CartPoleEnv extends Env<Float32Array, number> {
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
  /** Pole angle at which the episode terminates: `12 * 2 * pi / 360`. */
  thetaThresholdRadians = thetaThresholdRadians;
  /** Cart position at which the episode terminates. */
  xThreshold = 2.4;
  /** Frame width in pixels. */
  readonly screenWidth = 600;
  /** Frame height in pixels. */
  readonly screenHeight = 400;
  /** `Discrete(2)`: 0 pushes left, 1 pushes right. */
  readonly actionSpace = new Discrete(2);
  /** `Box([-4.8, -inf, -0.419, -inf], [4.8, inf, 0.419, inf], (4,), float32)`. */
  readonly observationSpace = new Box(
    observationHigh.map((value) => -value),
    observationHigh,
    [4],
    'float32',
  );
  /**
   * Steps taken since termination: `undefined` before termination, 0 on the terminating step.
   */
  stepsBeyondTerminated: number | undefined = undefined;
  readonly #suttonBartoReward: boolean;
  readonly #humanRenderer: ((frame: RgbFrame) => void) | undefined;
  #kinematicsIntegrator: KinematicsIntegrator = 'euler';
  #state: Float64Array | null = null;
  #frame: RgbFrame | undefined;

  /**
   * @param options - `suttonBartoReward`, `renderMode`, `humanRenderer`
   * @throws {@link RenderModeError} for an unknown render mode, or `'human'` without `humanRenderer`
   * @throws {@link TfkitOptionError} for an unknown option
   */
  constructor(options: CartPoleOptions = {}) {
    super();
    for (const key of Object.keys(options)) {
      if (key !== 'suttonBartoReward' && key !== 'renderMode' && key !== 'humanRenderer') {
        throw new TfkitOptionError({
          package: packageName,
          option: 'options',
          message:
            `CartPole has no option '${key}'. Its options are suttonBartoReward, renderMode and humanRenderer` +
            ' (make() also takes maxEpisodeSteps, disableEnvChecker, orderEnforce).',
          value: key,
        });
      }
    }
    this.metadata = metadata;
    const renderMode = options.renderMode;
    if (renderMode !== undefined && !metadata.renderModes.includes(renderMode)) {
      throw new RenderModeError({
        message: `CartPole has no render mode '${String(renderMode)}'. Use one of ${metadata.renderModes.join(', ')}.`,
      });
    }
    if (renderMode === 'human' && typeof options.humanRenderer !== 'function') {
      throw new RenderModeError({
        message:
          "renderMode 'human' needs a display, which gym-lite does not open. Pass humanRenderer: (frame) => ... " +
          "(e.g. draw frame.data on a canvas), or use renderMode 'rgb_array' and display the frames yourself.",
      });
    }
    this.renderMode = renderMode;
    this.#suttonBartoReward = options.suttonBartoReward === true;
    this.#humanRenderer = options.humanRenderer;
  }

  /** Whether the Sutton & Barto reward is used. */
  get suttonBartoReward(): boolean {
    return this.#suttonBartoReward;
  }

  /** `'euler'` (default) or `'semi-implicit euler'`; may be changed at any time like Gymnasium's attribute. */
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
   * The float64 state `[x, xDot, theta, thetaDot]`, `null` before the first reset.
   *
   * @remarks
   * The getter returns the live array (writes to it change the env); the setter copies any
   * array-like of four numbers (Gymnasium: `env.unwrapped.state = np.array(...)`).
   */
  get state(): Float64Array | null {
    return this.#state;
  }
  set state(value: ArrayLike<number> | null) {
    if (value === null) {
      this.#state = null;
      return;
    }
    if (value.length !== 4) {
      throw new TfkitOptionError({
        package: packageName,
        option: 'state',
        message: `CartPole state needs 4 numbers [x, xDot, theta, thetaDot], got ${value.length}.`,
        value: value,
      });
    }
    this.#state = Float64Array.from(value);
  }

  /**
   * Applies a push and integrates one `tau` step.
   *
   * @param action - 0 (push left) or 1 (push right)
   * @returns the new observation (a fresh `Float32Array`), reward, terminated, `truncated: false`, `{}`
   * @throws {@link InvalidActionError} when `action` is not 0 or 1 (NaN, 2, -1, 0.5, strings, ...)
   * @throws {@link ResetNeededError} before the first `reset`
   */
  step(action: number): StepResult<Float32Array> {
    if (action !== 0 && action !== 1) throw new InvalidActionError({ action, space: this.actionSpace.toString() });
    const state = this.#state;
    if (state === null) throw new ResetNeededError({ message: 'Cannot call step() before reset().' });
    let x = state[0]!;
    let xDot = state[1]!;
    let theta = state[2]!;
    let thetaDot = state[3]!;
    const force = action === 1 ? this.forceMag : -this.forceMag;
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    const temp = (force + this.polemassLength * (thetaDot * thetaDot) * sintheta) / this.totalMass;
    const thetaacc =
      (this.gravity * sintheta - costheta * temp) /
      (this.length * (4.0 / 3.0 - (this.masspole * (costheta * costheta)) / this.totalMass));
    const xacc = temp - (this.polemassLength * thetaacc * costheta) / this.totalMass;
    if (this.#kinematicsIntegrator === 'euler') {
      x = x + this.tau * xDot;
      xDot = xDot + this.tau * xacc;
      theta = theta + this.tau * thetaDot;
      thetaDot = thetaDot + this.tau * thetaacc;
    } else {
      xDot = xDot + this.tau * xacc;
      x = x + this.tau * xDot;
      thetaDot = thetaDot + this.tau * thetaacc;
      theta = theta + this.tau * thetaDot;
    }
    state[0] = x;
    state[1] = xDot;
    state[2] = theta;
    state[3] = thetaDot;
    const terminated =
      x < -this.xThreshold ||
      x > this.xThreshold ||
      theta < -this.thetaThresholdRadians ||
      theta > this.thetaThresholdRadians;
    let reward: number;
    if (!terminated) {
      reward = this.#suttonBartoReward ? 0.0 : 1.0;
    } else if (this.stepsBeyondTerminated === undefined) {
      this.stepsBeyondTerminated = 0;
      reward = this.#suttonBartoReward ? -1.0 : 1.0;
    } else {
      if (this.stepsBeyondTerminated === 0) {
        warn(
          "You are calling 'step()' even though this environment has already returned terminated = true. " +
            "You should always call 'reset()' once you receive 'terminated = true' -- any further steps are undefined behavior.",
        );
      }
      this.stepsBeyondTerminated += 1;
      reward = this.#suttonBartoReward ? -1.0 : 0.0;
    }
    if (this.renderMode === 'human') this.render();
    const observation = new Float32Array(4);
    observation[0] = x;
    observation[1] = xDot;
    observation[2] = theta;
    observation[3] = thetaDot;
    return { observation, reward, terminated, truncated: false, info: {} };
  }

  /**
   * Draws a new state uniformly from `(low, high)` for each of the four variables.
   *
   * @param params - `seed` re-seeds {@link Env.rng}; `options.low`/`options.high` change the bounds
   * @returns the first observation (a fresh `Float32Array`) and `{}`
   * @throws {@link TfkitOptionError} when `low`/`high` are not numbers or `low > high`, or for a bad seed
   * @defaultValue options `{ low: -0.05, high: 0.05 }`
   */
  reset(params: ResetParams = {}): ResetResult<Float32Array> {
    this.reseed(params.seed);
    const { low, high } = parseResetBounds(params.options, -0.05, 0.05);
    const rng = this.rng;
    const state = new Float64Array(4);
    for (let index = 0; index < 4; index++) state[index] = rng.uniform(low, high);
    this.#state = state;
    this.stepsBeyondTerminated = undefined;
    if (this.renderMode === 'human') this.render();
    return { observation: Float32Array.from(state), info: {} };
  }

  /**
   * Renders the current state.
   *
   * @returns `'rgb_array'`: a 600x400 RGB frame (a new one each call); `'ansi'`: a text picture;
   *   `'human'`: `undefined` after passing the frame to `humanRenderer`; no mode: `undefined` and a warning
   */
  override render(): RgbFrame | string | undefined {
    const mode = this.renderMode;
    if (mode === undefined) {
      warn(
        'You are calling render method without specifying any render mode. ' +
          `You can specify the renderMode at initialization, e.g. make('${this.spec?.id ?? 'CartPole-v1'}', { renderMode: 'rgb_array' })`,
      );
      return undefined;
    }
    const state = this.#state;
    if (state === null) return undefined;
    if (mode === 'ansi') return renderCartPoleAnsi(state, this.xThreshold, this.thetaThresholdRadians);
    if (mode === 'human') {
      this.#frame = renderCartPoleRgb(state, this.xThreshold, this.length, this.#frame);
      this.#humanRenderer?.(this.#frame);
      return undefined;
    }
    return renderCartPoleRgb(state, this.xThreshold, this.length);
  }
}

/**
 * Gymnasium's `maybe_parse_reset_bounds`: `options.low`/`options.high` override the defaults.
 *
 * @internal
 */
export function parseResetBounds(
  options: Record<string, unknown> | undefined,
  defaultLow: number,
  defaultHigh: number,
): { low: number; high: number } {
  if (options === undefined || options === null) return { low: defaultLow, high: defaultHigh };
  const low = 'low' in options ? options['low'] : defaultLow;
  const high = 'high' in options ? options['high'] : defaultHigh;
  if (typeof low !== 'number' || Number.isNaN(low)) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'low',
      message: `Reset option low (${String(low)}) must be a number.`,
      value: low,
    });
  }
  if (typeof high !== 'number' || Number.isNaN(high)) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'high',
      message: `Reset option high (${String(high)}) must be a number.`,
      value: high,
    });
  }
  if (low > high) {
    throw new TfkitOptionError({
      package: packageName,
      option: 'low',
      message: `Lower bound (${low}) must be lower than higher bound (${high}).`,
    });
  }
  return { low, high };
}
