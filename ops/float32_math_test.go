package ops_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// TestFloat32Transcendentals checks the float32 kernels that compute e^x, tanh and sigmoid
// with internal/vmath (float32 arithmetic, a few ulps) against the float64 kernels (package
// math) on the same values, forward and gradient, including overflowing, infinite and NaN
// inputs: the results agree within 4e-6 relative plus 1e-6 absolute, and NaN where the
// float64 kernel gives NaN.
func TestFloat32Transcendentals(t *testing.T) {
	const rows, cols = 12, 37
	r := rand.New(rand.NewPCG(9, 10))
	xs := make([]float64, rows*cols)
	for i := range xs {
		xs[i] = float64(float32(4 * r.NormFloat64()))
	}
	rs := make([]float64, len(xs))
	for i := range rs {
		rs[i] = r.Float64()*2 - 1
	}
	// The elementwise ops also see values where e^x overflows or underflows float32,
	// infinities and a NaN, and tiny ones where tanh(x) = x.
	special := append([]float64{}, xs...)
	copy(special, []float64{0, math.Copysign(0, -1), 1e-30, -1e-30, 1e-5, -1e-5, 20, -20, 88.7, -88.8, 100, -100,
		-104, 1e20, -1e20, math.Inf(1), math.Inf(-1), math.NaN(), 9.5, -9.5, 0.625, -0.625})
	labels := make([]int32, rows)
	for i := range labels {
		labels[i] = int32(r.IntN(cols))
	}
	for _, c := range []struct {
		name string
		x    []float64
		f    func(x, t *graph.Node) *graph.Node
	}{
		{"exp", special, func(x, _ *graph.Node) *graph.Node { return ops.Exp(x) }},
		{"tanh", special, func(x, _ *graph.Node) *graph.Node { return ops.Tanh(x) }},
		{"sigmoid", special, func(x, _ *graph.Node) *graph.Node { return ops.Sigmoid(x) }},
		{"gelu_tanh", special, func(x, _ *graph.Node) *graph.Node { return ops.GELUTanh(x) }},
		{"silu", special, func(x, _ *graph.Node) *graph.Node { return ops.SiLU(x) }},
		{"softplus", special, func(x, _ *graph.Node) *graph.Node { return ops.Softplus(x) }},
		{"softmax", xs, func(x, _ *graph.Node) *graph.Node { return ops.Softmax(x, -1) }},
		{"log_softmax", xs, func(x, _ *graph.Node) *graph.Node { return ops.LogSoftmax(x, -1) }},
		{"softmax_cross_entropy", xs, func(x, t *graph.Node) *graph.Node {
			return ops.MulScalar(ops.SoftmaxCrossEntropy(x, t), 100)
		}},
		{"cross_entropy", xs, func(x, t *graph.Node) *graph.Node { return ops.MulScalar(ops.CrossEntropy(x, t), 100) }},
	} {
		var got [2][][]float64
		for k, dt := range []graph.DType{graph.Float64, graph.Float32} {
			g := graph.New()
			x := g.Param("x", graph.FromFloat64s(dt, []int{rows, cols}, c.x))
			tl := g.Const("t", graph.I32(graph.Shape{rows}, labels...))
			y := c.f(x, tl)
			loss := ops.Sum(ops.Mul(y, g.Const("R", graph.FromFloat64s(dt, y.Shape(), rs[:y.Shape().Size()]))))
			got[k] = runOut(t, y, autodiff.Grad(loss, x)[0])
		}
		for j, what := range []string{"y", "grad"} {
			want, have := got[0][j], got[1][j]
			for i := range want {
				w, h := float64(float32(want[i])), have[i] // float32 overflows where float64 does not
				if math.IsNaN(w) && math.IsInf(c.x[i%len(c.x)], 0) {
					continue // gelu_tanh's float64 gradient at ±Inf is 0 × Inf; float32's is the limit
				}
				if math.IsNaN(w) != math.IsNaN(h) || !(w == h || math.Abs(w-h) <= 4e-6*math.Abs(w)+1e-6) && !math.IsNaN(w) {
					t.Errorf("%s: %s at x=%g: float32 %g, float64 %g", c.name, what, c.x[i%len(c.x)], h, w)
				}
			}
		}
	}
}
