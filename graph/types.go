package graph

import (
	"fmt"
	"strings"

	"gorgonia.org/tensor"
)

// DType is the element type of a node's values: Float32 for speed, Float64 for checks,
// Int32 and Int64 for class labels and indices (which ops take them says each op's doc;
// no gradient flows into an integer node).
type DType uint8

// The element types. Every op supports both float types.
const (
	Float32 DType = iota + 1
	Float64
	Int32
	Int64
)

func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	case Int32:
		return "int32"
	case Int64:
		return "int64"
	}
	return fmt.Sprintf("dtype(%d)", uint8(d))
}

// IsFloat reports whether d is Float32 or Float64.
func (d DType) IsFloat() bool { return d == Float32 || d == Float64 }

// IsInt reports whether d is Int32 or Int64.
func (d DType) IsInt() bool { return d == Int32 || d == Int64 }

func (d DType) valid() bool { return d.IsFloat() || d.IsInt() }

// Tensor returns the gorgonia tensor dtype of d.
func (d DType) Tensor() tensor.Dtype {
	switch d {
	case Float32:
		return tensor.Float32
	case Int32:
		return tensor.Int32
	case Int64:
		return tensor.Int64
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
	case tensor.Int32:
		return Int32, nil
	case tensor.Int64:
		return Int64, nil
	}
	return 0, fmt.Errorf("unsupported element type %v (want float32, float64, int32 or int64)", t.Dtype())
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
	n := Shape(s).Size()
	var backing any
	switch d {
	case Float32:
		backing = make([]float32, n)
	case Int32:
		backing = make([]int32, n)
	case Int64:
		backing = make([]int64, n)
	default:
		backing = make([]float64, n)
	}
	return tensor.New(tensor.WithShape(s...), tensor.WithBacking(backing))
}

// F32 makes a float32 tensor of the given shape holding data, row-major; with no data it is
// zeroed. It panics when data does not fill the shape. A nil shape makes a scalar:
//
//	x := graph.F32(graph.Shape{2, 3}, 1, 2, 3, 4, 5, 6)
//	c := graph.F32(nil, 0.5)
func F32(shape Shape, data ...float32) *tensor.Dense { return typed(Float32, shape, data) }

// F64 is F32 for float64.
func F64(shape Shape, data ...float64) *tensor.Dense { return typed(Float64, shape, data) }

// I32 is F32 for int32: class labels and indices.
func I32(shape Shape, data ...int32) *tensor.Dense { return typed(Int32, shape, data) }

// I64 is F32 for int64.
func I64(shape Shape, data ...int64) *tensor.Dense { return typed(Int64, shape, data) }

func typed[T float32 | float64 | int32 | int64](d DType, shape Shape, data []T) *tensor.Dense {
	n := shape.Size()
	if len(data) != 0 && len(data) != n {
		panic(fmt.Sprintf("graph.%s: %d values for shape %v (%d elements)", map[DType]string{Float32: "F32", Float64: "F64", Int32: "I32", Int64: "I64"}[d], len(data), shape, n))
	}
	backing := make([]T, n)
	copy(backing, data)
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(backing))
}

// FromFloat64s makes a tensor of any element type and shape holding vals, converted to the
// type (integers are truncated): the constructor for code written once for several types.
// It panics when len(vals) does not match the shape.
func FromFloat64s(d DType, shape []int, vals []float64) *tensor.Dense {
	if Shape(shape).Size() != len(vals) {
		panic(fmt.Sprintf("graph.FromFloat64s: %d values for shape %v", len(vals), Shape(shape)))
	}
	t := NewTensor(d, shape...)
	switch d {
	case Float32:
		conv(t.Float32s(), vals)
	case Int32:
		conv(t.Int32s(), vals)
	case Int64:
		conv(t.Int64s(), vals)
	default:
		copy(t.Float64s(), vals)
	}
	return t
}

func conv[T float32 | int32 | int64](dst []T, src []float64) {
	for i, v := range src {
		dst[i] = T(v)
	}
}

// ScalarValue makes a scalar tensor of element type d holding v.
func ScalarValue(d DType, v float64) *tensor.Dense { return FromFloat64s(d, nil, []float64{v}) }

// Float64s returns the values of a tensor of any of the four element types as a new
// []float64 (for printing and tests).
func Float64s(t *tensor.Dense) []float64 {
	switch t.Dtype() {
	case tensor.Float32:
		return widen(t.Float32s())
	case tensor.Float64:
		return append([]float64(nil), t.Float64s()...)
	case tensor.Int32:
		return widen(t.Int32s())
	case tensor.Int64:
		return widen(t.Int64s())
	}
	return nil
}

func widen[T float32 | int32 | int64](src []T) []float64 {
	out := make([]float64, len(src))
	for i, v := range src {
		out[i] = float64(v)
	}
	return out
}

// Item returns the one value of a tensor holding a single element (a loss, an accuracy) as a
// float64. It panics when t holds more than one.
func Item(t *tensor.Dense) float64 {
	if n := t.Shape().TotalSize(); n != 1 {
		panic(fmt.Sprintf("graph.Item: the tensor holds %d values %v, not one", n, shapeOf(t)))
	}
	switch t.Dtype() {
	case tensor.Float32:
		return float64(t.Float32s()[0])
	case tensor.Int32:
		return float64(t.Int32s()[0])
	case tensor.Int64:
		return float64(t.Int64s()[0])
	}
	return t.Float64s()[0]
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
