package ops

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Joining and splitting along an axis: Slice and its gradient (embed), Concat, and Split and
// Stack made of them. Every axis may be given negative, counting from the end.

// ---- slice along an axis and its gradient, embed ----

type sliceOp struct{ axis, lo, hi int }

var _ graph.Op = sliceOp{}

func (sliceOp) Name() string { return "slice" }
func (o sliceOp) Shape(in ...graph.Type) (graph.Type, error) {
	s := in[0].Shape
	a, err := normAxis(o.axis, len(s))
	if err != nil {
		return graph.Type{}, err
	}
	if o.lo < 0 || o.hi > s[a] || o.lo >= o.hi {
		return graph.Type{}, graph.Errorf("range [%d:%d] is empty or outside axis %d of size %d", o.lo, o.hi, a, s[a])
	}
	out := s.Clone()
	out[a] = o.hi - o.lo
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}
func (o sliceOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	outer, n, inner := splitAxis(shapeOf(in[0]), o.axis)
	unary(y, in[0], func(y, x []float32) { sliceK(y, x, outer, n, inner, o.lo, o.hi) }, func(y, x []float64) { sliceK(y, x, outer, n, inner, o.lo, o.hi) })
	return nil
}
func (o sliceOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(embedOp{axis: o.axis, lo: o.lo, n: x[0].Shape()[o.axis]}, gy)}
}

func sliceK[T float](y, x []T, outer, n, inner, lo, hi int) {
	w := (hi - lo) * inner
	for o := 0; o < outer; o++ {
		copy(y[o*w:(o+1)*w], x[(o*n+lo)*inner:(o*n+hi)*inner])
	}
}

// Slice takes the range [lo, hi) of axis (negative axes count from the end).
func Slice(x *graph.Node, axis, lo, hi int) *graph.Node {
	a, err := normAxis(axis, len(x.Shape()))
	if err != nil {
		panic(&graph.ShapeError{Op: "slice", Inputs: []string{x.Label()}, Shapes: []graph.Shape{x.Shape()}, Reason: err.Error()})
	}
	return graph.Apply(sliceOp{a, lo, hi}, x)
}

// SliceRows takes rows [lo, hi) of x (axis 0): a mini-batch out of a dataset.
func SliceRows(x *graph.Node, lo, hi int) *graph.Node { return Slice(x, 0, lo, hi) }

// embedOp places its input at [lo, lo+len) of axis in a zero tensor whose axis has size n:
// the gradient of slicing, whose own gradient is slicing.
type embedOp struct{ axis, lo, n int }

var _ graph.Op = embedOp{}

func (embedOp) Name() string { return "embed" }
func (o embedOp) Shape(in ...graph.Type) (graph.Type, error) {
	out := in[0].Shape.Clone()
	if o.lo+out[o.axis] > o.n {
		return graph.Type{}, graph.Errorf("%d rows at %d do not fit in %d", out[o.axis], o.lo, o.n)
	}
	out[o.axis] = o.n
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}
func (o embedOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	outer, m, inner := splitAxis(shapeOf(in[0]), o.axis)
	unary(y, in[0], func(y, x []float32) { embedK(y, x, outer, m, inner, o.lo, o.n) }, func(y, x []float64) { embedK(y, x, outer, m, inner, o.lo, o.n) })
	return nil
}
func (o embedOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	m := x[0].Shape()[o.axis]
	return []*graph.Node{Slice(gy, o.axis, o.lo, o.lo+m)}
}

func embedK[T float](y, x []T, outer, m, inner, lo, n int) {
	clear(y)
	embedRowsK(y, x, outer, m, inner, lo, n)
}

// ---- concat ----

type concatOp struct{ axis int }

var _ graph.Op = concatOp{}

func (concatOp) Name() string { return "concat" }
func (o concatOp) Shape(in ...graph.Type) (graph.Type, error) {
	out := in[0].Shape.Clone()
	if o.axis >= len(out) {
		return graph.Type{}, graph.Errorf("axis %d out of range for rank %d", o.axis, len(out))
	}
	for i, t := range in[1:] {
		if t.DType != in[0].DType {
			return graph.Type{}, graph.Errorf("element types %s and %s differ", in[0].DType, t.DType)
		}
		if len(t.Shape) != len(out) {
			return graph.Type{}, graph.Errorf("input %d has rank %d, want %d", i+1, len(t.Shape), len(out))
		}
		for a := range out {
			if a != o.axis && t.Shape[a] != in[0].Shape[a] {
				return graph.Type{}, graph.Errorf("input %d differs on axis %d (%d vs %d)", i+1, a, t.Shape[a], in[0].Shape[a])
			}
		}
		out[o.axis] += t.Shape[o.axis]
	}
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}
func (o concatOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	ys := shapeOf(y)
	outer, n, inner := splitAxis(ys, o.axis)
	off := 0
	for _, x := range in {
		m := x.Shape()[o.axis]
		unary(y, x, func(y, x []float32) { embedRowsK(y, x, outer, m, inner, off, n) }, func(y, x []float64) { embedRowsK(y, x, outer, m, inner, off, n) })
		off += m
	}
	return nil
}
func (o concatOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	gx := make([]*graph.Node, len(x))
	off := 0
	for i, xi := range x {
		m := xi.Shape()[o.axis]
		gx[i] = Slice(gy, o.axis, off, off+m)
		off += m
	}
	return gx
}

func embedRowsK[T float](y, x []T, outer, m, inner, lo, n int) {
	for o := 0; o < outer; o++ {
		copy(y[(o*n+lo)*inner:(o*n+lo+m)*inner], x[o*m*inner:(o+1)*m*inner])
	}
}

// Concat joins xs along axis; all other axes must agree.
func Concat(axis int, xs ...*graph.Node) *graph.Node {
	if len(xs) == 0 {
		panic(&graph.ShapeError{Op: "concat", Reason: "no inputs"})
	}
	a, err := normAxis(axis, len(xs[0].Shape()))
	if err != nil {
		panic(&graph.ShapeError{Op: "concat", Inputs: []string{xs[0].Label()}, Shapes: []graph.Shape{xs[0].Shape()}, Reason: err.Error()})
	}
	if len(xs) == 1 {
		return xs[0]
	}
	return graph.Apply(concatOp{a}, xs...)
}

// Split cuts x along axis (negative counts from the end) into consecutive pieces of the
// given sizes, which must add up to the axis: PyTorch's split with a list of sizes. Each
// piece is a Slice, so the gradients of the pieces are placed back side by side.
func Split(x *graph.Node, axis int, sizes ...int) []*graph.Node {
	a := mustAxis("split", x, axis)
	total := 0
	for _, n := range sizes {
		if n <= 0 {
			total = -1
			break
		}
		total += n
	}
	if total != x.Shape()[a] {
		panic(&graph.ShapeError{Op: "split", Inputs: []string{x.Label()}, Shapes: []graph.Shape{x.Shape()},
			Reason: fmt.Sprintf("sizes %v do not cut axis %d of size %d into positive pieces", sizes, a, x.Shape()[a])})
	}
	out := make([]*graph.Node, len(sizes))
	lo := 0
	for i, n := range sizes {
		out[i] = graph.Apply(sliceOp{a, lo, lo + n}, x)
		lo += n
	}
	return out
}

// Stack joins xs, all of one shape, along a new axis at position axis (from 0 to their
// rank; negative counts from the end, -1 appending it): PyTorch's stack. It is Concat of
// the inputs reshaped with a size-1 axis there.
func Stack(axis int, xs ...*graph.Node) *graph.Node {
	if len(xs) == 0 {
		panic(&graph.ShapeError{Op: "stack", Reason: "no inputs"})
	}
	s := xs[0].Shape()
	a, err := normAxis(axis, len(s)+1)
	for _, x := range xs[1:] {
		if err == nil && !x.Shape().Equal(s) {
			err = fmt.Errorf("shapes %v and %v differ", s, x.Shape())
		}
	}
	if err != nil {
		panic(&graph.ShapeError{Op: "stack", Inputs: labels(xs), Shapes: shapes(xs), Reason: err.Error()})
	}
	to := append(append(s[:a:a], 1), s[a:]...)
	parts := make([]*graph.Node, len(xs))
	for i, x := range xs {
		parts[i] = Reshape(x, to...)
	}
	return Concat(a, parts...)
}

func labels(ns []*graph.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Label()
	}
	return out
}

func shapes(ns []*graph.Node) []graph.Shape {
	out := make([]graph.Shape, len(ns))
	for i, n := range ns {
		out[i] = n.Shape()
	}
	return out
}
