// A `tfkit worker` stand-in for the distributed test: node worker-process.mjs REDIS_URL [concurrency]
// Prints one JSON line per worker event on stdout.
import { startWorker } from '@tfkit/experiments/distributed';

const [redis, concurrency = '1'] = process.argv.slice(2);
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
const worker = await startWorker({
  redis,
  concurrency: Number(concurrency),
  lockDurationMs: 1500,
  stalledIntervalMs: 500,
  maxStalledCount: 2,
  outDir: process.env.SWEEP_OUT_DIR ?? 'sweeps',
  signal: controller.signal,
  onEvent: (event) => {
    const line =
      event.type === 'trial-end'
        ? { type: event.type, trialId: event.record.trialId, status: event.record.status, stored: event.stored }
        : event.type === 'redis-lost'
          ? { type: event.type, message: event.error.message }
          : event;
    process.stdout.write(`${JSON.stringify(line)}\n`);
  },
});
await worker.closed;
process.exit(0);
