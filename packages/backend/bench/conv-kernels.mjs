#!/usr/bin/env node
// Kernel-level benchmark of tfkit's wasm convolution gradient kernels (run `pnpm build` first).
//
// Runs each convolution gradient kernel on training-sized shapes, once per configuration in its
// own process (the kernel registry is global): stock wasm, wasm with tfkit's kernels, and with
// --cpu the cpu backend. Prints median wall time and median process CPU time per call; on a
// shared machine the CPU time is the steadier figure. Not a test.
//
//   node bench/conv-kernels.mjs           stock wasm and tfkit wasm
//   node bench/conv-kernels.mjs --cpu     also the cpu backend (slow)
//
// Also importable: `convKernelWorkloads` and `benchConvKernels(tf, options)` run inside the
// caller's process on whatever backend is active.
import { fileURLToPath } from 'node:url';
import { median, printTable, randomTensor, reportResult, runChild, setUpBackend } from './workloads.mjs';

/**
 * Kernel calls as they occur in the bench models: the conv train step (first layer, Ci = 1),
 * MobileNet v1 0.25 @128 batch 16, and a DCGAN generator (conv2dTranspose = Conv2DBackpropInput).
 */
export const convKernelWorkloads = [
  {
    label: 'conv step: dW 5x5 [64,28,28,1]->64',
    kernel: 'Conv2DBackpropFilter',
    x: [64, 28, 28, 1],
    filter: [5, 5, 1, 64],
    strides: 1,
  },
  {
    label: 'DCGAN D: dW 4x4/2 [100,14,14,32]->64',
    kernel: 'Conv2DBackpropFilter',
    x: [100, 14, 14, 32],
    filter: [4, 4, 32, 64],
    strides: 2,
  },
  {
    label: 'MobileNet: dW 3x3/2 [16,128,128,3]->8',
    kernel: 'Conv2DBackpropFilter',
    x: [16, 128, 128, 3],
    filter: [3, 3, 3, 8],
    strides: 2,
  },
  {
    label: 'MobileNet: dW 1x1 [16,32,32,32]->32',
    kernel: 'Conv2DBackpropFilter',
    x: [16, 32, 32, 32],
    filter: [1, 1, 32, 32],
    strides: 1,
  },
  {
    label: 'MobileNet: dx 1x1 [16,32,32,32]->32',
    kernel: 'Conv2DBackpropInput',
    x: [16, 32, 32, 32],
    filter: [1, 1, 32, 32],
    strides: 1,
  },
  {
    label: 'MobileNet: dw dW 3x3 [16,64,64,8]',
    kernel: 'DepthwiseConv2dNativeBackpropFilter',
    x: [16, 64, 64, 8],
    filter: [3, 3, 8, 1],
    strides: 1,
  },
  {
    label: 'MobileNet: dw dW 3x3/2 [16,64,64,16]',
    kernel: 'DepthwiseConv2dNativeBackpropFilter',
    x: [16, 64, 64, 16],
    filter: [3, 3, 16, 1],
    strides: 2,
  },
  {
    label: 'MobileNet: dw dx 3x3 [16,32,32,32]',
    kernel: 'DepthwiseConv2dNativeBackpropInput',
    x: [16, 32, 32, 32],
    filter: [3, 3, 32, 1],
    strides: 1,
  },
  {
    label: 'MobileNet: dw dx 3x3/2 [16,64,64,16]',
    kernel: 'DepthwiseConv2dNativeBackpropInput',
    x: [16, 64, 64, 16],
    filter: [3, 3, 16, 1],
    strides: 2,
  },
  {
    label: 'DCGAN G: 5x5/2 [64,7,7,128]->[64,14,14,64]',
    kernel: 'Conv2DBackpropInput',
    x: [64, 14, 14, 64],
    filter: [5, 5, 64, 128],
    strides: 2,
  },
  {
    label: 'DCGAN G: 5x5/2 [64,14,14,64]->[64,28,28,1]',
    kernel: 'Conv2DBackpropInput',
    x: [64, 28, 28, 1],
    filter: [5, 5, 1, 64],
    strides: 2,
  },
  {
    label: 'VGG-like: dW 3x3 [8,56,56,64]->64',
    kernel: 'Conv2DBackpropFilter',
    x: [8, 56, 56, 64],
    filter: [3, 3, 64, 64],
    strides: 1,
  },
  {
    label: 'VGG-like: dx 3x3 [8,56,56,64]->64',
    kernel: 'Conv2DBackpropInput',
    x: [8, 56, 56, 64],
    filter: [3, 3, 64, 64],
    strides: 1,
  },
];

/**
 * Times every workload on the active backend.
 *
 * @param tf - the `@tensorflow/tfjs` module
 * @param options - `{ warmup, timed }` calls per workload (defaults 1 and 5)
 * @returns one `{ label, wallMs, cpuMs }` or `{ label, note }` per workload
 */
export async function benchConvKernels(tf, { warmup = 1, timed = 5 } = {}) {
  const results = [];
  for (const [index, workload] of convKernelWorkloads.entries()) {
    const depthwise = workload.kernel.startsWith('Depthwise');
    const x = randomTensor(tf, workload.x, 2 * index + 1);
    const filter = randomTensor(tf, workload.filter, 2 * index + 2);
    const outShape = tf.backend_util.computeConv2DInfo(
      workload.x,
      workload.filter,
      workload.strides,
      1,
      'same',
      undefined,
      depthwise,
    ).outShape;
    const dy = randomTensor(tf, outShape, 1000 + index);
    const attrs = { strides: workload.strides, pad: 'same', dataFormat: 'NHWC', dilations: 1 };
    const inputs = workload.kernel.endsWith('Filter') ? { x, dy } : { dy, filter };
    const kernelAttrs = workload.kernel.endsWith('Filter')
      ? { ...attrs, filterShape: workload.filter }
      : { ...attrs, inputShape: workload.x };
    const call = () => {
      const out = tf.engine().runKernel(workload.kernel, inputs, kernelAttrs);
      out.dataSync();
      out.dispose();
    };
    try {
      for (let i = 0; i < warmup; i++) call();
      const wall = [];
      const cpu = [];
      for (let i = 0; i < timed; i++) {
        const usage = process.cpuUsage();
        const start = performance.now();
        call();
        wall.push(performance.now() - start);
        const used = process.cpuUsage(usage);
        cpu.push((used.user + used.system) / 1000);
      }
      results.push({ label: workload.label, wallMs: median(wall), cpuMs: median(cpu) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({
        label: workload.label,
        note: /not registered/.test(message) ? 'missing kernel' : message.slice(0, 60),
      });
    } finally {
      tf.dispose([x, filter, dy]);
    }
  }
  return results;
}

const configurations = {
  cpu: { label: 'cpu', prefer: 'cpu', wasmKernels: false, warmup: 0, timed: 1 },
  stock: { label: 'wasm (stock)', prefer: 'wasm', wasmKernels: false, warmup: 1, timed: 3 },
  tfkit: { label: 'wasm + tfkit', prefer: 'wasm', wasmKernels: true, warmup: 1, timed: 5 },
};

async function child(id) {
  const configuration = configurations[id];
  const { tf } = await setUpBackend(configuration);
  reportResult(await benchConvKernels(tf, configuration));
}

function format(result) {
  if (!result) return 'failed';
  if (result.note) return result.note;
  return `${result.cpuMs.toFixed(1)} cpu / ${result.wallMs.toFixed(1)} wall`;
}

function parent() {
  const ids = process.argv.includes('--cpu') ? ['cpu', 'stock', 'tfkit'] : ['stock', 'tfkit'];
  const outcomes = {};
  for (const id of ids) {
    process.stderr.write(`${configurations[id].label}...\n`);
    outcomes[id] = runChild(fileURLToPath(import.meta.url), ['--child', id]).result ?? [];
  }
  const header = [
    'kernel call (ms per call)',
    ...ids.map((id) => configurations[id].label),
    'tfkit vs stock (cpu time)',
  ];
  const rows = convKernelWorkloads.map((workload, index) => {
    const stock = outcomes.stock[index];
    const tfkit = outcomes.tfkit[index];
    const ratio =
      stock && !stock.note && tfkit && !tfkit.note
        ? `${(stock.cpuMs / tfkit.cpuMs).toFixed(1)}x`
        : 'n/a (stock lacks it)';
    return [workload.label, ...ids.map((id) => format(outcomes[id][index])), ratio];
  });
  printTable(header, rows);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex >= 0) await child(process.argv[childIndex + 1]);
  else parent();
}
