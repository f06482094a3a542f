package ops_test

import (
	"math"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// A row whose every score is masked with -Inf gives zeros (softmax) or -Inf (log-softmax)
// and no NaN anywhere: not in the outputs, the gradients, nor the second derivatives.
func TestSoftmaxFullyMaskedRow(t *testing.T) {
	for _, log := range []bool{false, true} {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			g := graph.New()
			x := g.Param("x", graph.FromFloat64s(dt, []int{3, 3}, []float64{1, 2, 3, -1, 0.5, 2, 0.3, 0.1, -2}))
			m := g.Const("m", graph.I32(graph.Shape{3, 3}, 1, 1, 1, 0, 1, 0, 0, 0, 0))
			s := ops.MaskedFill(x, m, math.Inf(-1))
			var y *graph.Node
			if log {
				y = ops.MaskedFill(ops.LogSoftmax(s, -1), m, 0)
			} else {
				y = ops.Softmax(s, -1)
			}
			r := g.Const("R", graph.FromFloat64s(dt, []int{3, 3}, []float64{0.5, -1, 2, 1, 0.3, -0.7, 1.5, 0.2, -0.4}))
			loss := ops.Sum(ops.Mul(ops.Square(y), r))
			gx := autodiff.Grad(loss, x)[0]
			hx := autodiff.HVP(loss, []*graph.Node{x}, []*graph.Node{g.Const("v", graph.FromFloat64s(dt, []int{3, 3}, []float64{1, 1, 1, 1, 1, 1, 1, 1, 1}))})[0]
			got := runOut(t, y, gx, hx, ops.LogSoftmax(s, -1))
			for k, v := range got[:3] {
				for i, e := range v {
					if math.IsNaN(e) || math.IsInf(e, 0) {
						t.Errorf("log %v %s: output %d has %v at %d", log, dt, k, e, i)
					}
				}
				for i := range 3 { // the masked row: all zero
					if v[i] != 0 {
						t.Errorf("log %v %s: output %d is %v in the fully masked row, want 0", log, dt, k, v[i])
					}
				}
			}
			for i, e := range got[3][:3] {
				if !math.IsInf(e, -1) {
					t.Errorf("%s: log-softmax of the fully masked row is %v at %d, want -Inf", dt, e, i)
				}
			}
		}
	}
}
