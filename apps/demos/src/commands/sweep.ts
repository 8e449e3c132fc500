import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@tfkit/core/node';
import {
  loadTrialRegistry,
  parseSweep,
  runSweep,
  SweepDefinitionError,
  type SweepProgress,
  type SweepSummary,
  sweepPaths,
  type TrialRecord,
  TrialRegistry,
} from '@tfkit/experiments';
import { CliUsageError } from '../cli/errors.js';
import { type Command, type CommandContext, stringOption } from '../cli/run-cli.js';
import { configurationLabel, formatMeanStd, renderSweepReport, varyingParameters } from '../report/sweep-report.js';
import { requireExisting } from './files.js';

const redisOption = {
  name: 'redis',
  type: 'string',
  placeholder: 'URL',
  description: 'Redis URL, e.g. redis://queue-host:6379 (default: $TFKIT_REDIS_URL)',
} as const;
const outOption = {
  name: 'out',
  type: 'string',
  placeholder: 'DIR',
  description: 'directory of sweeps',
  default: 'sweeps',
} as const;
const trialsOption = {
  name: 'trials',
  type: 'string',
  placeholder: 'MODULE',
  description: 'a module exporting more trial kinds (export const trials = [...])',
} as const;

function redisUrl(context: CommandContext): string {
  const url = stringOption(context, 'redis') ?? process.env.TFKIT_REDIS_URL;
  if (!url) throw new CliUsageError({ message: 'missing --redis URL (or set TFKIT_REDIS_URL).' });
  if (!/^rediss?:\/\//.test(url))
    throw new CliUsageError({ message: `--redis must be a redis:// or rediss:// URL, got "${url}".` });
  return url;
}

async function readSweepFile(context: CommandContext) {
  const file = requireExisting(context.positionals[0]!, 'sweep file');
  const modules = context.options.trials === undefined ? [] : [path.resolve(String(context.options.trials))];
  const text = await readFile(file, 'utf8');
  const shown = path.relative(process.cwd(), file) || file;
  let raw: { trialModules?: unknown } | null;
  try {
    raw = JSON.parse(text) as { trialModules?: unknown } | null;
  } catch {
    raw = null;
  }
  if (raw === null) rethrowAsUsage(() => parseSweep(text, new TrialRegistry(), shown));
  // Module paths in the file are relative to the file.
  raw = raw!;
  if (raw && Array.isArray(raw.trialModules)) {
    raw.trialModules = raw.trialModules.map((module) =>
      typeof module === 'string' && (module.startsWith('.') || module.startsWith('/'))
        ? path.resolve(path.dirname(file), module)
        : module,
    );
  }
  const registry = await loadTrialRegistry([...((raw?.trialModules as string[] | undefined) ?? []), ...modules]);
  const sweep = rethrowAsUsage(() => parseSweep(JSON.stringify(raw), registry, shown));
  return { sweep, modules, registry };
}

/** A bad sweep file is bad input: exit code 2 with the typed error's message (it names the field). */
function rethrowAsUsage<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (SweepDefinitionError.isInstance(error))
      throw new CliUsageError({ message: error.message.replace(/^\[@tfkit\/experiments\] /, ''), cause: error });
    throw error;
  }
}

function summaryLines(summary: SweepSummary): string[] {
  const varying = varyingParameters(summary.configurations);
  const metric = summary.metric?.name;
  const lines = summary.configurations.map((configuration) => {
    const value = metric ? configuration.metrics[metric] : undefined;
    const best = configuration.configId === summary.best?.configuration.configId ? '  <- best' : '';
    return `  ${configurationLabel(configuration, varying) || configuration.configId}: ${configuration.ok} seeds${configuration.failed ? ` (+${configuration.failed} failed)` : ''}${value ? `, ${metric} ${formatMeanStd(value.mean, value.std)} (median ${+value.median.toPrecision(4)})` : ''}${best}`;
  });
  return [
    `${summary.configurations.length} configurations, ${summary.ok} ok, ${summary.failed} failed${metric ? `, ranked by ${metric} (${summary.metric!.goal})` : ''}:`,
    ...lines,
  ];
}

async function writeReport(
  name: string,
  trial: string,
  summary: SweepSummary,
  records: readonly TrialRecord[],
  directory: string,
  facts: Array<[string, string]>,
): Promise<string> {
  const images: Record<string, string> = {};
  for (const [artifact, file] of Object.entries(summary.best?.trial.artifacts ?? {})) {
    if (!file.endsWith('.png')) continue;
    try {
      images[artifact] = `data:image/png;base64,${(await readFile(file)).toString('base64')}`;
    } catch {
      // The artifact is on another machine: the table lists its path.
    }
  }
  const file = sweepPaths(path.dirname(directory), name).reportFile;
  await writeFileAtomic(
    file,
    renderSweepReport({ name, trial, summary, records, generatedAt: new Date(), facts, images }),
  );
  return file;
}

function statusText(progress: SweepProgress): string {
  const eta = Number.isFinite(progress.etaSeconds) ? `, ETA ${Math.round(progress.etaSeconds)} s` : '';
  return `${progress.running} running, ${progress.failed} failed${progress.skipped ? `, ${progress.skipped} done before` : ''}${eta}`;
}

/** `tfkit sweep run FILE`: runs a sweep on this machine's cores. */
export const sweepRunCommand: Command = {
  path: ['sweep', 'run'],
  summary: 'run a sweep on this machine (worker-thread pool, one trial per core), resumable',
  positionals: { name: 'FILE', description: 'sweep file (JSON)', required: true },
  options: [
    outOption,
    {
      name: 'concurrency',
      type: 'integer',
      placeholder: 'N',
      description: 'trials at once (0: in sequence in this thread) [default: available parallelism]',
      min: 0,
    },
    trialsOption,
    { name: 'retry-failed', type: 'boolean', description: 'run trials again that failed before' },
    { name: 'json', type: 'boolean', description: 'print the summary as JSON' },
  ],
  examples: ['tfkit sweep run cartpole-lr.json', 'tfkit sweep run cartpole-lr.json --concurrency 4 --out runs'],
  details:
    'Results go to <out>/<name>/results.jsonl (one line per finished trial, fsynced) and a report to <out>/<name>/report.html. Ctrl-C stops cleanly; run the same command again to resume: finished trials are never run again.',
  async run(context) {
    const { sweep, modules, registry } = await readSweepFile(context);
    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = () => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      context.note(
        'stopping: running trials are dropped, finished ones are saved; run the same command again to resume (Ctrl-C again to quit now)',
      );
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let bar: ReturnType<CommandContext['progress']> | undefined;
    try {
      const result = await runSweep(sweep, {
        outDir: String(context.options.out),
        ...(context.options.concurrency !== undefined ? { concurrency: Number(context.options.concurrency) } : {}),
        trialModules: modules,
        registry,
        retryFailed: context.options.retryFailed === true,
        signal: controller.signal,
        onProgress: (progress) => {
          bar ??= context.progress(`sweep ${sweep.name}`, progress.total);
          bar.update(progress.done, statusText(progress));
        },
        onTrialEnd: (record) => {
          if (record.status === 'failed')
            context.note(
              `trial ${record.trialId} (seed ${record.seed}) failed: ${record.error?.message.split('\n')[0]}`,
            );
        },
      });
      bar?.finish(
        result.stopped ? 'stopped' : `${result.ran} ran, ${result.skipped} done before, ${result.failed} failed`,
      );
      const report = await writeReport(result.sweep, sweep.trial, result.summary, result.records, result.directory, [
        ['results', result.resultsFile],
        ['wall seconds (this run)', result.wallSeconds.toFixed(1)],
      ]);
      if (context.options.json) context.print(JSON.stringify({ ...result, records: undefined }));
      else {
        for (const line of summaryLines(result.summary)) context.print(line);
        context.print(`results: ${result.resultsFile}`);
        context.print(`report: ${report}`);
      }
      if (result.stopped) {
        context.note(
          `stopped after ${result.ran} trials; run "tfkit sweep run ${context.positionals[0]}" again to resume.`,
        );
        return 130;
      }
      return result.failed > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

/** `tfkit sweep submit FILE --redis URL`. */
export const sweepSubmitCommand: Command = {
  path: ['sweep', 'submit'],
  summary: 'enqueue a sweep on Redis for `tfkit worker`s on any number of machines',
  positionals: { name: 'FILE', description: 'sweep file (JSON)', required: true },
  options: [
    redisOption,
    trialsOption,
    {
      name: 'shared-dir',
      type: 'string',
      placeholder: 'DIR',
      description: 'a directory mounted at the same path on every worker: artifacts go there',
    },
    {
      name: 'attempts',
      type: 'integer',
      placeholder: 'N',
      description: 'tries per trial when a worker fails outside the trial',
      default: 3,
      min: 1,
    },
    { name: 'wait', type: 'boolean', description: 'wait until every trial has a result, with progress' },
  ],
  examples: [
    'tfkit sweep submit cartpole-lr.json --redis redis://queue-host:6379',
    'tfkit sweep submit sweep.json --redis redis://10.0.0.5:6379 --shared-dir /mnt/sweeps --wait',
  ],
  details:
    'Submitting the same sweep again enqueues only trials without a result (resume). Trial modules must exist at the same path on every worker.',
  async run(context) {
    const { submitSweep, waitForSweep } = await import('@tfkit/experiments/distributed');
    const redis = redisUrl(context);
    const { sweep, modules, registry } = await readSweepFile(context);
    const result = await submitSweep(sweep, {
      redis,
      trialModules: modules,
      registry,
      attempts: Number(context.options.attempts),
      ...(context.options.sharedDir !== undefined ? { sharedDirectory: String(context.options.sharedDir) } : {}),
    });
    context.print(
      `sweep ${result.sweep}: ${result.total} trials, ${result.enqueued} enqueued, ${result.alreadyDone} already done`,
    );
    if (context.options.wait) {
      const bar = context.progress(`sweep ${result.sweep}`, result.total);
      const status = await waitForSweep(result.sweep, {
        redis,
        onProgress: (progress) =>
          bar.update(
            progress.done,
            `${progress.running} running on ${progress.workers} workers, ${progress.failed} failed`,
          ),
      });
      bar.finish(`${status.ok} ok, ${status.failed} failed, ${status.lost} lost`);
    } else {
      context.print(
        `follow it with: tfkit sweep status ${result.sweep} --redis ${redis.replace(/\/\/[^@/]*@/, '//***@')}`,
      );
    }
    return 0;
  },
};

/** `tfkit sweep status ID --redis URL`. */
export const sweepStatusCommand: Command = {
  path: ['sweep', 'status'],
  summary: 'progress of a submitted sweep: done, running, waiting, failed, workers',
  positionals: { name: 'ID', description: 'the sweep name', required: true },
  options: [redisOption, { name: 'json', type: 'boolean', description: 'print JSON' }],
  examples: ['tfkit sweep status cartpole-lr --redis redis://queue-host:6379'],
  async run(context) {
    const { sweepStatus } = await import('@tfkit/experiments/distributed');
    const status = await sweepStatus(context.positionals[0]!, { redis: redisUrl(context) });
    if (context.options.json) context.print(JSON.stringify(status));
    else
      context.print(
        `sweep ${status.sweep}: ${status.done}/${status.total} done (${status.ok} ok, ${status.failed} failed), ${status.running} running, ${status.waiting} waiting, ${status.lost} lost; ${status.workers} workers connected`,
      );
    return 0;
  },
};

/** `tfkit sweep results ID --redis URL`. */
export const sweepResultsCommand: Command = {
  path: ['sweep', 'results'],
  summary: "fetch a submitted sweep's results into <out>/<id>/results.jsonl, aggregate, write the report",
  positionals: { name: 'ID', description: 'the sweep name', required: true },
  options: [redisOption, outOption, { name: 'json', type: 'boolean', description: 'print the summary as JSON' }],
  examples: ['tfkit sweep results cartpole-lr --redis redis://queue-host:6379'],
  async run(context) {
    const { sweepResults } = await import('@tfkit/experiments/distributed');
    const results = await sweepResults(context.positionals[0]!, {
      redis: redisUrl(context),
      outDir: String(context.options.out),
    });
    const directory = sweepPaths(String(context.options.out), results.sweep).directory;
    const report = await writeReport(
      results.sweep,
      results.definition.trial,
      results.summary,
      results.records,
      directory,
      [['results', results.resultsFile ?? '']],
    );
    if (context.options.json) context.print(JSON.stringify(results.summary));
    else {
      for (const line of summaryLines(results.summary)) context.print(line);
      context.print(`results: ${results.resultsFile}`);
      context.print(`report: ${report}`);
    }
    return 0;
  },
};

/** `tfkit worker --redis URL`. */
export const workerCommand: Command = {
  path: ['worker'],
  summary: 'run sweep trials from Redis (any number of machines; one per Kubernetes pod)',
  options: [
    redisOption,
    {
      name: 'concurrency',
      type: 'integer',
      placeholder: 'N',
      description: 'trials at once [default: available parallelism]',
      min: 1,
    },
    {
      name: 'out',
      type: 'string',
      placeholder: 'DIR',
      description: 'where artifacts go when the sweep has no shared directory',
      default: 'sweeps',
    },
    {
      name: 'lock-ms',
      type: 'integer',
      placeholder: 'MS',
      description: "trial lock; a killed worker's trial is retried after about this long",
      default: 30_000,
      min: 1000,
    },
  ],
  examples: [
    'tfkit worker --redis redis://queue-host:6379',
    'tfkit worker --redis redis://queue-host:6379 --concurrency 8',
  ],
  details:
    'Stops on Ctrl-C or SIGTERM after the running trials (a second signal quits at once; their trials are then retried elsewhere).',
  async run(context) {
    const { startWorker } = await import('@tfkit/experiments/distributed');
    const controller = new AbortController();
    let signals = 0;
    const onSignal = () => {
      signals++;
      if (signals > 1) process.exit(130);
      context.note('finishing running trials, then stopping (signal again to quit now)');
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const worker = await startWorker({
        redis: redisUrl(context),
        outDir: String(context.options.out),
        lockDurationMs: Number(context.options.lockMs),
        ...(context.options.concurrency !== undefined ? { concurrency: Number(context.options.concurrency) } : {}),
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'ready') context.note(`worker ready: ${event.concurrency} trials at once`);
          else if (event.type === 'trial-start')
            context.note(`start ${event.sweep}/${event.trialId} (attempt ${event.attempt})`);
          else if (event.type === 'trial-end')
            context.note(
              `end ${event.record.sweep}/${event.record.trialId}: ${event.record.status} in ${event.record.wallSeconds.toFixed(1)} s${event.stored ? '' : ' (already stored: dropped)'}`,
            );
          else if (event.type === 'redis-lost') context.note(event.error.message);
          else if (event.type === 'redis-back') context.note('Redis is back; carrying on');
        },
      });
      await worker.closed;
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
