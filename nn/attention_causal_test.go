package nn_test

import (
	"math"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
)

// A causal attention without padding runs ops.CausalSoftmax; with a padding mask of zeros
// it runs the general path (additive masks and ops.Softmax). Both give the same outputs,
// weights and gradients of the input and every parameter, with as many keys as queries
// and with more keys.
func TestCausalAttentionFusedMatchesMasked(t *testing.T) {
	for _, s := range []int{5, 7} {
		g := graph.New()
		g.Seed(3)
		m := nn.NewMultiHeadAttention(g.In("attn"), nn.AttentionOpts{Dim: 8, Heads: 2, Causal: true, DType: graph.Float64})
		q := g.Param("q", nn.RandomTensor(g.Rand(), graph.Float64, 1, 2, 5, 8))
		kv := g.Param("kv", nn.RandomTensor(g.Rand(), graph.Float64, 1, 2, s, 8))
		fused, wf := m.Attend(q, kv, kv, nil)
		masked, wm := m.Attend(q, kv, kv, g.Const("pad", graph.NewTensor(graph.Float64, 2, s)))
		r := g.Const("R", nn.RandomTensor(g.Rand(), graph.Float64, 1, 2, 5, 8))
		wrt := g.Params() // the attention's, q and kv
		gf := autodiff.Grad(ops.Sum(ops.Mul(ops.Square(fused), r)), wrt...)
		gm := autodiff.Grad(ops.Sum(ops.Mul(ops.Square(masked), r)), wrt...)
		outs := append([]*graph.Node{fused, masked, wf, wm}, append(gf, gm...)...)
		vals, err := graph.MustCompile(outs...).Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		n := len(gf)
		pairs := [][2]int{{0, 1}, {2, 3}}
		for i := range n {
			pairs = append(pairs, [2]int{4 + i, 4 + n + i})
		}
		for _, p := range pairs {
			a, b := graph.Float64s(vals[p[0]]), graph.Float64s(vals[p[1]])
			for i := range a {
				if math.Abs(a[i]-b[i]) > 1e-12*(1+math.Abs(b[i])) {
					t.Fatalf("S=%d: output %s differs at %d: %v, want %v", s, outs[p[0]].Label(), i, a[i], b[i])
				}
			}
		}
	}
}
