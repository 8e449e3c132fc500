import { closestMatches, createRng, describeValue } from '@tfkit/core';
import { hashBytes } from '@tfkit/core/node';
import { SweepDefinitionError } from './errors.js';
import {
  checkParameterValue,
  type ParameterJsonValue,
  type ParameterSpec,
  type ParameterSpecs,
  type ParameterValue,
  resolveParameters,
  type TrialDefinition,
  type TrialRegistry,
} from './trial.js';

/**
 * A distribution random search samples one parameter from: `uniform` and `logUniform` over
 * `[low, high]`, `intUniform` over the integers `low..high` (inclusive), `choice` among values.
 */
export type Distribution<V = ParameterJsonValue> =
  | { uniform: readonly [number, number] }
  | { logUniform: readonly [number, number] }
  | { intUniform: readonly [number, number] }
  | { choice: readonly V[] };

/** Seeded random search: `count` samples of the listed parameters. */
export interface RandomSearch<V = ParameterJsonValue> {
  /** Samples to draw (each combined with every grid point). */
  count: number;
  /** Seed of the sampler (not of the trials). @defaultValue `0` */
  seed?: number;
  /** Parameter name -> distribution. */
  parameters: Record<string, Distribution<V>>;
}

/** Which metric ranks configurations. */
export interface MetricChoice {
  /** A final metric name the trial returns, e.g. `'evalMean'`. */
  name: string;
  /** Whether larger (`'max'`) or smaller (`'min'`) is better. */
  goal: 'max' | 'min';
}

/**
 * A sweep: a trial kind, fixed parameters, a grid and/or random search over others, and seeds. The
 * JSON sweep file format is exactly this object.
 *
 * @example
 * ```json
 * {
 *   "name": "cartpole-lr",
 *   "trial": "dqn",
 *   "fixed": { "envId": "CartPole-v1", "totalTimesteps": 30000 },
 *   "grid": { "learningRate": [0.001, 0.0023], "hiddenLayers": [[64], [256]] },
 *   "seeds": { "count": 5 },
 *   "metric": { "name": "evalMean", "goal": "max" }
 * }
 * ```
 */
export interface SweepDefinition {
  /** The sweep's id: results go to `<out>/<name>/`; letters, digits, `.`, `_`, `-`. */
  name: string;
  /** The trial kind, a name in the registry (`'dqn'`, `'gan'`, `'fashion-transfer'`, yours). */
  trial: string;
  /** Parameters every trial gets. */
  fixed?: Record<string, ParameterJsonValue>;
  /** Every combination of these values is a configuration. */
  grid?: Record<string, readonly ParameterJsonValue[]>;
  /** Seeded random samples (combined with every grid point). */
  random?: RandomSearch;
  /** The seed axis: a list, or `{ count, start }` for `start..start+count-1`. @defaultValue `[0]` */
  seeds?: readonly number[] | { count: number; start?: number };
  /** The metric to rank configurations by. @defaultValue the trial kind's `defaultMetric` */
  metric?: MetricChoice;
  /** Modules (paths or URLs) that export more trial kinds (`export const trials = [...]`). */
  trialModules?: readonly string[];
}

/** A sweep typed by its trial kind: grid and fixed values are checked by TypeScript. */
export interface TypedSweep<P extends ParameterSpecs> {
  name: string;
  fixed?: { [K in keyof P]?: ParameterValue<P[K]> };
  grid?: { [K in keyof P]?: readonly ParameterValue<P[K]>[] };
  random?: RandomSearch<never> & {
    parameters: { [K in keyof P]?: Distribution<ParameterValue<P[K]>> };
  };
  seeds?: readonly number[] | { count: number; start?: number };
  metric?: MetricChoice;
  trialModules?: readonly string[];
}

/** One trial of an expanded sweep. */
export interface TrialSpec {
  /** The sweep's name. */
  sweep: string;
  /** The trial kind. */
  trial: string;
  /** Stable id: hash of kind, parameters and seed. The same trial gets the same id in every run. */
  trialId: string;
  /** Stable id of the configuration (kind and parameters, without the seed): groups seeds. */
  configId: string;
  /** Every parameter (defaults filled in). */
  parameters: Record<string, ParameterJsonValue>;
  /** The seed. */
  seed: number;
}

const topLevelFields = ['name', 'trial', 'fixed', 'grid', 'random', 'seeds', 'metric', 'trialModules', '$schema'];

/**
 * Builds a sweep definition typed by its trial kind (TypeScript checks parameter names and value
 * types); validate and expand it with {@link expandSweep}.
 *
 * @param trial - the trial kind
 * @param sweep - name, fixed, grid, random, seeds, metric
 * @returns the plain {@link SweepDefinition}
 * @example
 * ```ts
 * const sweep = defineSweep(dqnTrial, {
 *   name: 'lr',
 *   fixed: { totalTimesteps: 20_000 },
 *   grid: { learningRate: [1e-3, 2.3e-3] },
 *   seeds: { count: 3 },
 * });
 * ```
 */
export function defineSweep<P extends ParameterSpecs>(
  trial: TrialDefinition<P>,
  sweep: TypedSweep<P>,
): SweepDefinition {
  return { ...(sweep as unknown as Omit<SweepDefinition, 'trial'>), trial: trial.name };
}

function fail(field: string, message: string, file: string | undefined): never {
  throw new SweepDefinitionError({ field, message, ...(file === undefined ? {} : { file }) });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function knownParameter(trial: TrialDefinition, name: string, field: string, file: string | undefined): ParameterSpec {
  const spec = trial.parameters[name];
  if (!spec) {
    const names = Object.keys(trial.parameters);
    const close = closestMatches(name, names);
    fail(
      field,
      `unknown parameter '${name}' of trial '${trial.name}'${close.length > 0 ? ` (did you mean '${close[0]}'?)` : ''}; parameters: ${names.join(', ')}.`,
      file,
    );
  }
  return spec;
}

function checkValue(spec: ParameterSpec, value: unknown, field: string, file: string | undefined): void {
  const problem = checkParameterValue(spec, value);
  if (problem) fail(field, problem, file);
}

function checkSeeds(seeds: unknown, file: string | undefined): number[] {
  if (seeds === undefined) return [0];
  let list: unknown[];
  if (Array.isArray(seeds)) {
    list = seeds;
  } else if (isPlainObject(seeds)) {
    for (const key of Object.keys(seeds))
      if (key !== 'count' && key !== 'start')
        fail(`seeds.${key}`, `unknown field; use { "count": N, "start": S } or a list of seeds.`, file);
    const { count, start = 0 } = seeds as { count?: unknown; start?: unknown };
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
      fail('seeds.count', `must be a positive integer, got ${describeValue(count)}.`, file);
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 0)
      fail('seeds.start', `must be a non-negative integer, got ${describeValue(start)}.`, file);
    list = Array.from({ length: count }, (_, index) => start + index);
  } else {
    fail('seeds', `must be a list of seeds or { "count": N, "start": S }, got ${describeValue(seeds)}.`, file);
  }
  if (list.length === 0) fail('seeds', 'is empty; give at least one seed (or drop it for [0]).', file);
  const seen = new Set<number>();
  list.forEach((seed, index) => {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
      fail(`seeds[${index}]`, `must be an integer in [0, 2^32), got ${describeValue(seed)}.`, file);
    if (seen.has(seed)) fail(`seeds[${index}]`, `seed ${seed} is listed twice.`, file);
    seen.add(seed);
  });
  return list as number[];
}

function checkDistribution(
  spec: ParameterSpec,
  distribution: unknown,
  field: string,
  file: string | undefined,
): Distribution {
  if (!isPlainObject(distribution) || Object.keys(distribution).length !== 1)
    fail(
      field,
      `must be one of { "uniform": [low, high] }, { "logUniform": [low, high] }, { "intUniform": [low, high] }, { "choice": [values] }, got ${describeValue(distribution)}.`,
      file,
    );
  const [kind, value] = Object.entries(distribution)[0]!;
  if (kind === 'choice') {
    if (!Array.isArray(value) || value.length === 0)
      fail(`${field}.choice`, 'must be a non-empty list of values.', file);
    for (const [index, element] of value.entries()) checkValue(spec, element, `${field}.choice[${index}]`, file);
    return { choice: value as ParameterJsonValue[] };
  }
  if (kind !== 'uniform' && kind !== 'logUniform' && kind !== 'intUniform')
    fail(`${field}.${kind}`, `unknown distribution '${kind}'; use uniform, logUniform, intUniform or choice.`, file);
  if (spec.type !== 'number' && spec.type !== 'integer')
    fail(`${field}.${kind}`, `a ${spec.type} parameter can only be sampled with { "choice": [...] }.`, file);
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    value.some((bound) => typeof bound !== 'number' || !Number.isFinite(bound))
  )
    fail(`${field}.${kind}`, `must be [low, high] (two finite numbers), got ${describeValue(value)}.`, file);
  const [low, high] = value as [number, number];
  if (!(low <= high)) fail(`${field}.${kind}`, `low ${low} is above high ${high}.`, file);
  if (kind === 'logUniform' && low <= 0) fail(`${field}.${kind}`, `logUniform needs low > 0, got ${low}.`, file);
  if (kind === 'intUniform' && (!Number.isInteger(low) || !Number.isInteger(high)))
    fail(`${field}.${kind}`, `intUniform needs integer bounds, got [${low}, ${high}].`, file);
  if (spec.type === 'integer' && kind !== 'intUniform')
    fail(
      `${field}.${kind}`,
      `parameter is an integer; use { "intUniform": [${Math.ceil(low)}, ${Math.floor(high)}] } or choice.`,
      file,
    );
  checkValue(spec, low, `${field}.${kind}[0]`, file);
  checkValue(spec, high, `${field}.${kind}[1]`, file);
  return { [kind]: [low, high] } as unknown as Distribution;
}

/**
 * Validates a sweep definition (from a file or code) against the trial registry.
 *
 * @param input - the parsed JSON (or a {@link SweepDefinition})
 * @param registry - where the trial kind is looked up
 * @param file - the file name, for error messages
 * @returns the definition, normalised (seeds as a list)
 * @throws {@link SweepDefinitionError} naming the field: an unknown field, trial or parameter, an
 *   empty grid, a value of the wrong type or out of range, bad seeds, a bad metric
 */
export function validateSweep(
  input: unknown,
  registry: TrialRegistry,
  file?: string,
): SweepDefinition & { seeds: number[] } {
  if (!isPlainObject(input)) fail('(root)', `a sweep must be a JSON object, got ${describeValue(input)}.`, file);
  for (const key of Object.keys(input)) {
    if (!topLevelFields.includes(key)) {
      fail(
        key,
        `unknown field; a sweep has ${topLevelFields.filter((field) => field !== '$schema').join(', ')}.`,
        file,
      );
    }
  }
  const { name, trial: trialName } = input;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name))
    fail(
      'name',
      `must be 1-100 letters, digits, '.', '_' or '-' (it names the results directory), got ${describeValue(name)}.`,
      file,
    );
  if (typeof trialName !== 'string')
    fail('trial', `must be the name of a trial kind, got ${describeValue(trialName)}.`, file);
  let trial: TrialDefinition;
  try {
    trial = registry.get(trialName);
  } catch (error) {
    if (SweepDefinitionError.isInstance(error) && file !== undefined)
      throw new SweepDefinitionError({
        field: 'trial',
        message: error.message.replace(/^.*field `trial`: /, ''),
        file,
      });
    throw error;
  }
  const set = new Set<string>();
  const fixed = input.fixed ?? {};
  if (!isPlainObject(fixed)) fail('fixed', `must be an object of parameter values, got ${describeValue(fixed)}.`, file);
  for (const [parameter, value] of Object.entries(fixed)) {
    checkValue(knownParameter(trial, parameter, `fixed.${parameter}`, file), value, `fixed.${parameter}`, file);
    set.add(parameter);
  }
  const grid = input.grid;
  if (grid !== undefined) {
    if (!isPlainObject(grid))
      fail('grid', `must be an object of parameter -> list of values, got ${describeValue(grid)}.`, file);
    if (Object.keys(grid).length === 0)
      fail('grid', 'is empty; list at least one parameter with values, or drop grid.', file);
    for (const [parameter, values] of Object.entries(grid)) {
      const spec = knownParameter(trial, parameter, `grid.${parameter}`, file);
      if (set.has(parameter)) fail(`grid.${parameter}`, `'${parameter}' is also in fixed; keep it in one place.`, file);
      if (!Array.isArray(values))
        fail(`grid.${parameter}`, `must be a list of values, got ${describeValue(values)}.`, file);
      if (values.length === 0) fail(`grid.${parameter}`, 'is an empty grid: list at least one value.', file);
      for (const [index, value] of values.entries()) checkValue(spec, value, `grid.${parameter}[${index}]`, file);
      set.add(parameter);
    }
  }
  const random = input.random;
  let cleanRandom: RandomSearch | undefined;
  if (random !== undefined) {
    if (!isPlainObject(random))
      fail('random', `must be { "count", "seed", "parameters" }, got ${describeValue(random)}.`, file);
    for (const key of Object.keys(random))
      if (!['count', 'seed', 'parameters'].includes(key))
        fail(`random.${key}`, 'unknown field; random has count, seed, parameters.', file);
    const { count, seed = 0, parameters } = random as { count?: unknown; seed?: unknown; parameters?: unknown };
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
      fail('random.count', `must be a positive integer, got ${describeValue(count)}.`, file);
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)
      fail('random.seed', `must be a non-negative integer, got ${describeValue(seed)}.`, file);
    if (!isPlainObject(parameters) || Object.keys(parameters).length === 0)
      fail('random.parameters', 'must name at least one parameter with its distribution.', file);
    const distributions: Record<string, Distribution> = {};
    for (const [parameter, distribution] of Object.entries(parameters)) {
      const field = `random.parameters.${parameter}`;
      const spec = knownParameter(trial, parameter, field, file);
      if (set.has(parameter)) fail(field, `'${parameter}' is also in fixed or grid; keep it in one place.`, file);
      distributions[parameter] = checkDistribution(spec, distribution, field, file);
      set.add(parameter);
    }
    cleanRandom = { count, seed, parameters: distributions };
  }
  for (const [parameter, spec] of Object.entries(trial.parameters)) {
    if (spec.default === undefined && !set.has(parameter))
      fail(
        `fixed.${parameter}`,
        `trial '${trial.name}' needs '${parameter}' (no default); set it in fixed, grid or random.`,
        file,
      );
  }
  const seeds = checkSeeds(input.seeds, file);
  let metric: MetricChoice | undefined;
  if (input.metric !== undefined) {
    const value = input.metric;
    if (!isPlainObject(value))
      fail('metric', `must be { "name": "...", "goal": "max" | "min" }, got ${describeValue(value)}.`, file);
    if (typeof value.name !== 'string' || value.name === '')
      fail('metric.name', `must be a metric name, got ${describeValue(value.name)}.`, file);
    if (value.goal !== 'max' && value.goal !== 'min')
      fail('metric.goal', `must be 'max' or 'min', got ${describeValue(value.goal)}.`, file);
    metric = { name: value.name, goal: value.goal };
  }
  let trialModules: string[] | undefined;
  if (input.trialModules !== undefined) {
    const modules = input.trialModules;
    if (!Array.isArray(modules)) fail('trialModules', 'must be a list of module paths or URLs.', file);
    modules.forEach((module, index) => {
      if (typeof module !== 'string' || module === '')
        fail(`trialModules[${index}]`, `must be a path or URL, got ${describeValue(module)}.`, file);
    });
    trialModules = modules as string[];
  }
  return {
    name,
    trial: trialName,
    ...(Object.keys(fixed).length > 0 ? { fixed: fixed as Record<string, ParameterJsonValue> } : {}),
    ...(grid !== undefined ? { grid: grid as Record<string, ParameterJsonValue[]> } : {}),
    ...(cleanRandom ? { random: cleanRandom } : {}),
    seeds,
    ...(metric ? { metric } : {}),
    ...(trialModules ? { trialModules } : {}),
  };
}

/**
 * Parses a JSON sweep file's text and validates it.
 *
 * @param text - the file's content
 * @param registry - the trial kinds
 * @param file - its name, for errors
 * @returns the validated definition
 * @throws {@link SweepDefinitionError} (field `(root)`) for text that is not JSON, else as {@link validateSweep}
 */
export function parseSweep(
  text: string,
  registry: TrialRegistry,
  file?: string,
): SweepDefinition & { seeds: number[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail('(root)', `is not valid JSON (${(error as Error).message}). Sweep files are JSON.`, file);
  }
  return validateSweep(value, registry, file);
}

/** Canonical JSON: object keys sorted, so that equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function sample(distribution: Distribution, rng: ReturnType<typeof createRng>): ParameterJsonValue {
  if ('choice' in distribution) return distribution.choice[rng.integers(distribution.choice.length)]!;
  if ('uniform' in distribution) return rng.uniform(distribution.uniform[0], distribution.uniform[1]);
  if ('logUniform' in distribution) {
    const [low, high] = distribution.logUniform;
    return Math.exp(rng.uniform(Math.log(low), Math.log(high)));
  }
  const [low, high] = distribution.intUniform;
  return rng.integers(low, high + 1);
}

/**
 * The configurations of a sweep (without seeds): the grid's cartesian product (in the order of
 * the grid's keys, last key fastest) times the random samples, each merged over `fixed`.
 *
 * @param definition - a validated definition
 * @returns one parameter object per configuration (not yet defaulted)
 */
export function sweepConfigurations(definition: SweepDefinition): Array<Record<string, ParameterJsonValue>> {
  let configurations: Array<Record<string, ParameterJsonValue>> = [{ ...definition.fixed }];
  for (const [parameter, values] of Object.entries(definition.grid ?? {})) {
    configurations = configurations.flatMap((configuration) =>
      values.map((value) => ({ ...configuration, [parameter]: value })),
    );
  }
  if (definition.random) {
    const rng = createRng(definition.random.seed ?? 0);
    const names = Object.keys(definition.random.parameters).sort();
    const samples = Array.from({ length: definition.random.count }, () => {
      const drawn: Record<string, ParameterJsonValue> = {};
      for (const name of names) drawn[name] = sample(definition.random!.parameters[name]!, rng);
      return drawn;
    });
    configurations = configurations.flatMap((configuration) =>
      samples.map((drawn) => ({ ...configuration, ...drawn })),
    );
  }
  return configurations;
}

function shortHash(value: unknown): string {
  return hashBytes(canonicalJson(value)).slice(0, 16);
}

/**
 * Expands a sweep into its trials: every configuration times every seed, with stable ids.
 *
 * @param definition - the sweep (validated here)
 * @param registry - the trial kinds
 * @returns the trials, configuration-major (all seeds of the first configuration first)
 * @throws {@link SweepDefinitionError} when the definition is invalid
 * @example
 * ```ts
 * const trials = expandSweep(sweep, builtinTrials);
 * trials.length; // configurations x seeds
 * ```
 */
export function expandSweep(definition: SweepDefinition, registry: TrialRegistry): TrialSpec[] {
  const valid = validateSweep(definition, registry);
  const trial = registry.get(valid.trial);
  const trials: TrialSpec[] = [];
  const seen = new Set<string>();
  for (const configuration of sweepConfigurations(valid)) {
    const parameters = resolveParameters(trial, configuration);
    const configId = shortHash({ trial: trial.name, parameters });
    for (const seed of valid.seeds) {
      const trialId = shortHash({ trial: trial.name, parameters, seed });
      if (seen.has(trialId)) continue; // random search may draw the same configuration twice
      seen.add(trialId);
      trials.push({ sweep: valid.name, trial: trial.name, trialId, configId, parameters, seed });
    }
  }
  return trials;
}
