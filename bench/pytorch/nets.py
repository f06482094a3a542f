#!/usr/bin/python3
"""Times the book's networks in PyTorch on the CPU, to compare with zerograd's benchmarks.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/nets.py [--threads 2] [--repeat 5]

Prints, per net, the median over --repeat runs of the time per training step (forward,
backward and update; batch 100, float32) and samples/s, and the time to run inference
over 10,000 images in batches of 100 for SimpleConvNet. Random data: the timing does not
depend on the values.

Each net trains as zerograd's benchmark of it does (bench/*_test.go), so the two time the
same work: the loss is the mean softmax cross entropy over the batch on both sides
(CrossEntropyLoss here, ops.SoftmaxCrossEntropy there); TwoLayerNet updates with plain SGD
at learning rate 0.1, as the book trains it (optim.NewSGD(0.1)); SimpleConvNet and
DeepConvNet with Adam at learning rate 0.001, betas 0.9 and 0.999 (optim.DefaultAdam()). Use Debian's python3-torch (apt-get install python3-torch); set
OPENBLAS_NUM_THREADS=1, or its BLAS threads fight torch's own for the cores.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn


def sgd(params):
    return torch.optim.SGD(params, lr=0.1)


def adam(params):
    return torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999))


def two_layer_net():
    return nn.Sequential(nn.Linear(784, 50), nn.Sigmoid(), nn.Linear(50, 10)), (100, 784)


def simple_convnet():
    return nn.Sequential(
        nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(4320, 100), nn.ReLU(), nn.Linear(100, 10)), (100, 1, 28, 28)


def deep_convnet():
    def conv(c, fn, pad):
        return [nn.Conv2d(c, fn, 3, padding=pad), nn.ReLU()]
    layers = (conv(1, 16, 1) + conv(16, 16, 1) + [nn.MaxPool2d(2, 2)] +
              conv(16, 32, 1) + conv(32, 32, 2) + [nn.MaxPool2d(2, 2)] +
              conv(32, 64, 1) + conv(64, 64, 1) + [nn.MaxPool2d(2, 2)] +
              [nn.Flatten(), nn.Linear(1024, 50), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(50, 10), nn.Dropout(0.5)])
    return nn.Sequential(*layers), (100, 1, 28, 28)


def time_steps(make, optimizer, steps, repeat):
    torch.manual_seed(0)
    model, shape = make()
    opt = optimizer(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(*shape)
    t = torch.randint(0, 10, (shape[0],))
    for _ in range(3):  # warm up
        opt.zero_grad()
        loss_fn(model(x), t).backward()
        opt.step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(steps):
            opt.zero_grad()
            loss_fn(model(x), t).backward()
            opt.step()
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def time_inference(make, repeat):
    model, shape = make()
    model.eval()
    x = torch.randn(*shape)
    times = []
    with torch.no_grad():
        model(x)
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(100):  # 10,000 images
                model(x)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print("torch %s, %d threads" % (torch.__version__, torch.get_num_threads()))
    for name, make, optimizer, steps in [("TwoLayerNet", two_layer_net, sgd, 200),
                                         ("SimpleConvNet", simple_convnet, adam, 20),
                                         ("DeepConvNet", deep_convnet, adam, 10)]:
        s = time_steps(make, optimizer, steps, args.repeat)
        print("%-14s step %8.3f ms  %10.0f samples/s" % (name, s * 1e3, 100 / s))
    s = time_inference(simple_convnet, args.repeat)
    print("SimpleConvNet inference over 10,000 images: %.3f s (%.0f images/s)" % (s, 10000 / s))


if __name__ == "__main__":
    main()
