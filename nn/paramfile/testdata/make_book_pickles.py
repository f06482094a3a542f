#!/usr/bin/python3
"""Makes pickles shaped exactly like the book's parameter files, gzip-compressed.

sample_weight.pkl (ch03, float32): W1 (784,50) b1 (50,) W2 (50,100) b2 (100,) W3 (100,10) b3 (10,)
params.pkl (ch07 SimpleConvNet, float64): W1 (30,1,5,5) b1 (30,) W2 (4320,100) b2 (100,) W3 (100,10) b3 (10,)
deep_convnet_params.pkl (ch08, float64): W1..W6 convs, W7 (1024,50), W8 (50,10), b1..b8

The values are a pattern, not trained weights, so the files compress to a few kilobytes:
element i of the array named N holds ((i * 7 + len(N) * 13 + ord(N[-1])) % 101 - 50) / 1000.
The Go tests compute the same pattern. Run with Debian's python3-numpy:
    /usr/bin/python3 nn/testdata/make_book_pickles.py
"""
import gzip
import os
import pickle

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def pattern(name, shape, dtype):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.int64)
    v = ((i * 7 + len(name) * 13 + ord(name[-1])) % 101 - 50) / 1000.0
    return v.reshape(shape).astype(dtype)


def write(fname, shapes, dtype, protocol):
    params = {name: pattern(name, shape, dtype) for name, shape in shapes}
    with gzip.GzipFile(os.path.join(HERE, fname + ".gz"), "wb", mtime=0) as f:
        pickle.dump(params, f, protocol=protocol)


def main():
    write("book_sample_weight.pkl", [
        ("W1", (784, 50)), ("b1", (50,)), ("W2", (50, 100)), ("b2", (100,)),
        ("W3", (100, 10)), ("b3", (10,))], np.float32, 2)
    write("book_params.pkl", [
        ("W1", (30, 1, 5, 5)), ("b1", (30,)), ("W2", (4320, 100)), ("b2", (100,)),
        ("W3", (100, 10)), ("b3", (10,))], np.float64, 4)
    convs = [(16, 1), (16, 16), (32, 16), (32, 32), (64, 32), (64, 64)]
    shapes = []
    for i, (fn, c) in enumerate(convs, 1):
        shapes.append(("W%d" % i, (fn, c, 3, 3)))
        shapes.append(("b%d" % i, (fn,)))
    shapes += [("W7", (1024, 50)), ("b7", (50,)), ("W8", (50, 10)), ("b8", (10,))]
    write("book_deep_convnet_params.pkl", shapes, np.float64, 3)


if __name__ == "__main__":
    main()
