#!/usr/bin/python3
"""Writes sce.json: PyTorch's softmax cross entropy with target rows, and its derivatives.

loss = torch.nn.functional.cross_entropy(x, t) with t of the scores' shape [N C] is
-sum_j t_j log_softmax(x)_j averaged over the N rows, for any target rows: probabilities,
rows that do not sum to 1, negative weights. The file holds, for a few (x, t):

  loss          the loss
  gx, gt        its gradient with respect to the scores and to the targets
  hx, ht        the gradient of <gx, vx> + <gt, vt> with respect to x and to t: the
                second derivative applied to the direction (vx, vt)

zerograd's ops tests (sce_test.go) compare SoftmaxCrossEntropy and its gradients, first
and second order, with these numbers within 1e-12.

Run with Debian's python3-torch:  /usr/bin/python3 make_sce.py
"""

import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(11)


def case(name, x, t):
    x = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    t = torch.tensor(t, dtype=torch.float64, requires_grad=True)
    vx = torch.randn(x.shape, dtype=torch.float64)
    vt = torch.randn(t.shape, dtype=torch.float64)
    loss = F.cross_entropy(x, t)
    gx, gt = torch.autograd.grad(loss, (x, t), create_graph=True)
    hx, ht = torch.autograd.grad((gx * vx).sum() + (gt * vt).sum(), (x, t))
    flat = lambda v: v.detach().reshape(-1).tolist()
    return {
        "name": name,
        "shape": list(x.shape),
        "x": flat(x), "t": flat(t), "vx": flat(vx), "vt": flat(vt),
        "loss": loss.item(), "gx": flat(gx), "gt": flat(gt), "hx": flat(hx), "ht": flat(ht),
    }


x = torch.randn(3, 4, dtype=torch.float64).mul(2).tolist()
cases = [
    case("probability rows", x, torch.softmax(torch.randn(3, 4, dtype=torch.float64), 1).tolist()),
    case("one-hot rows", x, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]]),
    case("rows summing to 0.5, 2 and 0", x, [[0.25, 0, 0.25, 0], [0.5, 0.5, 0.5, 0.5], [1, -1, 0.5, -0.5]]),
    case("random weights", torch.randn(2, 5, dtype=torch.float64).mul(3).tolist(),
         torch.randn(2, 5, dtype=torch.float64).tolist()),
]

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sce.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
