package paramfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/nlpodyssey/gopickle/types"
	"gorgonia.org/tensor"
)

// ndarray is a numpy.ndarray being unpickled. Its fields are checked for
// types as they arrive; sizes are checked against the data in tensor().
type ndarray struct {
	l       *pickleLoad // the load this array belongs to
	shape   []uint64
	dtype   *npDtype
	fortran bool
	raw     []byte // the elements, or
	list    []any  // the elements as Python numbers (C order)
	isList  bool
	set     bool
}

func (a *ndarray) GoString() string { return "numpy.ndarray" }

// PySetState takes the array's state: (version, shape, dtype, is_fortran,
// data), or the older form without version.
func (a *ndarray) PySetState(state any) error {
	t, ok := state.(*types.Tuple)
	if !ok {
		return fmt.Errorf("numpy array: state is a %s, not a tuple", describe(state))
	}
	f := []any(*t)
	if len(f) == 5 {
		f = f[1:]
	}
	if len(f) != 4 {
		return fmt.Errorf("numpy array: state has %d fields, want 4 or 5", len(*t))
	}
	shape, err := pyShape(f[0])
	if err != nil {
		return fmt.Errorf("numpy array: %w", err)
	}
	dt, ok := f[1].(*npDtype)
	if !ok {
		return fmt.Errorf("numpy array: dtype is a %s", describe(f[1]))
	}
	fortran, ok := f[2].(bool)
	if i, isInt := f[2].(int); isInt && (i == 0 || i == 1) {
		fortran, ok = i == 1, true
	}
	if !ok {
		return fmt.Errorf("numpy array: is_fortran is a %s, not a bool", describe(f[2]))
	}
	*a = ndarray{l: a.l, shape: shape, dtype: dt, fortran: fortran, set: true}
	if l, ok := f[3].(*types.List); ok {
		a.list, a.isList = []any(*l), true
		return nil
	}
	if a.raw, ok, err = a.l.pyBytes(f[3]); err != nil {
		return fmt.Errorf("numpy array: %w", err)
	} else if !ok {
		return fmt.Errorf("numpy array: data is a %s, not bytes or a list", describe(f[3]))
	}
	return nil
}

// tensor checks the array's shape against the bytes (or values) it holds,
// then allocates and fills a row-major tensor.
func (a *ndarray) tensor() (*tensor.Dense, error) {
	if !a.set {
		return nil, errors.New("numpy array never received its data (no __setstate__)")
	}
	size, bigEndian, err := a.dtype.resolve()
	if err != nil {
		return nil, err
	}
	elems, nbytes, err := checkedElems(a.shape, uint64(size))
	if err != nil {
		return nil, fmt.Errorf("shape: %w", err)
	}
	shape := make([]int, len(a.shape))
	for i, d := range a.shape {
		shape[i] = int(d)
	}
	if a.isList && uint64(len(a.list)) != elems {
		return nil, fmt.Errorf("shape %s needs %d values, the file holds %d", shapeString(shape), elems, len(a.list))
	}
	if !a.isList && uint64(len(a.raw)) != nbytes {
		return nil, fmt.Errorf("shape %s of %s needs %d bytes, the file holds %d", shapeString(shape), a.dtype, nbytes, len(a.raw))
	}
	// Checked: the allocation below is no larger than the data in the file,
	// and the file pays for it: arrays that share their data are paid twice.
	if err := a.l.take(elems*uint64(size), "array data"); err != nil {
		return nil, err
	}
	var get func(i int) (float64, error)
	switch {
	case a.isList:
		get = func(i int) (float64, error) { return pyFloat(a.list[i]) }
	case size == 4:
		order := binary.ByteOrder(binary.LittleEndian)
		if bigEndian {
			order = binary.BigEndian
		}
		get = func(i int) (float64, error) { return float64(math.Float32frombits(order.Uint32(a.raw[4*i:]))), nil }
	default:
		order := binary.ByteOrder(binary.LittleEndian)
		if bigEndian {
			order = binary.BigEndian
		}
		get = func(i int) (float64, error) { return math.Float64frombits(order.Uint64(a.raw[8*i:])), nil }
	}
	src := cOrder(shape, a.fortran && !a.isList)
	if size == 4 {
		out := make([]float32, elems)
		for i := range out {
			v, err := get(src(i))
			if err != nil {
				return nil, err
			}
			out[i] = float32(v)
		}
		return newDense(shape, out), nil
	}
	out := make([]float64, elems)
	for i := range out {
		if out[i], err = get(src(i)); err != nil {
			return nil, err
		}
	}
	return newDense(shape, out), nil
}

// cOrder returns, for the row-major positions i = 0, 1, 2, ... called in that
// order, the position of the same element in the file's layout: i itself, or
// its column-major position when the file is in Fortran order.
func cOrder(shape []int, fortran bool) func(i int) int {
	if !fortran || len(shape) < 2 {
		return func(i int) int { return i }
	}
	r := len(shape)
	fstride := make([]int, r) // column-major strides
	s := 1
	for k := range r {
		fstride[k] = s
		s *= shape[k]
	}
	idx, off := make([]int, r), 0
	return func(i int) int {
		cur := off
		for k := r - 1; k >= 0; k-- { // step the row-major index
			idx[k]++
			off += fstride[k]
			if idx[k] < shape[k] {
				break
			}
			off -= fstride[k] * shape[k]
			idx[k] = 0
		}
		return cur
	}
}

// pyBytes returns the bytes of a Python bytes, bytearray or (Python 2) str
// value; a str is copied, and the copy is paid for.
func (l *pickleLoad) pyBytes(v any) ([]byte, bool, error) {
	switch b := v.(type) {
	case []byte:
		return b, true, nil
	case *types.ByteArray:
		return []byte(*b), true, nil
	case string: // a Python 2 str is bytes
		if err := l.take(uint64(len(b)), "str data"); err != nil {
			return nil, true, err
		}
		return []byte(b), true, nil
	}
	return nil, false, nil
}

func pyShape(v any) ([]uint64, error) {
	t, ok := v.(*types.Tuple)
	if !ok {
		return nil, fmt.Errorf("shape is a %s, not a tuple", describe(v))
	}
	if t.Len() > maxRank {
		return nil, fmt.Errorf("shape has %d dimensions, more than %d", t.Len(), maxRank)
	}
	shape := make([]uint64, t.Len())
	for i, d := range *t {
		n, ok := d.(int)
		if !ok || n < 0 {
			return nil, fmt.Errorf("dimension %d is not a non-negative int", i)
		}
		shape[i] = uint64(n)
	}
	return shape, nil
}

func pyFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, nil
	}
	return 0, fmt.Errorf("array value is a %s, not a number", describe(v))
}

// describe names the Python type of an unpickled value for error messages,
// never printing the value itself (which comes from the file).
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case *types.ByteArray:
		return "bytearray"
	case *types.Tuple:
		return "tuple"
	case *types.List:
		return "list"
	case *types.Dict:
		return "dict"
	case *types.OrderedDict:
		return "OrderedDict"
	case *types.Set, *types.FrozenSet:
		return "set"
	case *types.ObjectClass:
		return "global __builtin__.object"
	case *types.Reconstructor:
		return "global copy_reg._reconstructor"
	case *types.OrderedDictClass:
		return "global collections.OrderedDict"
	case *ndarray:
		return "numpy array"
	case *npDtype:
		return "numpy dtype " + v.String()
	case interface{ GoString() string }:
		return "global " + v.GoString()
	}
	return fmt.Sprintf("%T", v)
}
