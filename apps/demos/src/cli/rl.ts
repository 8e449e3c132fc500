/** `@tfkit/rl-agents` as the CLI uses it. */
export type RlAgents = typeof import('@tfkit/rl-agents');

/** Loads `@tfkit/rl-agents` on first use (keeps `tfkit --help` fast). */
export function loadRl(): Promise<RlAgents> {
  return import('@tfkit/rl-agents');
}
