#!/usr/bin/python3
"""Times bench/seq_test.go's two sequence models in PyTorch, one training step each.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/seq.py [--threads 2] [--count 5]

Prints Go benchmark lines, one per timing, so that bench/medians.sh (or benchstat) reads
them beside zerograd's:

    BenchmarkLSTMStepPyTorch 1 N ns/op X samples/s

LSTM language model: vocabulary 100, embedding 64, nn.LSTM(64, 256, batch_first=True) over
64 steps from a zero state, a linear head; batch 32. Transformer: ch09-5-transformer's
model (embedding and learned positions of width 128, four pre-norm blocks with
nn.MultiheadAttention(128, 4, batch_first=True) under a causal mask and a GELU (tanh) MLP,
LayerNorm, a linear head over 256) at context 128; batch 16; TransformerStep2x64 the same
with 2 layers of width 64. A step is zero_grad, forward,
cross entropy, backward, clip_grad_norm_(1) and Adam (lr 1e-2 and 3e-3). Random ids: the
time does not depend on them. Each --count timing is the mean over --steps steps after
--warmup steps. PyTorch 1.13 on shared cores varies from process to process: run the script
in several fresh processes and take the fastest median.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LSTMLM(nn.Module):
    def __init__(self, vocab=100, embed=64, hidden=256):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x):
        h, _ = self.lstm(self.embed(x))
        return self.head(h)


class Block(nn.Module):
    """nn.Block: x + attn(ln1(x)), then x + fc2(gelu(fc1(ln2(x)))), PyTorch's names."""

    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(dim, 4 * dim)
        self.mlp.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x, mask):
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
        x = x + a
        return x + self.mlp.fc2(F.gelu(self.mlp.fc1(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    """ch09-5-transformer's model, with the state dict its -save writes."""

    def __init__(self, layers=4, heads=4, dim=128, ctx=128, vocab=256):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.wpe = nn.Embedding(ctx, dim)
        self.h = nn.ModuleList(Block(dim, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((ctx, ctx), float("-inf")), 1), persistent=False)

    def forward(self, x):
        T = x.shape[1]
        h = self.wte(x) + self.wpe.weight[:T]
        for b in self.h:
            h = b(h, self.mask[:T, :T])
        return self.head(self.ln_f(h))


def make_step(model, vocab, shape, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-7)
    x = torch.randint(0, vocab, shape)
    t = torch.randint(0, vocab, shape)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x).reshape(-1, vocab), t.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("--steps", type=int, default=5, help="steps per timing")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--only", default="", help="LSTM, Transformer or TransformerStep2x64 (a prefix)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cases = [
        ("LSTMStep", lambda: make_step(LSTMLM(), 100, (32, 64), 1e-2), 32),
        ("TransformerStep", lambda: make_step(GPT(layers=4, dim=128), 256, (16, 128), 3e-3), 16),
        ("TransformerStep2x64", lambda: make_step(GPT(layers=2, dim=64), 256, (16, 128), 3e-3), 16),
    ]
    for name, make, batch in cases:
        if args.only and not name.startswith(args.only):
            continue
        step = make()
        for _ in range(args.warmup):
            step()
        for _ in range(args.count):
            start = time.perf_counter()
            for _ in range(args.steps):
                step()
            sec = (time.perf_counter() - start) / args.steps
            print(f"Benchmark{name}PyTorch\t{args.steps}\t{sec * 1e9:.0f} ns/op\t{batch / sec:.1f} samples/s", flush=True)


if __name__ == "__main__":
    main()
