package ops

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Indexing by integer tensors: Take (NumPy's take, PyTorch's index_select with indices of
// any shape) and its embedding lookup, and Gather (PyTorch's gather). Indices are int32 or
// int64 nodes (graph.IntInputs) and get no gradient. The gradient of each picks the
// gradient rows back with a scatter-add into zeros, so that an index used twice gets both
// rows' gradients; the scatter-add's own gradient is the pick again.

// indexInt is the element type of index tensors.
type indexInt interface{ ~int32 | ~int64 }

// withIndices runs k32 or k64 on the float data and idx's int32 or int64 data.
func withIndices[R any](idx *tensor.Dense, i32 func([]int32) R, i64 func([]int64) R) R {
	if idx.Dtype() == tensor.Int32 {
		return i32(idx.Int32s())
	}
	return i64(idx.Int64s())
}

func indexErr(v int64, at, n int) error {
	return fmt.Errorf("index %d at %d is outside [0, %d)", v, at, n)
}

func intIndices(t graph.Type) error {
	if !t.DType.IsInt() {
		return graph.Errorf("indices must be int32 or int64, got %s", t.DType)
	}
	return nil
}

// ---- take: y[pre, j..., post] = x[pre, idx[j...], post] ----

type takeOp struct{ axis int }

var _ graph.Op = takeOp{}

func (takeOp) Name() string        { return "take" }
func (takeOp) IntInput(i int) bool { return i == 1 }
func (o takeOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	if err := intIndices(in[1]); err != nil {
		return graph.Type{}, err
	}
	xs := in[0].Shape
	out := append(append(xs[:o.axis:o.axis], in[1].Shape...), xs[o.axis+1:]...)
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}
func (o takeOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	outer, n, inner := splitAxis(shapeOf(in[0]), o.axis)
	if is32(y) {
		return takeRun(y.Float32s(), in[0].Float32s(), in[1], outer, n, inner)
	}
	return takeRun(y.Float64s(), in[0].Float64s(), in[1], outer, n, inner)
}

func takeRun[T float](y, x []T, idx *tensor.Dense, outer, n, inner int) error {
	return withIndices(idx, func(ix []int32) error { return takeK(y, x, ix, outer, n, inner) },
		func(ix []int64) error { return takeK(y, x, ix, outer, n, inner) })
}

func takeK[T float, I indexInt](y, x []T, idx []I, outer, n, inner int) error {
	k := len(idx)
	for j, v := range idx {
		if v < 0 || int64(v) >= int64(n) {
			return indexErr(int64(v), j, n)
		}
	}
	for o := range outer {
		for j, v := range idx {
			copy(y[(o*k+j)*inner:][:inner], x[(o*n+int(v))*inner:][:inner])
		}
	}
	return nil
}

// The gradient adds each gradient row back at its index.
func (o takeOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(indexAddOp{o.axis, x[0].Shape()[o.axis]}, gy, x[1]), nil}
}

// Take picks, along axis of x (negative counts from the end), the entries at the integer
// indices idx (int32 or int64, any shape): the result's shape is x's with that axis
// replaced by idx's shape, as NumPy's take. An index outside the axis is a run-time error.
// The gradient adds the gradient rows back at their indices, summing repeated ones.
func Take(x *graph.Node, axis int, idx *graph.Node) *graph.Node {
	return graph.Apply(takeOp{mustAxis("take", x, axis)}, x, idx)
}

// Embedding looks up the rows of the table W [V D] at the token ids [any shape] (int32 or
// int64): the result is [ids... D]. It is Take along axis 0; the table's gradient sums the
// gradients of the tokens that share an id.
func Embedding(W, ids *graph.Node) *graph.Node {
	if len(W.Shape()) != 2 {
		panic(&graph.ShapeError{Op: "embedding", Inputs: []string{W.Label(), ids.Label()},
			Shapes: []graph.Shape{W.Shape(), ids.Shape()}, Reason: "the table must be [vocabulary dim]"})
	}
	return Take(W, 0, ids)
}

// indexAddOp adds the rows of g [pre, idx..., post] into zeros of shape [pre, n, post] at
// their indices: the gradient of take, whose own gradient (in g) is take.
type indexAddOp struct{ axis, n int }

var _ graph.Op = indexAddOp{}

func (indexAddOp) Name() string        { return "index_add" }
func (indexAddOp) IntInput(i int) bool { return i == 1 }
func (o indexAddOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	if err := intIndices(in[1]); err != nil {
		return graph.Type{}, err
	}
	gs, is := in[0].Shape, in[1].Shape
	if len(gs) < o.axis+len(is) || !graph.Shape(gs[o.axis:o.axis+len(is)]).Equal(is) {
		return graph.Type{}, graph.Errorf("gradient %v does not hold indices %v at axis %d", gs, is, o.axis)
	}
	out := append(append(gs[:o.axis:o.axis], o.n), gs[o.axis+len(is):]...)
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}
func (o indexAddOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	outer, n, inner := splitAxis(shapeOf(y), o.axis)
	if is32(y) {
		return indexAddRun(y.Float32s(), in[0].Float32s(), in[1], outer, n, inner)
	}
	return indexAddRun(y.Float64s(), in[0].Float64s(), in[1], outer, n, inner)
}

func indexAddRun[T float](y, g []T, idx *tensor.Dense, outer, n, inner int) error {
	return withIndices(idx, func(ix []int32) error { return indexAddK(y, g, ix, outer, n, inner) },
		func(ix []int64) error { return indexAddK(y, g, ix, outer, n, inner) })
}

func indexAddK[T float, I indexInt](y, g []T, idx []I, outer, n, inner int) error {
	clear(y)
	k := len(idx)
	for j, v := range idx {
		if v < 0 || int64(v) >= int64(n) {
			return indexErr(int64(v), j, n)
		}
	}
	for o := range outer {
		for j, v := range idx {
			addTo(y[(o*n+int(v))*inner:][:inner], g[(o*k+j)*inner:][:inner])
		}
	}
	return nil
}

func (o indexAddOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Take(gy, o.axis, x[1]), nil}
}

// ---- gather: y[o, j, i] = x[o, idx[o, j, i], i] along axis ----

type gatherOp struct{ axis int }

var _ graph.Op = gatherOp{}

func (gatherOp) Name() string        { return "gather" }
func (gatherOp) IntInput(i int) bool { return i == 1 }
func (o gatherOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	if err := intIndices(in[1]); err != nil {
		return graph.Type{}, err
	}
	if err := sameButAxis(in[0].Shape, in[1].Shape, o.axis); err != nil {
		return graph.Type{}, err
	}
	return graph.Type{Shape: in[1].Shape, DType: in[0].DType}, nil
}

// sameButAxis checks that the indices have x's rank and x's sizes on all axes but axis.
func sameButAxis(xs, is graph.Shape, axis int) error {
	if len(is) != len(xs) {
		return graph.Errorf("indices %v must have the rank of %v", is, xs)
	}
	for a := range xs {
		if a != axis && xs[a] != is[a] {
			return graph.Errorf("indices %v and input %v differ on axis %d", is, xs, a)
		}
	}
	return nil
}

func (o gatherOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	outer, n, inner := splitAxis(shapeOf(in[0]), o.axis)
	m := shapeOf(in[1])[o.axis]
	if is32(y) {
		return gatherRun(y.Float32s(), in[0].Float32s(), in[1], outer, n, m, inner, false)
	}
	return gatherRun(y.Float64s(), in[0].Float64s(), in[1], outer, n, m, inner, false)
}

// gatherRun gathers x [outer n inner] into y [outer m inner], or with scatter adds y into x.
func gatherRun[T float](y, x []T, idx *tensor.Dense, outer, n, m, inner int, scatter bool) error {
	return withIndices(idx, func(ix []int32) error { return gatherK(y, x, ix, outer, n, m, inner, scatter) },
		func(ix []int64) error { return gatherK(y, x, ix, outer, n, m, inner, scatter) })
}

func gatherK[T float, I indexInt](y, x []T, idx []I, outer, n, m, inner int, scatter bool) error {
	for j, v := range idx {
		if v < 0 || int64(v) >= int64(n) {
			return indexErr(int64(v), j, n)
		}
	}
	if scatter {
		clear(x)
	}
	for o := range outer {
		for j := range m {
			row := (o*m + j) * inner
			for i, v := range idx[row : row+inner] {
				if scatter {
					x[(o*n+int(v))*inner+i] += y[row+i]
				} else {
					y[row+i] = x[(o*n+int(v))*inner+i]
				}
			}
		}
	}
	return nil
}

func (o gatherOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(scatterAddOp{o.axis, x[0].Shape()[o.axis]}, gy, x[1]), nil}
}

// Gather picks from x along axis the entries at idx, PyTorch's gather: idx (int32 or
// int64) has x's rank and x's sizes on every other axis, and y[..., j, ...] =
// x[..., idx[..., j, ...], ...] along axis, so y has idx's shape. Gather(logp, -1, t) with
// t [N T 1] picks each position's target log-probability. An index outside the axis is a
// run-time error. The gradient scatter-adds into x's shape, summing repeated indices.
func Gather(x *graph.Node, axis int, idx *graph.Node) *graph.Node {
	return graph.Apply(gatherOp{mustAxis("gather", x, axis)}, x, idx)
}

// scatterAddOp adds g (of idx's shape) into zeros of x's shape at idx along axis: the
// gradient of gather, whose own gradient (in g) is gather.
type scatterAddOp struct{ axis, n int }

var _ graph.Op = scatterAddOp{}

func (scatterAddOp) Name() string        { return "scatter_add" }
func (scatterAddOp) IntInput(i int) bool { return i == 1 }
func (o scatterAddOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	if err := intIndices(in[1]); err != nil {
		return graph.Type{}, err
	}
	if !in[0].Shape.Equal(in[1].Shape) {
		return graph.Type{}, graph.Errorf("values %v and indices %v differ", in[0].Shape, in[1].Shape)
	}
	out := in[0].Shape.Clone()
	out[o.axis] = o.n
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}
func (o scatterAddOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	outer, n, inner := splitAxis(shapeOf(y), o.axis)
	m := shapeOf(in[1])[o.axis]
	if is32(y) {
		return gatherRun(in[0].Float32s(), y.Float32s(), in[1], outer, n, m, inner, true)
	}
	return gatherRun(in[0].Float64s(), y.Float64s(), in[1], outer, n, m, inner, true)
}
func (o scatterAddOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Gather(gy, o.axis, x[1]), nil}
}
