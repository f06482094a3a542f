package ops_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// A batched matmul big enough to be split over the cores, one batch of matrices per core,
// with A's batch broadcast against B's and each transpose flag, equals the direct loops
// (float64 to rounding, float32 within its own rounding).
func TestBatchedMatMulMatchesLoops(t *testing.T) {
	const m, k, n = 24, 20, 28
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			rng := rand.New(rand.NewPCG(1, 2))
			as, bs := []int{2, 1, m, k}, []int{4, k, n} // batch [2 4], A broadcast over 4
			if tr[0] {
				as[2], as[3] = k, m
			}
			if tr[1] {
				bs[1], bs[2] = n, k
			}
			av, bv := randomSlice(rng, graph.Shape(as).Size()), randomSlice(rng, graph.Shape(bs).Size())
			g := graph.New()
			y := ops.MatMulT(g.Const("a", graph.FromFloat64s(dt, as, av)), g.Const("b", graph.FromFloat64s(dt, bs, bv)), tr[0], tr[1])
			got := runOut(t, y)[0]
			tol := 1e-12
			if dt == graph.Float32 {
				tol = 1e-4
			}
			for p := range 2 {
				for q := range 4 {
					a, b := av[p*m*k:], bv[q*k*n:]
					for i := range m {
						for j := range n {
							var s float64
							for l := range k {
								ai, bi := a[i*k+l], b[l*n+j]
								if tr[0] {
									ai = a[l*m+i]
								}
								if tr[1] {
									bi = b[j*k+l]
								}
								s += ai * bi
							}
							if v := got[((p*4+q)*m+i)*n+j]; math.Abs(v-s) > tol*(1+math.Abs(s)) {
								t.Fatalf("%s %v: y[%d %d %d %d] = %v, want %v", dt, tr, p, q, i, j, v, s)
							}
						}
					}
				}
			}
		}
	}
}

func randomSlice(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// Linear equals MatMulT(x, w, false, true) + b, for a small batch and one the GEMM splits
// over the cores, and names itself and the shapes when they do not fit.
func TestLinearMatchesMatMulAdd(t *testing.T) {
	for _, xs := range [][]int{{2, 3, 4}, {4, 128, 64}} {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			rng := rand.New(rand.NewPCG(6, 7))
			in, out := xs[len(xs)-1], 48
			g := graph.New()
			x := g.Const("x", graph.FromFloat64s(dt, xs, randomSlice(rng, graph.Shape(xs).Size())))
			w := g.Const("w", graph.FromFloat64s(dt, []int{out, in}, randomSlice(rng, out*in)))
			b := g.Const("b", graph.FromFloat64s(dt, []int{out}, randomSlice(rng, out)))
			got := runOut(t, ops.Linear(x, w, b), ops.Add(ops.MatMulT(x, w, false, true), b))
			tol := 1e-12
			if dt == graph.Float32 {
				tol = 1e-5
			}
			for i, v := range got[0] {
				if math.Abs(v-got[1][i]) > tol*(1+math.Abs(got[1][i])) {
					t.Fatalf("%v %s: y[%d] = %v, want %v", xs, dt, i, v, got[1][i])
				}
			}
		}
	}
	g := graph.New()
	err := graph.Try(func() {
		ops.Linear(g.Input("x", graph.Float32, 2, 3), g.Input("w", graph.Float32, 5, 4), g.Input("b", graph.Float32, 5))
	})
	if err == nil || !strings.Contains(err.Error(), "linear") || !strings.Contains(err.Error(), "[5 4]") {
		t.Errorf("got %v, want a linear shape error naming w [5 4]", err)
	}
}

// SplitHeads and MergeHeads equal the reshapes and transposes they replace, and undo each
// other; a width that is not a multiple of the heads is a shape error naming the op.
func TestHeadsMatchTranspose(t *testing.T) {
	const n, tt, h, dh = 3, 5, 4, 2
	g := graph.New()
	x := g.Const("x", graph.FromFloat64s(graph.Float32, []int{n, tt, h * dh}, randomSlice(rand.New(rand.NewPCG(8, 9)), n*tt*h*dh)))
	split := ops.SplitHeads(x, h)
	want := ops.Reshape(ops.Transpose(ops.Reshape(x, n, tt, h, dh), 0, 2, 1, 3), n*h, tt, dh)
	got := runOut(t, split, want, ops.MergeHeads(split, h), x)
	for i := range got[0] {
		if got[0][i] != got[1][i] || got[2][i] != got[3][i] {
			t.Fatalf("at %d: split %v, want %v; merged back %v, want %v", i, got[0][i], got[1][i], got[2][i], got[3][i])
		}
	}
	err := graph.Try(func() { ops.SplitHeads(g.Input("y", graph.Float32, 2, 3, 10), 4) })
	if err == nil || !strings.Contains(err.Error(), "split_heads") {
		t.Errorf("got %v, want a split_heads shape error", err)
	}
}
