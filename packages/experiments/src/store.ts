import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { ResultsStoreError } from './errors.js';
import type { ParameterJsonValue } from './trial.js';

/** One finished trial: a line of the results file. */
export interface TrialRecord {
  /** Format version of the line. */
  version: 1;
  /** The sweep's name. */
  sweep: string;
  /** The trial kind. */
  trial: string;
  /** Stable trial id (kind, parameters, seed). */
  trialId: string;
  /** Stable configuration id (kind, parameters). */
  configId: string;
  /** Every parameter. */
  parameters: Record<string, ParameterJsonValue>;
  /** The seed. */
  seed: number;
  /** `'ok'` when the trial returned, `'failed'` when it threw (the sweep goes on). */
  status: 'ok' | 'failed';
  /** Final metrics (empty when failed). */
  metrics: Record<string, number>;
  /** Per-step curves, `[step, value]` points (empty when failed). */
  curves: Record<string, Array<[number, number]>>;
  /** Artifact paths by name. */
  artifacts: Record<string, string>;
  /** What was thrown, when failed. */
  error?: { name: string; message: string; stack?: string };
  /** ISO time the trial started. */
  startedAt: string;
  /** Wall seconds the trial took. */
  wallSeconds: number;
  /** CPU seconds of the thread that ran it (Linux; elsewhere of the process on the main thread only), when measurable. */
  cpuSeconds?: number;
  /** Who ran it: `host:pid` plus the thread id when in a pool. */
  worker: string;
}

/** What {@link ResultsStore.open} found. */
export interface StoreOpenReport {
  /** Records read. */
  lines: number;
  /** Bytes of a torn last line that were cut off (0 when the file ended cleanly). */
  repairedBytes: number;
}

/**
 * The crash-safe results of one sweep: a JSON-lines file, one {@link TrialRecord} per line. Each
 * record is written with a single `write` of the complete line to a file opened for appending,
 * then `fsync`; a line torn by a crash (the only place one can be is the end) is cut off when the
 * store is opened. A trial id that already has an `'ok'` record is never written again, so the
 * file holds each finished trial exactly once.
 *
 * @example
 * ```ts
 * const store = await ResultsStore.open('sweeps/lr/results.jsonl');
 * store.isComplete(trialId); // true when an 'ok' record exists
 * await store.append(record);
 * ```
 */
export class ResultsStore {
  private readonly latest = new Map<string, TrialRecord>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    /** The results file. */
    readonly file: string,
    /** What opening found (lines, repaired bytes). */
    readonly openReport: StoreOpenReport,
  ) {}

  /**
   * Opens (or creates) a results file, repairing a torn last line.
   *
   * @param file - path of the `.jsonl` file; its directory is created
   * @returns the store with every record read
   * @throws {@link ResultsStoreError} when a line before the last is not a trial record (the file
   *   was edited or is not a results file), or the file cannot be read
   */
  static async open(file: string): Promise<ResultsStore> {
    const resolved = path.resolve(file);
    let text = '';
    try {
      await mkdir(path.dirname(resolved), { recursive: true });
      text = await readFile(resolved, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new ResultsStoreError({
          file: resolved,
          message: 'cannot be read; check its permissions.',
          cause: error,
        });
    }
    let repairedBytes = 0;
    if (text.length > 0 && !text.endsWith('\n')) {
      const keep = text.lastIndexOf('\n') + 1;
      const kept = Buffer.byteLength(text.slice(0, keep));
      repairedBytes = Buffer.byteLength(text) - kept;
      await truncate(resolved, kept);
      text = text.slice(0, keep);
    }
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const store = new ResultsStore(resolved, { lines: lines.length, repairedBytes });
    lines.forEach((line, index) => {
      let record: TrialRecord;
      try {
        record = JSON.parse(line) as TrialRecord;
      } catch (error) {
        throw new ResultsStoreError({
          file: resolved,
          message: `line ${index + 1} is not JSON; this file was edited or is not a results file. Move it away to start over.`,
          cause: error,
        });
      }
      if (typeof record?.trialId !== 'string' || (record.status !== 'ok' && record.status !== 'failed')) {
        throw new ResultsStoreError({
          file: resolved,
          message: `line ${index + 1} is not a trial record (no trialId/status). Move the file away to start over.`,
        });
      }
      store.remember(record);
    });
    return store;
  }

  private remember(record: TrialRecord): boolean {
    const previous = this.latest.get(record.trialId);
    if (previous?.status === 'ok') return false;
    this.latest.set(record.trialId, record);
    return true;
  }

  /**
   * @param trialId - a trial id
   * @returns whether the trial finished with `'ok'` (it is never run again)
   */
  isComplete(trialId: string): boolean {
    return this.latest.get(trialId)?.status === 'ok';
  }

  /**
   * @param trialId - a trial id
   * @returns whether the trial has any record (`'ok'` or `'failed'`)
   */
  has(trialId: string): boolean {
    return this.latest.has(trialId);
  }

  /** @returns the current record of every trial (an `'ok'` one wins over failures) */
  records(): TrialRecord[] {
    return [...this.latest.values()];
  }

  /**
   * Appends one record (a single write of the whole line, then fsync). A record for a trial that
   * already has an `'ok'` record is dropped.
   *
   * @param record - the finished trial
   * @returns whether it was written
   * @throws {@link ResultsStoreError} when the file cannot be written
   */
  append(record: TrialRecord): Promise<boolean> {
    const task = this.queue.then(async () => {
      if (this.isComplete(record.trialId)) return false;
      const line = Buffer.from(`${JSON.stringify(record)}\n`);
      let handle: Awaited<ReturnType<typeof open>> | undefined;
      try {
        handle = await open(this.file, 'a');
        // One write of the whole line; a short write (only on a full disk or a signal) is completed,
        // and a crash in between leaves a torn last line that the next open cuts off.
        let written = 0;
        while (written < line.length) written += (await handle.write(line, written)).bytesWritten;
        await handle.sync();
      } catch (error) {
        throw new ResultsStoreError({
          file: this.file,
          message: 'cannot be appended to; check the disk and permissions.',
          cause: error,
        });
      } finally {
        await handle?.close();
      }
      this.remember(record);
      return true;
    });
    this.queue = task.catch(() => undefined);
    return task;
  }
}
