"""Writes attention_fixtures.json: PyTorch's nn.LayerNorm, nn.MultiheadAttention
(batch_first=True) with a key padding mask and with a causal mask, a small hand-written
pre-norm transformer block, GELU (tanh form) and the sinusoidal position encoding, in
float64, with weights, inputs, outputs and gradients, for nn/attention_test.go.

    /usr/bin/python3 nn/testdata/make_attention_fixtures.py   # needs torch (tested with 1.13)

Each case holds the module's parameters under its state-dict names, the inputs, the
outputs, the fixed random weights R of the loss sum(out * R), and the gradient of that
loss for every parameter and input.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(12)
torch.set_default_dtype(torch.float64)


def t2j(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def finish(module, out, inputs, extra=None):
    r = torch.randn_like(out)
    loss = (out * r).sum()
    loss.backward()
    case = {"out": t2j(out), "r_out": t2j(r), "loss": float(loss),
            "params": {k: t2j(v) for k, v in module.state_dict().items()},
            "grads": {k: t2j(v.grad) for k, v in module.named_parameters()}}
    for k, v in inputs.items():
        case[k] = t2j(v)
        if v.requires_grad:
            case["grads"][k] = t2j(v.grad)
    case.update(extra or {})
    return case


def randomize(module):
    with torch.no_grad():  # non-trivial weights and biases (PyTorch starts LN at 1, 0)
        for p in module.parameters():
            p.copy_(torch.randn_like(p) * 0.5)


def layer_norm():
    ln = torch.nn.LayerNorm(5)
    randomize(ln)
    x = torch.randn(2, 3, 5, requires_grad=True)
    return finish(ln, ln(x), {"x": x})


def mha(causal):
    E, H, N, T, S = 8, 2, 2, 4, 5
    m = torch.nn.MultiheadAttention(E, H, batch_first=True)
    randomize(m)
    if causal:
        S = T
    q = torch.randn(N, T, E, requires_grad=True)
    k = torch.randn(N, S, E, requires_grad=True)
    v = torch.randn(N, S, E, requires_grad=True)
    pad = torch.zeros(N, S, dtype=torch.bool)
    pad[1, S - 2:] = True
    mask = torch.triu(torch.ones(T, S, dtype=torch.bool), 1) if causal else None
    out, w = m(q, k, v, key_padding_mask=pad, attn_mask=mask, need_weights=True, average_attn_weights=False)
    return finish(m, out, {"q": q, "k": k, "v": v}, {"pad": t2j(pad.double()), "weights": t2j(w)})


class MLP(torch.nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = torch.nn.Linear(d, hidden)
        self.fc2 = torch.nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


class Block(torch.nn.Module):
    """x + attn(ln1(x)), then x + mlp(ln2(x)): the block of nn/transformer.go."""

    def __init__(self, d, heads, hidden):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(d)
        self.attn = torch.nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln2 = torch.nn.LayerNorm(d)
        self.mlp = MLP(d, hidden)

    def forward(self, x, pad):
        T = x.shape[1]
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        h = self.ln1(x)
        x = x + self.attn(h, h, h, key_padding_mask=pad, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


def block():
    b = Block(8, 2, 16)
    randomize(b)
    x = torch.randn(2, 5, 8, requires_grad=True)
    pad = torch.zeros(2, 5, dtype=torch.bool)
    pad[0, 3:] = True
    return finish(b, b(x, pad), {"x": x}, {"pad": t2j(pad.double())})


def gelu():
    x = torch.linspace(-4, 4, 17)
    return {"x": t2j(x), "out": t2j(F.gelu(x, approximate="tanh"))}


def sinusoidal():
    T, D = 6, 8
    pe = torch.zeros(T, D)
    pos = torch.arange(T).unsqueeze(1).double()
    div = torch.exp(torch.arange(0, D, 2).double() * (-math.log(10000.0) / D))
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return {"out": t2j(pe)}


cases = {"layer_norm": layer_norm(), "mha": mha(False), "mha_causal": mha(True), "block": block(),
         "gelu": gelu(), "sinusoidal": sinusoidal()}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention_fixtures.json")
with open(path, "w") as f:
    json.dump(cases, f, separators=(",", ":"))
    f.write("\n")
print("wrote", path)
