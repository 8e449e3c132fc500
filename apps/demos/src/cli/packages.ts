import { FeatureUnavailableError } from './errors.js';

/** The workspace packages the CLI wires together. */
export type WorkspacePackage =
  | '@tfkit/gym-lite'
  | '@tfkit/rl-agents'
  | '@tfkit/datasets'
  | '@tfkit/gan'
  | '@tfkit/vision-transfer';

/**
 * Imports a workspace package by name. The specifier is a variable on purpose: the packages are
 * written in parallel with this CLI, so the CLI describes the part of each API it uses with its
 * own interfaces and checks the exports at run time instead of depending on their type files.
 */
async function load(packageName: WorkspacePackage): Promise<Record<string, unknown>> {
  const specifier: string = packageName;
  return (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
}

/**
 * Imports a workspace package and checks that it exports the named functions/classes; a missing
 * export becomes a clear {@link FeatureUnavailableError} (exit code 3, an "unavailable" report
 * section) instead of a crash.
 */
export async function importPackage<T>(packageName: WorkspacePackage, required: readonly string[]): Promise<T> {
  let module: Record<string, unknown>;
  try {
    module = await load(packageName);
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

/** Whether a package already exports every name (for tests that adapt while packages land). */
export async function packageReady(packageName: WorkspacePackage, required: readonly string[]): Promise<boolean> {
  try {
    await importPackage(packageName, required);
    return true;
  } catch {
    return false;
  }
}
