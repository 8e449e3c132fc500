import type { CommandContext } from '../../cli/run-cli.js';

/**
 * What every section of `tfkit demo` shares: its budgets, what it returns, and its shape.
 *
 * To add a section: write `demo/<name>-section.ts` exporting a {@link DemoSection}, and add it to
 * the `demoSections` list in `../demo.ts`.
 */

/** Budgets of one demo run. */
export interface DemoSettings {
  quick: boolean;
  episodes: number;
  dqnBudget: number;
  ganEpochs: number;
  ganImages: number;
  transferEpochs: number;
  /** CLI name of the GAN model (see `ganModels`). */
  ganModel: string;
}

/** Full or quick budgets, overridden by explicit options. */
export function settingsFor(context: CommandContext): DemoSettings {
  const quick = context.options.quick === true;
  const pick = (name: string, full: number, small: number) =>
    typeof context.options[name] === 'number' ? (context.options[name] as number) : quick ? small : full;
  return {
    quick,
    episodes: pick('episodes', 100, 5),
    dqnBudget: pick('dqnBudget', 100_000, 1_500),
    ganEpochs: pick('ganEpochs', 5, 1),
    ganImages: pick('ganImages', 2_000, 100),
    transferEpochs: pick('transferEpochs', 10, 2),
    ganModel: typeof context.options.ganModel === 'string' ? context.options.ganModel : 'cdcgan',
  };
}

/** What a section's `run` returns; the demo adds the id, title, status and time. */
export interface SectionResult {
  /** One line for the printed summary. */
  summary: string;
  /** The paragraph under the section's title in the report. */
  reportSummary: string;
  /** The section's HTML (tables, charts, figures). */
  body: string;
}

/** One section of the demo report. */
export interface DemoSection {
  /** Stable id, used by `--only` and as the report anchor. */
  id: string;
  title: string;
  /** Runs the experiment; a throw marks the section failed (or unavailable) in the report. */
  run(context: CommandContext, settings: DemoSettings, outDirectory: string): Promise<SectionResult>;
}
