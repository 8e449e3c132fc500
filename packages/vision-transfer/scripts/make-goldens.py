#!/usr/bin/python3
"""Forward-pass goldens for the @tfkit/vision-transfer model zoo.

An independent float64 reference of keras.applications' VGG16, VGG19, ResNet50, InceptionV3,
MobileNet (v1) and MobileNetV2, written from Keras' sources (keras-team/keras,
keras/src/applications/*.py) with PyTorch and NumPy, not from tfkit's TypeScript. It writes one
small JSON per case to src/goldens/__fixtures__/: the Keras layer list (names, weight names and shapes, in the
order of Keras' `model.layers`, and the Keras 3 `.weights.h5` path of every layer), the outputs of
a few layers for a seeded input, and how far each output moves under typical porting mistakes
("mutants"), which shows that the goldens can tell them apart.

Weights and inputs are not stored: both sides compute them from one integer formula (FNV-1a of the
weight's name, then a murmur3 finaliser per element; see `uniform`), which src/goldens/formula.ts
implements bit for bit. A sha256 of all float32 weights in the JSON proves that both agree.

It also writes `vgg-head.keras`, a Keras 3 `model.save('x.keras')` archive of the VGG head
golden (zip with metadata.json, config.json and model.weights.h5, written with h5py and zipfile the
way keras/src/saving/saving_lib.py does), when python3-h5py is installed.

Usage (from the repository root; needs python3-torch and python3-numpy, python3-h5py for the
.keras fixture):
    /usr/bin/python3 packages/vision-transfer/scripts/make-goldens.py [--only NAME] [--check]
"""

import argparse
import base64
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
sys.setrecursionlimit(10000)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "goldens", "__fixtures__")
SEED = 13
FORMAT = 1

# ---------------------------------------------------------------------------------------------
# The shared integer formula (mirrored in src/goldens/formula.ts)


def fnv1a(text):
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def uniform(key, count):
    """`count` numbers in [0, 1) from a string key: murmur3's fmix32 of fnv1a(key) + i * golden."""
    i = np.arange(count, dtype=np.uint32)
    h = np.uint32(fnv1a(key)) + i * np.uint32(0x9E3779B9)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h.astype(np.float64) / 4294967296.0


def weight_values(seed, layer, short, shape):
    """float32 values of one weight, from its Keras name (`layer/short`) and shape."""
    count = int(np.prod(shape))
    u = uniform(f"{seed}:{layer}/{short}", count)
    if short == "kernel":
        fan_in = int(np.prod(shape[:-1]))
        values = (2.0 * u - 1.0) * math.sqrt(6.0 / fan_in)
    elif short == "depthwise_kernel":
        fan_in = int(shape[0] * shape[1])
        values = (2.0 * u - 1.0) * math.sqrt(6.0 / fan_in)
    elif short == "bias":
        values = (2.0 * u - 1.0) * 0.1
    elif short == "gamma":
        values = 0.75 + 0.5 * u
    elif short in ("beta", "moving_mean"):
        values = (2.0 * u - 1.0) * 0.2
    elif short == "moving_variance":
        values = 0.5 + 1.5 * u
    else:
        raise ValueError(short)
    return values.astype(np.float32).reshape(shape)


def input_values(seed, shape):
    u = uniform(f"{seed}:input", int(np.prod(shape)))
    return ((2.0 * u - 1.0) * 3.0).astype(np.float32).reshape(shape)


# ---------------------------------------------------------------------------------------------
# The reference: Keras layer semantics on NCHW float64 tensors, recording the graph


class Sym:
    def __init__(self, value, node):
        self.value = value  # torch float64, NCHW (or N x features)
        self.node = node


KERAS3_CLASS = {
    "Conv2D": "conv2d",
    "DepthwiseConv2D": "depthwise_conv2d",
    "BatchNormalization": "batch_normalization",
    "Dense": "dense",
}


class Reference:
    """Builds and runs a model at once. `mutants` switch on deliberate porting mistakes."""

    def __init__(self, seed, mutants=()):
        self.seed = seed
        self.mutants = set(mutants)
        self.ops = []
        self.counters = {}
        self.recorded = {}

    # names ---------------------------------------------------------------------------------
    def auto(self, kind):
        """Keras 2's automatic names (`conv2d_1`, ...), those of the published .h5 files."""
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return f"{kind}_{n}"

    def op(self, name, cls, inputs, value, weights=()):
        node = len(self.ops)
        self.ops.append({"name": name, "class": cls, "inputs": [t.node for t in inputs], "weights": list(weights)})
        self.recorded[name] = value
        return Sym(value, node)

    def weight(self, layer, short, shape):
        return torch.from_numpy(weight_values(self.seed, layer, short, shape).astype(np.float64))

    # layers --------------------------------------------------------------------------------
    def input(self, shape, batch):
        values = input_values(self.seed, [batch, *shape])  # NHWC, as Keras sees it
        return self.op("input_1", "InputLayer", [], torch.from_numpy(values.astype(np.float64)).permute(0, 3, 1, 2))

    def same_padding(self, x, kernel, strides):
        """TF 'same': total = max((ceil(in / s) - 1) * s + k - in, 0); the odd pixel goes AFTER."""
        pads = []
        for size, k, s in zip(x.shape[2:], kernel, strides):
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            before = total // 2
            if "same-extra-before" in self.mutants:
                before = total - total // 2
            pads.append((before, total - before))
        (top, bottom), (left, right) = pads
        return F.pad(x, (left, right, top, bottom))

    def conv2d(self, x, filters, kernel, strides=(1, 1), padding="valid", use_bias=True, activation=None, name=None):
        name = name or self.auto("conv2d")
        kernel = (kernel, kernel) if isinstance(kernel, int) else tuple(kernel)
        strides = (strides, strides) if isinstance(strides, int) else tuple(strides)
        channels = x.value.shape[1]
        shape = [kernel[0], kernel[1], channels, filters]
        w = self.weight(name, "kernel", shape)
        value = x.value
        if padding == "same":
            value = self.same_padding(value, kernel, strides)
        y = F.conv2d(value, w.permute(3, 2, 0, 1), stride=strides)
        weights = [("kernel", shape)]
        if use_bias:
            y = y + self.weight(name, "bias", [filters]).view(1, -1, 1, 1)
            weights.append(("bias", [filters]))
        if activation == "relu":
            y = torch.relu(y)
        return self.op(name, "Conv2D", [x], y, weights)

    def depthwise_conv2d(self, x, kernel, strides, padding, name):
        channels = x.value.shape[1]
        shape = [kernel, kernel, channels, 1]
        w = self.weight(name, "depthwise_kernel", shape)
        value = x.value
        if padding == "same":
            value = self.same_padding(value, (kernel, kernel), (strides, strides))
        y = F.conv2d(value, w.permute(2, 3, 0, 1), stride=strides, groups=channels)
        return self.op(name, "DepthwiseConv2D", [x], y, [("depthwise_kernel", shape)])

    def batch_norm(self, x, epsilon=1e-3, scale=True, name=None):
        name = name or self.auto("batch_normalization")
        if "epsilon-swapped" in self.mutants:
            epsilon = 1e-3 if epsilon != 1e-3 else 1.001e-5
        c = x.value.shape[1]
        weights = []
        gamma = torch.ones(c)
        if scale:
            gamma = self.weight(name, "gamma", [c])
            weights.append(("gamma", [c]))
        beta = self.weight(name, "beta", [c])
        mean = self.weight(name, "moving_mean", [c])
        variance = self.weight(name, "moving_variance", [c])
        weights += [("beta", [c]), ("moving_mean", [c]), ("moving_variance", [c])]
        if "scale-false-gets-beta" in self.mutants and not scale:
            gamma = beta  # a loader that shifts the variables of a scale=False layer by one
        view = lambda t: t.view(1, -1, 1, 1)  # noqa: E731
        y = (x.value - view(mean)) / torch.sqrt(view(variance) + epsilon) * view(gamma) + view(beta)
        return self.op(name, "BatchNormalization", [x], y, weights)

    def relu(self, x, name=None):
        return self.op(name or self.auto("activation"), "Activation", [x], torch.relu(x.value))

    def relu6(self, x, name):
        y = torch.relu(x.value) if "relu6-as-relu" in self.mutants else torch.clamp(x.value, 0.0, 6.0)
        return self.op(name, "ReLU", [x], y)

    def zero_padding(self, x, padding, name):
        (top, bottom), (left, right) = padding
        if "zero-padding-flipped" in self.mutants:
            (top, bottom), (left, right) = (bottom, top), (right, left)
        return self.op(name, "ZeroPadding2D", [x], F.pad(x.value, (left, right, top, bottom)))

    def max_pool(self, x, pool, strides, name=None):
        name = name or self.auto("max_pooling2d")
        return self.op(name, "MaxPooling2D", [x], F.max_pool2d(x.value, pool, strides))

    def average_pool_same_3x3(self, x, name=None):
        """AveragePooling2D((3, 3), strides=(1, 1), padding='same'): TF divides by the number of
        real (unpadded) pixels in each window."""
        name = name or self.auto("average_pooling2d")
        summed = F.avg_pool2d(F.pad(x.value, (1, 1, 1, 1)), 3, 1) * 9.0
        if "avgpool-counts-padding" in self.mutants:
            return self.op(name, "AveragePooling2D", [x], summed / 9.0)
        ones = torch.ones(1, 1, *x.value.shape[2:])
        counts = F.avg_pool2d(F.pad(ones, (1, 1, 1, 1)), 3, 1) * 9.0
        return self.op(name, "AveragePooling2D", [x], summed / counts)

    def concatenate(self, xs, name=None):
        name = name or self.auto("concatenate")
        values = [t.value for t in xs]
        if "concat-reversed" in self.mutants:
            values = values[::-1]
        return self.op(name, "Concatenate", xs, torch.cat(values, dim=1))

    def add(self, xs, name):
        return self.op(name, "Add", xs, xs[0].value + xs[1].value)

    def global_average_pool(self, x, name):
        return self.op(name, "GlobalAveragePooling2D", [x], x.value.mean(dim=(2, 3)))

    def flatten(self, x, name):
        if "flatten-nchw" in self.mutants:
            y = x.value.reshape(x.value.shape[0], -1)
        else:
            y = x.value.permute(0, 2, 3, 1).reshape(x.value.shape[0], -1)  # channels_last order
        return self.op(name, "Flatten", [x], y)

    def dense(self, x, units, activation, name):
        fan_in = x.value.shape[1]
        kernel = self.weight(name, "kernel", [fan_in, units])
        bias = self.weight(name, "bias", [units])
        y = x.value @ kernel + bias
        y = activate(y, activation)
        return self.op(name, "Dense", [x], y, [("kernel", [fan_in, units]), ("bias", [units])])

    # graph ---------------------------------------------------------------------------------
    def keras_layer_order(self, output):
        """`model.layers` as Keras orders it (keras/src/ops/function.py map_graph): by decreasing
        depth from the output, ties by first DFS visit from the output."""
        finished, order, indices = set(), [], {}

        def visit(node):
            if node in finished:
                return
            indices.setdefault(node, len(indices))
            for parent in self.ops[node]["inputs"]:
                visit(parent)
            finished.add(node)
            order.append(node)

        visit(output.node)
        depth = {}
        for node in reversed(order):
            d = depth.setdefault(node, 0)
            for parent in self.ops[node]["inputs"]:
                depth[parent] = max(d + 1, depth.get(parent, 0))
        return sorted(order, key=lambda node: (-depth[node], indices[node]))

    def manifest(self, output):
        """Layers with weights in Keras' order, with their Keras 3 `.weights.h5` paths (class name
        in snake case, `_1`, `_2`, ... for repeats, counted in `model.layers` order)."""
        used = {}
        layers = []
        for node in self.keras_layer_order(output):
            op = self.ops[node]
            key = KERAS3_CLASS.get(op["class"], op["class"].lower())
            if key in used:
                used[key] += 1
                key = f"{key}_{used[key]}"
            else:
                used[key] = 0
            if op["weights"]:
                layers.append(
                    {
                        "name": op["name"],
                        "keras3Path": f"layers/{key}",
                        "weights": [{"name": short, "shape": list(shape)} for short, shape in op["weights"]],
                    }
                )
        return layers


def activate(y, activation):
    if activation in (None, "linear"):
        return y
    if activation == "relu":
        return torch.relu(y)
    if activation == "softmax":
        return torch.softmax(y, dim=-1)
    raise ValueError(activation)


# ---------------------------------------------------------------------------------------------
# keras.applications, from keras/src/applications/*.py


def vgg(r, x, depth):
    convolutions = [2, 2, 3, 3, 3] if depth == 16 else [2, 2, 4, 4, 4]
    for block, (count, filters) in enumerate(zip(convolutions, [64, 128, 256, 512, 512]), start=1):
        for index in range(1, count + 1):
            x = r.conv2d(x, filters, 3, padding="same", activation="relu", name=f"block{block}_conv{index}")
        x = r.max_pool(x, 2, 2, name=f"block{block}_pool")
    return x


def vgg_head(r, x, classes):
    """VGG's classifier (flatten, fc1, fc2, predictions) at reduced widths on a non-square map."""
    x = r.flatten(x, "flatten")
    x = r.dense(x, 12, "relu", "fc1")
    x = r.dense(x, 12, "relu", "fc2")
    return r.dense(x, classes, "softmax", "predictions")


def resnet50(r, x, include_top, classes, activation="softmax"):
    eps = 1.001e-5

    def block(x, filters, stride, conv_shortcut, name):
        if conv_shortcut:
            shortcut = r.conv2d(x, 4 * filters, 1, strides=stride, name=f"{name}_0_conv")
            shortcut = r.batch_norm(shortcut, eps, name=f"{name}_0_bn")
        else:
            shortcut = x
        y = r.conv2d(x, filters, 1, strides=stride, name=f"{name}_1_conv")
        y = r.batch_norm(y, eps, name=f"{name}_1_bn")
        y = r.relu(y, f"{name}_1_relu")
        y = r.conv2d(y, filters, 3, padding="same", name=f"{name}_2_conv")
        y = r.batch_norm(y, eps, name=f"{name}_2_bn")
        y = r.relu(y, f"{name}_2_relu")
        y = r.conv2d(y, 4 * filters, 1, name=f"{name}_3_conv")
        y = r.batch_norm(y, eps, name=f"{name}_3_bn")
        y = r.add([shortcut, y], f"{name}_add")
        return r.relu(y, f"{name}_out")

    def stack(x, filters, blocks, stride, name):
        x = block(x, filters, stride, True, f"{name}_block1")
        for index in range(2, blocks + 1):
            x = block(x, filters, 1, False, f"{name}_block{index}")
        return x

    x = r.zero_padding(x, ((3, 3), (3, 3)), "conv1_pad")
    x = r.conv2d(x, 64, 7, strides=2, name="conv1_conv")
    x = r.batch_norm(x, eps, name="conv1_bn")
    x = r.relu(x, "conv1_relu")
    x = r.zero_padding(x, ((1, 1), (1, 1)), "pool1_pad")
    x = r.max_pool(x, 3, 2, name="pool1_pool")
    x = stack(x, 64, 3, 1, "conv2")
    x = stack(x, 128, 4, 2, "conv3")
    x = stack(x, 256, 6, 2, "conv4")
    x = stack(x, 512, 3, 2, "conv5")
    if include_top:
        x = r.global_average_pool(x, "avg_pool")
        x = r.dense(x, classes, activation, "predictions")
    return x


def inception_v3(r, x, include_top, classes):
    def conv_bn(x, filters, rows, cols, padding="same", strides=(1, 1)):
        x = r.conv2d(x, filters, (rows, cols), strides=strides, padding=padding, use_bias=False)
        x = r.batch_norm(x, 1e-3, scale=False)
        return r.relu(x)

    x = conv_bn(x, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv_bn(x, 32, 3, 3, padding="valid")
    x = conv_bn(x, 64, 3, 3)
    x = r.max_pool(x, 3, 2)
    x = conv_bn(x, 80, 1, 1, padding="valid")
    x = conv_bn(x, 192, 3, 3, padding="valid")
    x = r.max_pool(x, 3, 2)

    for index, pool_filters in enumerate([32, 64, 64]):
        branch1x1 = conv_bn(x, 64, 1, 1)
        branch5x5 = conv_bn(x, 48, 1, 1)
        branch5x5 = conv_bn(branch5x5, 64, 5, 5)
        branch3x3dbl = conv_bn(x, 64, 1, 1)
        branch3x3dbl = conv_bn(branch3x3dbl, 96, 3, 3)
        branch3x3dbl = conv_bn(branch3x3dbl, 96, 3, 3)
        branch_pool = r.average_pool_same_3x3(x)
        branch_pool = conv_bn(branch_pool, pool_filters, 1, 1)
        x = r.concatenate([branch1x1, branch5x5, branch3x3dbl, branch_pool], f"mixed{index}")

    branch3x3 = conv_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv_bn(x, 64, 1, 1)
    branch3x3dbl = conv_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = r.max_pool(x, 3, 2)
    x = r.concatenate([branch3x3, branch3x3dbl, branch_pool], "mixed3")

    for index, width in enumerate([128, 160, 160, 192]):
        branch1x1 = conv_bn(x, 192, 1, 1)
        branch7x7 = conv_bn(x, width, 1, 1)
        branch7x7 = conv_bn(branch7x7, width, 1, 7)
        branch7x7 = conv_bn(branch7x7, 192, 7, 1)
        branch7x7dbl = conv_bn(x, width, 1, 1)
        branch7x7dbl = conv_bn(branch7x7dbl, width, 7, 1)
        branch7x7dbl = conv_bn(branch7x7dbl, width, 1, 7)
        branch7x7dbl = conv_bn(branch7x7dbl, width, 7, 1)
        branch7x7dbl = conv_bn(branch7x7dbl, 192, 1, 7)
        branch_pool = r.average_pool_same_3x3(x)
        branch_pool = conv_bn(branch_pool, 192, 1, 1)
        x = r.concatenate([branch1x1, branch7x7, branch7x7dbl, branch_pool], f"mixed{4 + index}")

    branch3x3 = conv_bn(x, 192, 1, 1)
    branch3x3 = conv_bn(branch3x3, 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv_bn(x, 192, 1, 1)
    branch7x7x3 = conv_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = r.max_pool(x, 3, 2)
    x = r.concatenate([branch3x3, branch7x7x3, branch_pool], "mixed8")

    for index in range(2):
        branch1x1 = conv_bn(x, 320, 1, 1)
        branch3x3 = conv_bn(x, 384, 1, 1)
        branch3x3_1 = conv_bn(branch3x3, 384, 1, 3)
        branch3x3_2 = conv_bn(branch3x3, 384, 3, 1)
        branch3x3 = r.concatenate([branch3x3_1, branch3x3_2], f"mixed9_{index}")
        branch3x3dbl = conv_bn(x, 448, 1, 1)
        branch3x3dbl = conv_bn(branch3x3dbl, 384, 3, 3)
        branch3x3dbl_1 = conv_bn(branch3x3dbl, 384, 1, 3)
        branch3x3dbl_2 = conv_bn(branch3x3dbl, 384, 3, 1)
        branch3x3dbl = r.concatenate([branch3x3dbl_1, branch3x3dbl_2])
        branch_pool = r.average_pool_same_3x3(x)
        branch_pool = conv_bn(branch_pool, 192, 1, 1)
        x = r.concatenate([branch1x1, branch3x3, branch3x3dbl, branch_pool], f"mixed{9 + index}")

    if include_top:
        x = r.global_average_pool(x, "avg_pool")
        x = r.dense(x, classes, "softmax", "predictions")
    return x


def mobilenet(r, x, alpha, include_top, classes):
    x = r.conv2d(x, int(32 * alpha), 3, strides=2, padding="same", use_bias=False, name="conv1")
    x = r.batch_norm(x, 1e-3, name="conv1_bn")
    x = r.relu6(x, "conv1_relu")
    plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    for block_id, (filters, stride) in enumerate(plan, start=1):
        if stride == 2:
            x = r.zero_padding(x, ((0, 1), (0, 1)), f"conv_pad_{block_id}")
        x = r.depthwise_conv2d(x, 3, stride, "same" if stride == 1 else "valid", f"conv_dw_{block_id}")
        x = r.batch_norm(x, 1e-3, name=f"conv_dw_{block_id}_bn")
        x = r.relu6(x, f"conv_dw_{block_id}_relu")
        x = r.conv2d(x, int(filters * alpha), 1, padding="same", use_bias=False, name=f"conv_pw_{block_id}")
        x = r.batch_norm(x, 1e-3, name=f"conv_pw_{block_id}_bn")
        x = r.relu6(x, f"conv_pw_{block_id}_relu")
    if include_top:
        # GlobalAveragePooling2D(keepdims=True), Dropout, Conv2D conv_preds, Reshape, Activation
        x = r.op("global_average_pooling2d", "GlobalAveragePooling2D", [x], x.value.mean(dim=(2, 3), keepdim=True))
        x = r.conv2d(x, classes, 1, padding="same", name="conv_preds")
        x = r.op("reshape_2", "Reshape", [x], x.value.reshape(x.value.shape[0], classes))
        x = r.op("predictions", "Activation", [x], torch.softmax(x.value, dim=-1))
    return x


def make_divisible(v, divisor, min_value=None):
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def mobilenet_v2(r, x, alpha, include_top, classes):
    def bn(x, name):
        return r.batch_norm(x, 1e-3, name=name)

    def block(inputs, expansion, stride, filters, block_id):
        in_channels = inputs.value.shape[1]
        pointwise_filters = make_divisible(int(filters * alpha), 8)
        x = inputs
        prefix = f"block_{block_id}_"
        if block_id:
            x = r.conv2d(x, expansion * in_channels, 1, padding="same", use_bias=False, name=f"{prefix}expand")
            x = bn(x, f"{prefix}expand_BN")
            x = r.relu6(x, f"{prefix}expand_relu")
        else:
            prefix = "expanded_conv_"
        if stride == 2:
            # imagenet_utils.correct_pad(x, 3)
            rows, cols = x.value.shape[2], x.value.shape[3]
            adjust = (1 - rows % 2, 1 - cols % 2)
            x = r.zero_padding(x, ((1 - adjust[0], 1), (1 - adjust[1], 1)), f"{prefix}pad")
        x = r.depthwise_conv2d(x, 3, stride, "same" if stride == 1 else "valid", f"{prefix}depthwise")
        x = bn(x, f"{prefix}depthwise_BN")
        x = r.relu6(x, f"{prefix}depthwise_relu")
        x = r.conv2d(x, pointwise_filters, 1, padding="same", use_bias=False, name=f"{prefix}project")
        x = bn(x, f"{prefix}project_BN")
        if in_channels == pointwise_filters and stride == 1:
            return r.add([inputs, x], f"{prefix}add")
        return x

    x = r.conv2d(x, make_divisible(32 * alpha, 8), 3, strides=2, padding="same", use_bias=False, name="Conv1")
    x = bn(x, "bn_Conv1")
    x = r.relu6(x, "Conv1_relu")
    plan = [
        (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
        (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
        (320, 1, 6),
    ]  # fmt: skip
    for block_id, (filters, stride, expansion) in enumerate(plan):
        x = block(x, expansion, stride, filters, block_id)
    last = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = r.conv2d(x, last, 1, use_bias=False, name="Conv_1")
    x = bn(x, "Conv_1_bn")
    x = r.relu6(x, "out_relu")
    if include_top:
        x = r.global_average_pool(x, "global_average_pooling2d")
        x = r.dense(x, classes, "softmax", "predictions")
    return x


# ---------------------------------------------------------------------------------------------
# The cases. `options` are createModel options (tfkit); `record` the layers whose outputs are kept.

CASES = [
    {
        "id": "vgg16",
        "model": "vgg16",
        "options": {"includeTop": False, "inputShape": [32, 32, 3]},
        "build": lambda r, x: vgg(r, x, 16),
        "record": ["block4_pool", "block5_pool"],
        "mutants": [],
    },
    {
        "id": "vgg19",
        "model": "vgg19",
        "options": {"includeTop": False, "inputShape": [32, 32, 3]},
        "build": lambda r, x: vgg(r, x, 19),
        "record": ["block4_pool", "block5_pool"],
        "mutants": [],
    },
    {
        "id": "vgg-head",
        "model": None,  # VGG's classifier on a non-square [3, 5, 16] feature map (see the test)
        "options": {"inputShape": [3, 5, 16], "classes": 5},
        "build": lambda r, x: vgg_head(r, x, 5),
        "record": ["fc1", "predictions"],
        "mutants": ["flatten-nchw"],
    },
    {
        "id": "resnet50",
        "model": "resnet50",
        "options": {"includeTop": True, "inputShape": [40, 40, 3], "classes": 10, "classifierActivation": "linear"},
        "build": lambda r, x: resnet50(r, x, True, 10, "linear"),
        "record": ["conv5_block3_out", "predictions"],
        "mutants": ["epsilon-swapped"],
    },
    {
        "id": "inception-v3",
        "model": "inceptionV3",
        "options": {"includeTop": True, "inputShape": [75, 75, 3], "classes": 10},
        "build": lambda r, x: inception_v3(r, x, True, 10),
        "record": ["mixed10", "predictions"],
        "mutants": ["concat-reversed", "avgpool-counts-padding", "scale-false-gets-beta", "epsilon-swapped"],
    },
    {
        "id": "mobilenet",
        "model": "mobilenet",
        "options": {"includeTop": True, "alpha": 0.5, "inputShape": [32, 32, 3], "classes": 10},
        "build": lambda r, x: mobilenet(r, x, 0.5, True, 10),
        "record": ["conv_pw_5_relu", "conv_pw_13_relu", "predictions"],
        "mutants": ["same-extra-before", "zero-padding-flipped", "relu6-as-relu", "epsilon-swapped"],
    },
    {
        "id": "mobilenet-v2",
        "model": "mobilenetV2",
        "options": {"includeTop": True, "alpha": 1.0, "inputShape": [40, 48, 3], "classes": 10},
        "build": lambda r, x: mobilenet_v2(r, x, 1.0, True, 10),
        "record": ["out_relu", "predictions"],
        "mutants": ["same-extra-before", "zero-padding-flipped", "relu6-as-relu", "epsilon-swapped"],
    },
]

BATCH = 2


def nhwc(value):
    array = value.detach().numpy()
    return np.transpose(array, (0, 2, 3, 1)) if array.ndim == 4 else array


def run(case, mutants=()):
    r = Reference(SEED, mutants)
    x = r.input(case["options"]["inputShape"], BATCH)
    output = case["build"](r, x)
    return r, output


def max_relative_error(actual, expected):
    """`max |actual - expected| / max |expected|`, as maxRelativeError of @tfkit/backend/testing."""
    return float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))


def encode(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def make(case):
    r, output = run(case)
    layers = r.manifest(output)
    digest = hashlib.sha256()
    parameters = 0
    for layer in layers:
        for weight in layer["weights"]:
            values = weight_values(SEED, layer["name"], weight["name"], weight["shape"])
            digest.update(values.astype("<f4").tobytes())
            parameters += values.size
    outputs = {}
    for name in case["record"]:
        value = nhwc(r.recorded[name])
        outputs[name] = {
            "shape": list(value.shape),
            "maxAbs": float(np.max(np.abs(value))),
            "float32": encode(value),
        }
    sensitivity = {}
    for mutant in case["mutants"]:
        m, _ = run(case, [mutant])
        sensitivity[mutant] = max(
            max_relative_error(nhwc(m.recorded[name]), nhwc(r.recorded[name])) for name in case["record"]
        )
    relu6 = [op["name"] for op in r.ops if op["class"] == "ReLU"]
    clipped = sum(int((r.recorded[name] >= 6.0).sum()) for name in relu6)
    return {
        "format": FORMAT,
        "id": case["id"],
        "model": case["model"],
        "options": case["options"],
        "seed": SEED,
        "batch": BATCH,
        "generator": "scripts/make-goldens.py (float64 PyTorch reference written from keras/src/applications)",
        "parameters": parameters,
        "weightsSha256": digest.hexdigest(),
        "layers": layers,
        "outputs": outputs,
        "sensitivity": sensitivity,
        "relu6Clipped": clipped,
    }


def write_keras_archive(golden, file):
    """A Keras 3 `.keras` archive of a golden, as saving_lib writes one: a ZIP_STORED zip holding
    metadata.json, config.json and model.weights.h5 (H5IOStore: the model's own `vars` at the
    root, each layer's variables at `layers/<class>_<n>/vars/<i>` with its name as an attribute;
    layers without variables get an empty `vars` group)."""
    import io
    import zipfile

    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        h5.create_group("vars").attrs["name"] = golden["id"].replace("-", "_")
        for empty in ("input_layer", "flatten"):
            h5.create_group(f"layers/{empty}/vars").attrs["name"] = {"input_layer": "input_1"}.get(empty, empty)
        for layer in golden["layers"]:
            group = h5.create_group(f"{layer['keras3Path']}/vars")
            group.attrs["name"] = layer["name"]
            for index, weight in enumerate(layer["weights"]):
                group[str(index)] = weight_values(golden["seed"], layer["name"], weight["name"], weight["shape"])
    stamp = (2026, 1, 1, 0, 0, 0)
    metadata = {"keras_version": "3.9.2", "date_saved": "2026-01-01@00:00:00"}
    config = {"module": "keras", "class_name": "Functional", "config": {"name": "vgg_head"}, "registered_name": "Functional"}
    with zipfile.ZipFile(file, "w") as archive:
        for name, data in (
            ("metadata.json", json.dumps(metadata).encode()),
            ("config.json", json.dumps(config).encode()),
            ("model.weights.h5", buffer.getvalue()),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="one case id")
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    failed = False
    for case in CASES:
        if args.only and case["id"] != args.only:
            continue
        golden = make(case)
        file = os.path.join(OUT, f"{case['id']}.golden.json")
        text = json.dumps(golden, indent=1) + "\n"
        summary = ", ".join(f"{k} {v:.2e}" for k, v in golden["sensitivity"].items())
        print(f"{case['id']}: {golden['parameters']} parameters, {len(golden['layers'])} layers; mutants: {summary}")
        if args.check:
            with open(file) as handle:
                same = handle.read() == text
            print(f"  {'unchanged' if same else 'DIFFERS from the committed file'}")
            failed |= not same
        else:
            with open(file, "w") as handle:
                handle.write(text)
            if case["id"] == "vgg-head":
                try:
                    write_keras_archive(golden, os.path.join(OUT, "vgg-head.keras"))
                except ImportError:
                    print("  python3-h5py is missing: vgg-head.keras not written")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
