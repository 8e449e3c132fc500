import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilter, conv2dBackpropInput } from './conv-gradients.js';
import { registerPaddingFix } from './conv-padding-fix.js';
import { depthwiseConv2dNativeBackpropFilter, depthwiseConv2dNativeBackpropInput } from './depthwise-gradients.js';

/** The convolution gradient kernels tfkit registers for wasm, by kernel name. */
const convKernels: ReadonlyArray<[string, tf.KernelFunc]> = [
  ['Conv2DBackpropFilter', conv2dBackpropFilter as unknown as tf.KernelFunc],
  ['Conv2DBackpropInput', conv2dBackpropInput as unknown as tf.KernelFunc],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc],
];

/**
 * Registers the convolution gradient kernels for the tfjs wasm backend (idempotent).
 *
 * `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter` and
 * `DepthwiseConv2dNativeBackpropInput` are missing from stock wasm; its `Conv2DBackpropInput` is a
 * scalar loop and gets replaced. Stock kernels of the same name are unregistered first. The stock
 * forward kernels `Conv2D`, `FusedConv2D`, `DepthwiseConv2dNative` and `FusedDepthwiseConv2D` get
 * wrapped: the calls that stock wasm gets wrong run with explicit padding (`'same'` whose
 * TensorFlow padding is negative, e.g. a filter dimension of 1 at stride 2 on an even size: zeros;
 * numeric padding with non-square filters or strides: heap corruption); every other call goes
 * straight to the stock kernel.
 *
 * @returns the names of the kernels registered by this call (empty when all were already ours)
 */
export function registerConvKernels(): string[] {
  const registered: string[] = [];
  for (const [kernelName, kernelFunc] of convKernels) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing?.kernelFunc === kernelFunc) continue;
    if (existing) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    registered.push(kernelName);
  }
  return [...registered, ...registerPaddingFix()];
}
