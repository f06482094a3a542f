package paramfile

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/nlpodyssey/gopickle/types"
)

// The globals that a NumPy parameter pickle holds, and the Go values that
// stand for them while gopickle runs. findClass hands gopickle these and
// nothing else, so no other value is ever constructed from a file.

// An UnsafeGlobalError reports a global that a pickle asked for and the
// importer refused: parameter files need only dicts of NumPy arrays, and a
// global such as os.system or builtins.eval is how a hostile pickle runs code.
type UnsafeGlobalError struct {
	Module, Name string
}

func (e *UnsafeGlobalError) Error() string {
	return fmt.Sprintf("global %s is not allowed: parameter pickles hold only dicts of numpy float arrays",
		printableName(e.Module+"."+e.Name))
}

// printableName returns a name from a file fit for an error message.
func printableName(s string) string {
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return strconv.Quote(s)
		}
	}
	return s
}

type globalName struct{ module, name string }

// pickleGlobals are the globals accepted besides collections.OrderedDict
// (which gopickle resolves itself, to an empty ordered dict).
var pickleGlobals = map[globalName]any{
	{"numpy.core.multiarray", "_reconstruct"}:  npReconstruct{},
	{"numpy._core.multiarray", "_reconstruct"}: npReconstruct{}, // NumPy 2
	{"numpy.core.numeric", "_frombuffer"}:      npFrombuffer{},  // protocol 5
	{"numpy._core.numeric", "_frombuffer"}:     npFrombuffer{},
	{"numpy", "ndarray"}:                       npNdarrayClass{},
	{"numpy", "dtype"}:                         npDtypeClass{},
	{"_codecs", "encode"}:                      codecsEncode{}, // bytes in protocols 0 to 2 from Python 3
	{"__builtin__", "bytes"}:                   emptyBytes{},   // b'' in protocols 0 to 2 from Python 3
	{"builtins", "bytes"}:                      emptyBytes{},
}

func allowedGlobal(module, name string) bool {
	_, ok := pickleGlobals[globalName{module, name}]
	return ok || module == "collections" && name == "OrderedDict"
}

// findClass is gopickle's FindClass hook. The globals that allocate for
// the file are bound to the load, whose budget they draw on.
func (l *pickleLoad) findClass(module, name string) (any, error) {
	g, ok := pickleGlobals[globalName{module, name}]
	if !ok {
		return nil, &UnsafeGlobalError{Module: module, Name: name}
	}
	switch g.(type) {
	case npReconstruct:
		return npReconstruct{l}, nil
	case npFrombuffer:
		return npFrombuffer{l}, nil
	case codecsEncode:
		return codecsEncode{l}, nil
	}
	return g, nil
}

// npReconstruct is numpy.core.multiarray._reconstruct(numpy.ndarray, (0,),
// b'b'): an empty array whose __setstate__ (BUILD) then gives it its data.
type npReconstruct struct{ l *pickleLoad }

func (r npReconstruct) Call(args ...any) (any, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("numpy _reconstruct: %d arguments, want 3", len(args))
	}
	if _, ok := args[0].(npNdarrayClass); !ok {
		return nil, fmt.Errorf("numpy _reconstruct: makes only numpy.ndarray, not %s", describe(args[0]))
	}
	return &ndarray{l: r.l}, nil
}

func (npReconstruct) GoString() string { return "numpy.core.multiarray._reconstruct" }

// npNdarrayClass is numpy.ndarray, only ever an argument of _reconstruct.
type npNdarrayClass struct{}

func (npNdarrayClass) GoString() string { return "numpy.ndarray" }

// npDtypeClass is numpy.dtype, called as dtype('f8', False, True); the byte
// order comes with its __setstate__.
type npDtypeClass struct{}

func (npDtypeClass) Call(args ...any) (any, error) {
	if len(args) == 0 {
		return nil, errors.New("numpy dtype: no type name")
	}
	name, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("numpy dtype: type name is a %s, not a str", describe(args[0]))
	}
	d := &npDtype{name: name, order: '='}
	if len(name) > 0 && (name[0] == '<' || name[0] == '>' || name[0] == '=' || name[0] == '|') {
		d.order, d.name = name[0], name[1:]
	}
	return d, nil
}

func (npDtypeClass) GoString() string { return "numpy.dtype" }

type npDtype struct {
	name  string
	order byte // '<', '>', '=' (native, taken as little-endian) or '|'
}

// PySetState takes the dtype's state (3, '<', None, None, None, -1, -1, 0).
func (d *npDtype) PySetState(state any) error {
	t, ok := state.(*types.Tuple)
	if !ok || t.Len() < 2 {
		return fmt.Errorf("numpy dtype: state is a %s, not a tuple of at least 2", describe(state))
	}
	s, ok := t.Get(1).(string)
	if !ok || len(s) != 1 {
		return fmt.Errorf("numpy dtype: byte order is a %s, not one character", describe(t.Get(1)))
	}
	d.order = s[0]
	return nil
}

func (d *npDtype) GoString() string { return "numpy dtype" }

func (d *npDtype) String() string { return printableName(string(d.order) + d.name) }

// resolve returns the element size and byte order of a float dtype.
func (d *npDtype) resolve() (size int, bigEndian bool, err error) {
	switch d.name {
	case "f4", "f", "float32":
		size = 4
	case "f8", "d", "float64":
		size = 8
	default:
		return 0, false, fmt.Errorf("dtype %s is not supported (only float32 and float64)", d)
	}
	switch d.order {
	case '<', '=', '|':
		return size, false, nil
	case '>':
		return size, true, nil
	}
	return 0, false, fmt.Errorf("dtype %s: unknown byte order", d)
}

// npFrombuffer is numpy.core.numeric._frombuffer(buf, dtype, shape, order),
// which protocol 5 writes for contiguous arrays.
type npFrombuffer struct{ l *pickleLoad }

func (fb npFrombuffer) Call(args ...any) (any, error) {
	if len(args) != 4 {
		return nil, fmt.Errorf("numpy _frombuffer: %d arguments, want 4", len(args))
	}
	raw, ok, err := fb.l.pyBytes(args[0])
	if err != nil {
		return nil, fmt.Errorf("numpy _frombuffer: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("numpy _frombuffer: buffer is a %s, not bytes", describe(args[0]))
	}
	dt, ok := args[1].(*npDtype)
	if !ok {
		return nil, fmt.Errorf("numpy _frombuffer: dtype is a %s", describe(args[1]))
	}
	shape, err := pyShape(args[2])
	if err != nil {
		return nil, fmt.Errorf("numpy _frombuffer: %w", err)
	}
	order, _ := args[3].(string)
	if order != "C" && order != "F" {
		return nil, fmt.Errorf("numpy _frombuffer: order is not 'C' or 'F'")
	}
	return &ndarray{l: fb.l, shape: shape, dtype: dt, fortran: order == "F", raw: raw, set: true}, nil
}

func (npFrombuffer) GoString() string { return "numpy.core.numeric._frombuffer" }

// codecsEncode is _codecs.encode(str, 'latin1'), the way Python 3 writes
// bytes in protocols 0 to 2: each character is one byte. A string the file
// memoised once may be encoded many times, so each result is paid for.
type codecsEncode struct{ l *pickleLoad }

func (c codecsEncode) Call(args ...any) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("_codecs.encode: %d arguments, want 2", len(args))
	}
	s, ok1 := args[0].(string)
	enc, ok2 := args[1].(string)
	if !ok1 || !ok2 || (enc != "latin1" && enc != "latin-1") {
		return nil, errors.New("_codecs.encode: only encode(str, 'latin1') is accepted")
	}
	if err := c.l.take(uint64(len(s)), "_codecs.encode"); err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, fmt.Errorf("_codecs.encode: character U+%04X is not latin1", r)
		}
		out = append(out, byte(r))
	}
	return out, nil
}

func (codecsEncode) GoString() string { return "_codecs.encode" }

// emptyBytes is bytes(), the way Python 3 writes b” in protocols 0 to 2
// (the data of a zero-size array). Only the call without arguments is
// accepted.
type emptyBytes struct{}

func (emptyBytes) Call(args ...any) (any, error) {
	if len(args) != 0 {
		return nil, errors.New("bytes: only bytes() is accepted")
	}
	return []byte{}, nil
}

func (emptyBytes) GoString() string { return "builtins.bytes" }
