import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, submitSweep, sweepResults, sweepStatus, waitForSweep } from './distributed.js';
import { RedisUnavailableError } from './errors.js';
import { ResultsStore } from './store.js';

function findRedisServer(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const redisServer = findRedisServer();
if (!redisServer)
  console.warn(
    '[@tfkit/experiments] distributed tests skipped: redis-server not found (apt-get install redis-server).',
  );

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const fixture = path.resolve(import.meta.dirname, '__fixtures__/cheap-trials.mjs');
const workerScript = path.resolve(import.meta.dirname, '__fixtures__/worker-process.mjs');

describe.skipIf(!redisServer)('distributed runner on Redis (skipped without redis-server)', () => {
  let server: ChildProcess;
  let redis = '';
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const port = await freePort();
    redis = `redis://127.0.0.1:${port}`;
    server = spawn(redisServer!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await until(
      async () => {
        try {
          await sweepStatus('none', { redis, connectTimeoutSeconds: 1 });
          return true;
        } catch (error) {
          return !RedisUnavailableError.isInstance(error);
        }
      },
      10_000,
      'redis-server',
    );
  });

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    server?.kill('SIGKILL');
  });

  it('a worker killed mid-trial: its trial is retried by the other, every trial is stored exactly once', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'sweeps-'));
    const events: Array<Array<Record<string, unknown>>> = [[], []];
    for (const index of [0, 1]) {
      const child = spawn(process.execPath, [workerScript, redis, '1'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, SWEEP_OUT_DIR: outDir },
      });
      children.push(child);
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) if (line.trim()) events[index]!.push(JSON.parse(line));
      });
    }
    await until(
      () => events.every((list) => list.some((event) => event.type === 'ready')),
      30_000,
      'two ready workers',
    );
    const submitted = await submitSweep(
      { name: 'kill', trial: 'sleeper', trialModules: [fixture], grid: { ms: [600] }, seeds: { count: 6 } },
      { redis },
    );
    expect(submitted).toMatchObject({ total: 6, enqueued: 6 });
    // Kill worker 0 while it is running a trial.
    await until(() => events[0]!.some((event) => event.type === 'trial-start'), 20_000, 'worker 0 to start a trial');
    const killedTrial = events[0]!.find((event) => event.type === 'trial-start')!.trialId as string;
    children[0]!.kill('SIGKILL');
    const status = await waitForSweep('kill', { redis, intervalMs: 100 });
    expect(status).toMatchObject({ total: 6, done: 6, ok: 6, lost: 0 });
    // The killed worker's trial was finished by worker 1.
    expect(events[1]!.some((event) => event.type === 'trial-end' && event.trialId === killedTrial)).toBe(true);
    expect(events[0]!.some((event) => event.type === 'trial-end' && event.trialId === killedTrial)).toBe(false);
    const results = await sweepResults('kill', { redis, outDir });
    expect(results.records).toHaveLength(6);
    expect(new Set(results.records.map((record) => record.trialId)).size).toBe(6);
    expect(results.records.map((record) => record.seed).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.summary.configurations[0]!.metrics.value!.count).toBe(6);
    // Merging the results again into the local store adds nothing.
    await sweepResults('kill', { redis, outDir });
    const store = await ResultsStore.open(results.resultsFile!);
    expect(store.openReport.lines).toBe(6);
    // Submitting the finished sweep again enqueues nothing.
    expect(
      await submitSweep(
        { name: 'kill', trial: 'sleeper', trialModules: [fixture], grid: { ms: [600] }, seeds: { count: 6 } },
        { redis },
      ),
    ).toMatchObject({
      enqueued: 0,
      alreadyDone: 6,
    });
  });

  it('Redis unreachable: a typed error; lost and back: the worker resumes', async () => {
    const port = await freePort();
    const nowhere = `redis://127.0.0.1:${port}`;
    await expect(sweepStatus('x', { redis: nowhere, connectTimeoutSeconds: 1 })).rejects.toSatisfy(
      (error) => RedisUnavailableError.isInstance(error) && /127\.0\.0\.1/.test((error as Error).message),
    );
    await expect(
      submitSweep(
        { name: 'x', trial: 'sleeper', trialModules: [fixture] },
        { redis: nowhere, connectTimeoutSeconds: 1 },
      ),
    ).rejects.toSatisfy(RedisUnavailableError.isInstance);
    // A private Redis that goes away and comes back on the same port.
    const start = () =>
      spawn(redisServer!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
    let own = start();
    await until(
      async () =>
        sweepStatus('none', { redis: nowhere, connectTimeoutSeconds: 1 }).then(
          () => true,
          (error) => !RedisUnavailableError.isInstance(error),
        ),
      10_000,
      'redis',
    );
    const seen: string[] = [];
    const worker = await startWorker({ redis: nowhere, concurrency: 1, onEvent: (event) => seen.push(event.type) });
    try {
      own.kill('SIGKILL');
      await until(() => seen.includes('redis-lost'), 10_000, 'redis-lost');
      own = start();
      await until(() => seen.includes('redis-back'), 15_000, 'redis-back');
      // The sweep is submitted again (Redis lost everything: --save '') and runs to the end.
      await submitSweep(
        { name: 'again', trial: 'sleeper', trialModules: [fixture], grid: { ms: [10] }, seeds: [0, 1] },
        { redis: nowhere },
      );
      expect(await waitForSweep('again', { redis: nowhere, intervalMs: 100 })).toMatchObject({ done: 2, ok: 2 });
    } finally {
      await worker.close();
      own.kill('SIGKILL');
    }
  });
});
