package ops

import (
	"fmt"
	"slices"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

type reduceKind uint8

const (
	reduceSum reduceKind = iota
	reduceMean
	reduceMax
)

// reduceOp sums, averages or takes the maximum over a set of axes.
type reduceOp struct {
	kind  reduceKind
	axes  []int       // sorted, normalized
	keep  bool        // keep reduced axes as size 1
	kept  graph.Shape // the output shape with reduced axes as 1
	count int         // elements reduced into each output
	w     walk
}

var _ graph.Op = reduceOp{}

func (o reduceOp) Name() string {
	return [...]string{"sum", "mean", "max"}[o.kind]
}
func (o reduceOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	out := graph.Shape{}
	for i, d := range o.kept {
		if o.keep || !slices.Contains(o.axes, i) {
			out = append(out, d)
		}
	}
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}
func (o reduceOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	if is32(y) {
		reduceK(o, y.Float32s(), in[0].Float32s())
	} else {
		reduceK(o, y.Float64s(), in[0].Float64s())
	}
	return nil
}

func reduceK[T float](o reduceOp, y, x []T) {
	switch o.kind {
	case reduceMax:
		maxToK(o.w, y, x)
	default:
		sumToK(o.w, y, x)
		if o.kind == reduceMean {
			inv := 1 / T(o.count)
			for i := range y {
				y[i] *= inv
			}
		}
	}
}

func (o reduceOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	xs := x[0].Shape()
	g := BroadcastTo(Reshape(gy, o.kept...), xs...)
	switch o.kind {
	case reduceMean:
		g = MulScalar(g, 1/float64(o.count))
	case reduceMax:
		// The gradient goes to the elements equal to the maximum, split evenly among ties.
		mask := graph.Apply(equalOp{}, x[0], BroadcastTo(Reshape(y, o.kept...), xs...))
		ties := BroadcastTo(graph.Apply(reduceOp{kind: reduceSum, axes: o.axes, keep: true, kept: o.kept, count: o.count, w: o.w}, mask), xs...)
		g = Mul(g, Div(mask, ties))
	}
	return []*graph.Node{g}
}

func newReduce(kind reduceKind, x *graph.Node, keep bool, axes []int) *graph.Node {
	xs := x.Shape()
	name := [...]string{"sum", "mean", "max"}[kind]
	var norm []int
	if len(axes) == 0 {
		for i := range xs {
			norm = append(norm, i)
		}
	}
	for _, a := range axes {
		n, err := normAxis(a, len(xs))
		if err == nil && slices.Contains(norm, n) {
			err = fmt.Errorf("axis %d given twice", a)
		}
		if err != nil {
			panic(&graph.ShapeError{Op: name, Inputs: []string{x.Label()}, Shapes: []graph.Shape{xs}, Reason: err.Error()})
		}
		norm = append(norm, n)
	}
	slices.Sort(norm)
	kept := xs.Clone()
	count := 1
	for _, a := range norm {
		count *= kept[a]
		kept[a] = 1
	}
	return graph.Apply(reduceOp{kind: kind, axes: norm, keep: keep, kept: kept, count: count, w: newWalk(xs, kept)}, x)
}

// Sum adds the elements of x over axes (all axes when none are given), dropping them.
func Sum(x *graph.Node, axes ...int) *graph.Node { return newReduce(reduceSum, x, false, axes) }

// SumKeep is Sum keeping the reduced axes with size 1 (NumPy's keepdims).
func SumKeep(x *graph.Node, axes ...int) *graph.Node { return newReduce(reduceSum, x, true, axes) }

// Mean averages x over axes (all axes when none are given).
func Mean(x *graph.Node, axes ...int) *graph.Node { return newReduce(reduceMean, x, false, axes) }

// MeanKeep is Mean with keepdims.
func MeanKeep(x *graph.Node, axes ...int) *graph.Node { return newReduce(reduceMean, x, true, axes) }

// Max takes the maximum of x over axes (all axes when none are given). Its gradient goes to
// the maximal elements, split evenly among ties.
func Max(x *graph.Node, axes ...int) *graph.Node { return newReduce(reduceMax, x, false, axes) }

// MaxKeep is Max with keepdims.
func MaxKeep(x *graph.Node, axes ...int) *graph.Node { return newReduce(reduceMax, x, true, axes) }

// equalOp is 1 where a == b and 0 elsewhere; it has no gradient.
type equalOp struct{}

var _ graph.Op = equalOp{}

func (equalOp) Name() string                               { return "equal" }
func (equalOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (equalOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	binary(y, in[0], in[1], equalK[float32], equalK[float64])
	return nil
}
func (equalOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{nil, nil}
}

// Equal is 1 where a == b and 0 elsewhere, of a's element type; a and b have the same
// shape and type. No gradient flows through it (max's gradient uses it for its mask).
func Equal(a, b *graph.Node) *graph.Node { return graph.Apply(equalOp{}, a, b) }

func equalK[T float](y, a, b []T) {
	b = b[:len(a)]
	y = y[:len(a)]
	for i := range a {
		if a[i] == b[i] {
			y[i] = 1
		} else {
			y[i] = 0
		}
	}
}
