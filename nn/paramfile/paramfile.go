package paramfile

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gorgonia.org/tensor"
)

// A NamedTensor is one tensor of a parameter file with its name. Files hold
// an ordered list of them, []NamedTensor; the order is kept on save and load.
type NamedTensor struct {
	Name  string
	Value *tensor.Dense
}

// maxRank bounds the number of dimensions read from a file (NumPy 2 allows
// 64). It keeps a hostile shape of a million ones from costing anything.
const maxRank = 64

// An AssignOption changes how Assign matches tensors.
type AssignOption func(*assignConfig)

type assignConfig struct {
	convert bool
}

// ConvertDtype lets Assign copy a float64 tensor into a float32 one and back,
// converting each element (float64 -> float32 rounds to nearest). The book's
// pickles of SimpleConvNet hold float64 arrays while our models use float32.
func ConvertDtype() AssignOption {
	return func(c *assignConfig) { c.convert = true }
}

// A Mismatch is one reason why Assign refused to copy.
type Mismatch struct {
	Name string
	// Kind is one of "missing" (in dst, not in src), "unexpected" (in src,
	// not in dst), "shape", "dtype", "duplicate" (a name twice in dst or
	// src) or "unusable" (a nil tensor, or a destination that is a view).
	Kind string
	// Want and Got describe the destination and the source, where it helps.
	Want, Got string
}

func (m Mismatch) String() string {
	switch m.Kind {
	case "missing":
		return fmt.Sprintf("%s: missing from the source", m.Name)
	case "unexpected":
		return fmt.Sprintf("%s: unexpected, the destination has no such tensor", m.Name)
	case "shape":
		return fmt.Sprintf("%s: shape %s in the source, %s wanted", m.Name, m.Got, m.Want)
	case "dtype":
		hint := ""
		if isFloatName(m.Want) && isFloatName(m.Got) {
			hint = " (see ConvertDtype)"
		}
		return fmt.Sprintf("%s: dtype %s in the source, %s wanted%s", m.Name, m.Got, m.Want, hint)
	case "duplicate":
		return fmt.Sprintf("%s: name given twice in the %s", m.Name, m.Got)
	}
	return fmt.Sprintf("%s: %s", m.Name, m.Got)
}

// An AssignError lists every reason why Assign copied nothing.
type AssignError struct {
	Mismatches []Mismatch
}

func (e *AssignError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "paramfile: assign: %d mismatch", len(e.Mismatches))
	if len(e.Mismatches) != 1 {
		b.WriteString("es")
	}
	b.WriteString(", nothing copied: ")
	for i, m := range e.Mismatches {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(m.String())
	}
	return b.String()
}

// Assign copies each source tensor into the destination tensor of the same
// name. It first checks every name, shape and dtype and collects every
// mismatch (missing, unexpected, wrong shape, wrong dtype, duplicate name)
// into one *AssignError; nothing is written unless all match. Shapes must be
// equal exactly: a (50) bias does not go into a (1, 50) one. The dtypes must
// be equal unless ConvertDtype is given. Destinations must own their data
// (not views); sources may be views.
func Assign(dst, src []NamedTensor, opts ...AssignOption) error {
	var cfg assignConfig
	for _, o := range opts {
		o(&cfg)
	}
	var bad []Mismatch
	byName := make(map[string]*tensor.Dense, len(src))
	for _, s := range src {
		if _, dup := byName[s.Name]; dup {
			bad = append(bad, Mismatch{Name: s.Name, Kind: "duplicate", Got: "source"})
			continue
		}
		byName[s.Name] = s.Value
		if s.Value == nil {
			bad = append(bad, Mismatch{Name: s.Name, Kind: "unusable", Got: "the source tensor is nil"})
		}
	}
	seen := make(map[string]bool, len(dst))
	for _, d := range dst {
		if seen[d.Name] {
			bad = append(bad, Mismatch{Name: d.Name, Kind: "duplicate", Got: "destination"})
			continue
		}
		seen[d.Name] = true
		if d.Value == nil {
			bad = append(bad, Mismatch{Name: d.Name, Kind: "unusable", Got: "the destination tensor is nil"})
			continue
		}
		if d.Value.IsMaterializable() {
			bad = append(bad, Mismatch{Name: d.Name, Kind: "unusable", Got: "the destination is a view; assign into the tensor that owns the data"})
			continue
		}
		s, ok := byName[d.Name]
		if !ok {
			bad = append(bad, Mismatch{Name: d.Name, Kind: "missing"})
			continue
		}
		if s == nil {
			continue // reported above
		}
		if !slices.Equal(d.Value.Shape(), s.Shape()) {
			bad = append(bad, Mismatch{Name: d.Name, Kind: "shape", Want: shapeString(d.Value.Shape()), Got: shapeString(s.Shape())})
		}
		dt, st := d.Value.Dtype(), s.Dtype()
		switch {
		case !isFloat(dt):
			bad = append(bad, Mismatch{Name: d.Name, Kind: "dtype", Want: dt.String(), Got: st.String()})
		case dt == st:
		case !isFloat(st) || !cfg.convert:
			bad = append(bad, Mismatch{Name: d.Name, Kind: "dtype", Want: dt.String(), Got: st.String()})
		}
	}
	for _, s := range src {
		if !seen[s.Name] {
			seen[s.Name] = true // report a duplicated unexpected name once
			bad = append(bad, Mismatch{Name: s.Name, Kind: "unexpected"})
		}
	}
	if len(bad) > 0 {
		return &AssignError{Mismatches: bad}
	}
	for _, d := range dst {
		copyConvert(d.Value, contiguous(byName[d.Name]))
	}
	return nil
}

func isFloat(dt tensor.Dtype) bool { return dt == tensor.Float32 || dt == tensor.Float64 }

func isFloatName(s string) bool { return s == "float32" || s == "float64" }

// copyConvert copies src into dst element by element; both are float32 or
// float64, have the same number of elements and are not views.
func copyConvert(dst, src *tensor.Dense) {
	n := dst.Shape().TotalSize()
	if dst.Dtype() == tensor.Float32 {
		d := dst.Float32s()[:n]
		if src.Dtype() == tensor.Float32 {
			copy(d, src.Float32s()[:n])
			return
		}
		for i, v := range src.Float64s()[:n] {
			d[i] = float32(v)
		}
		return
	}
	d := dst.Float64s()[:n]
	if src.Dtype() == tensor.Float64 {
		copy(d, src.Float64s()[:n])
		return
	}
	for i, v := range src.Float32s()[:n] {
		d[i] = float64(v)
	}
}

// contiguous returns t itself, or a row-major copy of t when t is a view
// (sliced or transposed) whose backing slice is not its elements in order.
func contiguous(t *tensor.Dense) *tensor.Dense {
	if t.IsMaterializable() {
		return t.Materialize().(*tensor.Dense)
	}
	return t
}

// floatData returns the elements of a float32 or float64 tensor in row-major
// order, as []float32 or []float64 of exactly Shape().TotalSize() elements.
func floatData(t *tensor.Dense) (any, error) {
	t = contiguous(t)
	n := t.Shape().TotalSize()
	var data any
	var have int
	switch t.Dtype() {
	case tensor.Float32:
		v := t.Float32s()
		data, have = v[:min(n, len(v))], len(v)
	case tensor.Float64:
		v := t.Float64s()
		data, have = v[:min(n, len(v))], len(v)
	default:
		return nil, fmt.Errorf("dtype %v is not supported (only float32 and float64)", t.Dtype())
	}
	if have < n {
		return nil, fmt.Errorf("backing slice of %d elements is shorter than shape %s", have, shapeString(t.Shape()))
	}
	return data, nil
}

// shapeString writes a shape the way NumPy does: (), (3,), (2, 3).
func shapeString(s []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, d)
	}
	if len(s) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// checkedElems returns the number of elements of a shape read from a file
// and its size in bytes for the given element size, refusing shapes whose
// rank, dimensions, element count, byte count or strides overflow an int.
// It allocates nothing, so it runs before any allocation.
func checkedElems(shape []uint64, elemSize uint64) (elems, bytes uint64, err error) {
	if len(shape) > maxRank {
		return 0, 0, fmt.Errorf("rank %d exceeds %d", len(shape), maxRank)
	}
	elems = 1
	strides := uint64(1) // product of the nonzero dims: tensor strides must fit too
	for _, d := range shape {
		if d > math.MaxInt {
			return 0, 0, fmt.Errorf("dimension %d overflows", d)
		}
		if d != 0 {
			if strides > math.MaxInt/d {
				return 0, 0, fmt.Errorf("shape %v overflows", shape)
			}
			strides *= d
		}
		elems *= d // cannot overflow: bounded by strides or zero
	}
	if elemSize != 0 && elems > math.MaxInt/elemSize {
		return 0, 0, fmt.Errorf("shape %v overflows", shape)
	}
	return elems, elems * elemSize, nil
}

// newDense makes a tensor of the given shape over backing ([]float32 or
// []float64 of the right length), handling scalars and zero-size shapes.
func newDense(shape []int, backing any) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(backing))
}
