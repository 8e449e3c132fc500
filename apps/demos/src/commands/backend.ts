import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '@tfkit/backend';
import type { Command } from '../cli/run-cli.js';

/** `tfkit backend`: what `ensureBackend()` chose. */
export const backendCommand: Command = {
  path: ['backend'],
  summary: 'show the TensorFlow.js backend tfkit picks here, whether a GPU is used, and versions',
  options: [{ name: 'json', type: 'boolean', description: 'print one JSON object instead of lines' }],
  examples: ['tfkit backend', 'TFKIT_BACKEND=cpu tfkit backend --json', 'TFKIT_WASM_THREADS=1 tfkit backend'],
  details:
    'Order tried: tfjs-node-gpu, tfjs-node, wasm (with tfkit training kernels), cpu. TFKIT_BACKEND=tensorflow|wasm|cpu forces one. wasm runs on every available core (at most 8); TFKIT_WASM_THREADS=auto|<n> sets the threads, 1 the single-threaded binary.',
  async run(context) {
    const info = await ensureBackend({ log: false });
    const facts = {
      backend: info.name,
      gpu: info.gpu,
      source: info.source,
      threads: info.threads,
      trainingKernels: info.kernels.length,
      tfjs: tf.version.tfjs,
      node: process.versions.node,
      reason: info.reason,
    };
    if (context.options.json) {
      context.print(JSON.stringify(facts));
      return 0;
    }
    context.print(`backend:  ${info.name}`);
    context.print(`gpu:      ${info.gpu ? 'yes' : 'no'}`);
    context.print(`source:   ${info.source}`);
    context.print(`threads:  ${info.threads} in use`);
    context.print(`kernels:  ${info.kernels.length > 0 ? info.kernels.join(', ') : 'none registered'}`);
    context.print(`tfjs:     ${tf.version.tfjs}`);
    context.print(`node:     ${process.versions.node}`);
    context.print(info.reason);
    return 0;
  },
};
