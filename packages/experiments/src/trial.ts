import { closestMatches, describeValue } from '@tfkit/core';
import { optionError, SweepDefinitionError, TrialOutputError } from './errors.js';

/** A numeric parameter. */
export interface NumberParameter {
  type: 'number' | 'integer';
  /** Value when a sweep does not set it. */
  default?: number;
  /** Inclusive lower bound. */
  min?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** What it does, for `--help`-style listings. */
  description?: string;
}

/** A boolean parameter. */
export interface BooleanParameter {
  type: 'boolean';
  default?: boolean;
  description?: string;
}

/** A string parameter, optionally one of `choices`. */
export interface StringParameter {
  type: 'string';
  choices?: readonly string[];
  default?: string;
  description?: string;
}

/** A list of numbers (e.g. hidden layer widths). */
export interface NumberListParameter {
  type: 'number[]' | 'integer[]';
  default?: readonly number[];
  /** Inclusive lower bound of every element. */
  min?: number;
  description?: string;
}

/** How one trial parameter is typed and checked. */
export type ParameterSpec = NumberParameter | BooleanParameter | StringParameter | NumberListParameter;

/** The parameters of a trial kind, by name. */
export type ParameterSpecs = Readonly<Record<string, ParameterSpec>>;

/** The TypeScript type of a value of parameter `S`. */
export type ParameterValue<S extends ParameterSpec> = S extends NumberParameter
  ? number
  : S extends BooleanParameter
    ? boolean
    : S extends { type: 'string'; choices: readonly (infer C)[] }
      ? C
      : S extends StringParameter
        ? string
        : number[];

/** The parameters object a trial's `run` receives (every parameter set: sweep value or default). */
export type ParametersOf<P extends ParameterSpecs> = { -readonly [K in keyof P]: ParameterValue<P[K]> };

/** A JSON value of any parameter. */
export type ParameterJsonValue = number | boolean | string | number[];

/** What a trial receives beside its parameters. */
export interface TrialContext {
  /** The trial's seed (the sweep's seed axis). Derive every random stream from it. */
  seed: number;
  /** Stable id of this trial (a hash of kind, parameters and seed). */
  trialId: string;
  /** Directory for this trial's artifacts (created on first use by {@link TrialContext.artifactPath}). */
  artifactDirectory: string;
  /**
   * An absolute path for an artifact in {@link TrialContext.artifactDirectory}, creating the
   * directory. Return it in {@link TrialOutput.artifacts}.
   */
  artifactPath(name: string): Promise<string>;
  /** Aborted when the sweep is stopped; a trial may stop early (its result is then discarded). */
  signal: AbortSignal;
}

/** One point of a per-step curve: `[step, value]`. */
export type CurvePoint = readonly [number, number];

/** What a trial returns. */
export interface TrialOutput {
  /** Final metrics: finite numbers (booleans as 0/1). */
  metrics: Record<string, number>;
  /** Per-step curves, e.g. `{ episodeReturn: [[steps, value], ...] }`. */
  curves?: Record<string, readonly CurvePoint[]>;
  /** Files the trial wrote, by name (absolute paths). */
  artifacts?: Record<string, string>;
}

/** A kind of trial: typed parameters and the function that runs one trial. */
export interface TrialDefinition<P extends ParameterSpecs = ParameterSpecs> {
  /** Name used by sweep files (`"trial": "dqn"`); kebab-case. */
  name: string;
  /** One line for listings. */
  description: string;
  /** Every parameter a sweep may set, with its type and default. */
  parameters: P;
  /** The metric sweeps rank by unless they choose another. */
  defaultMetric?: { name: string; goal: 'max' | 'min' };
  /** Runs one trial. Must be deterministic for a given seed when it is to be compared across runners. */
  run(parameters: ParametersOf<P>, context: TrialContext): Promise<TrialOutput>;
}

/**
 * Defines a trial kind with typed parameters: `run` receives an object typed from `parameters`.
 *
 * @param definition - name, description, parameter specs and `run`
 * @returns the same definition, typed
 * @throws {@link TfkitOptionError} for a bad name or a parameter default that does not fit its spec
 * @example
 * ```ts
 * const quadratic = defineTrial({
 *   name: 'quadratic',
 *   description: 'noisy (x - 3)^2',
 *   parameters: { x: { type: 'number', default: 0 } },
 *   async run({ x }, { seed }) {
 *     return { metrics: { loss: (x - 3) ** 2 + createRng(seed).nextFloat() * 0.01 } };
 *   },
 * });
 * ```
 */
export function defineTrial<const P extends ParameterSpecs>(definition: TrialDefinition<P>): TrialDefinition<P> {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) {
    throw optionError(
      'name',
      `must be kebab-case (a-z, 0-9, -), got ${describeValue(definition.name)}.`,
      definition.name,
    );
  }
  for (const [name, spec] of Object.entries(definition.parameters)) {
    if (spec.default !== undefined) {
      const problem = checkParameterValue(spec, spec.default);
      if (problem) throw optionError(`parameters.${name}.default`, problem, spec.default);
    }
  }
  return definition;
}

/**
 * Checks `value` against `spec`.
 *
 * @param spec - the parameter spec
 * @param value - any JSON value
 * @returns `undefined` when it fits, else what is wrong (a sentence ending with what is accepted)
 */
export function checkParameterValue(spec: ParameterSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `must be a finite number, got ${describeValue(value)}.`;
      if (spec.type === 'integer' && !Number.isInteger(value)) return `must be an integer, got ${value}.`;
      if (spec.min !== undefined && value < spec.min) return `must be >= ${spec.min}, got ${value}.`;
      if (spec.max !== undefined && value > spec.max) return `must be <= ${spec.max}, got ${value}.`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${describeValue(value)}.`;
    case 'string': {
      if (typeof value !== 'string') return `must be a string, got ${describeValue(value)}.`;
      if (spec.choices && !spec.choices.includes(value)) {
        const close = closestMatches(value, spec.choices);
        return `must be one of ${spec.choices.map((choice) => `'${choice}'`).join(', ')}, got '${value}'${close.length > 0 ? ` (did you mean '${close[0]}'?)` : ''}.`;
      }
      return undefined;
    }
    case 'number[]':
    case 'integer[]': {
      if (!Array.isArray(value) || value.length === 0)
        return `must be a non-empty array of numbers, got ${describeValue(value)}.`;
      for (const [index, element] of value.entries()) {
        if (typeof element !== 'number' || !Number.isFinite(element))
          return `element ${index} must be a finite number, got ${describeValue(element)}.`;
        if (spec.type === 'integer[]' && !Number.isInteger(element))
          return `element ${index} must be an integer, got ${element}.`;
        if (spec.min !== undefined && element < spec.min)
          return `element ${index} must be >= ${spec.min}, got ${element}.`;
      }
      return undefined;
    }
  }
  return `has an unknown parameter type.`;
}

/**
 * A set of trial kinds by name: the built-ins plus your own. Sweeps name a kind; runners look it
 * up here (worker threads and remote workers import the same registrations through
 * {@link RunSweepOptions.trialModules}).
 *
 * @example
 * ```ts
 * const registry = new TrialRegistry([...builtinTrials.list(), quadratic]);
 * registry.get('dqn').parameters.learningRate; // { type: 'number', ... }
 * ```
 */
export class TrialRegistry {
  private readonly trials = new Map<string, TrialDefinition>();

  /**
   * @param trials - trial kinds to register
   */
  // biome-ignore lint/suspicious/noExplicitAny: a registry holds kinds of any parameter shape (run is contravariant in them)
  constructor(trials: Iterable<TrialDefinition<any>> = []) {
    for (const trial of trials) this.register(trial);
  }

  /**
   * Adds a trial kind; a kind of the same name is replaced.
   *
   * @param trial - the definition
   * @returns this registry
   */
  // biome-ignore lint/suspicious/noExplicitAny: as in the constructor
  register(trial: TrialDefinition<any>): this {
    this.trials.set(trial.name, trial as TrialDefinition);
    return this;
  }

  /**
   * @param name - a kind's name
   * @returns whether it is registered
   */
  has(name: string): boolean {
    return this.trials.has(name);
  }

  /**
   * The kind called `name`.
   *
   * @param name - e.g. `'dqn'`
   * @returns its definition
   * @throws {@link SweepDefinitionError} (field `trial`) naming the kinds there are
   */
  get(name: string): TrialDefinition {
    const trial = this.trials.get(name);
    if (!trial) {
      const close = closestMatches(name, [...this.trials.keys()]);
      throw new SweepDefinitionError({
        field: 'trial',
        message: `unknown trial kind '${name}'${close.length > 0 ? ` (did you mean '${close[0]}'?)` : ''}; registered: ${[...this.trials.keys()].join(', ')}. Register it, or load its module with trialModules / --trials.`,
      });
    }
    return trial;
  }

  /** @returns every registered kind, in registration order */
  list(): TrialDefinition[] {
    return [...this.trials.values()];
  }
}

/**
 * Fills defaults and checks a full parameter object (used inside runners just before a trial runs).
 *
 * @param trial - the kind
 * @param values - the sweep's values for this trial
 * @returns every parameter set
 * @throws {@link SweepDefinitionError} for a missing required parameter, an unknown one or a bad value
 */
export function resolveParameters(
  trial: TrialDefinition,
  values: Readonly<Record<string, unknown>>,
): Record<string, ParameterJsonValue> {
  const resolved: Record<string, ParameterJsonValue> = {};
  for (const name of Object.keys(values)) {
    if (!(name in trial.parameters)) {
      const close = closestMatches(name, Object.keys(trial.parameters));
      throw new SweepDefinitionError({
        field: name,
        message: `trial '${trial.name}' has no parameter '${name}'${close.length > 0 ? ` (did you mean '${close[0]}'?)` : ''}; it has ${Object.keys(trial.parameters).join(', ')}.`,
      });
    }
  }
  for (const [name, spec] of Object.entries(trial.parameters)) {
    const value = values[name] ?? spec.default;
    if (value === undefined) {
      throw new SweepDefinitionError({
        field: name,
        message: `trial '${trial.name}' needs parameter '${name}'; set it in fixed, grid or random.`,
      });
    }
    const problem = checkParameterValue(spec, value);
    if (problem) throw new SweepDefinitionError({ field: name, message: problem });
    resolved[name] = (Array.isArray(value) ? [...value] : value) as ParameterJsonValue;
  }
  return resolved;
}

/**
 * Checks what a trial returned and normalises it (plain arrays, finite metrics).
 *
 * @internal
 */
export function checkTrialOutput(
  trial: string,
  output: unknown,
): {
  metrics: Record<string, number>;
  curves: Record<string, Array<[number, number]>>;
  artifacts: Record<string, string>;
} {
  if (typeof output !== 'object' || output === null)
    throw new TrialOutputError({ trial, message: `${describeValue(output)}.` });
  const { metrics, curves = {}, artifacts = {} } = output as TrialOutput;
  if (typeof metrics !== 'object' || metrics === null)
    throw new TrialOutputError({ trial, message: 'no metrics object.' });
  const cleanMetrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) {
    const number = typeof value === 'boolean' ? Number(value) : value;
    if (typeof number !== 'number')
      throw new TrialOutputError({ trial, message: `metric '${name}' = ${describeValue(value)}, not a number.` });
    cleanMetrics[name] = number;
  }
  const cleanCurves: Record<string, Array<[number, number]>> = {};
  for (const [name, points] of Object.entries(curves)) {
    if (!Array.isArray(points)) throw new TrialOutputError({ trial, message: `curve '${name}' is not an array.` });
    cleanCurves[name] = points.map((point) => [Number(point[0]), Number(point[1])] as [number, number]);
  }
  const cleanArtifacts: Record<string, string> = {};
  for (const [name, file] of Object.entries(artifacts)) {
    if (typeof file !== 'string') throw new TrialOutputError({ trial, message: `artifact '${name}' is not a path.` });
    cleanArtifacts[name] = file;
  }
  return { metrics: cleanMetrics, curves: cleanCurves, artifacts: cleanArtifacts };
}
