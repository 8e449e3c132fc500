import type { RenderFrame, ResetResult, StepResult } from './core.js';
import { Env } from './core.js';
import { EnvCheckError, RenderModeError } from './errors.js';
import { setWarningHandler, warn } from './logger.js';
import { Box } from './spaces/box.js';
import { Discrete } from './spaces/discrete.js';
import { MultiDiscrete } from './spaces/multi-discrete.js';
import { Space } from './spaces/space.js';

/** @internal Gymnasium's `check_space`: throws for a missing/invalid space, warns for odd bounds. */
export function checkSpace(space: unknown, kind: 'action' | 'observation'): void {
  if (!(space instanceof Space)) {
    throw new EnvCheckError({
      message: `The ${kind} space must be a Space from @tfkit/gym-lite (Discrete, Box, ...), got ${typeof space}. Set this.${kind}Space in the constructor.`,
    });
  }
  if (space instanceof Box) {
    let equal = false;
    let inverted = false;
    for (let index = 0; index < space.size; index++) {
      if (space.low[index] === space.high[index]) equal = true;
      if (space.high[index]! < space.low[index]!) inverted = true;
    }
    if (equal) warn(`A Box ${kind} space maximum and minimum values are equal.`);
    else if (inverted && kind === 'observation')
      warn('A Box observation space low value is greater than a high value.');
  } else if (space instanceof Discrete || space instanceof MultiDiscrete) {
    if (space.shape.length !== (space instanceof Discrete ? 0 : 1)) {
      throw new EnvCheckError({ message: `The ${kind} space has an unexpected shape [${space.shape.join(', ')}].` });
    }
  }
}

const typedArrayOf: Record<string, string> = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  int8: 'Int8Array',
  int16: 'Int16Array',
  int32: 'Int32Array',
  uint8: 'Uint8Array',
  uint16: 'Uint16Array',
  uint32: 'Uint32Array',
};

/** @internal Gymnasium's `check_obs`: warns when an observation has the wrong type or is outside the space. */
export function checkObservation(observation: unknown, space: Space<unknown>, method: string): void {
  const pre = `The observation returned by \`${method}()\``;
  if (space instanceof Discrete) {
    if (typeof observation !== 'number' || !Number.isInteger(observation)) {
      warn(`${pre} should be an integer number, actual type: ${typeof observation}`);
    }
  } else if (space instanceof Box) {
    const expected = typedArrayOf[space.dtype];
    if (!ArrayBuffer.isView(observation)) {
      warn(`${pre} was expecting a ${expected}, actual type: ${typeof observation}`);
    } else if (observation.constructor.name !== expected) {
      warn(`${pre} was expecting a ${expected}, actual type: ${observation.constructor.name}`);
    }
  }
  try {
    if (!space.contains(observation)) warn(`${pre} is not within the observation space.`);
  } catch (error) {
    warn(`${pre} is not within the observation space with exception: ${String(error)}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** @internal Gymnasium's `env_reset_passive_checker` on a reset result. */
export function checkResetResult<Obs>(result: unknown, space: Space<Obs>): ResetResult<Obs> {
  if (!isPlainObject(result) || !('observation' in result)) {
    throw new EnvCheckError({
      message:
        'reset() must return an object { observation, info }' +
        (Array.isArray(result) ? ' (not an array; wrap legacy envs yourself or return an object)' : '') +
        `, got ${Array.isArray(result) ? 'an array' : typeof result}.`,
    });
  }
  checkObservation(result['observation'], space as Space<unknown>, 'reset');
  if (!isPlainObject(result['info'])) {
    throw new EnvCheckError({
      message: `The info returned by reset() must be a plain object, got ${typeof result['info']}.`,
    });
  }
  return result as unknown as ResetResult<Obs>;
}

/** @internal Gymnasium's `env_step_passive_checker` on a step result. */
export function checkStepResult<Obs>(result: unknown, space: Space<Obs>): StepResult<Obs> {
  if (Array.isArray(result)) {
    throw new EnvCheckError({
      message:
        `step() must return an object { observation, reward, terminated, truncated, info }, got an array of ${result.length} ` +
        '(the old Gym API). Return the object form.',
    });
  }
  if (!isPlainObject(result)) {
    throw new EnvCheckError({ message: `step() must return an object, got ${typeof result}.` });
  }
  if (typeof result['terminated'] !== 'boolean') {
    warn(`Expects \`terminated\` signal to be a boolean, actual type: ${typeof result['terminated']}`);
  }
  if (typeof result['truncated'] !== 'boolean') {
    warn(`Expects \`truncated\` signal to be a boolean, actual type: ${typeof result['truncated']}`);
  }
  checkObservation(result['observation'], space as Space<unknown>, 'step');
  const reward = result['reward'];
  if (typeof reward !== 'number') {
    warn(`The reward returned by \`step()\` must be a number, actual type: ${typeof reward}`);
  } else if (Number.isNaN(reward)) {
    warn('The reward is a NaN value.');
  } else if (!Number.isFinite(reward)) {
    warn('The reward is an inf value.');
  }
  if (!isPlainObject(result['info'])) {
    throw new EnvCheckError({
      message: `The info returned by step() must be a plain object, got ${typeof result['info']}.`,
    });
  }
  return result as unknown as StepResult<Obs>;
}

/** @internal Gymnasium's `env_render_passive_checker`. */
export function checkRender(env: Env<unknown, unknown>): RenderFrame | undefined {
  const renderModes = env.metadata.renderModes as unknown;
  if (renderModes === undefined || renderModes === null) {
    warn(
      'No render modes was declared in the environment (env.metadata.renderModes), you may have trouble when calling render().',
    );
  } else if (!Array.isArray(renderModes)) {
    warn(`Expects the renderModes to be an array, actual type: ${typeof renderModes}`);
  } else {
    if (!renderModes.every((mode) => typeof mode === 'string')) warn('Expects all render modes to be strings.');
    const fps = env.metadata.renderFps;
    if (renderModes.length > 0) {
      if (fps === undefined) {
        warn(
          'No render fps was declared in the environment (env.metadata.renderFps), rendering may occur at inconsistent fps.',
        );
      } else if (typeof fps !== 'number') {
        warn(`Expects env.metadata.renderFps to be a number, actual type: ${typeof fps}`);
      } else if (!(fps > 0)) {
        throw new EnvCheckError({
          message: `Expects env.metadata.renderFps to be greater than zero, actual value: ${fps}`,
        });
      }
    }
    if (env.renderMode !== undefined && !renderModes.includes(env.renderMode)) {
      throw new EnvCheckError({
        message: `The environment was created with an unsupported render mode '${env.renderMode}'; modes: ${renderModes.join(', ')}.`,
      });
    }
  }
  const frame = env.render();
  const mode = env.renderMode;
  if (mode === 'human' && frame !== undefined) warn(`Human rendering should return undefined, got ${typeof frame}`);
  if (mode === 'rgb_array') {
    if (!isPlainObject(frame) || !(frame['data'] instanceof Uint8Array)) {
      warn('RGB-array rendering should return { data: Uint8Array, width, height }.');
    } else if (frame['data'].length !== (frame['width'] as number) * (frame['height'] as number) * 3) {
      warn('RGB-array rendering should return width * height * 3 bytes.');
    }
  }
  if (mode === 'ansi' && typeof frame !== 'string') warn(`ANSI rendering should produce a string, got ${typeof frame}`);
  return frame;
}

/** @internal Gymnasium's `data_equivalence`. */
export function dataEquivalence(first: unknown, second: unknown, exact = false): boolean {
  if (typeof first !== typeof second) return false;
  if (ArrayBuffer.isView(first) || ArrayBuffer.isView(second)) {
    if (!ArrayBuffer.isView(first) || !ArrayBuffer.isView(second)) return false;
    if (first.constructor !== second.constructor) return false;
    const a = first as unknown as ArrayLike<number>;
    const b = second as unknown as ArrayLike<number>;
    if (a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) {
      const x = a[index]!;
      const y = b[index]!;
      if (x === y || (Number.isNaN(x) && Number.isNaN(y) && !exact)) continue;
      if (exact || Math.abs(x - y) > 1e-5 + 1e-5 * Math.abs(y)) return false;
    }
    return true;
  }
  if (Array.isArray(first) || Array.isArray(second)) {
    if (!Array.isArray(first) || !Array.isArray(second) || first.length !== second.length) return false;
    return first.every((item, index) => dataEquivalence(item, second[index], exact));
  }
  if (isPlainObject(first) && isPlainObject(second)) {
    const keys = Object.keys(first);
    if (keys.length !== Object.keys(second).length) return false;
    return keys.every((key) => key in second && dataEquivalence(first[key], second[key], exact));
  }
  return Object.is(first, second) || first === second;
}

/** Options of {@link checkEnv}. */
export interface CheckEnvOptions {
  /**
   * Skip the render checks.
   * @defaultValue false
   */
  skipRenderCheck?: boolean;
  /**
   * Skip the double-close check.
   * @defaultValue false
   */
  skipCloseCheck?: boolean;
}

function fail(message: string, cause?: unknown): never {
  throw new EnvCheckError({ message, cause });
}

function sameState(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}

/**
 * Checks that an environment follows the Env contract (Gymnasium's `check_env`): spaces, reset
 * and step return values, seeding determinism, reset options, render modes and double close.
 *
 * @param env - the environment to check (preferably unwrapped)
 * @param options - `skipRenderCheck`, `skipCloseCheck`
 * @returns the warnings emitted during the check (they also reach the current warning handler)
 * @throws {@link EnvCheckError} at the first broken rule, with a message that says how to fix it
 * @example
 * ```ts
 * const { warnings } = checkEnv(new MyEnv());
 * ```
 */
export function checkEnv(env: Env<unknown, unknown>, options: CheckEnvOptions = {}): { warnings: string[] } {
  const warnings: string[] = [];
  const previous = setWarningHandler((message) => {
    warnings.push(message);
    previous(message);
  });
  try {
    runChecks(env, options);
  } finally {
    setWarningHandler(previous);
  }
  return { warnings };
}

function runChecks(env: Env<unknown, unknown>, options: CheckEnvOptions): void {
  if (!(env instanceof Env)) {
    fail(`The environment must extend Env from @tfkit/gym-lite, got ${typeof env}.`);
  }
  if (env.unwrapped !== env) {
    warn(
      `The environment (${env}) is different from the unwrapped version (${env.unwrapped}). This could affect the ` +
        'environment checker as the environment most likely has a wrapper applied to it; check env.unwrapped.',
    );
  }
  checkSpace(env.actionSpace, 'action');
  checkSpace(env.observationSpace, 'observation');
  for (const [space, kind] of [
    [env.actionSpace, 'action'],
    [env.observationSpace, 'observation'],
  ] as const) {
    if (space instanceof Box) {
      if (Array.from(space.low as ArrayLike<number>).includes(Number.NEGATIVE_INFINITY)) {
        warn(`A Box ${kind} space minimum value is -infinity. This is probably too low.`);
      }
      if (Array.from(space.high as ArrayLike<number>).includes(Number.POSITIVE_INFINITY)) {
        warn(`A Box ${kind} space maximum value is infinity. This is probably too high.`);
      }
    }
  }
  if (typeof (env as unknown as Record<string, unknown>)['seed'] === 'function') {
    warn('Official support for the `seed` function is dropped. Reset environments with env.reset({ seed }).');
  }
  const call = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (EnvCheckError.isInstance(error)) throw error;
      return fail(`${what} threw: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  };
  const observationSpace = env.observationSpace;
  // reset return type
  const first = checkResetResult(
    call('reset()', () => env.reset()),
    observationSpace,
  );
  if (!observationSpace.contains(first.observation)) {
    fail('The observation returned by reset() is not within the observation space.');
  }
  // seeding determinism
  const seeded = (seed?: number) => {
    const result = checkResetResult(
      call(`reset(${seed === undefined ? '' : `{ seed: ${seed} }`})`, () =>
        env.reset(seed === undefined ? undefined : { seed }),
      ),
      observationSpace,
    );
    if (!observationSpace.contains(result.observation)) {
      fail(
        `The observation returned by reset(${seed === undefined ? '' : `{ seed: ${seed} }`}) is not within the observation space.`,
      );
    }
    return copyValue(result.observation);
  };
  const observation1 = seeded(123);
  if (!env.unwrapped.hasRng) {
    fail('Expects the generator to exist after reset({ seed }). Call this.reseed(params.seed) first in reset().');
  }
  const rngState1 = env.unwrapped.rng.getState();
  const observation2 = seeded();
  const observation3 = seeded(123);
  const rngState3 = env.unwrapped.rng.getState();
  const observation4 = seeded();
  if (env.spec === undefined || env.spec.nondeterministic === false) {
    if (!dataEquivalence(observation1, observation3)) {
      fail(
        'Using reset({ seed: 123 }) is non-deterministic as the observations are not equivalent. Draw from this.rng only.',
      );
    }
    if (!dataEquivalence(observation2, observation4)) {
      fail('Using reset({ seed: 123 }) then reset() is non-deterministic as the observations are not equivalent.');
    }
    if (!dataEquivalence(observation1, observation3, true))
      warn('Using reset({ seed: 123 }) observations are not equal although similar.');
  }
  if (!sameState(rngState1, rngState3)) {
    fail(
      'The generators differ after reset with the same seed: reset() most likely does not call this.reseed(params.seed).',
    );
  }
  seeded(456);
  if (sameState(env.unwrapped.rng.getState(), rngState1)) {
    fail(
      'The generators are equal after reset with different seeds: reset() most likely does not call this.reseed(params.seed).',
    );
  }
  // reset options
  call('reset({ options: {} })', () => env.reset({ options: {} }));
  // passive checks on returned values
  checkResetResult(
    call('reset()', () => env.reset()),
    observationSpace,
  );
  checkStepResult(
    call('step(actionSpace.sample())', () => env.step(env.actionSpace.sample())),
    observationSpace,
  );
  // step determinism
  if (!(env.spec?.nondeterministic === true)) {
    env.actionSpace.seed(123);
    const action = env.actionSpace.sample();
    env.reset({ seed: 123 });
    const step0 = checkStepResult(
      call('step()', () => env.step(action)),
      observationSpace,
    );
    const observation0 = copyValue(step0.observation);
    const rngAfter0 = env.unwrapped.rng.getState();
    env.reset({ seed: 123 });
    const step1 = checkStepResult(
      call('step()', () => env.step(action)),
      observationSpace,
    );
    if (!sameState(rngAfter0, env.unwrapped.rng.getState())) {
      fail('The generator is not advanced deterministically by step() after reset({ seed }).');
    }
    if (!dataEquivalence(observation0, step1.observation)) {
      fail('Deterministic step observations are not equivalent for the same seed and action.');
    }
    if (!dataEquivalence(step0.reward, step1.reward)) {
      fail('Deterministic step rewards are not equivalent for the same seed and action.');
    }
    if (step0.terminated !== step1.terminated) {
      fail('Deterministic step termination are not equivalent for the same seed and action.');
    }
    if (step0.truncated !== false || step1.truncated !== false) {
      fail('Environment truncates after 1 step, something has gone very wrong.');
    }
    if (!dataEquivalence(step0.info, step1.info)) {
      fail('Deterministic step info are not equivalent for the same seed and action.');
    }
  }
  // render
  if (options.skipRenderCheck !== true) {
    if (env.renderMode !== undefined) checkRender(env);
    const spec = env.spec;
    if (spec !== undefined) {
      for (const renderMode of env.metadata.renderModes) {
        let other: Env<unknown, unknown>;
        try {
          other = spec.make({ renderMode });
        } catch (error) {
          if (RenderModeError.isInstance(error)) {
            warn(`Render mode '${renderMode}' was not checked: ${error.message}`);
            continue;
          }
          throw error;
        }
        other.reset();
        checkRender(other);
        other.close();
      }
    } else {
      warn(
        'Not able to test alternative render modes due to the environment not having a spec. Create it with make().',
      );
    }
  }
  if (options.skipCloseCheck !== true && env.spec !== undefined) {
    const other = env.spec.make();
    other.close();
    try {
      other.close();
    } catch (error) {
      warn(`Calling env.close() on the closed environment should be allowed, but it threw: ${String(error)}`);
    }
  }
}

function copyValue<T>(value: T): T {
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): T }).slice();
  return value;
}
