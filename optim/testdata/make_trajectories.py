#!/usr/bin/python3
"""Writes trajectories.json: the book's chapter 6 comparison of optimizers.

The optimizer classes below are the book's common/optimizer.py ("Deep Learning from
Scratch", ゼロから作るDeep Learning), in NumPy float64, and the loop is its
ch06/optimizer_compare_naive.py: minimize f(x, y) = x**2/20 + y**2 from (-7, 2) for 30
steps with each optimizer, recording the position before each update (the book's
x_history and y_history) and the position after the last one.

The book compares SGD (lr 0.95), Momentum (0.1), AdaGrad (1.5) and Adam (0.3); RMSprop
(0.1) and Nesterov (0.1) are added here. zerograd's optim tests compare their own runs,
with gradients from autodiff, to these numbers within 1e-12.

Run with Debian's python3-numpy:  /usr/bin/python3 make_trajectories.py
"""

import json
import os
from collections import OrderedDict

import numpy as np


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)

        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)

        for key in params.keys():
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)

        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {}
            for key, val in params.items():
                self.h[key] = np.zeros_like(val)

        for key in params.keys():
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)

        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)

        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


def df(x, y):
    return x / 10.0, 2.0 * y


def main():
    init_pos = (-7.0, 2.0)
    steps = 30
    # name -> (optimizer, hyperparameters as the Go test sets them)
    optimizers = OrderedDict()
    optimizers["SGD"] = (SGD(lr=0.95), {"lr": 0.95})
    optimizers["Momentum"] = (Momentum(lr=0.1), {"lr": 0.1, "momentum": 0.9})
    optimizers["Nesterov"] = (Nesterov(lr=0.1), {"lr": 0.1, "momentum": 0.9})
    optimizers["AdaGrad"] = (AdaGrad(lr=1.5), {"lr": 1.5})
    optimizers["RMSprop"] = (RMSprop(lr=0.1), {"lr": 0.1, "decay_rate": 0.99})
    optimizers["Adam"] = (Adam(lr=0.3), {"lr": 0.3, "beta1": 0.9, "beta2": 0.999})

    out = {
        "function": "x**2/20 + y**2",
        "start": list(init_pos),
        "steps": steps,
        "numpy": np.__version__,
        "optimizers": [],
    }
    for name, (optimizer, hyper) in optimizers.items():
        params = {"x": init_pos[0], "y": init_pos[1]}
        grads = {}
        x_history, y_history = [], []
        for i in range(steps):
            x_history.append(float(params["x"]))
            y_history.append(float(params["y"]))
            grads["x"], grads["y"] = df(params["x"], params["y"])
            optimizer.update(params, grads)
        out["optimizers"].append({
            "name": name,
            "hyper": hyper,
            "x": x_history,
            "y": y_history,
            "final": [float(params["x"]), float(params["y"])],
        })

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trajectories.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
