package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/graph"
)

// The branch-free and parallel kernels agree with the plain definitions, including at
// 0, -0 and subnormal inputs, on sizes that take the parallel path.
func TestElementwiseKernelsMatchDefinitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 1<<16 + 7
	x := make([]float64, n)
	g := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
		g[i] = rng.NormFloat64()
	}
	copy(x, []float64{0, math.Copysign(0, -1), 1e-310, -1e-310, 1e-40, -1e-40})
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		xt, gt := graph.FromFloat64s(dt, []int{n}, x), graph.FromFloat64s(dt, []int{n}, g)
		xs, gs := graph.Float64s(xt), graph.Float64s(gt)
		out := graph.NewTensor(dt, n)
		for _, slope := range []float64{0, 0.1} {
			elementwise(out, xt, nil, slope, leakyEW[float32], leakyEW[float64])
			o := graph.Float64s(out)
			for i, v := range xs {
				want := v
				if v <= 0 {
					want = v * slope
				}
				if math.Abs(o[i]-want) > 1e-6*math.Abs(want)+1e-38 || math.IsNaN(o[i]) {
					t.Fatalf("%s leaky(%v) slope %v = %v, want %v", dt, v, slope, o[i], want)
				}
			}
			elementwise(out, gt, xt, slope, reluGradK[float32], reluGradK[float64])
			o = graph.Float64s(out)
			for i, v := range xs {
				want := gs[i]
				if v <= 0 {
					want = gs[i] * slope
				}
				if math.Abs(o[i]-want) > 1e-6*math.Abs(want)+1e-38 {
					t.Fatalf("%s relu_grad at x=%v slope %v = %v, want %v", dt, v, slope, o[i], want)
				}
			}
		}
		elementwise(out, xt, gt, 0, mulK[float32], mulK[float64])
		o := graph.Float64s(out)
		for i := range xs {
			if want := xs[i] * gs[i]; math.Abs(o[i]-want) > 1e-6*math.Abs(want)+1e-38 {
				t.Fatalf("%s mul[%d] = %v, want %v", dt, i, o[i], want)
			}
		}
	}
}
