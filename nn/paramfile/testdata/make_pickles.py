#!/usr/bin/python3
"""Regenerate the parameter-file fixtures of package nn.

Run from anywhere with Debian's numpy (apt-get install python3-numpy):

    /usr/bin/python3 nn/testdata/make_pickles.py

Every array holds arange-based values, so the Go tests know them exactly:
element i (in C order) of an array with "first" value f is f + 0.25*i.
The hostile files are crafted to be refused; none of them is ever unpickled
here.
"""

import collections
import json
import os
import pickle
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def arr(dtype, shape, first):
    n = int(np.prod(shape, dtype=np.int64))
    return (np.arange(n, dtype=np.float64) * 0.25 + first).astype(dtype).reshape(shape)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def params():
    # The layout of the book's parameter files: a dict of name -> ndarray.
    return {
        "W1": arr("f4", (2, 3), -1.0),
        "b1": arr("f4", (3,), 0.5),
        "W2": arr("f8", (3, 2, 2), -2.0),
        "b2": arr("f8", (2,), 3.0),
        "s": arr("f8", (), 7.25),
        "z": arr("f4", (0, 3), 0.0),
    }


class Reduce:
    """Pickles as whatever (callable, args) __reduce__ returns, without calling it."""

    def __init__(self, *rv):
        self.rv = rv

    def __reduce__(self):
        return self.rv


def numpy2(module, name):
    """A stand-in function that pickles as numpy._core.<module>.<name>."""
    import sys
    import types

    full = "numpy._core." + module
    mod = sys.modules.setdefault(full, types.ModuleType(full))
    if hasattr(mod, name):
        return getattr(mod, name)

    def f(*args):
        raise AssertionError("never called")

    f.__module__, f.__qualname__, f.__name__ = full, name, name
    setattr(mod, name, f)
    return f


def main():
    # Protocol 0 writes text with raw-unicode-escape, which gopickle does not
    # decode: it is not read (and not generated).
    for proto in (1, 2, 3, 4, 5):
        write("params_p%d.pkl" % proto, pickle.dumps(params(), protocol=proto))

    od = collections.OrderedDict()
    od["conv"] = arr("f4", (2, 2), 1.0)
    od["bias"] = arr("f4", (2,), -0.5)
    od["affine"] = arr("f8", (1, 3), 2.0)
    for proto in (2, 4):
        write("ordered_p%d.pkl" % proto, pickle.dumps(od, protocol=proto))

    fortran = {
        "F": np.asfortranarray(arr("f8", (2, 3, 4), -1.0)),
        "G": np.asfortranarray(arr("f4", (3, 2), 0.0)),
    }
    assert not fortran["F"].flags.c_contiguous
    for proto in (3, 5):
        write("fortran_p%d.pkl" % proto, pickle.dumps(fortran, protocol=proto))

    big = {"B8": arr(">f8", (2, 3), -1.0), "B4": arr(">f4", (4,), 2.0)}
    assert big["B8"].dtype.byteorder == ">"
    for proto in (4, 5):
        write("bigendian_p%d.pkl" % proto, pickle.dumps(big, protocol=proto))

    # Refused: a global that runs a command (os.system pickles as posix.system).
    write("evil_system.pkl", pickle.dumps({"W1": Reduce(os.system, ("echo pwned",))}, protocol=2))
    # Refused: builtins.eval through STACK_GLOBAL (protocol 4).
    write("evil_eval.pkl", pickle.dumps({"W1": Reduce(eval, ("print('pwned')",))}, protocol=4))
    # Refused: copy_reg._reconstructor and __builtin__.object, which gopickle
    # would resolve by itself; written by hand as Python 2 would.
    write("evil_reconstructor.pkl",
          b"\x80\x02}q\x00X\x02\x00\x00\x00W1ccopy_reg\n_reconstructor\n"
          b"c__builtin__\nobject\nc__builtin__\nobject\nN\x87Rs.")
    write("evil_object.pkl",
          b"\x80\x04}\x8c\x02W1\x8c\x0b__builtin__\x8c\x06object\x93s.")
    # Refused: a numpy scalar (numpy.core.multiarray.scalar) is not an array.
    write("npscalar.pkl", pickle.dumps({"lr": np.float64(0.1)}, protocol=2))
    # Refused: an array of int64 (only float32 and float64 are read).
    write("intarray.pkl", pickle.dumps({"W1": np.arange(3, dtype=np.int64)}, protocol=4))
    # Refused: a value that is no array.
    write("notarray.pkl", pickle.dumps({"W1": [1.0, 2.0]}, protocol=4))
    # Refused: an array claiming 10^12 float64 elements with 8 bytes of data.
    lie = Reduce(np.core.multiarray._reconstruct, (np.ndarray, (0,), b"b"),
                 (1, (1000000, 1000000), np.dtype("f8"), False, b"\0" * 8))
    write("shape_lie.pkl", pickle.dumps({"W1": lie}, protocol=3))
    # Read: the names NumPy 2 writes (numpy._core...), which NumPy 1.24 lacks;
    # stand-ins registered under those names make pickle write them.
    a, b = arr("f4", (2, 3), -1.0), arr("f8", (2,), 3.0)
    write("numpy2_p2.pkl", pickle.dumps({
        "W1": Reduce(numpy2("multiarray", "_reconstruct"), (np.ndarray, (0,), b"b"),
                     (1, a.shape, a.dtype, False, a.tobytes())),
        "b2": Reduce(numpy2("multiarray", "_reconstruct"), (np.ndarray, (0,), b"b"),
                     (1, b.shape, b.dtype, False, b.tobytes())),
    }, protocol=2))
    write("numpy2_p5.pkl", pickle.dumps({
        "W1": Reduce(numpy2("numeric", "_frombuffer"), (bytearray(a.tobytes()), a.dtype, a.shape, "C")),
        "b2": Reduce(numpy2("numeric", "_frombuffer"), (b.tobytes(), b.dtype, b.shape, "C")),
    }, protocol=5))
    # Read: array data given as a list of Python numbers (C order).
    listdata = Reduce(np.core.multiarray._reconstruct, (np.ndarray, (0,), b"b"),
                      (1, (2, 2), np.dtype("f8"), False, [1.5, 2, True, -0.25]))
    write("listdata.pkl", pickle.dumps({"L": listdata}, protocol=2))
    # Refused: an array that never receives its state (no BUILD).
    bare = Reduce(np.core.multiarray._reconstruct, (np.ndarray, (0,), b"b"))
    write("nostate.pkl", pickle.dumps({"W1": bare}, protocol=2))
    # Refused: the same name twice (Python never writes this; crafted with DICT).
    body = pickle.dumps(arr("f4", (2,), 1.0), protocol=2)[2:-1]  # no PROTO, no STOP
    write("dupkey.pkl", b"\x80\x02(X\x02\x00\x00\x00W1" + body + b"q\x99X\x02\x00\x00\x00W1h\x99d.")
    # Refused: lengths far beyond the file (BINBYTES8 and FRAME of 2^40 bytes).
    write("huge_bytes.pkl", b"\x80\x04\x8e" + struct.pack("<Q", 1 << 40) + b"abc.")
    write("huge_frame.pkl", b"\x80\x04\x95" + struct.pack("<Q", 1 << 40) + b"}.")
    # Refused: a file cut in the middle.
    whole = pickle.dumps(params(), protocol=4)
    write("truncated.pkl", whole[: len(whole) // 2])

    write_safetensors()


def write_safetensors():
    """ref.safetensors, built by hand from the format's specification.

    python3-safetensors is not packaged by Debian bookworm, so this follows
    the reference writer's layout instead: "__metadata__" first, tensors
    sorted by dtype alignment (descending) then name, data in the same order,
    header padded with spaces so the data starts 8-byte aligned.
    """
    tensors = [
        ("a64", arr("<f8", (2, 2), -1.0)),
        ("b32", arr("<f4", (3,), 0.5)),
        ("empty", arr("<f4", (0, 4), 0.0)),
        ("scalar", arr("<f4", (), 7.25)),
    ]
    header = {"__metadata__": {"format": "np", "source": "make_pickles.py"}}
    data = b""
    for name, a in tensors:
        raw = a.tobytes()
        header[name] = {
            "dtype": {"<f4": "F32", "<f8": "F64"}[a.dtype.str],
            "shape": list(a.shape),
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    write("ref.safetensors", struct.pack("<Q", len(h)) + h + data)


if __name__ == "__main__":
    main()
