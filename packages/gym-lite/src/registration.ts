import { closestMatches, TfkitOptionError } from '@tfkit/core';
import { Env } from './core.js';
import { CartPoleEnv, type CartPoleOptions } from './envs/cart-pole.js';
import type { CliffWalkingEnv, CliffWalkingOptions } from './envs/toy-text/cliff-walking.js';
import type { FrozenLakeEnv, FrozenLakeOptions } from './envs/toy-text/frozen-lake.js';
import { toyTextEntryPoints, toyTextSpecs } from './envs/toy-text/registrations.js';
import type { TaxiEnv, TaxiOptions } from './envs/toy-text/taxi.js';
import { RegistrationError, UnknownEnvError } from './errors.js';
import { deprecation, warn } from './logger.js';
import { CartPoleVectorEnv, type CartPoleVectorOptions } from './vector/cart-pole-vector.js';
import type { AutoresetMode, VectorEnv } from './vector/vector-env.js';
import { Autoreset } from './wrappers/autoreset.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { PassiveEnvChecker } from './wrappers/passive-env-checker.js';
import { RecordEpisodeStatistics } from './wrappers/record-episode-statistics.js';
import { TimeLimit } from './wrappers/time-limit.js';

const packageName = '@tfkit/gym-lite';

/** Creates an environment from keyword options (Gymnasium's entry point). */
export type EnvCreator = (options: Record<string, unknown>) => Env<unknown, unknown>;

/** Creates a vector environment from keyword options (Gymnasium's vector entry point). */
export type VectorEnvCreator = (options: Record<string, unknown>) => VectorEnv;

/** A wrapper recorded in a spec (Gymnasium's `WrapperSpec`). */
export interface WrapperSpec {
  /** Wrapper class name. */
  name: string;
  /** Where the wrapper comes from, e.g. `'@tfkit/gym-lite:RecordEpisodeStatistics'`. */
  entryPoint: string;
  /** Options that recreate it, or `null` when it cannot be recreated. */
  kwargs: Record<string, unknown> | null;
}

/** Fields of an {@link EnvSpec} (Gymnasium's `EnvSpec` fields, camelCase). */
export interface EnvSpecInit {
  /** `[namespace/]Name[-vN]`, e.g. `'CartPole-v1'`. */
  id: string;
  /** A creator function, or a string entry point such as `'@tfkit/gym-lite:CartPoleEnv'`. */
  entryPoint?: EnvCreator | string | undefined;
  /** Return at which the task counts as solved. */
  rewardThreshold?: number | undefined;
  /** Whether the env cannot be reproduced from a seed. @defaultValue false */
  nondeterministic?: boolean;
  /** `TimeLimit` applied by `make`. */
  maxEpisodeSteps?: number | undefined;
  /** Whether `make` applies `OrderEnforcing`. @defaultValue true */
  orderEnforce?: boolean;
  /** Whether `make` skips `PassiveEnvChecker`. @defaultValue false */
  disableEnvChecker?: boolean;
  /** Options passed to the entry point. @defaultValue {} */
  kwargs?: Record<string, unknown>;
  /** Wrappers `make` applies after the standard ones. @defaultValue [] */
  additionalWrappers?: readonly WrapperSpec[];
  /** A vector creator function or string entry point. */
  vectorEntryPoint?: VectorEnvCreator | string | undefined;
}

/** Gymnasium's id pattern: `[namespace/](name)[-v(version)]`. */
const envIdPattern = /^(?:(?<namespace>[\w:-]+)\/)?(?:(?<name>[\w:.-]+?))(?:-v(?<version>\d+))?$/;

/**
 * Splits an id into namespace, name and version (Gymnasium's `parse_env_id`).
 *
 * @param id - e.g. `'CartPole-v1'` or `'MyNamespace/MyEnv-v0'`
 * @returns `{ namespace, name, version }` (`undefined` where absent)
 * @throws {@link UnknownEnvError} with reason `'malformed'` for ids that do not match the pattern
 * @example
 * ```ts
 * parseEnvId('CartPole-v1'); // { namespace: undefined, name: 'CartPole', version: 1 }
 * ```
 */
export function parseEnvId(id: string): { namespace: string | undefined; name: string; version: number | undefined } {
  const match = typeof id === 'string' ? envIdPattern.exec(id) : null;
  if (match === null || match.groups === undefined) {
    throw new UnknownEnvError({
      id: String(id),
      reason: 'malformed',
      message: `Malformed environment id: ${String(id)}. Ids look like [namespace/]Name-vN, e.g. 'CartPole-v1'.`,
      closeMatches: [],
    });
  }
  const { namespace, name, version } = match.groups;
  return { namespace, name: name!, version: version === undefined ? undefined : Number(version) };
}

function envIdOf(namespace: string | undefined, name: string, version: number | undefined): string {
  let id = namespace === undefined ? name : `${namespace}/${name}`;
  if (version !== undefined) id += `-v${version}`;
  return id;
}

/**
 * How to create an environment (Gymnasium's `EnvSpec`); immutable, change with {@link EnvSpec.with}.
 *
 * @example
 * ```ts
 * const cartPole = spec('CartPole-v1');
 * cartPole.maxEpisodeSteps; // 500
 * const env = cartPole.make({ renderMode: 'rgb_array' });
 * ```
 */
export class EnvSpec {
  /** The full id. */
  readonly id: string;
  /** Creator function or string entry point. */
  readonly entryPoint: EnvCreator | string | undefined;
  /** Return at which the task counts as solved. */
  readonly rewardThreshold: number | undefined;
  /** Whether the env cannot be reproduced from a seed. */
  readonly nondeterministic: boolean;
  /** Time limit applied by `make`. */
  readonly maxEpisodeSteps: number | undefined;
  /** Whether `make` applies `OrderEnforcing`. */
  readonly orderEnforce: boolean;
  /** Whether `make` skips `PassiveEnvChecker`. */
  readonly disableEnvChecker: boolean;
  /** Options passed to the entry point. */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Wrappers applied after the standard ones. */
  readonly additionalWrappers: readonly WrapperSpec[];
  /** Vector creator or string entry point. */
  readonly vectorEntryPoint: VectorEnvCreator | string | undefined;
  /** Namespace part of the id. */
  readonly namespace: string | undefined;
  /** Name part of the id. */
  readonly name: string;
  /** Version part of the id. */
  readonly version: number | undefined;

  /**
   * @param init - the fields
   * @throws {@link UnknownEnvError} for a malformed id
   */
  constructor(init: EnvSpecInit) {
    this.id = init.id;
    this.entryPoint = init.entryPoint;
    this.rewardThreshold = init.rewardThreshold;
    this.nondeterministic = init.nondeterministic ?? false;
    this.maxEpisodeSteps = init.maxEpisodeSteps;
    this.orderEnforce = init.orderEnforce ?? true;
    this.disableEnvChecker = init.disableEnvChecker ?? false;
    this.kwargs = Object.freeze({ ...(init.kwargs ?? {}) });
    this.additionalWrappers = Object.freeze([...(init.additionalWrappers ?? [])]);
    this.vectorEntryPoint = init.vectorEntryPoint;
    const parsed = parseEnvId(init.id);
    this.namespace = parsed.namespace;
    this.name = parsed.name;
    this.version = parsed.version;
    Object.freeze(this);
  }

  /**
   * A copy with some fields changed.
   *
   * @param changes - fields to change
   * @returns a new spec
   */
  with(changes: Partial<EnvSpecInit>): EnvSpec {
    return new EnvSpec({ ...this.#init(), ...changes });
  }

  #init(): EnvSpecInit {
    return {
      id: this.id,
      entryPoint: this.entryPoint,
      rewardThreshold: this.rewardThreshold,
      nondeterministic: this.nondeterministic,
      maxEpisodeSteps: this.maxEpisodeSteps,
      orderEnforce: this.orderEnforce,
      disableEnvChecker: this.disableEnvChecker,
      kwargs: this.kwargs,
      additionalWrappers: this.additionalWrappers,
      vectorEntryPoint: this.vectorEntryPoint,
    };
  }

  /**
   * `make(this, options)`.
   *
   * @param options - see {@link make}
   * @returns the wrapped environment
   */
  make(options: MakeOptions & Record<string, unknown> = {}): Env<unknown, unknown> {
    return make(this, options);
  }

  /**
   * JSON form (Gymnasium's `to_json`, camelCase keys).
   *
   * @returns a plain object
   * @throws {@link RegistrationError} when an entry point is a function (functions cannot be serialised)
   */
  toJSON(): Record<string, unknown> {
    for (const [key, value] of [
      ['entryPoint', this.entryPoint],
      ['vectorEntryPoint', this.vectorEntryPoint],
    ] as const) {
      if (typeof value === 'function') {
        throw new RegistrationError({
          message: `Callable found in ${this.id} for ${key}; register a string entry point to serialise the spec.`,
        });
      }
    }
    return {
      id: this.id,
      entryPoint: this.entryPoint ?? null,
      rewardThreshold: this.rewardThreshold ?? null,
      nondeterministic: this.nondeterministic,
      maxEpisodeSteps: this.maxEpisodeSteps ?? null,
      orderEnforce: this.orderEnforce,
      disableEnvChecker: this.disableEnvChecker,
      kwargs: { ...this.kwargs },
      additionalWrappers: this.additionalWrappers.map((wrapper) => ({ ...wrapper })),
      vectorEntryPoint: this.vectorEntryPoint ?? null,
    };
  }

  /**
   * Inverse of {@link EnvSpec.toJSON}.
   *
   * @param json - a parsed object or its JSON text
   * @returns a spec
   * @throws {@link RegistrationError} when fields are missing
   */
  static fromJSON(json: string | Record<string, unknown>): EnvSpec {
    const value = typeof json === 'string' ? (JSON.parse(json) as Record<string, unknown>) : json;
    if (typeof value['id'] !== 'string') throw new RegistrationError({ message: 'An EnvSpec JSON needs a string id.' });
    const orUndefined = <T>(field: unknown): T | undefined => (field === null ? undefined : (field as T));
    return new EnvSpec({
      id: value['id'],
      entryPoint: orUndefined<string>(value['entryPoint']),
      rewardThreshold: orUndefined<number>(value['rewardThreshold']),
      nondeterministic: value['nondeterministic'] === true,
      maxEpisodeSteps: orUndefined<number>(value['maxEpisodeSteps']),
      orderEnforce: value['orderEnforce'] !== false,
      disableEnvChecker: value['disableEnvChecker'] === true,
      kwargs: (value['kwargs'] as Record<string, unknown>) ?? {},
      additionalWrappers: (value['additionalWrappers'] as WrapperSpec[]) ?? [],
      vectorEntryPoint: orUndefined<string>(value['vectorEntryPoint']),
    });
  }

  /** @returns `EnvSpec(id=..., ...)` text */
  toString(): string {
    return `EnvSpec(id='${this.id}', rewardThreshold=${this.rewardThreshold}, maxEpisodeSteps=${this.maxEpisodeSteps}, orderEnforce=${this.orderEnforce}, disableEnvChecker=${this.disableEnvChecker})`;
  }
}

const registryMap = new Map<string, EnvSpec>();

/** The registered specs by id (read-only view; use {@link register} to add). */
export const registry: ReadonlyMap<string, EnvSpec> = registryMap;

const entryPoints = new Map<string, EnvCreator>([
  ['@tfkit/gym-lite:CartPoleEnv', (options) => new CartPoleEnv(options as CartPoleOptions) as Env<unknown, unknown>],
  ...toyTextEntryPoints,
]);
const vectorEntryPoints = new Map<string, VectorEnvCreator>([
  ['@tfkit/gym-lite:CartPoleVectorEnv', (options) => new CartPoleVectorEnv(options as CartPoleVectorOptions)],
]);
type WrapperCreator = (env: Env<unknown, unknown>, options: Record<string, unknown>) => Env<unknown, unknown>;
const wrapperEntryPoints = new Map<string, WrapperCreator>([
  ['@tfkit/gym-lite:RecordEpisodeStatistics', (env, options) => new RecordEpisodeStatistics(env, options)],
  ['@tfkit/gym-lite:Autoreset', (env) => new Autoreset(env)],
]);

/**
 * Registers an environment under an id (Gymnasium's `register`).
 *
 * @param init - `id`, `entryPoint` (function or string), `maxEpisodeSteps`, `rewardThreshold`, `kwargs`, ...
 * @returns the registered spec
 * @throws {@link RegistrationError} without entry point, or when versioned and unversioned ids of one name would mix
 * @throws {@link UnknownEnvError} for a malformed id
 * @example
 * ```ts
 * register({ id: 'MyCoin-v0', entryPoint: () => new Coin(), maxEpisodeSteps: 10 });
 * const env = make('MyCoin-v0');
 * ```
 */
export function register(init: EnvSpecInit): EnvSpec {
  if (init.entryPoint === undefined && init.vectorEntryPoint === undefined) {
    throw new RegistrationError({
      message: `Register '${init.id}' with an entryPoint or a vectorEntryPoint (or both).`,
    });
  }
  const spec = new EnvSpec(init);
  const sameName = [...registryMap.values()].filter(
    (other) => other.namespace === spec.namespace && other.name === spec.name && other.id !== spec.id,
  );
  const unversioned = sameName.find((other) => other.version === undefined);
  const versioned = sameName.filter((other) => other.version !== undefined);
  if (unversioned !== undefined && spec.version !== undefined) {
    throw new RegistrationError({
      message: `Can't register the versioned environment '${spec.id}' when the unversioned environment '${unversioned.id}' of the same name already exists.`,
    });
  }
  if (versioned.length > 0 && spec.version === undefined) {
    throw new RegistrationError({
      message: `Can't register the unversioned environment '${spec.id}' when the versioned environment '${versioned[0]!.id}' of the same name already exists. make() with the unversioned id returns the latest version.`,
    });
  }
  if (registryMap.has(spec.id)) warn(`Overriding environment ${spec.id} already in registry.`);
  registryMap.set(spec.id, spec);
  return spec;
}

/**
 * Removes a registration (handy in tests).
 *
 * @param id - the registered id
 * @returns whether it was registered
 */
export function unregister(id: string): boolean {
  return registryMap.delete(id);
}

/**
 * The registered ids, sorted.
 *
 * @returns ids such as `['CartPole-v0', 'CartPole-v1']`
 */
export function registeredIds(): string[] {
  return [...registryMap.keys()].sort();
}

/**
 * Registered ids close to `id` (case-insensitive edit distance, also compared without the `-vN`
 * version), best first, like difflib's `get_close_matches`.
 *
 * @param id - any text
 * @param limit - how many to return
 * @returns up to `limit` ids with similarity >= 0.6
 * @defaultValue limit 3
 * @example
 * ```ts
 * closeMatches('cartpole-v0'); // ['CartPole-v0', 'CartPole-v1']
 * ```
 */
export function closeMatches(id: string, limit = 3): string[] {
  return closestMatches(String(id), registryMap.keys(), { limit, cutoff: 0.6, normalize: withoutVersion });
}

function withoutVersion(id: string): string {
  return id.replace(/-v\d+$/, '');
}

function latestVersion(namespace: string | undefined, name: string): number | undefined {
  let latest: number | undefined;
  for (const spec of registryMap.values()) {
    if (spec.namespace === namespace && spec.name === name && spec.version !== undefined) {
      if (latest === undefined || spec.version > latest) latest = spec.version;
    }
  }
  return latest;
}

function throwNotFound(id: string, namespace: string | undefined, name: string, version: number | undefined): never {
  const specs = [...registryMap.values()];
  if (namespace !== undefined && !specs.some((spec) => spec.namespace === namespace)) {
    throw new UnknownEnvError({
      id: id,
      reason: 'namespace',
      message: `Namespace ${namespace} not found.`,
      closeMatches: closeMatches(id),
    });
  }
  const sameName = specs.filter((spec) => spec.namespace === namespace && spec.name === name);
  if (sameName.length === 0) {
    throw new UnknownEnvError({
      id: id,
      reason: 'name',
      message: `Environment '${name}' doesn't exist${namespace === undefined ? '' : ` in namespace ${namespace}`}.`,
      closeMatches: closeMatches(id),
    });
  }
  const versions = sameName
    .map((spec) => spec.version)
    .filter((value): value is number => value !== undefined)
    .sort((a, b) => a - b);
  const ids = sameName.map((spec) => spec.id).sort((a, b) => b.localeCompare(a));
  const base = `Environment version 'v${version}' for environment '${envIdOf(namespace, name, undefined)}' doesn't exist.`;
  const latest = versions.at(-1);
  if (latest !== undefined && version !== undefined && version < latest) {
    throw new UnknownEnvError({
      id: id,
      reason: 'deprecated',
      message: `Environment version v${version} for '${envIdOf(namespace, name, undefined)}' is deprecated. Please use '${envIdOf(namespace, name, latest)}' instead.`,
      closeMatches: ids,
    });
  }
  throw new UnknownEnvError({
    id: id,
    reason: 'version',
    message: `${base} It provides versioned environments: [ ${versions.map((value) => `'v${value}'`).join(', ')} ].`,
    closeMatches: ids,
  });
}

function findSpec(id: string): EnvSpec {
  if (typeof id !== 'string') {
    throw new TfkitOptionError({
      package: packageName,
      option: 'id',
      message: `make() needs an id string or an EnvSpec, got ${typeof id}.`,
      value: id,
    });
  }
  const { namespace, name, version } = parseEnvId(id);
  let spec = registryMap.get(id);
  const latest = latestVersion(namespace, name);
  if (version !== undefined && latest !== undefined && latest > version && spec !== undefined) {
    deprecation(`The environment ${id} is out of date. You should consider upgrading to version 'v${latest}'.`);
  }
  if (version === undefined && latest !== undefined) {
    const latestId = envIdOf(namespace, name, latest);
    spec = registryMap.get(latestId);
    warn(`Using the latest versioned environment '${latestId}' instead of the unversioned environment '${id}'.`);
  }
  if (spec === undefined) throwNotFound(id, namespace, name, version);
  return spec;
}

/**
 * The registered spec of an id (Gymnasium's `spec`).
 *
 * @param id - a registered id
 * @returns the spec
 * @throws {@link UnknownEnvError} naming close matches when `id` is not registered
 * @example
 * ```ts
 * spec('CartPole-v0').rewardThreshold; // 195
 * ```
 */
export function spec(id: string): EnvSpec {
  const found = registryMap.get(id);
  if (found !== undefined) return found;
  const { namespace, name, version } = parseEnvId(id);
  throwNotFound(id, namespace, name, version);
}

/** Options of {@link make} besides the environment's own options. */
export interface MakeOptions {
  /**
   * Overrides the spec's time limit; `-1` applies no `TimeLimit`.
   * @defaultValue the spec's `maxEpisodeSteps`
   */
  maxEpisodeSteps?: number;
  /**
   * Skips `PassiveEnvChecker` (and with it the per-step action check).
   * @defaultValue the spec's `disableEnvChecker` (false)
   */
  disableEnvChecker?: boolean;
}

/** Environments `make` knows the types of; extend with declaration merging for your own ids. */
export interface EnvRegistry {
  /** CartPole with a 200-step limit, threshold 195. */
  'CartPole-v0': { env: CartPoleEnv; options: CartPoleOptions };
  /** CartPole with a 500-step limit, threshold 475. */
  'CartPole-v1': { env: CartPoleEnv; options: CartPoleOptions };
  /** FrozenLake 4x4 with a 100-step limit, threshold 0.70. */
  'FrozenLake-v1': { env: FrozenLakeEnv; options: FrozenLakeOptions };
  /** FrozenLake 8x8 with a 200-step limit, threshold 0.85. */
  'FrozenLake8x8-v1': { env: FrozenLakeEnv; options: FrozenLakeOptions };
  /** CliffWalking, no time limit. */
  'CliffWalking-v1': { env: CliffWalkingEnv; options: CliffWalkingOptions };
  /** Slippery CliffWalking, no time limit. */
  'CliffWalkingSlippery-v1': { env: CliffWalkingEnv; options: CliffWalkingOptions };
  /** Taxi with a 200-step limit, threshold 8. */
  'Taxi-v4': { env: TaxiEnv; options: TaxiOptions };
}

/** Observation type of an env class. */
export type ObservationOf<E> = E extends Env<infer Obs, unknown> ? Obs : unknown;
/** Action type of an env class. */
export type ActionOf<E> = E extends { step(action: infer Act): unknown } ? Act : unknown;

/** What `make` returns: the wrapped env, whose `unwrapped` is typed as the innermost env class. */
export type MadeEnv<E> = Env<ObservationOf<E>, ActionOf<E>> & { readonly unwrapped: E };

function resolveCreator(spec: EnvSpec): EnvCreator {
  const entryPoint = spec.entryPoint;
  if (entryPoint === undefined) {
    throw new RegistrationError({
      message: `${spec.id} is registered without entryPoint; use makeVec() or register an entryPoint.`,
    });
  }
  if (typeof entryPoint === 'function') return entryPoint;
  const creator = entryPoints.get(entryPoint);
  if (creator === undefined) {
    throw new RegistrationError({
      message: `Unknown string entry point '${entryPoint}' for ${spec.id}; register a creator function as entryPoint instead.`,
    });
  }
  return creator;
}

/**
 * Creates a registered environment and stacks the standard wrappers like Gymnasium:
 * `TimeLimit<OrderEnforcing<PassiveEnvChecker<Env>>>`, then the spec's additional wrappers.
 *
 * @param id - a registered id (`'CartPole-v1'`) or an {@link EnvSpec}
 * @param options - `maxEpisodeSteps`, `disableEnvChecker`, plus the env's own options
 *   (CartPole: `suttonBartoReward`, `renderMode`, `humanRenderer`)
 * @returns the wrapped environment
 * @throws {@link UnknownEnvError} naming close matches for an unknown id or version
 * @throws {@link RegistrationError} when the entry point cannot be resolved or returns no Env
 * @example
 * ```ts
 * const env = make('CartPole-v1');
 * const { observation } = env.reset({ seed: 42 });
 * const { reward, terminated, truncated } = env.step(1);
 * String(env); // '<TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>>>'
 * ```
 */
export function make<Id extends keyof EnvRegistry>(
  id: Id,
  options?: MakeOptions & EnvRegistry[Id]['options'],
): MadeEnv<EnvRegistry[Id]['env']>;
export function make(id: string | EnvSpec, options?: MakeOptions & Record<string, unknown>): Env<unknown, unknown>;
export function make(id: string | EnvSpec, options: MakeOptions & Record<string, unknown> = {}): Env<unknown, unknown> {
  const envSpec = id instanceof EnvSpec ? id : findSpec(id);
  const { maxEpisodeSteps, disableEnvChecker, ...rest } = options;
  const kwargs: Record<string, unknown> = { ...envSpec.kwargs, ...rest };
  const creator = resolveCreator(envSpec);
  const created = creator(kwargs);
  if (!(created instanceof Env)) {
    throw new RegistrationError({
      message: `The entry point of ${envSpec.id} must return an Env, got ${typeof created}.`,
    });
  }
  let env: Env<unknown, unknown> = created;
  env.unwrapped.spec = envSpec.with({
    maxEpisodeSteps: undefined,
    orderEnforce: false,
    disableEnvChecker: true,
    kwargs,
    additionalWrappers: [],
  });
  if (disableEnvChecker === false || (disableEnvChecker === undefined && !envSpec.disableEnvChecker)) {
    env = new PassiveEnvChecker(env);
  }
  if (envSpec.orderEnforce) env = new OrderEnforcing(env);
  if (maxEpisodeSteps !== -1) {
    if (maxEpisodeSteps !== undefined) env = new TimeLimit(env, maxEpisodeSteps);
    else if (envSpec.maxEpisodeSteps !== undefined) env = new TimeLimit(env, envSpec.maxEpisodeSteps);
  }
  for (const wrapperSpec of envSpec.additionalWrappers) {
    const creatorOfWrapper = wrapperEntryPoints.get(wrapperSpec.entryPoint);
    if (creatorOfWrapper === undefined || wrapperSpec.kwargs === null) {
      throw new RegistrationError({
        message: `${wrapperSpec.name} cannot be recreated from the spec of ${envSpec.id}; apply it yourself after make().`,
      });
    }
    env = creatorOfWrapper(env, wrapperSpec.kwargs);
  }
  return env;
}

/** Options of {@link makeVec}. */
export interface MakeVecOptions {
  /**
   * Number of sub-environments.
   * @defaultValue 1
   */
  numEnvs?: number;
  /**
   * `'next-step'` or `'same-step'`.
   * @defaultValue 'next-step'
   */
  autoresetMode?: AutoresetMode;
  /**
   * Seed of the vector env's generator.
   * @defaultValue undefined (entropy)
   */
  seed?: number;
  /**
   * Steps after which a sub-environment is truncated.
   * @defaultValue the spec's `maxEpisodeSteps`
   */
  maxEpisodeSteps?: number;
}

/**
 * Creates a vector environment from the spec's vector entry point (Gymnasium's
 * `make_vec(..., vectorization_mode="vector_entry_point")`).
 *
 * @param id - a registered id
 * @param options - `numEnvs`, `autoresetMode`, `seed`, `maxEpisodeSteps`, plus env options
 *   (CartPole: `suttonBartoReward`, `renderMode: 'rgb_array'`, `copy`)
 * @returns the vector environment
 * @throws {@link UnknownEnvError} for an unknown id
 * @throws {@link RegistrationError} when the id has no vector entry point
 * @example
 * ```ts
 * const envs = makeVec('CartPole-v1', { numEnvs: 1024, autoresetMode: 'next-step', seed: 0 });
 * const { observations } = envs.reset(); // Float32Array(4096)
 * ```
 */
export function makeVec(
  id: string | EnvSpec,
  options: MakeVecOptions & Omit<CartPoleVectorOptions, keyof MakeVecOptions> & Record<string, unknown> = {},
): VectorEnv {
  const envSpec = id instanceof EnvSpec ? id : findSpec(id);
  const entryPoint = envSpec.vectorEntryPoint;
  if (entryPoint === undefined) {
    throw new RegistrationError({
      message: `Cannot create a vector environment for ${envSpec.id}: it has no vectorEntryPoint.`,
    });
  }
  const creator = typeof entryPoint === 'function' ? entryPoint : vectorEntryPoints.get(entryPoint);
  if (creator === undefined) {
    throw new RegistrationError({ message: `Unknown vector entry point '${String(entryPoint)}' for ${envSpec.id}.` });
  }
  const kwargs: Record<string, unknown> = { ...envSpec.kwargs, ...options };
  if (kwargs['maxEpisodeSteps'] === undefined && envSpec.maxEpisodeSteps !== undefined) {
    kwargs['maxEpisodeSteps'] = envSpec.maxEpisodeSteps;
  }
  for (const key of Object.keys(kwargs)) if (kwargs[key] === undefined) delete kwargs[key];
  const env = creator(kwargs);
  env.spec = envSpec.with({ kwargs });
  return env;
}

for (const [version, maxEpisodeSteps, rewardThreshold] of [
  [0, 200, 195.0],
  [1, 500, 475.0],
] as const) {
  register({
    id: `CartPole-v${version}`,
    entryPoint: '@tfkit/gym-lite:CartPoleEnv',
    vectorEntryPoint: '@tfkit/gym-lite:CartPoleVectorEnv',
    maxEpisodeSteps,
    rewardThreshold,
  });
}
for (const init of toyTextSpecs) register(init);
