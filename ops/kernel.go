package ops

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// float is the element type of every kernel: ops support float32 and float64.
type float interface{ ~float32 | ~float64 }

func is32(t *tensor.Dense) bool { return t.Dtype() == tensor.Float32 }

// unary runs the kernel for the tensors' element type.
func unary(y, x *tensor.Dense, k32 func(y, x []float32), k64 func(y, x []float64)) {
	if is32(y) {
		k32(y.Float32s(), x.Float32s())
		return
	}
	k64(y.Float64s(), x.Float64s())
}

// binary runs the kernel for the tensors' element type.
func binary(y, a, b *tensor.Dense, k32 func(y, a, b []float32), k64 func(y, a, b []float64)) {
	if is32(y) {
		k32(y.Float32s(), a.Float32s(), b.Float32s())
		return
	}
	k64(y.Float64s(), a.Float64s(), b.Float64s())
}

// scalarOf returns a scalar constant of x's element type in x's graph.
func scalarOf(x *graph.Node, v float64) *graph.Node { return x.Graph().Scalar(v, x.DType()) }

// sameType is the shape rule of elementwise ops: all inputs have one shape and dtype.
func sameType(in ...graph.Type) (graph.Type, error) {
	for _, t := range in[1:] {
		if t.DType != in[0].DType {
			return graph.Type{}, graph.Errorf("element types %s and %s differ", in[0].DType, t.DType)
		}
		if !t.Shape.Equal(in[0].Shape) {
			return graph.Type{}, graph.Errorf("shapes %v and %v differ", in[0].Shape, t.Shape)
		}
	}
	return in[0], nil
}

// arity checks the number of inputs in a shape rule.
func arity(in []graph.Type, n int) error {
	if len(in) != n {
		return graph.Errorf("takes %d inputs, got %d", n, len(in))
	}
	return nil
}

// normAxis turns a possibly negative axis into 0..rank-1.
func normAxis(axis, rank int) (int, error) {
	a := axis
	if a < 0 {
		a += rank
	}
	if a < 0 || a >= rank {
		return 0, graph.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	return a, nil
}

// splitAxis views a shape as [outer, n, inner] around axis.
func splitAxis(s graph.Shape, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for i, d := range s {
		switch {
		case i < axis:
			outer *= d
		case i > axis:
			inner *= d
		}
	}
	return outer, s[axis], inner
}
