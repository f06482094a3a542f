package paramfile

import (
	"bytes"
	"fmt"
	"io"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/internal/regular"
)

// LoadPickle reads one of the book's parameter files: a pickled dict (or
// collections.OrderedDict) of name -> numpy ndarray, as written by
// pickle.dump(params, f) in protocols 2 to 5 (0 and 1 work too). It returns
// the arrays in the dict's order, float32 arrays as float32 tensors and
// float64 as float64 (see ConvertDtype to assign them across). C and Fortran
// order, little- and big-endian arrays are read; NumPy 1 and 2 names both.
//
// The file is not trusted. Only the globals such files hold are accepted
// (collections.OrderedDict, numpy.core.multiarray._reconstruct and its NumPy 2
// name numpy._core.multiarray._reconstruct, numpy.ndarray, numpy.dtype,
// numpy.core.numeric._frombuffer for protocol 5, and _codecs.encode and
// bytes() for bytes written by Python 3 in protocol 2); any other one is refused by name with an
// *UnsafeGlobalError and nothing is constructed from it. Every length, shape
// and byte count is checked against the bytes present before anything is
// allocated for it, and a malformed file is an error, never a panic.
//
// Loading a file of n bytes allocates at most about 16n bytes plus 4 MiB
// (maxPickleAlloc), however the file is made: the opcodes' cost is estimated
// before decoding starts and every decoded byte is counted against the rest,
// so an array or a string that the file memoises once and uses many times is
// paid for at each use, and a file that would cost more is an error. Names
// that the pickle maps to one array object share one tensor, as they share
// one array in Python.
func LoadPickle(path string) ([]NamedTensor, error) {
	data, err := regular.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pickle: %w", err)
	}
	ts, err := readPickle(data)
	if err != nil {
		return nil, fmt.Errorf("pickle: %s: %w", path, err)
	}
	return ts, nil
}

// ReadPickle is LoadPickle for a pickle read from r (read to its end).
func ReadPickle(r io.Reader) ([]NamedTensor, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("pickle: %w", err)
	}
	ts, err := readPickle(data)
	if err != nil {
		return nil, fmt.Errorf("pickle: %w", err)
	}
	return ts, nil
}

func readPickle(data []byte) ([]NamedTensor, error) {
	l := &pickleLoad{left: maxPickleAlloc(len(data))}
	l.total = l.left
	cost, err := scanPickle(data)
	if err != nil {
		return nil, err
	}
	if err := l.take(cost, "decoding its opcodes"); err != nil {
		return nil, err
	}
	obj, err := unpickle(data, l)
	if err != nil {
		return nil, err
	}
	return pickledTensors(obj)
}

// maxPickleAlloc is what loading a pickle of n bytes may allocate: a
// parameter file costs about 6 times its array bytes (gopickle's copies of
// each argument, then the tensors), and the constant covers small files of
// many small arrays.
func maxPickleAlloc(n int) uint64 { return 16*uint64(n) + 4<<20 }

// pickleLoad is one load: what it may still allocate.
type pickleLoad struct {
	left, total uint64
}

// take pays n bytes for what, or says that the file costs too much.
func (l *pickleLoad) take(n uint64, what string) error {
	if n > l.left {
		return fmt.Errorf("%s needs %d more bytes, past the %d bytes a file of this size may cost to load (16 times its size plus 4 MiB); not a parameter file",
			what, n, l.total)
	}
	l.left -= n
	return nil
}

// unpickle runs gopickle with our FindClass hook, turning a panic inside it
// (gopickle indexes its stack without checking, for one) into an error.
func unpickle(data []byte, l *pickleLoad) (obj any, err error) {
	defer func() {
		if r := recover(); r != nil {
			obj, err = nil, fmt.Errorf("malformed pickle (%v)", r)
		}
	}()
	u := pickle.NewUnpickler(bytes.NewReader(data))
	u.FindClass = l.findClass
	return u.Load()
}

// pickledTensors turns the unpickled dict into named tensors, in its order.
func pickledTensors(obj any) ([]NamedTensor, error) {
	type item struct{ key, value any }
	var items []item
	switch d := obj.(type) {
	case *types.Dict:
		for _, e := range *d {
			items = append(items, item{e.Key, e.Value})
		}
	case *types.OrderedDict:
		for el := d.List.Front(); el != nil; el = el.Next() {
			e := el.Value.(*types.OrderedDictEntry)
			items = append(items, item{e.Key, e.Value})
		}
	default:
		if g, ok := gopickleGlobal(obj); ok {
			return nil, g
		}
		return nil, fmt.Errorf("the pickle holds a %s, not a dict of numpy arrays", describe(obj))
	}
	ts := make([]NamedTensor, 0, len(items))
	seen := make(map[string]bool, len(items))
	made := make(map[*ndarray]*tensor.Dense) // an array under several names is made once
	for i, it := range items {
		name, ok := it.key.(string)
		if !ok {
			return nil, fmt.Errorf("key %d of the dict is a %s, not a str", i, describe(it.key))
		}
		if seen[name] {
			return nil, fmt.Errorf("%q: name given twice", printableName(name))
		}
		seen[name] = true
		if g, ok := gopickleGlobal(it.value); ok {
			return nil, fmt.Errorf("%s: %w", printableName(name), g)
		}
		a, ok := it.value.(*ndarray)
		if !ok {
			return nil, fmt.Errorf("%s: value is a %s, not a numpy array", printableName(name), describe(it.value))
		}
		t, ok := made[a]
		if !ok {
			var err error
			if t, err = a.tensor(); err != nil {
				return nil, fmt.Errorf("%s: %w", printableName(name), err)
			}
			made[a] = t
		}
		ts = append(ts, NamedTensor{Name: name, Value: t})
	}
	return ts, nil
}

// gopickleGlobal reports the globals that gopickle resolves by itself,
// without asking findClass: they are inert Go values, but they are no part of
// a parameter file either, so they are refused by name like any other.
func gopickleGlobal(v any) (*UnsafeGlobalError, bool) {
	switch v.(type) {
	case *types.ObjectClass:
		return &UnsafeGlobalError{Module: "__builtin__", Name: "object"}, true
	case *types.Reconstructor:
		return &UnsafeGlobalError{Module: "copy_reg", Name: "_reconstructor"}, true
	}
	return nil, false
}
