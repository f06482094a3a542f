#!/usr/bin/env python3
"""Writes forward_fixtures.json: reference derivatives from torch.autograd.functional.

Each case is a random function f(x0, x1) of two [4 4] float64 inputs, a chain of steps built
from every differentiable op zerograd shares with PyTorch. A step names an op (see OPS) and
the values it reads: the inputs are values 0 and 1, step k makes value k+2, and every step's
first argument is the value made just before it, so the output depends on each step. The Go
test (forward_test.go) builds the same chain with zerograd's ops.

Steps are drawn at random and redrawn when their arguments sit where the op is not smooth
(near a kink of abs or relu, a tie of max, a non-positive argument of log) or when a value
grows past 1e3, so that both frameworks differentiate the same smooth function.

For each case the file holds the inputs, a tangent v and a cotangent w, and from
torch.autograd.functional in float64:
  jvp       J v                               (y's shape)
  vjp       w^T J                             (per input)
  jacobian  d y / d x_k, shape [4 4 4 4]      (per input)
  hessian   d^2 s / d x_j d x_k of s = sum(y * R), shape [4 4 4 4]   (per pair)
  hvp       H v of s                          (per input)

Run with a Python that has torch (Debian's python3-torch is enough):
  /usr/bin/python3 autodiff/testdata/make_fixtures.py
"""

import json
import os
import random

import torch
import torch.nn.functional as F
from torch.autograd import functional as AF

torch.set_default_dtype(torch.float64)

LABELS = [2, 0, 3, 1]  # class labels of the softmax_cross_entropy_labels step
BN_EPS = 1e-6  # zerograd's (and the book's) batch norm epsilon


def pos(a):
    return bool((a > 0.05).all())


def apart(a, tol=1e-3):
    return bool((a.abs() > tol).all())


def untied(a, dim):
    """The largest two values along dim (or over all, dim None) differ by more than 1e-3."""
    if dim is None:
        a = a.reshape(1, -1)
        dim = 1
    s = a.sort(dim=dim, descending=True).values
    return bool(((s.select(dim, 0) - s.select(dim, 1)) > 1e-3).all())


def pool_untied(a):
    w = F.unfold(a.reshape(1, 1, 4, 4), 2, stride=2)[0]  # [4 windows]
    return untied(w, 0)


def pool3_untied(a):
    x = a.reshape(1, 1, 4, 4)
    cols = []  # windows padded with -inf: padding never wins in either framework
    xp = F.pad(x, (1, 1, 1, 1), value=float("-inf"))
    for i in range(4):
        for j in range(4):
            cols.append(xp[0, 0, i:i + 3, j:j + 3].reshape(-1))
    return untied(torch.stack(cols, 1), 0)


def batchnorm(a, b):
    return F.batch_norm(a, None, None, weight=b[0], bias=b[1], training=True, eps=BN_EPS)


# name -> (arity, function, precondition on the arguments)
OPS = {
    "add": (2, lambda a, b: a + b, None),
    "sub": (2, lambda a, b: a - b, None),
    "mul": (2, lambda a, b: a * b, None),
    "div": (2, lambda a, b: a / b, lambda a, b: bool((b.abs() > 0.3).all())),
    "neg": (1, lambda a: -a, None),
    "exp": (1, torch.exp, lambda a: bool((a < 3).all())),
    "log": (1, torch.log, pos),
    "sqrt": (1, torch.sqrt, pos),
    "square": (1, torch.square, None),
    "abs": (1, torch.abs, apart),
    "pow3": (1, lambda a: a ** 3, None),
    "pow-1.5": (1, lambda a: a ** -1.5, lambda a: bool((a > 0.3).all())),
    "tanh": (1, torch.tanh, None),
    "sigmoid": (1, torch.sigmoid, None),
    "relu": (1, F.relu, apart),
    "leaky_relu": (1, lambda a: F.leaky_relu(a, 0.1), apart),
    "step": (2, lambda a, b: a * (b > 0).to(a.dtype), lambda a, b: apart(b)),
    "sign": (2, lambda a, b: a * torch.sign(b), lambda a, b: apart(b)),
    "softmax0": (1, lambda a: torch.softmax(a, 0), None),
    "softmax1": (1, lambda a: torch.softmax(a, 1), None),
    "log_softmax": (1, lambda a: torch.log_softmax(a, 1), None),
    "transpose": (1, lambda a: a.t(), None),
    "reshape": (1, lambda a: a.reshape(2, 8).t().reshape(4, 4), None),
    "permute3": (1, lambda a: a.reshape(2, 2, 4).permute(2, 0, 1).reshape(4, 4), None),
    "sum0": (2, lambda a, b: b + a.sum(0), None),
    "sum_keep1": (2, lambda a, b: b * a.sum(1, keepdim=True), None),
    "sum_all": (2, lambda a, b: b * a.sum(), None),
    "mean_keep1": (2, lambda a, b: b - a.mean(1, keepdim=True), None),
    "mean3": (2, lambda a, b: b + a.reshape(2, 2, 4).mean((0, 2)).repeat(2).reshape(4, 1), None),
    "max0": (2, lambda a, b: b + a.amax(0), lambda a, b: untied(a, 0)),
    "max_keep1": (2, lambda a, b: b + a.amax(1, keepdim=True), lambda a, b: untied(a, 1)),
    "max_all": (2, lambda a, b: b * a.amax(), lambda a, b: untied(a, None)),
    "broadcast_to": (2, lambda a, b: b * a[1:2].expand(4, 4), None),
    "sum_to": (2, lambda a, b: b + a.sum(0, keepdim=True), None),
    "slice": (2, lambda a, b: b + a[:, 1:2], None),
    "concat0": (2, lambda a, b: torch.cat([a[0:2], b[2:4]], 0), None),
    "concat1": (2, lambda a, b: torch.cat([a[:, 0:1], b[:, 1:4]], 1), None),
    "matmul": (2, lambda a, b: a @ b, None),
    "matmul_tn": (2, lambda a, b: a.t() @ b, None),
    "matmul_nt": (2, lambda a, b: a @ b.t(), None),
    "matmul_tt": (2, lambda a, b: a.t() @ b.t(), None),
    "matmul_batched": (2, lambda a, b: (a.reshape(4, 2, 2) @ b.reshape(4, 2, 2)).reshape(4, 4), None),
    "mse": (2, lambda a, b: a * F.mse_loss(a, b), None),
    "sce": (2, lambda a, b: a * -(torch.softmax(b, 1) * torch.log_softmax(a, 1)).sum(1).mean(), None),
    "sce_labels": (2, lambda a, b: a * F.cross_entropy(b, torch.tensor(LABELS)), None),
    "conv": (2, lambda a, b: F.conv2d(a.reshape(1, 1, 4, 4), b.reshape(4, 1, 2, 2), stride=2).reshape(4, 4), None),
    "conv_pad": (2, lambda a, b: F.conv2d(a.reshape(1, 1, 4, 4), b.reshape(-1)[:9].reshape(1, 1, 3, 3), padding=1).reshape(4, 4), None),
    "max_pool": (2, lambda a, b: b + F.max_pool2d(a.reshape(1, 1, 4, 4), 2, 2).reshape(1, 4), lambda a, b: pool_untied(a)),
    "max_pool_pad": (1, lambda a: F.max_pool2d(a.reshape(1, 1, 4, 4), 3, 1, 1).reshape(4, 4), pool3_untied),
    "avg_pool": (2, lambda a, b: b * F.avg_pool2d(a.reshape(1, 1, 4, 4), 2, 2).reshape(1, 4), None),
    "batch_norm": (2, batchnorm, None),
}


def ok(v):
    return bool(torch.isfinite(v).all()) and float(v.abs().max()) < 1e3


def draw_case(rng, required):
    xs = [torch.tensor([[rng.gauss(0, 1) for _ in range(4)] for _ in range(4)]) for _ in range(2)]
    vals = list(xs)
    steps = []
    todo = list(required)
    rng.shuffle(todo)
    extra = 2
    while todo or extra:
        for _ in range(200):
            if todo and rng.random() < 0.8:
                name = todo[0]
            else:
                name = rng.choice(sorted(OPS))
            arity, fn, pre = OPS[name]
            args = [len(vals) - 1] + [rng.randrange(len(vals)) for _ in range(arity - 1)]
            a = [vals[i] for i in args]
            if pre is not None and not pre(*a):
                continue
            v = fn(*a)
            if not ok(v):
                continue
            break
        else:  # the latest value suits no op: squash it and go on
            name, args, v = "tanh", [len(vals) - 1], torch.tanh(vals[-1])
        if todo and name == todo[0]:
            todo.pop(0)
        elif extra > 0:
            extra -= 1
        steps.append({"op": name, "args": args})
        vals.append(v)
        if len(steps) > 40:
            raise RuntimeError("case does not converge")
    return xs, steps


def build(steps):
    def f(*xs):
        vals = list(xs)
        for s in steps:
            vals.append(OPS[s["op"]][1](*[vals[i] for i in s["args"]]))
        return vals[-1]
    return f


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def main():
    rng = random.Random(14)
    names = sorted(OPS)
    rng.shuffle(names)
    per = 4
    cases = []
    for k in range(0, len(names), per):
        req = names[k:k + per]
        xs, steps = draw_case(rng, req)
        f = build(steps)
        y = f(*xs)
        R = torch.tensor([[rng.gauss(0, 1) for _ in range(4)] for _ in range(4)])
        v = tuple(torch.tensor([[rng.gauss(0, 1) for _ in range(4)] for _ in range(4)]) for _ in range(2))
        w = torch.tensor([[rng.gauss(0, 1) for _ in range(4)] for _ in range(4)])

        def s(*xs):
            return (f(*xs) * R).sum()

        _, jvp = AF.jvp(f, tuple(xs), v)
        _, vjp = AF.vjp(f, tuple(xs), w)
        jac = AF.jacobian(f, tuple(xs))
        hess = AF.hessian(s, tuple(xs))
        _, hvp = AF.hvp(s, tuple(xs), v)
        cases.append({
            "ops": req,
            "steps": steps,
            "x": [flat(x) for x in xs],
            "y": flat(y),
            "R": flat(R),
            "v": [flat(t) for t in v],
            "w": flat(w),
            "jvp": flat(jvp),
            "vjp": [flat(t) for t in vjp],
            "jacobian": [flat(t) for t in jac],
            "hessian": [[flat(t) for t in row] for row in hess],
            "hvp": [flat(t) for t in hvp],
        })
    out = {
        "generator": "autodiff/testdata/make_fixtures.py",
        "torch": torch.__version__,
        "labels": LABELS,
        "bn_eps": BN_EPS,
        "ops": sorted(OPS),
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "forward_fixtures.json")
    with open(path, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"{path}: {len(cases)} cases, {sum(len(c['steps']) for c in cases)} steps, ops {len(OPS)}")


if __name__ == "__main__":
    main()
