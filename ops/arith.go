package ops

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Binary ops broadcast their operands with NumPy's rules by inserting explicit BroadcastTo
// nodes, so the op itself sees equal shapes and the gradient of the broadcast (SumTo) shows
// in the backward graph, as in DeZero.

func broadcastPair(op string, a, b *graph.Node) (*graph.Node, *graph.Node) {
	if a.Shape().Equal(b.Shape()) {
		return a, b
	}
	s, err := broadcastShapes(a.Shape(), b.Shape())
	if err != nil {
		panic(&graph.ShapeError{Op: op, Inputs: []string{a.Label(), b.Label()}, Shapes: []graph.Shape{a.Shape(), b.Shape()}, Reason: err.Error()})
	}
	return BroadcastTo(a, s...), BroadcastTo(b, s...)
}

// ---- add ----

type addOp struct{}

var _ graph.Op = addOp{}

func (addOp) Name() string                               { return "add" }
func (addOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (addOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(y, in[0], in[1], 0, add32K, addK[float64])
	return nil
}
func (addOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return []*graph.Node{gy, gy} }

// addK is an elementwise kernel (elementwise_parallel.go): it runs on all cores.
func addK[T float](y, a, b []T, _ T) {
	b = b[:len(a)]
	y = y[:len(a)]
	for i := range a {
		y[i] = a[i] + b[i]
	}
}

// Add returns a + b, broadcasting.
func Add(a, b *graph.Node) *graph.Node {
	a, b = broadcastPair("add", a, b)
	return graph.Apply(addOp{}, a, b)
}

// ---- sub ----

type subOp struct{}

var _ graph.Op = subOp{}

func (subOp) Name() string                               { return "sub" }
func (subOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (subOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(y, in[0], in[1], 0, sub32K, subK[float64])
	return nil
}
func (subOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{gy, Neg(gy)}
}

// subK is an elementwise kernel (elementwise_parallel.go): it runs on all cores.
func subK[T float](y, a, b []T, _ T) {
	b = b[:len(a)]
	y = y[:len(a)]
	for i := range a {
		y[i] = a[i] - b[i]
	}
}

// Sub returns a - b, broadcasting.
func Sub(a, b *graph.Node) *graph.Node {
	a, b = broadcastPair("sub", a, b)
	return graph.Apply(subOp{}, a, b)
}

// ---- mul ----

type mulOp struct{}

var _ graph.Op = mulOp{}

func (mulOp) Name() string                               { return "mul" }
func (mulOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (mulOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(y, in[0], in[1], 0, mul32K, mulK[float64])
	return nil
}

// The book's multiply node: the gradient of each input is gy times the other input.
func (mulOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Mul(gy, x[1]), Mul(gy, x[0])}
}

// mulK is an elementwise kernel (elementwise_parallel.go): it runs on all cores.
func mulK[T float](y, a, b []T, _ T) {
	b = b[:len(a)]
	y = y[:len(a)]
	for i := range a {
		y[i] = a[i] * b[i]
	}
}

// Mul returns a * b elementwise, broadcasting.
func Mul(a, b *graph.Node) *graph.Node {
	a, b = broadcastPair("mul", a, b)
	return graph.Apply(mulOp{}, a, b)
}

// ---- div ----

type divOp struct{}

var _ graph.Op = divOp{}

func (divOp) Name() string                               { return "div" }
func (divOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (divOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	binary(y, in[0], in[1], divK[float32], divK[float64])
	return nil
}
func (divOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	gb := Neg(Div(Mul(gy, y), x[1])) // -gy * a / b^2 = -gy * y / b
	return []*graph.Node{Div(gy, x[1]), gb}
}

func divK[T float](y, a, b []T) {
	b = b[:len(a)]
	y = y[:len(a)]
	for i := range a {
		y[i] = a[i] / b[i]
	}
}

// Div returns a / b elementwise, broadcasting.
func Div(a, b *graph.Node) *graph.Node {
	a, b = broadcastPair("div", a, b)
	return graph.Apply(divOp{}, a, b)
}

// ---- neg ----

type negOp struct{}

var _ graph.Op = negOp{}

func (negOp) Name() string                               { return "neg" }
func (negOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (negOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], negK[float32], negK[float64])
	return nil
}
func (negOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return []*graph.Node{Neg(gy)} }

func negK[T float](y, x []T) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = -v
	}
}

// Neg returns -x.
func Neg(x *graph.Node) *graph.Node { return graph.Apply(negOp{}, x) }

// ---- pow with a constant exponent ----

type powOp struct{ c float64 }

var _ graph.Op = powOp{}

func (powOp) Name() string                               { return "pow" }
func (powOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (o powOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], func(y, x []float32) { powK(y, x, o.c) }, func(y, x []float64) { powK(y, x, o.c) })
	return nil
}

// d/dx x^c = c x^(c-1), written with Pow so it can be differentiated again. x^0 is 1
// everywhere (0^0 too), so no gradient flows, rather than 0 x^-1, NaN at 0.
func (o powOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	var d *graph.Node
	switch o.c {
	case 0:
		return []*graph.Node{nil}
	case 1:
		d = gy
	case 2:
		d = Mul(gy, Mul(scalarOf(x[0], 2), x[0]))
	default:
		d = Mul(gy, Mul(scalarOf(x[0], o.c), Pow(x[0], o.c-1)))
	}
	return []*graph.Node{d}
}

func powK[T float](y, x []T, c float64) {
	y = y[:len(x)]
	switch c {
	case 2:
		for i, v := range x {
			y[i] = v * v
		}
	case 3:
		for i, v := range x {
			y[i] = v * v * v
		}
	case 0.5:
		for i, v := range x {
			y[i] = T(math.Sqrt(float64(v)))
		}
	default:
		for i, v := range x {
			y[i] = T(math.Pow(float64(v), c))
		}
	}
}

// Pow returns x^c for a constant exponent c.
func Pow(x *graph.Node, c float64) *graph.Node { return graph.Apply(powOp{c}, x) }

// AddScalar, MulScalar and friends are shorthands for an op with a scalar constant of x's type.

// AddScalar returns x + c.
func AddScalar(x *graph.Node, c float64) *graph.Node { return Add(x, scalarOf(x, c)) }

// MulScalar returns x * c.
func MulScalar(x *graph.Node, c float64) *graph.Node { return Mul(x, scalarOf(x, c)) }

// Clamp limits x to [lo, hi] (math.Inf(-1) or math.Inf(1) for no limit on that side),
// built from ReLUs: x - relu(x - hi) + relu(lo - x'), so its gradient is gy inside the
// range and 0 outside.
func Clamp(x *graph.Node, lo, hi float64) *graph.Node {
	if !math.IsInf(hi, 1) {
		x = Sub(x, ReLU(AddScalar(x, -hi)))
	}
	if !math.IsInf(lo, -1) {
		x = Add(x, ReLU(Neg(AddScalar(x, -lo))))
	}
	return x
}

// add32K, sub32K and mul32K are addK, subK and mulK for float32 with the vector kernels
// (vec_amd64.s) where the CPU has them: the same IEEE operation on each element, 8 lanes
// at a time; the plain loop does the rest.
func add32K(y, a, b []float32, c float32) {
	n := binary32Vec('+', y, a, b)
	addK(y[n:], a[n:], b[n:], c)
}

func sub32K(y, a, b []float32, c float32) {
	n := binary32Vec('-', y, a, b)
	subK(y[n:], a[n:], b[n:], c)
}

func mul32K(y, a, b []float32, c float32) {
	n := binary32Vec('*', y, a, b)
	mulK(y[n:], a[n:], b[n:], c)
}
