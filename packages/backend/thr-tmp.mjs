import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';

const t0 = performance.now();
const info = await ensureBackend();
const b = tf.backend();
console.log(
  info.reason,
  info.threads,
  'running workers',
  b.wasm.PThread?.runningWorkers.length,
  'unused',
  b.wasm.PThread?.unusedWorkers.length,
  'ms',
  (performance.now() - t0).toFixed(0),
);
const a = tf.randomNormal([512, 512]);
for (let i = 0; i < 3; i++) {
  const c = tf.matMul(a, a);
  await c.data();
  c.dispose();
}
const cpu0 = process.cpuUsage();
const w0 = performance.now();
for (let i = 0; i < 20; i++) {
  const c = tf.matMul(a, a);
  await c.data();
  c.dispose();
}
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - w0;
console.log(
  'wall',
  wall.toFixed(0),
  'cpu',
  ((cpu.user + cpu.system) / 1000).toFixed(0),
  'rss MB',
  (process.memoryUsage().rss / 1e6).toFixed(0),
);
