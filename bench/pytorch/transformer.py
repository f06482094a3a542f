#!/usr/bin/python3
"""Trains examples/ch09-5-transformer's model in PyTorch from zerograd's initial weights on
zerograd's batches, and prints the validation loss beside zerograd's.

    go run ./examples/ch09-5-transformer -ctx 128 -steps 300 -eval-every 300 -sample 0 \\
        -save-init /tmp/gpt0.safetensors -windows /tmp/gpt-windows.txt
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/transformer.py \\
        --init /tmp/gpt0.safetensors --windows /tmp/gpt-windows.txt --ctx 128 --go-loss 2.2807

The same data (the *.go files under $GOROOT/src read as the example reads them: sorted by
path, testdata and vendor skipped, every tenth file held out, at most --bytes), the same
initial weights (the example's -save-init, PyTorch's names), the same batches (the
example's -windows: one line of window starts per step), the same optimizer (Adam, betas
0.9 and 0.999, eps 1e-7, after clipping the gradients' global norm to --clip) and the same
validation windows (--eval-batches batches of evenly spaced windows). zerograd's Adam adds
eps to sqrt(v) before the bias correction of v, PyTorch's after: the only difference, and
a negligible one. The model is bench/pytorch/seq.py's GPT (nn.MultiheadAttention with a
causal mask, pre-norm blocks, GELU tanh).
"""
import argparse
import json
import os
import struct
import subprocess
import time

import torch
import torch.nn.functional as F

from seq import GPT


def load_sources(root, limit):
    if not root:
        root = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    paths = []
    for d, dirs, files in os.walk(os.path.join(root, "src")):
        dirs[:] = [x for x in dirs if x not in ("testdata", "vendor")]
        paths += [os.path.join(d, f) for f in files if f.endswith(".go")]
    paths.sort(key=lambda p: p.encode())
    train, val = bytearray(), bytearray()
    for i, p in enumerate(paths):
        if len(train) + len(val) >= limit:
            break
        with open(p, "rb") as f:
            (val if i % 10 == 9 else train).extend(f.read())
    return bytes(train), bytes(val)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    kinds = {"F32": torch.float32, "F64": torch.float64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        lo, hi = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[lo:hi]), dtype=kinds[info["dtype"]])
        out[name] = t.reshape(info["shape"]).float()
    return out


def batch(data, starts, T):
    idx = torch.tensor(starts)[:, None] + torch.arange(T + 1)[None, :]
    w = torch.frombuffer(bytearray(data), dtype=torch.uint8)[idx].long()
    return w[:, :T], w[:, 1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", required=True, help="the example's -save-init file")
    ap.add_argument("--windows", required=True, help="the example's -windows file")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--ctx", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--eval-batches", type=int, default=16)
    ap.add_argument("--bytes", type=int, default=4 << 20)
    ap.add_argument("--root", default="")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--go-loss", type=float, help="zerograd's validation loss, to print the ratio")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    train, val = load_sources(args.root, args.bytes)
    with open(args.windows) as f:
        head = f.readline().split()
        steps = [[int(s) for s in line.split()] for line in f if line.strip()]
    if head != ["train", str(len(train)), "val", str(len(val))]:
        raise SystemExit(f"read {len(train)} training and {len(val)} validation bytes, the example {head}")
    n, T = len(steps[0]), args.ctx

    model = GPT(args.layers, args.heads, args.dim, T)
    state = {k.replace("h", "h.", 1) if k[0] == "h" and k[1].isdigit() else k: v
             for k, v in read_safetensors(args.init).items()}
    model.load_state_dict(state, strict=True)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-7)

    began = time.perf_counter()
    for starts in steps:
        x, t = batch(train, starts, T)
        opt.zero_grad()
        loss = F.cross_entropy(model(x).reshape(-1, 256), t.reshape(-1))
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()

    stride = (len(val) - T - 1) // max(1, args.eval_batches * n)
    total = 0.0
    with torch.no_grad():
        for b in range(args.eval_batches):
            x, t = batch(val, [(b * n + k) * stride for k in range(n)], T)
            total += F.cross_entropy(model(x).reshape(-1, 256), t.reshape(-1)).item()
    vloss = total / args.eval_batches
    print(f"PyTorch: validation loss {vloss:.4f} after {len(steps)} steps of {n} x {T} bytes "
          f"({time.perf_counter() - began:.0f} s)")
    if args.go_loss:
        print(f"zerograd: validation loss {args.go_loss:.4f}; zerograd / PyTorch = {args.go_loss / vloss:.4f}")


if __name__ == "__main__":
    main()
