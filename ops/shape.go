package ops

import (
	"fmt"
	"slices"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// ---- reshape ----

type reshapeOp struct{ to graph.Shape }

var (
	_ graph.Op     = reshapeOp{}
	_ graph.Viewer = reshapeOp{}
)

func (reshapeOp) Name() string { return "reshape" }

// View: a reshape's value is its input's elements in the same order, so a compiled program
// lets the two share a buffer instead of copying (graph.Viewer).
func (reshapeOp) View() bool { return true }
func (o reshapeOp) Shape(in ...graph.Type) (graph.Type, error) {
	if in[0].Shape.Size() != o.to.Size() {
		return graph.Type{}, graph.Errorf("cannot reshape %d elements to %v", in[0].Shape.Size(), o.to)
	}
	return graph.Type{Shape: o.to, DType: in[0].DType}, nil
}
func (reshapeOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], func(y, x []float32) { copy(y, x) }, func(y, x []float64) { copy(y, x) })
	return nil
}
func (reshapeOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Reshape(gy, x[0].Shape()...)}
}

// Reshape gives x a new shape with the same number of elements; one axis may be -1 (inferred).
func Reshape(x *graph.Node, shape ...int) *graph.Node {
	to := graph.Shape(slices.Clone(shape))
	if i := slices.Index(to, -1); i >= 0 {
		rest := 1
		for j, d := range to {
			if j != i {
				rest *= d
			}
		}
		if rest > 0 && x.Shape().Size()%rest == 0 {
			to[i] = x.Shape().Size() / rest
		}
	}
	if to.Equal(x.Shape()) {
		return x
	}
	return graph.Apply(reshapeOp{to}, x)
}

// Flatten reshapes x to [batch, rest]: the book's flattening before an Affine (row-major over C, H, W).
func Flatten(x *graph.Node) *graph.Node {
	return Reshape(x, x.Shape()[0], -1)
}

// ---- broadcast-to and sum-to: each the other's gradient ----

type broadcastToOp struct {
	to graph.Shape
	w  walk
}

var _ graph.Op = broadcastToOp{}

func (broadcastToOp) Name() string { return "broadcast_to" }
func (o broadcastToOp) Shape(in ...graph.Type) (graph.Type, error) {
	s, err := broadcastShapes(in[0].Shape, o.to)
	if err != nil || !s.Equal(o.to) {
		return graph.Type{}, graph.Errorf("cannot broadcast %v to %v", in[0].Shape, o.to)
	}
	return graph.Type{Shape: o.to, DType: in[0].DType}, nil
}
func (o broadcastToOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], func(y, x []float32) { broadcastK(o.w, y, x) }, func(y, x []float64) { broadcastK(o.w, y, x) })
	return nil
}
func (o broadcastToOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{SumTo(gy, x[0].Shape()...)}
}

// BroadcastTo repeats x along axes of size 1 (and new leading axes) to the given shape,
// following NumPy's rules. Its gradient is SumTo.
func BroadcastTo(x *graph.Node, shape ...int) *graph.Node {
	to := graph.Shape(slices.Clone(shape))
	if to.Equal(x.Shape()) {
		return x
	}
	return graph.Apply(broadcastToOp{to: to, w: newWalk(to, padLeft(x.Shape(), len(to)))}, x)
}

type sumToOp struct {
	to graph.Shape
	w  walk
}

var _ graph.Op = sumToOp{}

func (sumToOp) Name() string { return "sum_to" }
func (o sumToOp) Shape(in ...graph.Type) (graph.Type, error) {
	s, err := broadcastShapes(in[0].Shape, o.to)
	if err != nil || !s.Equal(in[0].Shape) {
		return graph.Type{}, graph.Errorf("cannot sum %v to %v", in[0].Shape, o.to)
	}
	return graph.Type{Shape: o.to, DType: in[0].DType}, nil
}
func (o sumToOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], func(y, x []float32) { sumToK(o.w, y, x) }, func(y, x []float64) { sumToK(o.w, y, x) })
	return nil
}
func (o sumToOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{BroadcastTo(gy, x[0].Shape()...)}
}

// SumTo sums x down to shape, the reverse of BroadcastTo: the gradient of a broadcast.
func SumTo(x *graph.Node, shape ...int) *graph.Node {
	to := graph.Shape(slices.Clone(shape))
	if to.Equal(x.Shape()) {
		return x
	}
	var w walk
	if len(to) <= len(x.Shape()) {
		w = newWalk(x.Shape(), padLeft(to, len(x.Shape())))
	}
	return graph.Apply(sumToOp{to: to, w: w}, x)
}

func padLeft(s graph.Shape, rank int) graph.Shape {
	if len(s) >= rank {
		return s
	}
	out := make(graph.Shape, rank)
	for i := range out {
		out[i] = 1
	}
	copy(out[rank-len(s):], s)
	return out
}

// ---- transpose ----

type transposeOp struct{ perm []int }

var _ graph.Op = transposeOp{}

func (transposeOp) Name() string { return "transpose" }
func (o transposeOp) Shape(in ...graph.Type) (graph.Type, error) {
	s := in[0].Shape
	if len(o.perm) != len(s) {
		return graph.Type{}, graph.Errorf("permutation %v has %d axes, input has %d", o.perm, len(o.perm), len(s))
	}
	seen := make([]bool, len(s))
	out := make(graph.Shape, len(s))
	for i, p := range o.perm {
		if p < 0 || p >= len(s) || seen[p] {
			return graph.Type{}, graph.Errorf("%v is not a permutation of %d axes", o.perm, len(s))
		}
		seen[p] = true
		out[i] = s[p]
	}
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}
func (o transposeOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	shape := in[0].Shape()
	unary(y, in[0], func(y, x []float32) { transposeK(y, x, shape, o.perm) }, func(y, x []float64) { transposeK(y, x, shape, o.perm) })
	return nil
}
func (o transposeOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	inv := make([]int, len(o.perm))
	for i, p := range o.perm {
		inv[p] = i
	}
	return []*graph.Node{Transpose(gy, inv...)}
}

// Transpose permutes the axes of x: output axis i is input axis perm[i].
// With no perm it reverses the axes (a matrix transpose for 2-D x).
func Transpose(x *graph.Node, perm ...int) *graph.Node {
	if len(perm) == 0 {
		for i := len(x.Shape()) - 1; i >= 0; i-- {
			perm = append(perm, i)
		}
	}
	identity := true
	for i, p := range perm {
		identity = identity && i == p
	}
	if identity && len(perm) == len(x.Shape()) {
		return x
	}
	return graph.Apply(transposeOp{slices.Clone(perm)}, x)
}

func transposeK[T float](y, x []T, shape []int, perm []int) {
	r := len(shape)
	if r == 2 && perm[0] == 1 {
		transpose2D(y, x, shape[0], shape[1], shape[0], shape[1])
		return
	}
	var xs, dims, idx [16]int
	if r > len(xs) {
		transposeDeep(y, x, shape, perm, 0, 0, 0)
		return
	}
	st := 1
	for i := r - 1; i >= 0; i-- {
		xs[i] = st
		st *= shape[i]
	}
	for i, p := range perm {
		dims[i] = shape[p]
	}
	// walk y in order; keep the x offset incrementally
	var src [16]int
	for i, p := range perm {
		src[i] = xs[p]
	}
	off := 0
	inner := dims[r-1]
	is := src[r-1]
	for yi := 0; yi < len(y); yi += inner {
		o := off
		for j := 0; j < inner; j++ {
			y[yi+j] = x[o]
			o += is
		}
		for i := r - 2; i >= 0; i-- {
			idx[i]++
			off += src[i]
			if idx[i] < dims[i] {
				break
			}
			off -= src[i] * idx[i]
			idx[i] = 0
		}
	}
}

// transposeDeep is transposeK for any rank: it fills the block of y under output axis i,
// starting at y[yi] and reading x from x[xi], one level of recursion per axis, and returns
// the next y index.
func transposeDeep[T float](y, x []T, shape, perm []int, i, yi, xi int) int {
	stride := 1 // x's stride along output axis i
	for _, d := range shape[perm[i]+1:] {
		stride *= d
	}
	n := shape[perm[i]]
	if i == len(perm)-1 {
		for j := range n {
			y[yi+j] = x[xi+j*stride]
		}
		return yi + n
	}
	for j := range n {
		yi = transposeDeep(y, x, shape, perm, i+1, yi, xi+j*stride)
	}
	return yi
}

// shapeOf reads a tensor's shape as a graph.Shape without copying (scalars: []).
func shapeOf(t *tensor.Dense) graph.Shape {
	if t.IsScalar() {
		return nil
	}
	return graph.Shape(t.Shape())
}

func (o reshapeOp) String() string { return fmt.Sprintf("reshape%v", o.to) }
