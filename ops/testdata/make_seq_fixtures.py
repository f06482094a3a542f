#!/usr/bin/python3
"""Writes seq.json: PyTorch's values and derivatives for the sequence and attention ops.

For each case the file holds the float inputs x_i, the integer inputs (indices, labels,
masks), the output y, and, with fixed random R and V_i of the shapes of y and x_i:

  grads   the gradient of sum(y * R) with respect to each x_i (first order)
  hvp     the gradient of sum_i <grads_i, V_i> with respect to each x_i: the Hessian of
          sum(y * R) applied to the direction V (second order; zeros where y is linear)

zerograd's ops tests (seq_test.go) build the same op on the same inputs and compare the
output, both derivatives and forward mode's <R, J V> = sum_i <grads_i, V_i> within 1e-9
relative in float64 (and loosely in float32). The last case chains the ops into a causal
attention block under a language-model loss.

Run with Debian's python3-torch:  /usr/bin/python3 make_seq_fixtures.py
"""

import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(12)
D = torch.float64


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=D) * scale).tolist()


def flat(v):
    return v.detach().reshape(-1).tolist()


def case(name, op, fn, floats, ints=(), attrs=None):
    """fn(*float tensors, *int tensors) is the op in PyTorch; floats and ints are
    (name, nested list) pairs."""
    xs = [torch.tensor(v, dtype=D, requires_grad=True) for _, v in floats]
    ks = [torch.tensor(v, dtype=torch.int64) for _, v in ints]
    y = fn(*xs, *ks)
    r = torch.randn(y.shape, dtype=D)
    vs = [torch.randn(x.shape, dtype=D) for x in xs]
    gs = torch.autograd.grad((y * r).sum(), xs, create_graph=True, allow_unused=True)
    gs = [g if g is not None else torch.zeros_like(x) for g, x in zip(gs, xs)]
    dirn = sum((g * v).sum() for g, v in zip(gs, vs))
    if dirn.requires_grad:
        hs = torch.autograd.grad(dirn, xs, allow_unused=True)
        hs = [h if h is not None else torch.zeros_like(x) for h, x in zip(hs, xs)]
    else:
        hs = [torch.zeros_like(x) for x in xs]
    return {
        "name": name, "op": op, "attrs": attrs or {},
        "floats": [{"name": n, "shape": list(x.shape), "data": flat(x)} for (n, _), x in zip(floats, xs)],
        "ints": [{"name": n, "shape": list(k.shape), "data": flat(k)} for (n, _), k in zip(ints, ks)],
        "y_shape": list(y.shape), "y": flat(y), "r": flat(r),
        "v": [flat(v) for v in vs], "grads": [flat(g) for g in gs], "hvp": [flat(h) for h in hs],
    }


def attention_lm(E, wq, wk, wv, gamma, beta, wo, ids, mask, targets):
    x = F.embedding(ids, E)
    q, k, v = x @ wq, x @ wk, x @ wv
    s = (q @ k.transpose(-1, -2) * 0.5).masked_fill(mask != 0, -math.inf)
    h = F.layer_norm(x + torch.softmax(s, -1) @ v, [4], gamma, beta, 1e-5)
    out = F.gelu(h) @ wo
    return F.cross_entropy(out.reshape(-1, 5), targets.reshape(-1), ignore_index=-100)


def take(x, idx, axis):
    a = axis % x.dim()
    y = x.index_select(a, idx.reshape(-1))
    return y.reshape(x.shape[:a] + idx.shape + x.shape[a + 1:])


cases = [
    # ---- indexing ----
    case("take axis 1, repeated indices", "take", lambda x, i: take(x, i, 1),
         [("x", randn(3, 5, 4))], [("idx", [[4, 0, 4], [2, 4, 1]])], {"axis": 1}),
    case("take axis -1", "take", lambda x, i: take(x, i, -1),
         [("x", randn(2, 3, 5))], [("idx", [3, 3, 0, 1])], {"axis": -1}),
    case("embedding, repeated ids", "embedding", lambda w, i: F.embedding(i, w),
         [("W", randn(6, 4))], [("ids", [[1, 5, 1], [0, 1, 5]])]),
    case("gather last axis", "gather", lambda x, i: torch.gather(x, 2, i),
         [("x", randn(2, 4, 5))], [("idx", [[[0, 4, 4], [1, 1, 1], [2, 3, 0], [4, 4, 0]],
                                          [[3, 2, 1], [0, 0, 0], [1, 4, 2], [3, 3, 4]]])], {"axis": -1}),
    case("gather axis 0", "gather", lambda x, i: torch.gather(x, 0, i),
         [("x", randn(3, 4))], [("idx", [[2, 0, 1, 1], [2, 2, 0, 1]])], {"axis": 0}),

    # ---- joining, splitting, selecting ----
    case("concat axis -2 of three", "concat", lambda a, b, c: torch.cat([a, b, c], -2),
         [("a", randn(2, 1, 3)), ("b", randn(2, 3, 3)), ("c", randn(2, 2, 3))], attrs={"axis": -2}),
    case("slice axis -1", "slice", lambda x: x[..., 1:4],
         [("x", randn(2, 3, 5))], attrs={"axis": -1, "lo": 1, "hi": 4}),
    case("split axis 1, pieces joined in reverse", "split",
         lambda x: torch.cat(list(reversed(torch.split(x, [1, 3, 1], 1))), 1),
         [("x", randn(2, 5, 3))], attrs={"axis": 1, "sizes": [1, 3, 1]}),
    case("stack axis 1", "stack", lambda a, b, c: torch.stack([a, b, c], 1),
         [("a", randn(2, 3)), ("b", randn(2, 3)), ("c", randn(2, 3))], attrs={"axis": 1}),
    case("stack axis -1", "stack", lambda a, b: torch.stack([a, b], -1),
         [("a", randn(2, 3)), ("b", randn(2, 3))], attrs={"axis": -1}),
    case("where, mask and b broadcast", "where", lambda a, b, m: torch.where(m != 0, a, b),
         [("a", randn(3, 4)), ("b", randn(4))], [("mask", [[1], [0], [1]])]),
    case("where, elementwise mask", "where", lambda a, b, m: torch.where(m != 0, a, b),
         [("a", randn(2, 3)), ("b", randn(2, 3))], [("mask", [[1, 0, 0], [0, 1, 1]])]),
    case("masked fill, causal mask broadcast", "masked_fill", lambda x, m: x.masked_fill(m != 0, -1.5),
         [("x", randn(2, 3, 3))], [("mask", [[0, 1, 1], [0, 0, 1], [0, 0, 0]])], {"value": -1.5}),

    # ---- matrix products, batched and broadcast as torch.matmul ----
    case("matmul [2 3 4] [4 5]", "matmul", torch.matmul, [("a", randn(2, 3, 4)), ("b", randn(4, 5))],
         attrs={"ta": 0, "tb": 0}),
    case("matmul [2 1 3 4] [3 4 2]", "matmul", torch.matmul, [("a", randn(2, 1, 3, 4)), ("b", randn(3, 4, 2))],
         attrs={"ta": 0, "tb": 0}),
    case("matmul [3 4] [2 4 5]", "matmul", torch.matmul, [("a", randn(3, 4)), ("b", randn(2, 4, 5))],
         attrs={"ta": 0, "tb": 0}),
    case("matmul [2 2 3 4] [2 2 4 3]", "matmul", torch.matmul, [("a", randn(2, 2, 3, 4)), ("b", randn(2, 2, 4, 3))],
         attrs={"ta": 0, "tb": 0}),
    case("matmul q k^T [2 3 4] [2 5 4]", "matmul", lambda a, b: a @ b.transpose(-1, -2),
         [("q", randn(2, 3, 4)), ("k", randn(2, 5, 4))], attrs={"ta": 0, "tb": 1}),
    case("matmul a^T b [2 4 3] [4 5]", "matmul", lambda a, b: a.transpose(-1, -2) @ b,
         [("a", randn(2, 4, 3)), ("b", randn(4, 5))], attrs={"ta": 1, "tb": 0}),
    case("matmul a b^T [2 3 4] [5 4]", "matmul", lambda a, b: a @ b.transpose(-1, -2),
         [("a", randn(2, 3, 4)), ("b", randn(5, 4))], attrs={"ta": 0, "tb": 1}),
    case("matmul a^T b^T [1 4 3] [2 5 4]", "matmul", lambda a, b: a.transpose(-1, -2) @ b.transpose(-1, -2),
         [("a", randn(1, 4, 3)), ("b", randn(2, 5, 4))], attrs={"ta": 1, "tb": 1}),

    # ---- smooth activations (inputs up to +-6, both tails) ----
    case("gelu", "gelu", F.gelu, [("x", randn(3, 5, scale=2.5))]),
    case("gelu tanh", "gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), [("x", randn(3, 5, scale=2.5))]),
    case("silu", "silu", F.silu, [("x", randn(3, 5, scale=2.5))]),
    case("softplus", "softplus", F.softplus, [("x", randn(3, 5, scale=2.5) + [[-15.0, 18.0, 0.0, 1e-3, -1e-3]])]),

    # ---- softmax and log-softmax on any axis, with -Inf masks ----
    case("softmax axis 1", "softmax", lambda x: torch.softmax(x, 1), [("x", randn(2, 3, 4, scale=2))],
         attrs={"axis": 1, "log": 0}),
    case("log-softmax axis -3", "softmax", lambda x: torch.log_softmax(x, -3), [("x", randn(2, 3, 4, scale=2))],
         attrs={"axis": -3, "log": 1}),
    case("softmax last axis, causal -Inf mask", "softmax",
         lambda x, m: torch.softmax(x.masked_fill(m != 0, -math.inf), -1),
         [("x", randn(2, 3, 3, scale=2))], [("mask", [[0, 1, 1], [0, 0, 1], [0, 0, 0]])], {"axis": -1, "log": 0}),
    case("log-softmax axis 0, -Inf mask", "softmax",
         lambda x, m: torch.log_softmax(x.masked_fill(m != 0, -math.inf), 0).masked_fill(m != 0, 0),
         [("x", randn(3, 4, scale=2))], [("mask", [[1, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0]])], {"axis": 0, "log": 1}),

    # ---- layer norm over the last axes ----
    case("layer norm [2 3 4] over [4]", "layer_norm", lambda x, w, b: F.layer_norm(x, [4], w, b, 1e-5),
         [("x", randn(2, 3, 4, scale=2)), ("gamma", randn(4)), ("beta", randn(4))], attrs={"n": 1, "eps": 1e-5}),
    case("layer norm [2 3 4] over [3 4]", "layer_norm", lambda x, w, b: F.layer_norm(x, [3, 4], w, b, 1e-3),
         [("x", randn(2, 3, 4)), ("gamma", randn(3, 4)), ("beta", randn(3, 4))], attrs={"n": 2, "eps": 1e-3}),
    case("layer norm without shift", "layer_norm", lambda x, w: F.layer_norm(x, [5], w, None, 1e-5),
         [("x", randn(3, 5)), ("gamma", randn(5))], attrs={"n": 1, "eps": 1e-5}),
    case("normalize over the last axis", "layer_norm", lambda x: F.layer_norm(x, [5], None, None, 1e-5),
         [("x", randn(2, 2, 5, scale=3))], attrs={"n": 1, "eps": 1e-5}),

    # ---- cross entropy over [N T C] with an ignore index; one-hot of labels of any shape ----
    case("cross entropy [N T C], ignore -100", "cross_entropy",
         lambda x, t: F.cross_entropy(x.reshape(-1, 5), t.reshape(-1), ignore_index=-100),
         [("x", randn(2, 4, 5, scale=2))], [("t", [[1, 4, -100, 0], [-100, -100, 3, 3]])], {"ignore": -100}),
    case("cross entropy [N C], ignore 0 (padding id)", "cross_entropy",
         lambda x, t: F.cross_entropy(x, t, ignore_index=0),
         [("x", randn(5, 3, scale=2))], [("t", [0, 2, 1, 0, 2])], {"ignore": 0}),
    case("cross entropy [N T C], nothing ignored", "cross_entropy",
         lambda x, t: F.cross_entropy(x.reshape(-1, 4), t.reshape(-1)),
         [("x", randn(2, 3, 4, scale=2))], [("t", [[3, 0, 1], [2, 2, 0]])]),
    case("one-hot of [2 3] labels", "one_hot",
         lambda x, t: x * F.one_hot(t, 4).to(D),
         [("x", randn(2, 3, 4))], [("t", [[3, 0, 1], [2, 2, 0]])], {"classes": 4}),

    # ---- the ops together: embedding, causal attention, layer norm, GELU, LM loss ----
    case("causal attention block and LM loss", "attention_lm", attention_lm,
         [("E", randn(7, 4)), ("Wq", randn(4, 4)), ("Wk", randn(4, 4)), ("Wv", randn(4, 4)),
          ("gamma", randn(4)), ("beta", randn(4)), ("Wo", randn(4, 5))],
         [("ids", [[1, 6, 1], [0, 3, 5]]), ("mask", [[0, 1, 1], [0, 0, 1], [0, 0, 0]]),
          ("targets", [[4, 1, -100], [3, 0, 2]])]),
]

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "seq.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
    f.write("\n")
