// Bench of @tfkit/experiments: N DQN seeds on CartPole-v1 run in sequence (this thread), on the
// local worker-thread pool, and through BullMQ on a loopback redis-server with W worker processes;
// plus the pool's overhead per trial (no-op trials).
//
//   pnpm --filter @tfkit/experiments build && node packages/experiments/bench/run.mjs
//   options: --seeds 8 --timesteps 20000 --concurrency 2 --workers 2 --stop-when-solved --skip-redis --noop 64
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep } from '@tfkit/experiments';
import { submitSweep, sweepResults, waitForSweep } from '@tfkit/experiments/distributed';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(argv[index + 1]);
};
const flag = (name) => argv.includes(`--${name}`);
const seeds = option('seeds', 8);
const timesteps = option('timesteps', 20_000);
const concurrency = option('concurrency', availableParallelism());
const workers = option('workers', 2);
const noopCount = option('noop', 64);
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.resolve(here, '../src/__fixtures__/cheap-trials.mjs');
const outDir = mkdtempSync(path.join(tmpdir(), 'tfkit-sweep-bench-'));

const dqn = (name) => ({
  name,
  trial: 'dqn',
  fixed: {
    envId: 'CartPole-v1',
    totalTimesteps: timesteps,
    evalFreq: 5000,
    evalEpisodes: 5,
    stopWhenSolved: flag('stop-when-solved'),
  },
  seeds: { count: seeds },
});

function cpuSeconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

async function measure(label, body) {
  const load = loadavg()[0];
  const cpu = cpuSeconds();
  const start = performance.now();
  const extra = await body();
  const wall = (performance.now() - start) / 1000;
  const row = { label, wall, cpu: cpuSeconds() - cpu, load, ...extra };
  console.error(
    `${label}: ${wall.toFixed(2)} s wall, ${row.cpu.toFixed(2)} s CPU of this process, load ${load.toFixed(2)}`,
  );
  return row;
}

// CPU seconds of the threads that ran the trials (Linux /proc/thread-self), summed.
function trialCpu(records) {
  return +records.reduce((sum, record) => sum + (record.cpuSeconds ?? Number.NaN), 0).toFixed(2);
}

function metricsOf(result) {
  return result.summary.configurations.map((configuration) => configuration.metrics.evalMean?.mean);
}

const rows = [];
console.error(
  `bench: ${seeds} DQN seeds on CartPole-v1, ${timesteps} steps each; pool ${concurrency}, ${workers} Redis workers; ${availableParallelism()} CPUs`,
);
const sequential = await measure('sequential (this thread)', async () => {
  const result = await runSweep(dqn('sequential'), { outDir, concurrency: 0 });
  return {
    failed: result.failed,
    evalMean: metricsOf(result),
    trialCpu: trialCpu(result.records),
  };
});
rows.push(sequential);
const pool = await measure(`local pool (${concurrency} threads)`, async () => {
  const result = await runSweep(dqn('pool'), { outDir, concurrency });
  return {
    failed: result.failed,
    evalMean: metricsOf(result),
    trialCpu: trialCpu(result.records),
  };
});
rows.push(pool);

let redisRow;
let redisServer;
try {
  redisServer = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
} catch {}
if (!flag('skip-redis') && redisServer) {
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const redis = `redis://127.0.0.1:${port}`;
  const server = spawn(
    redisServer,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const children = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ready = [];
    for (let index = 0; index < workers; index++) {
      const child = spawn(process.execPath, [path.join(here, 'worker.mjs'), redis, '1', outDir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      ready.push(
        new Promise((resolve) => child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve())),
      );
    }
    await Promise.all(ready);
    redisRow = await measure(`redis (${workers} worker processes x 1)`, async () => {
      await submitSweep(dqn('redis'), { redis });
      const status = await waitForSweep('redis', { redis, intervalMs: 250 });
      const results = await sweepResults('redis', { redis });
      return { failed: status.failed + status.lost, trialCpu: trialCpu(results.records) };
    });
    rows.push(redisRow);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    server.kill('SIGKILL');
  }
} else if (!flag('skip-redis')) {
  console.error('redis-server not found: the Redis row is skipped (apt-get install redis-server)');
}

// Overhead per trial: no-op trials through the pool (1 thread) against the same trials inline.
const noop = (name) => ({
  name,
  trial: 'quadratic',
  trialModules: [fixture],
  fixed: { steps: 1 },
  seeds: { count: noopCount },
});
const inline = await measure(`${noopCount} no-op trials inline`, async () => {
  await runSweep(noop('noop-inline'), { outDir, concurrency: 0 });
  return {};
});
const pooled = await measure(`${noopCount} no-op trials, pool of 1`, async () => {
  await runSweep(noop('noop-pool'), { outDir, concurrency: 1 });
  return {};
});
rows.push(inline, pooled);

const speedup = sequential.wall / pool.wall;
const summary = {
  seeds,
  timesteps,
  concurrency,
  cpus: availableParallelism(),
  sequentialSeconds: +sequential.wall.toFixed(2),
  poolSeconds: +pool.wall.toFixed(2),
  poolSpeedup: +speedup.toFixed(2),
  redisSeconds: redisRow ? +redisRow.wall.toFixed(2) : null,
  redisVsPool: redisRow ? +(redisRow.wall / pool.wall).toFixed(3) : null,
  noopInlineMsPerTrial: +((inline.wall / noopCount) * 1000).toFixed(1),
  noopPoolMsPerTrial: +((pooled.wall / noopCount) * 1000).toFixed(1),
  poolOverheadMsPerTrial: +(((pooled.wall - inline.wall) / noopCount) * 1000).toFixed(1),
  trialCpuSeconds: { sequential: sequential.trialCpu, pool: pool.trialCpu, redis: redisRow?.trialCpu ?? null },
  sameResults: JSON.stringify(sequential.evalMean) === JSON.stringify(pool.evalMean),
  loadAverageAtStart: +rows[0].load.toFixed(2),
  loadAverageAtEnd: +loadavg()[0].toFixed(2),
};
console.log(JSON.stringify(summary));
process.exit(0);
