package ops

import (
	"math"
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/vmath"
)

// mapK applies f to each element (for the transcendental functions, computed in float64).
func mapK[T float](y, x []T, f func(float64) float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = T(f(float64(v)))
	}
}

// ---- exp ----

type expOp struct{}

var _ graph.Op = expOp{}

func (expOp) Name() string                               { return "exp" }
func (expOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (expOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(y, in[0], nil, 0, expK[float32], expK[float64])
	return nil
}

// expK is an elementwise kernel (elementwise_parallel.go): it runs on all cores, float32
// through internal/vmath.
func expK[T float](y, x, _ []T, _ T) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		vmath.Exp(f32s(y), f32s(x))
		return
	}
	mapK(y, x, math.Exp)
}

// d/dx exp(x) = exp(x): the gradient reuses the output node.
func (expOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Mul(gy, y)}
}

// Exp returns e^x.
func Exp(x *graph.Node) *graph.Node { return graph.Apply(expOp{}, x) }

// ---- log ----

type logOp struct{}

var _ graph.Op = logOp{}

func (logOp) Name() string                               { return "log" }
func (logOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (logOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], func(y, x []float32) { mapK(y, x, math.Log) }, func(y, x []float64) { mapK(y, x, math.Log) })
	return nil
}
func (logOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Div(gy, x[0])}
}

// Log returns the natural logarithm of x.
func Log(x *graph.Node) *graph.Node { return graph.Apply(logOp{}, x) }

// ---- sqrt ----

type sqrtOp struct{}

var _ graph.Op = sqrtOp{}

func (sqrtOp) Name() string                               { return "sqrt" }
func (sqrtOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (sqrtOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], func(y, x []float32) { mapK(y, x, math.Sqrt) }, func(y, x []float64) { mapK(y, x, math.Sqrt) })
	return nil
}

// d/dx sqrt(x) = 1 / (2 sqrt(x)).
func (sqrtOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Div(gy, MulScalar(y, 2))}
}

// Sqrt returns the square root of x.
func Sqrt(x *graph.Node) *graph.Node { return graph.Apply(sqrtOp{}, x) }

// ---- square ----

type squareOp struct{}

var _ graph.Op = squareOp{}

func (squareOp) Name() string                               { return "square" }
func (squareOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (squareOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], squareK[float32], squareK[float64])
	return nil
}
func (squareOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Mul(gy, MulScalar(x[0], 2))}
}

func squareK[T float](y, x []T) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = v * v
	}
}

// Square returns x * x.
func Square(x *graph.Node) *graph.Node { return graph.Apply(squareOp{}, x) }

// ---- abs and sign ----

type absOp struct{}

var _ graph.Op = absOp{}

func (absOp) Name() string                               { return "abs" }
func (absOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (absOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], absK[float32], absK[float64])
	return nil
}

// d/dx |x| = sign(x) (0 at 0).
func (absOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{Mul(gy, Sign(x[0]))}
}

func absK[T float](y, x []T) {
	y = y[:len(x)]
	for i, v := range x {
		if v < 0 {
			v = -v
		}
		y[i] = v
	}
}

// Abs returns |x|.
func Abs(x *graph.Node) *graph.Node { return graph.Apply(absOp{}, x) }

type signOp struct{}

var _ graph.Op = signOp{}

func (signOp) Name() string                               { return "sign" }
func (signOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (signOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], signK[float32], signK[float64])
	return nil
}

// Sign is piecewise constant: no gradient flows through it.
func (signOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return []*graph.Node{nil} }

func signK[T float](y, x []T) {
	y = y[:len(x)]
	for i, v := range x {
		switch {
		case v > 0:
			y[i] = 1
		case v < 0:
			y[i] = -1
		default:
			y[i] = 0
		}
	}
}

// Sign returns -1, 0 or 1 by the sign of x. It has no gradient.
func Sign(x *graph.Node) *graph.Node { return graph.Apply(signOp{}, x) }
