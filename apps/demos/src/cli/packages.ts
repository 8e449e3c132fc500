import { FeatureUnavailableError } from './errors.js';

/**
 * Imports a workspace package and checks that it exports the named functions/classes; the
 * packages are written in parallel with this CLI, so a missing export becomes a clear
 * {@link FeatureUnavailableError} (and an "unavailable" report section) instead of a crash.
 */
export async function importPackage<T>(
  packageName: string,
  load: () => Promise<unknown>,
  required: readonly string[],
): Promise<T> {
  let module: Record<string, unknown>;
  try {
    module = (await load()) as Record<string, unknown>;
  } catch (error) {
    throw new FeatureUnavailableError(
      packageName,
      `a loadable build (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
  const missing = required.filter((name) => module[name] === undefined);
  if (missing.length > 0)
    throw new FeatureUnavailableError(packageName, missing.map((name) => `\`${name}\``).join(', '));
  return module as T;
}
