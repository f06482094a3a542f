package ops_test

import (
	"math"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Derivatives at the edges of the ops' domains: where the derivative is finite it must
// come out finite (no 0 * Inf), where it is infinite it must be the infinity of the right
// sign, in float32 and float64.

var inf = math.Inf(1)

func TestDerivativesAtDomainEdges(t *testing.T) {
	pow := func(c float64) func(*graph.Node) *graph.Node {
		return func(x *graph.Node) *graph.Node { return ops.Pow(x, c) }
	}
	recip := func(x *graph.Node) *graph.Node { return ops.Div(x.Graph().Scalar(1, x.DType()), x) }
	for _, c := range []struct {
		name  string
		f     func(*graph.Node) *graph.Node
		x     float64
		d, d2 float64 // first and second derivative at x
	}{
		{"pow 0 at 0", pow(0), 0, 0, 0}, // x^0 = 1 everywhere
		{"pow 0 at 2", pow(0), 2, 0, 0},
		{"pow 0 at -3", pow(0), -3, 0, 0},
		{"pow 1 at 0", pow(1), 0, 1, 0},
		{"pow 2 at 0", pow(2), 0, 0, 2},
		{"pow 3 at 0", pow(3), 0, 0, 0},
		{"pow 3 at -1", pow(3), -1, 3, -6},
		{"pow 1.5 at 0", pow(1.5), 0, 0, inf},
		{"pow 2.5 at 0", pow(2.5), 0, 0, 0},
		{"pow 0.5 at 0", pow(0.5), 0, inf, -inf},
		{"pow -1 at +inf", pow(-1), inf, 0, 0},
		{"sqrt at 0", ops.Sqrt, 0, inf, -inf},
		{"sqrt at +inf", ops.Sqrt, inf, 0, 0},
		{"log at 0", ops.Log, 0, inf, -inf},
		{"log at +inf", ops.Log, inf, 0, 0},
		{"exp at -inf", ops.Exp, -inf, 0, 0},
		{"1/x at +inf", recip, inf, 0, 0},
		{"1/x at -inf", recip, -inf, 0, 0},
		{"abs at 0", ops.Abs, 0, 0, 0},
		{"sign at 0", ops.Sign, 0, 0, 0},
		{"relu at 0", ops.ReLU, 0, 0, 0},
		{"tanh at +inf", ops.Tanh, inf, 0, 0},
		{"tanh at -inf", ops.Tanh, -inf, 0, 0},
		{"sigmoid at +inf", ops.Sigmoid, inf, 0, 0},
		{"sigmoid at -inf", ops.Sigmoid, -inf, 0, 0},
	} {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			g := graph.New()
			x := g.Param("x", graph.FromFloat64s(dt, []int{1}, []float64{c.x}))
			d := autodiff.Grad(ops.Sum(c.f(x)), x)[0]
			d2 := autodiff.Grad(ops.Sum(d), x)[0]
			got, err := runCatching(d, d2)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, dt, err)
			}
			for i, want := range []float64{c.d, c.d2} {
				if v := got[i][0]; !sameValue(v, want, tolerance(dt)) {
					t.Errorf("%s %s: derivative %d is %v, want %v", c.name, dt, i+1, v, want)
				}
			}
		}
	}
}

// sameValue: both NaN, equal infinities, or within tol.
func sameValue(a, b, tol float64) bool {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		return math.IsNaN(a) && math.IsNaN(b)
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		return a == b
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}

// Softmax, log-softmax and the cross entropy with a score of -Inf (a masked class): their
// gradients are finite.
func TestSoftmaxGradientsWithMaskedScores(t *testing.T) {
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		g := graph.New()
		x := g.Param("x", graph.FromFloat64s(dt, []int{2, 3}, []float64{0, -inf, 1, 2, 0.5, -inf}))
		tr := g.Param("t", graph.FromFloat64s(dt, []int{2, 3}, []float64{0.3, 0, 0.7, 0, 1, 0}))
		r := g.Const("r", graph.FromFloat64s(dt, []int{2, 3}, []float64{1, 2, -1, 0.5, -2, 3}))
		outs := []*graph.Node{}
		for _, f := range []func() *graph.Node{
			func() *graph.Node { return ops.Sum(ops.Mul(ops.Softmax(x, 1), r)) },
			func() *graph.Node { return ops.Sum(ops.Mul(ops.Exp(ops.LogSoftmax(x, 1)), r)) },
			func() *graph.Node { return ops.SoftmaxCrossEntropy(x, tr) },
		} {
			y := f()
			outs = append(outs, y, autodiff.Grad(y, x)[0])
		}
		got, err := runCatching(outs...)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			for j, e := range v {
				if math.IsNaN(e) || math.IsInf(e, 0) {
					t.Errorf("%s: output %d [%d] is %v", dt, i, j, e)
				}
			}
		}
	}
}
