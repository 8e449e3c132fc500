import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import { writeFileAtomic } from '@tfkit/core/node';
import { CliUsageError, FeatureUnavailableError, oneLine } from '../cli/errors.js';
import { ganModels } from '../cli/gan.js';
import type { Command, CommandContext } from '../cli/run-cli.js';
import { escapeHtml, type ReportSection, renderReport } from '../report/html.js';
import { cartpolePoliciesSection } from './demo/cartpole-policies-section.js';
import { dqnSection } from './demo/dqn-section.js';
import { ganSection } from './demo/gan-section.js';
import { planningSection } from './demo/planning-section.js';
import { type DemoSection, type DemoSettings, settingsFor } from './demo/section.js';
import { transferSection } from './demo/transfer-section.js';

/**
 * The sections of the report, in order. To add one, write `demo/<name>-section.ts` exporting a
 * {@link DemoSection} and add it here.
 */
export const demoSections: readonly DemoSection[] = [
  cartpolePoliciesSection,
  dqnSection,
  planningSection,
  ganSection,
  transferSection,
];

const sectionIds = demoSections.map((section) => section.id);

/** `tfkit demo`: the main job. */
export const demoCommand: Command = {
  path: ['demo'],
  summary: 'run every experiment on embedded data, offline, and write a self-contained HTML report',
  options: [
    {
      name: 'out',
      type: 'string',
      placeholder: 'DIR',
      description: 'directory for report.html and its files',
      default: 'out',
    },
    { name: 'quick', type: 'boolean', description: 'tiny budgets everywhere (seconds, for tests and a first look)' },
    {
      name: 'only',
      type: 'string',
      placeholder: 'IDS',
      description: `comma-separated sections to run (${sectionIds.join(',')})`,
    },
    { name: 'dqn-budget', type: 'integer', placeholder: 'STEPS', description: 'environment steps for the DQN', min: 1 },
    {
      name: 'episodes',
      type: 'integer',
      placeholder: 'N',
      description: 'episodes per policy in the comparison',
      min: 1,
    },
    { name: 'gan-epochs', type: 'integer', placeholder: 'N', description: 'GAN training epochs', min: 1 },
    {
      name: 'gan-model',
      type: 'string',
      placeholder: 'NAME',
      description: 'GAN model (see tfkit gan train --help)',
      choices: Object.keys(ganModels),
    },
    {
      name: 'gan-images',
      type: 'integer',
      placeholder: 'N',
      description: 'GAN training images (embedded subset)',
      min: 10,
    },
    { name: 'transfer-epochs', type: 'integer', placeholder: 'N', description: 'epochs per transfer method', min: 2 },
  ],
  examples: [
    'tfkit demo                       # the full run, writes out/report.html (under 10 minutes)',
    'tfkit demo --quick --out /tmp/r  # seconds; same sections with tiny budgets',
    'tfkit demo --only policies,dqn --dqn-budget 20000',
  ],
  details:
    'Sections: policy comparison on CartPole-v0, DQN on CartPole-v1 (learning curve + animation of the trained agent), a GAN on the embedded Fashion-MNIST subset (grids per epoch + loss curves), and the offline transfer experiment (accuracy table + confusion matrix). A section whose package is not ready says so in the report.',
  async run(context) {
    const only =
      context.options.only === undefined
        ? sectionIds
        : String(context.options.only)
            .split(',')
            .map((id) => id.trim());
    for (const id of only) {
      if (!sectionIds.includes(id))
        throw new CliUsageError({
          message: `--only names unknown section "${id}"; sections: ${sectionIds.join(', ')}.`,
        });
    }
    const settings: DemoSettings = settingsFor(context);
    const outDirectory = path.resolve(String(context.options.out));
    mkdirSync(outDirectory, { recursive: true });
    const started = performance.now();
    const backend = await ensureBackend({ log: false });
    context.note(backend.reason);
    const sections: ReportSection[] = [];
    const summaries: string[] = [];
    let failed = 0;
    for (const definition of demoSections) {
      if (!only.includes(definition.id)) continue;
      context.note(`== ${definition.title}`);
      const sectionStart = performance.now();
      try {
        const result = await definition.run(context, settings, outDirectory);
        const seconds = (performance.now() - sectionStart) / 1000;
        sections.push({
          id: definition.id,
          title: definition.title,
          status: 'ok',
          summary: result.reportSummary,
          body: result.body,
          seconds,
        });
        summaries.push(`${definition.title}: ${result.summary}`);
      } catch (error) {
        const seconds = (performance.now() - sectionStart) / 1000;
        const unavailable = FeatureUnavailableError.isInstance(error);
        if (!unavailable) failed++;
        const message = oneLine(error);
        if (process.env.TFKIT_DEBUG && error instanceof Error) context.note(error.stack ?? message);
        sections.push({
          id: definition.id,
          title: definition.title,
          status: unavailable ? 'unavailable' : 'failed',
          summary: unavailable ? 'not available in this build yet' : 'failed',
          body: `<p>${escapeHtml(message)}</p>`,
          seconds,
        });
        summaries.push(`${definition.title}: ${unavailable ? 'unavailable' : 'FAILED'}: ${message}`);
      }
    }
    const totalSeconds = (performance.now() - started) / 1000;
    const html = renderReport({
      title: 'tfkit demo report',
      generatedAt: new Date(),
      facts: [
        ['backend', backend.reason.replace('[@tfkit/backend] ', '')],
        ['GPU', backend.gpu ? 'yes' : 'no'],
        ['threads', `${backend.threads} compute thread${backend.threads === 1 ? '' : 's'} in use`],
        ['TensorFlow.js', tf.version.tfjs],
        ['Node.js', process.versions.node],
        [
          'machine',
          `${os.cpus().length} CPU cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}`,
        ],
        ['mode', settings.quick ? 'quick (tiny budgets)' : 'full'],
        ['seed', String(context.seed)],
        ['wall time', `${totalSeconds.toFixed(1)} s`],
      ],
      sections,
    });
    const reportPath = path.join(outDirectory, 'report.html');
    await writeFileAtomic(reportPath, html);
    context.print('tfkit demo summary');
    context.print(
      `  backend: ${backend.name}${backend.gpu ? ' (GPU)' : ''}, ${backend.threads} thread${backend.threads === 1 ? '' : 's'}`,
    );
    for (const line of summaries) context.print(`  ${line}`);
    context.print(`  wall time: ${totalSeconds.toFixed(1)} s`);
    context.print(`report: ${reportPath}`);
    return failed > 0 ? 1 : 0;
  },
};

export type { CommandContext };
