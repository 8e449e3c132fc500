#!/usr/bin/python3
"""PyTorch baseline for @tfkit/backend's bench (bench/run.mjs): the same workloads and shapes.

Run with Debian's python3-torch (/usr/bin/python3). Debian builds torch against the generic
reference BLAS (BLAS_INFO=generic), so its matrix products are far slower than an OpenBLAS or MKL
build; convolutions go through oneDNN (mkldnn) and are fast.

    /usr/bin/python3 bench/torch-baseline.py [--threads 1,2] [--only matmul,dense-gan,...] [--repeats n]

Prints one JSON line: {"torch": version, "blas": ..., "results": {workload: {threads: {...}}}}
with the median and best wall milliseconds per step, the median process CPU milliseconds per step
and the peak RSS (of the whole process so far) for each workload and thread count.
"""

import argparse
import json
import resource
import statistics
import time

import torch
from torch import nn

WORKLOADS = ["matmul", "dense-gan", "dcgan-tuned", "dcgan", "mobilenet", "vgg16"]


def leaky():
    return nn.LeakyReLU(0.2)


def dense_gan():
    """The book's dense GAN (@tfkit/gan preset 'dense'): G 256-256-512-1024-784, D 784-256-1."""
    generator = nn.Sequential(
        nn.Linear(256, 256), leaky(), nn.Linear(256, 512), leaky(), nn.Linear(512, 1024), leaky(),
        nn.Linear(1024, 784), nn.Tanh(),
    )
    discriminator = nn.Sequential(nn.Linear(784, 256), leaky(), nn.Dropout(0.3), nn.Linear(256, 1))
    return generator, discriminator, 256, (torch.optim.Adam, {"lr": 1e-5}), (torch.optim.SGD, {"lr": 0.01})


class Reshape(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def book_dcgan():
    """The book's DCGAN (preset 'dcgan'): dense 256 -> 5x5x128, 3 x (upsample, conv 5x5, tanh), dense 25600 -> 784."""
    layers = [nn.Linear(256, 5 * 5 * 128), Reshape(128, 5, 5), nn.Tanh()]
    channels = 128
    for filters in [64, 32, 16]:
        layers += [nn.Upsample(scale_factor=2), nn.Conv2d(channels, filters, 5, padding=2), nn.Tanh()]
        channels = filters
    layers += [nn.Flatten(), nn.Linear(40 * 40 * 16, 784), nn.Tanh()]
    generator = nn.Sequential(*layers)
    discriminator = nn.Sequential(
        Reshape(1, 28, 28), nn.Conv2d(1, 64, 5, padding=2), nn.Tanh(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(14 * 14 * 64, 1),
    )
    return generator, discriminator, 256, (torch.optim.Adam, {"lr": 1e-5}), (torch.optim.SGD, {"lr": 0.01})


def tuned_dcgan():
    """The tuned DCGAN (preset 'dcgan-tuned'): transposed convolutions with batch norm, Adam 2e-4 / 0.5."""
    generator = nn.Sequential(
        nn.Linear(100, 7 * 7 * 64, bias=False), nn.BatchNorm1d(7 * 7 * 64, momentum=0.1), leaky(), Reshape(64, 7, 7),
        nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(32), leaky(),
        nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), leaky(),
        nn.Conv2d(16, 1, 3, padding=1), nn.Tanh(), nn.Flatten(),
    )
    discriminator = nn.Sequential(
        Reshape(1, 28, 28), nn.Conv2d(1, 32, 4, stride=2, padding=1), leaky(),
        nn.Conv2d(32, 64, 4, stride=2, padding=1), leaky(), nn.Flatten(), nn.Linear(7 * 7 * 64, 1),
    )
    adam = (torch.optim.Adam, {"lr": 2e-4, "betas": (0.5, 0.999)})
    return generator, discriminator, 100, adam, adam


def gan_iteration(build):
    """One GAN iteration as @tfkit/gan's trainStep: a D step on 100 real + 100 fake, a G step on 100."""
    generator, discriminator, nz, (g_opt, g_args), (d_opt, d_args) = build()
    g_optimizer = g_opt(generator.parameters(), **g_args)
    d_optimizer = d_opt(discriminator.parameters(), **d_args)
    real = torch.rand(100, 784) * 2 - 1
    bce = nn.BCEWithLogitsLoss()
    ones = torch.ones(100, 1)
    zeros = torch.zeros(100, 1)

    def step():
        with torch.no_grad():
            fake = generator(torch.rand(100, nz) * 2 - 1)
        d_optimizer.zero_grad()
        d_loss = bce(discriminator(real), ones) + bce(discriminator(fake), zeros)
        d_loss.backward()
        d_optimizer.step()
        g_optimizer.zero_grad()
        g_loss = bce(discriminator(generator(torch.rand(100, nz) * 2 - 1)), ones)
        g_loss.backward()
        g_optimizer.step()
        return float(d_loss) + float(g_loss)

    return step


def mobilenet_v1(alpha=0.25, classes=1000):
    """Keras MobileNet v1 layer stack (conv / batch norm / ReLU6 / depthwise), 'same' padding, GAP + dense head."""
    def filters(count):
        return max(8, round(count * alpha))

    layers = [nn.Conv2d(3, filters(32), 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(filters(32)), nn.ReLU6()]
    channels = filters(32)
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    for pointwise, stride in blocks:
        layers += [
            nn.Conv2d(channels, channels, 3, stride=stride, padding=1, groups=channels, bias=False),
            nn.BatchNorm2d(channels), nn.ReLU6(),
            nn.Conv2d(channels, filters(pointwise), 1, bias=False), nn.BatchNorm2d(filters(pointwise)), nn.ReLU6(),
        ]
        channels = filters(pointwise)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, classes)]
    return nn.Sequential(*layers)


def mobilenet_step():
    """MobileNet v1 0.25 @128, batch 16: one Adam train step (softmax cross-entropy)."""
    model = mobilenet_v1()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    xs = torch.rand(16, 3, 128, 128) * 2 - 1
    ys = torch.randint(0, 1000, (16,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(xs), ys)
        loss.backward()
        optimizer.step()
        return float(loss)

    return step


def vgg16():
    layers = []
    channels = 3
    for filters, count in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
        for _ in range(count):
            layers += [nn.Conv2d(channels, filters, 3, padding=1), nn.ReLU()]
            channels = filters
        layers.append(nn.MaxPool2d(2))
    layers += [nn.Flatten(), nn.Linear(7 * 7 * 512, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(),
               nn.Linear(4096, 1000), nn.Softmax(dim=1)]
    return nn.Sequential(*layers)


def vgg_inference():
    """VGG16 @224, batch 1, inference."""
    model = vgg16().eval()
    xs = torch.rand(1, 3, 224, 224)

    def step():
        with torch.no_grad():
            return float(model(xs).sum())

    return step


def matmul():
    a = torch.rand(1024, 1024)
    b = torch.rand(1024, 1024)

    def step():
        return float(torch.matmul(a, b)[0, 0])

    return step


BUILDERS = {
    "matmul": (matmul, 10),
    "dense-gan": (lambda: gan_iteration(dense_gan), 5),
    "dcgan-tuned": (lambda: gan_iteration(tuned_dcgan), 5),
    "dcgan": (lambda: gan_iteration(book_dcgan), 3),
    "mobilenet": (mobilenet_step, 5),
    "vgg16": (vgg_inference, 3),
}


def measure(name, threads, repeats):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    build, default_repeats = BUILDERS[name]
    step = build()
    step()  # warm-up
    walls, cpus = [], []
    for _ in range(repeats or default_repeats):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        step()
        walls.append((time.perf_counter() - wall0) * 1000)
        cpus.append((time.process_time() - cpu0) * 1000)
    return {
        "medianMs": statistics.median(walls),
        "bestMs": min(walls),
        "cpuMs": statistics.median(cpus),
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--only", default=",".join(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=0)
    args = parser.parse_args()
    results = {}
    for name in args.only.split(","):
        results[name] = {}
        for threads in [int(t) for t in args.threads.split(",")]:
            results[name][str(threads)] = measure(name, threads, args.repeats)
    blas = "reference BLAS" if "BLAS_INFO=generic" in torch.__config__.show() else "optimised BLAS"
    print(json.dumps({"torch": torch.__version__, "blas": blas, "results": results}))


if __name__ == "__main__":
    main()
