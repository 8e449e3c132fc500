/** `@tfkit/rl-agents` as the CLI uses it: the library and its book recipes (`@tfkit/rl-agents/book`). */
export type RlAgents = typeof import('@tfkit/rl-agents') & typeof import('@tfkit/rl-agents/book');

/** Loads `@tfkit/rl-agents` and `@tfkit/rl-agents/book` on first use (keeps `tfkit --help` fast). */
export async function loadRl(): Promise<RlAgents> {
  const [library, book] = await Promise.all([import('@tfkit/rl-agents'), import('@tfkit/rl-agents/book')]);
  return { ...library, ...book };
}
