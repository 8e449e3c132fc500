import { importPackage } from '../cli/packages.js';
import type { CommandContext } from '../cli/run-cli.js';
import type { ReportSection } from '../report/html.js';

/** Budgets of one demo run. */
export interface DemoSettings {
  quick: boolean;
  episodes: number;
  dqnBudget: number;
  ganEpochs: number;
  ganImages: number;
  transferEpochs: number;
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
    transferEpochs: pick('transferEpochs', 10, 1),
  };
}

/** What a section runner returns. */
export interface SectionResult {
  section: ReportSection;
  /** One line for the printed summary. */
  summary: string;
}

/** A section of the demo. */
export interface DemoSectionDefinition {
  id: string;
  title: string;
  run(context: CommandContext, settings: DemoSettings, outDirectory: string): Promise<SectionResult>;
}

export const demoSections: readonly DemoSectionDefinition[] = [
  {
    id: 'policies',
    title: 'Policy comparison on CartPole-v0',
    async run() {
      await importPackage('@tfkit/rl-agents', () => import('@tfkit/rl-agents'), ['runExperiment']);
      throw new Error('not wired yet');
    },
  },
  {
    id: 'dqn',
    title: 'DQN on CartPole-v1',
    async run() {
      await importPackage('@tfkit/rl-agents', () => import('@tfkit/rl-agents'), ['DqnAgent']);
      throw new Error('not wired yet');
    },
  },
  {
    id: 'gan',
    title: 'GAN on the embedded Fashion-MNIST subset',
    async run() {
      await importPackage('@tfkit/gan', () => import('@tfkit/gan'), ['trainGan']);
      throw new Error('not wired yet');
    },
  },
  {
    id: 'transfer',
    title: 'Transfer learning, offline (Fashion-MNIST 0-5 -> 6-9)',
    async run() {
      await importPackage('@tfkit/vision-transfer', () => import('@tfkit/vision-transfer'), ['createTransferModel']);
      throw new Error('not wired yet');
    },
  },
];
