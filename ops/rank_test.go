package ops_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Ops at every rank up to 20: broadcasts, sums to a shape and reductions over axes that
// alternate between kept and reduced (the most merged axes a walk can have), and
// transposes that reverse or rotate all axes, with their gradients, against index loops.

func unravel(i int, shape []int, idx []int) {
	for a := len(shape) - 1; a >= 0; a-- {
		idx[a] = i % shape[a]
		i /= shape[a]
	}
}

func ravel(idx, shape []int) int {
	i := 0
	for a, d := range shape {
		i = i*d + idx[a]
	}
	return i
}

func TestOpsAtHighRank(t *testing.T) {
	for r := 1; r <= 20; r++ {
		rng := rand.New(rand.NewPCG(uint64(r), 20))
		big, small := make([]int, r), make([]int, r)
		var odd []int // the axes that small has as 1
		for a := range r {
			// Sides 2 on the first 13 axes (13 merged axes alternating in kind, more than
			// the walks keep on the stack), 1 beyond, to stay small.
			big[a], small[a] = 2, 2
			if a >= 13 {
				big[a], small[a] = 1, 1
			}
			if a%2 == 1 {
				small[a] = 1
				odd = append(odd, a)
			}
		}
		perm, rot := make([]int, r), make([]int, r)
		for a := range r {
			perm[a], rot[a] = r-1-a, (a+1)%r
		}
		bs := graph.Shape(big)
		x, sv, rv := randVals(rng, bs.Size()), randVals(rng, graph.Shape(small).Size()), randVals(rng, bs.Size())
		g := graph.New()
		xn := g.Param("x", graph.FromFloat64s(graph.Float64, big, x))
		sn := g.Param("s", graph.FromFloat64s(graph.Float64, small, sv))
		R := g.Const("R", graph.FromFloat64s(graph.Float64, big, rv))
		bc := ops.BroadcastTo(sn, big...)
		st := ops.SumTo(xn, small...)
		add := ops.Add(xn, sn)
		var sum, mx, mean *graph.Node
		if len(odd) > 0 {
			sum, mx, mean = ops.SumKeep(xn, odd...), ops.MaxKeep(xn, odd...), ops.MeanKeep(xn, odd...)
		} else {
			sum, mx, mean = xn, xn, xn
		}
		tr, tr2 := ops.Transpose(xn, perm...), ops.Transpose(xn, rot...)
		// gradients: of the transposes (transposes of R), of the broadcast (sum of R) and of
		// the maximum (R summed at each argmax)
		loss := ops.Sum(ops.Mul(tr, ops.Transpose(R, perm...)))
		loss = ops.Add(loss, ops.Sum(ops.Mul(tr2, ops.Transpose(R, rot...))))
		loss = ops.Add(loss, ops.Sum(ops.Mul(add, R)))
		loss = ops.Add(loss, ops.Sum(ops.Mul(ops.BroadcastTo(mx, big...), R)))
		gs := autodiff.Grad(loss, xn, sn)
		got, err := runCatching(bc, st, add, sum, mx, mean, tr, tr2, gs[0], gs[1])
		if err != nil {
			t.Fatalf("rank %d: %v", r, err)
		}
		// the definitions
		idx, sidx, tidx := make([]int, r), make([]int, r), make([]int, r)
		wbc, wadd := make([]float64, bs.Size()), make([]float64, bs.Size())
		wst, wsum, wmax := make([]float64, len(sv)), make([]float64, len(sv)), make([]float64, len(sv))
		wtr, wtr2 := make([]float64, bs.Size()), make([]float64, bs.Size())
		for i := range wmax {
			wmax[i] = math.Inf(-1)
		}
		for i := range x {
			unravel(i, big, idx)
			for a := range r {
				sidx[a] = min(idx[a], small[a]-1)
			}
			s := ravel(sidx, small)
			wbc[i], wadd[i] = sv[s], x[i]+sv[s]
			wst[s] += x[i]
			wsum[s] += x[i]
			wmax[s] = math.Max(wmax[s], x[i])
		}
		for k, p := range [][]int{perm, rot} { // y[idx] = x[tidx]: output axis a is input axis p[a]
			ys := make([]int, r)
			for a := range r {
				ys[a] = big[p[a]]
			}
			w := [][]float64{wtr, wtr2}[k]
			for i := range w {
				unravel(i, ys, idx)
				for a := range r {
					tidx[p[a]] = idx[a]
				}
				w[i] = x[ravel(tidx, big)]
			}
		}
		wmean := make([]float64, len(wsum))
		for i, v := range wsum {
			wmean[i] = v / float64(bs.Size()/len(sv))
		}
		if len(odd) == 0 {
			wsum, wmax, wmean = x, x, x
		}
		// gradient of x: R (from the transposes, twice) + R (add) + R at the argmax of each
		// reduced block; of s: R summed to small's shape
		wgx := make([]float64, len(x))
		wgs := make([]float64, len(sv))
		rmax := make([]float64, len(sv))
		for i := range x {
			unravel(i, big, idx)
			for a := range r {
				sidx[a] = min(idx[a], small[a]-1)
			}
			s := ravel(sidx, small)
			wgx[i] = 3 * rv[i]
			wgs[s] += rv[i]
			rmax[s] += rv[i]
		}
		for i := range x {
			unravel(i, big, idx)
			for a := range r {
				sidx[a] = min(idx[a], small[a]-1)
			}
			if s := ravel(sidx, small); x[i] == wmax[s] || len(odd) == 0 {
				if len(odd) == 0 {
					wgx[i] += rv[i]
				} else {
					wgx[i] += rmax[s]
				}
			}
		}
		for k, want := range [][]float64{wbc, wst, wadd, wsum, wmax, wmean, wtr, wtr2, wgx, wgs} {
			if d := maxDiff(got[k], want); d > 1e-9 {
				t.Errorf("rank %d: output %d differs from the definition by %g", r, k, d)
			}
		}
	}
}
