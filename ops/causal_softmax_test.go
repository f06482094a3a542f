package ops_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// causalComposition is what CausalSoftmax fuses: Softmax(x scale + mask) with the additive
// causal mask (nn.CausalMask's: -1e9 above the diagonal j > i + S - T).
func causalComposition(x *graph.Node, scale float64) *graph.Node {
	s := x.Shape()
	q, k := s[len(s)-2], s[len(s)-1]
	m := make([]float64, q*k)
	for i := range q {
		for j := i + k - q + 1; j < k; j++ {
			m[i*k+j] = -1e9
		}
	}
	mask := x.Graph().Const("mask", graph.FromFloat64s(x.DType(), []int{q, k}, m))
	return ops.Softmax(ops.Add(ops.MulScalar(x, scale), mask), -1)
}

// The fused op gives the composition's weights and gradients: bit for bit in float64's
// forward pass, to rounding in its gradient (the sums run in another order) and in
// float32 (whose row exponential may be a vectorized one, within 1e-6 relative). The
// shapes run on one core and on both, with as many keys as queries and with more.
func TestCausalSoftmaxMatchesComposition(t *testing.T) {
	for _, shape := range [][]int{{2, 5, 5}, {2, 3, 4, 7}, {4, 3, 40, 40}, {4, 3, 40, 48}} {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			rng := rand.New(rand.NewPCG(3, uint64(len(shape))))
			g := graph.New()
			n := graph.Shape(shape).Size()
			xv, rv := make([]float64, n), make([]float64, n)
			for i := range xv {
				xv[i], rv[i] = 4*rng.NormFloat64(), rng.NormFloat64()
			}
			x := g.Param("x", graph.FromFloat64s(dt, shape, xv))
			r := g.Const("R", graph.FromFloat64s(dt, shape, rv))
			scale := 1 / math.Sqrt(16)
			fused, comp := ops.CausalSoftmax(x, scale), causalComposition(x, scale)
			gf := autodiff.Grad(ops.Sum(ops.Mul(ops.Square(fused), r)), x)[0]
			gc := autodiff.Grad(ops.Sum(ops.Mul(ops.Square(comp), r)), x)[0]
			got := runOut(t, fused, comp, gf, gc)
			tol := 1e-6
			if dt == graph.Float64 {
				tol = 0
			}
			s := shape[len(shape)-1]
			q := shape[len(shape)-2]
			for i, v := range got[0] {
				row, j := i/s, i%s
				if j > row%q+s-q && v != 0 {
					t.Fatalf("%v %s: weight %v above the diagonal at %d", shape, dt, v, i)
				}
				if d := math.Abs(v - got[1][i]); d > tol*math.Abs(got[1][i]) {
					t.Fatalf("%v %s: weight %d is %v, the composition's %v", shape, dt, i, v, got[1][i])
				}
			}
			gtol := 1e-12
			if dt == graph.Float32 {
				gtol = 1e-5
			}
			for i, v := range got[2] {
				if d := math.Abs(v - got[3][i]); d > gtol*(1+math.Abs(got[3][i])) {
					t.Fatalf("%v %s: gradient %d is %v, the composition's %v", shape, dt, i, v, got[3][i])
				}
			}
		}
	}
}

// Scores far beyond exp's range give the same finite weights as the same scores shifted
// near zero: the row's maximum is subtracted first.
func TestCausalSoftmaxStable(t *testing.T) {
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		g := graph.New()
		v := []float64{0.5, -1, 2, 1, 0.25, -0.75, 1.5, 0.2, -0.4}
		big := make([]float64, len(v))
		for i := range v {
			big[i] = v[i] + 5000
		}
		a := ops.CausalSoftmax(g.Const("a", graph.FromFloat64s(dt, []int{3, 3}, v)), 1)
		b := ops.CausalSoftmax(g.Const("b", graph.FromFloat64s(dt, []int{3, 3}, big)), 1)
		got := runOut(t, a, b)
		want := []float64{1, 0, 0, 0, 0, 0, 0, 0, 0}
		want[3], want[4] = 1/(1+math.Exp(-0.75)), 1/(1+math.Exp(0.75))
		for i, w := range want[:5] {
			for k := range 2 {
				if math.Abs(got[k][i]-w) > 1e-6 || math.IsNaN(got[k][i]) {
					t.Errorf("%s: weight %d of input %d is %v, want %v", dt, i, k, got[k][i], w)
				}
			}
		}
		if math.Abs(got[0][8]-got[1][8]) > 2e-3 { // +5000 is coarse in float32
			t.Errorf("%s: last row %v and %v differ", dt, got[0][6:], got[1][6:])
		}
	}
}

// Fewer keys than queries would leave a query with nothing to see: a shape error, named.
func TestCausalSoftmaxShapeError(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 2, 5, 4)
	err := graph.Try(func() { ops.CausalSoftmax(x, 1) })
	if err == nil || !strings.Contains(err.Error(), "causal_softmax") || !strings.Contains(err.Error(), "5 queries and 4 keys") {
		t.Fatalf("got %v, want a causal_softmax shape error naming 5 queries and 4 keys", err)
	}
}
