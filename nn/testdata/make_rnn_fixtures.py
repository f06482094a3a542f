"""Writes rnn_fixtures.json: PyTorch's nn.RNN, nn.LSTM, nn.GRU and nn.Embedding on small
random inputs, in float64, with their weights, outputs and gradients, for nn/rnn_test.go.

    /usr/bin/python3 nn/testdata/make_rnn_fixtures.py   # needs torch (tested with 1.13)

Each case: the layer's parameters under PyTorch's names, the inputs (x [N T In] batch
first, h0, c0 [N Hidden]), the outputs (out [N T Hidden], h_n, c_n [N Hidden]), the fixed
random weights R of the loss sum(out*R_out) + sum(h_n*R_h) (+ sum(c_n*R_c)), and the
gradient of that loss for every parameter and input.
"""
import json
import os

import torch

torch.manual_seed(12)
N, T, IN, H = 2, 5, 3, 4


def t2j(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def recurrent(kind):
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    layer = cls(IN, H, batch_first=True).double()
    x = torch.randn(N, T, IN, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(1, N, H, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(1, N, H, dtype=torch.float64, requires_grad=True)
    if kind == "lstm":
        out, (hn, cn) = layer(x, (h0, c0))
    else:
        out, hn = layer(x, h0)
        cn = None
    r_out = torch.randn_like(out)
    r_h = torch.randn(N, H, dtype=torch.float64)
    loss = (out * r_out).sum() + (hn[0] * r_h).sum()
    case = {"x": t2j(x), "h0": t2j(h0[0]), "out": t2j(out), "h_n": t2j(hn[0]),
            "r_out": t2j(r_out), "r_h": t2j(r_h)}
    if cn is not None:
        r_c = torch.randn(N, H, dtype=torch.float64)
        loss = loss + (cn[0] * r_c).sum()
        case.update({"c0": t2j(c0[0]), "c_n": t2j(cn[0]), "r_c": t2j(r_c)})
    loss.backward()
    case["loss"] = float(loss)
    case["params"] = {k: t2j(v) for k, v in layer.named_parameters()}
    grads = {k: t2j(v.grad) for k, v in layer.named_parameters()}
    grads["x"] = t2j(x.grad)
    grads["h0"] = t2j(h0.grad[0])
    if cn is not None:
        grads["c0"] = t2j(c0.grad[0])
    case["grads"] = grads
    return case


def embedding():
    layer = torch.nn.Embedding(7, 3).double()
    ids = torch.tensor([3, 0, 6, 3, 1], dtype=torch.int64)
    out = layer(ids)
    r_out = torch.randn_like(out)
    loss = (out * r_out).sum()
    loss.backward()
    return {"ids": [int(i) for i in ids], "out": t2j(out), "r_out": t2j(r_out), "loss": float(loss),
            "params": {k: t2j(v) for k, v in layer.named_parameters()},
            "grads": {k: t2j(v.grad) for k, v in layer.named_parameters()}}


fixtures = {"torch": torch.__version__, "rnn": recurrent("rnn"), "lstm": recurrent("lstm"),
            "gru": recurrent("gru"), "embedding": embedding()}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn_fixtures.json")
with open(path, "w") as f:
    json.dump(fixtures, f, indent=None, separators=(",", ":"))
    f.write("\n")
print("wrote", path)
