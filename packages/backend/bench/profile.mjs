#!/usr/bin/env node
// Per-kernel profile of one step of a bench workload (tf.profile; kernel wall time, so run it on a
// quiet machine or read it as shares):
//   node bench/profile.mjs mobilenet|vgg16|dense|gan:dense|gan:dcgan|gan:dcgan-tuned [threads]
// (gan:<preset> is one @tfkit/gan trainStep with batch 100, from packages/gan/dist)
import {
  denseTrainWorkload,
  ganWorkload,
  mobileNetTrainWorkload,
  setUpBackend,
  vgg16InferenceWorkload,
} from './workloads.mjs';

const which = process.argv[2] ?? 'mobilenet';
const threads = process.argv[3] === 'auto' ? 'auto' : Number(process.argv[3] ?? 1);
const { tf, info } = await setUpBackend({ prefer: 'wasm', wasmKernels: true, wasmThreads: threads });
const ganPreset = which.startsWith('gan:') ? which.slice(4) : undefined;
const make = ganPreset
  ? await ganWorkload(tf, ganPreset)
  : {
      mobilenet: () => mobileNetTrainWorkload(tf),
      dense: () => denseTrainWorkload(tf),
      vgg16: () => vgg16InferenceWorkload(tf),
    }[which]();
await make.step();
await make.step();
const cpu = process.cpuUsage();
const start = performance.now();
const profile = await tf.profile(() => make.step());
const wall = performance.now() - start;
const used = process.cpuUsage(cpu);
const byKernel = new Map();
for (const kernel of profile.kernels) {
  const entry = byKernel.get(kernel.name) ?? { ms: 0, count: 0 };
  entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
  entry.count += 1;
  byKernel.set(kernel.name, entry);
}
const total = [...byKernel.values()].reduce((sum, entry) => sum + entry.ms, 0);
console.log(
  `${which}, ${info.threads} thread(s): step ${wall.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU, kernels ${total.toFixed(0)} ms in ${profile.kernels.length} calls`,
);
for (const [name, entry] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(
    `${name.padEnd(36)} ${entry.ms.toFixed(1).padStart(8)} ms ${((100 * entry.ms) / total).toFixed(1).padStart(5)}%  x${entry.count}`,
  );
}
