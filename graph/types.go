package graph

import (
	"fmt"
	"strings"

	"gorgonia.org/tensor"
)

// DType is the element type of a node's values: Float32 for speed, Float64 for checks.
type DType uint8

// The two element types every op supports.
const (
	Float32 DType = iota + 1
	Float64
)

func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// Tensor returns the gorgonia tensor dtype of d.
func (d DType) Tensor() tensor.Dtype {
	if d == Float32 {
		return tensor.Float32
	}
	return tensor.Float64
}

// DTypeOf returns the DType of a tensor value, or an error for element types zerograd does not use.
func DTypeOf(t *tensor.Dense) (DType, error) {
	switch t.Dtype() {
	case tensor.Float32:
		return Float32, nil
	case tensor.Float64:
		return Float64, nil
	}
	return 0, fmt.Errorf("unsupported element type %v (want float32 or float64)", t.Dtype())
}

// Shape is the size of each axis; the empty shape is a scalar.
type Shape []int

// Size is the number of elements (1 for a scalar).
func (s Shape) Size() int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Equal reports whether s and t have the same axes.
func (s Shape) Equal(t Shape) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// Clone returns a copy that does not share memory with s.
func (s Shape) Clone() Shape { return append(Shape{}, s...) }

// String formats a shape as the book prints it in errors: [100 784], [] for a scalar.
func (s Shape) String() string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Strides returns the row-major strides of s, in elements.
func (s Shape) Strides() []int {
	st := make([]int, len(s))
	n := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = n
		n *= s[i]
	}
	return st
}

// Type is what a node holds: its static shape and element type.
type Type struct {
	Shape Shape
	DType DType
}

func (t Type) String() string { return t.DType.String() + t.Shape.String() }

// NewTensor allocates a zeroed tensor of shape s and element type d.
func NewTensor(d DType, s ...int) *tensor.Dense {
	if d == Float32 {
		return tensor.New(tensor.WithShape(s...), tensor.WithBacking(make([]float32, Shape(s).Size())))
	}
	return tensor.New(tensor.WithShape(s...), tensor.WithBacking(make([]float64, Shape(s).Size())))
}

// FromFloat64s makes a tensor of the given element type and shape holding vals (converted when d is Float32).
// It panics when len(vals) does not match the shape.
func FromFloat64s(d DType, shape []int, vals []float64) *tensor.Dense {
	if Shape(shape).Size() != len(vals) {
		panic(fmt.Sprintf("graph.FromFloat64s: %d values for shape %v", len(vals), Shape(shape)))
	}
	t := NewTensor(d, shape...)
	switch d {
	case Float32:
		dst := t.Float32s()
		for i, v := range vals {
			dst[i] = float32(v)
		}
	default:
		copy(t.Float64s(), vals)
	}
	return t
}

// ScalarValue makes a scalar tensor of element type d holding v.
func ScalarValue(d DType, v float64) *tensor.Dense { return FromFloat64s(d, nil, []float64{v}) }

// Float64s returns the values of a float32 or float64 tensor as a new []float64 (for printing and tests).
func Float64s(t *tensor.Dense) []float64 {
	switch t.Dtype() {
	case tensor.Float32:
		src := t.Float32s()
		out := make([]float64, len(src))
		for i, v := range src {
			out[i] = float64(v)
		}
		return out
	case tensor.Float64:
		return append([]float64(nil), t.Float64s()...)
	}
	return nil
}

// shapeOf returns the shape of a tensor value as a Shape (scalars: []).
func shapeOf(t *tensor.Dense) Shape {
	s := t.Shape()
	if t.IsScalar() {
		return Shape{}
	}
	return Shape(append([]int(nil), s...))
}

// sameShape compares a tensor's shape with s without allocating.
func sameShape(t *tensor.Dense, s Shape) bool {
	ts := t.Shape()
	if len(s) == 0 {
		return t.IsScalar()
	}
	if len(ts) != len(s) {
		return false
	}
	for i := range s {
		if ts[i] != s[i] {
			return false
		}
	}
	return true
}
