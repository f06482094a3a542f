package ops

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Elementwise defines an op applied to each element of one input, in the user's own
// package: the value function once, in float64, for both element types, and its derivative
// written with ops, so that the backward pass is a graph like every other op's (and can be
// differentiated again). autodiff.CheckGrad checks it:
//
//	var swish = ops.Elementwise{
//		Name: "swish",
//		F:    func(x float64) float64 { return x / (1 + math.Exp(-x)) },
//		// d/dx x*sigmoid(x) = y + sigmoid(x)*(1-y)
//		Deriv: func(x, y *graph.Node) *graph.Node {
//			return ops.Add(y, ops.Mul(ops.Sigmoid(x), ops.AddScalar(ops.Neg(y), 1)))
//		},
//	}
//	h := swish.Apply(x)
type Elementwise struct {
	Name string
	F    func(x float64) float64
	// Deriv returns dF/dx at x as a node of x's shape, given x and y = F(x); the gradient
	// is gy times it. Nil means no gradient flows.
	Deriv func(x, y *graph.Node) *graph.Node
}

// Apply adds a node computing F on each element of x.
func (e Elementwise) Apply(x *graph.Node) *graph.Node { return graph.Apply(&customOp{e}, x) }

type customOp struct{ e Elementwise }

var _ graph.Op = (*customOp)(nil)

func (o *customOp) Name() string                               { return o.e.Name }
func (o *customOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (o *customOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], func(y, x []float32) { mapK(y, x, o.e.F) }, func(y, x []float64) { mapK(y, x, o.e.F) })
	return nil
}
func (o *customOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	if o.e.Deriv == nil {
		return []*graph.Node{nil}
	}
	return []*graph.Node{Mul(gy, o.e.Deriv(x[0], y))}
}

// Elementwise2 defines an op on the elements of two inputs of one shape (broadcast first
// with BroadcastTo where they differ), like Elementwise: F once in float64, and the partial
// derivatives written with ops.
type Elementwise2 struct {
	Name string
	F    func(a, b float64) float64
	// DA and DB return dF/da and dF/db as nodes, given a, b and y = F(a, b); nil means no
	// gradient flows into that input.
	DA, DB func(a, b, y *graph.Node) *graph.Node
}

// Apply adds a node computing F on each pair of elements of a and b.
func (e Elementwise2) Apply(a, b *graph.Node) *graph.Node {
	return graph.Apply(&custom2Op{e}, a, b)
}

type custom2Op struct{ e Elementwise2 }

var _ graph.Op = (*custom2Op)(nil)

func (o *custom2Op) Name() string                               { return o.e.Name }
func (o *custom2Op) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (o *custom2Op) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	binary(y, in[0], in[1], func(y, a, b []float32) { map2K(y, a, b, o.e.F) }, func(y, a, b []float64) { map2K(y, a, b, o.e.F) })
	return nil
}
func (o *custom2Op) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	gs := make([]*graph.Node, 2)
	for i, d := range []func(a, b, y *graph.Node) *graph.Node{o.e.DA, o.e.DB} {
		if d != nil {
			gs[i] = Mul(gy, d(x[0], x[1], y))
		}
	}
	return gs
}

func map2K[T float](y, a, b []T, f func(a, b float64) float64) {
	y = y[:len(a)]
	for i, v := range a {
		y[i] = T(f(float64(v), float64(b[i])))
	}
}
