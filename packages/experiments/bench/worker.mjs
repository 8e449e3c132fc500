// A bench worker process: node bench/worker.mjs REDIS_URL CONCURRENCY OUT_DIR
import { startWorker } from '@tfkit/experiments/distributed';

const [redis, concurrency = '1', outDir = 'sweeps'] = process.argv.slice(2);
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
const worker = await startWorker({
  redis,
  concurrency: Number(concurrency),
  outDir,
  signal: controller.signal,
  onEvent: (event) => {
    if (event.type === 'ready') process.stdout.write('ready\n');
  },
});
await worker.closed;
process.exit(0);
