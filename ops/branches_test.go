package ops_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// TestAddNJoinsMatMuls checks that AddN sums products with the same transposes as one
// product of their operands joined along k, for each combination of transposes, that the
// value is the sum's, and that products too long in k for the join, or of other
// transposes, are added as they are.
func TestAddNJoinsMatMuls(t *testing.T) {
	const m, n = 5, 4
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		rng := rand.New(rand.NewPCG(3, 4))
		g := graph.New()
		stored := func(name string, r, c int, trans bool) *graph.Node {
			if trans {
				r, c = c, r
			}
			return param(g, rng, fmt.Sprint(name, len(g.Params())), 0.1, 1, r, c)
		}
		var terms []*graph.Node
		for i, k := range []int{1, 2, 1} { // k (m+n) <= m n: joined
			a, b := stored("a", m, k, tr[0]), stored("b", k, n, tr[1])
			terms = append(terms, ops.MatMulT(a, b, tr[0], tr[1]))
			if i == 0 { // one product of other transposes, and one long in k: added as they are
				terms = append(terms, ops.MatMulT(stored("c", m, 3, !tr[0]), stored("d", 3, n, tr[1]), !tr[0], tr[1]))
				terms = append(terms, ops.MatMulT(stored("e", m, 9, tr[0]), stored("f", 9, n, tr[1]), tr[0], tr[1]))
			}
		}
		sum := ops.AddN(terms...)
		plain := terms[0]
		for _, x := range terms[1:] {
			plain = ops.Add(plain, x)
		}
		products, joins := 0, 0
		for _, x := range graph.Topo(sum) {
			if x.Kind() != graph.KindOp {
				continue
			}
			switch x.Op().Name() {
			case "matmul", "matmul_tn", "matmul_nt", "matmul_tt":
				products++
			case "concat":
				joins++
			}
		}
		if products != 3 || joins != 2 {
			t.Errorf("transposes %v: the sum runs %d products and %d concats, want 3 and 2 (one joined product)", tr, products, joins)
		}
		got := runOut(t, sum, plain)
		if d := maxDiff(got[0], got[1]); d > 1e-14 {
			t.Errorf("transposes %v: joined sum differs from the plain one by %g", tr, d)
		}
	}
}

// recurrence is an RNN over the row blocks of a projection p = x U [steps*2 4]: h_t =
// tanh(p_t + h_{t-1} W^T). The gradients of p's blocks and the terms of W's gradient share
// their pieces, the gradients of the steps' pre-activations; p, made after W, gets its
// gradient first, as an LSTM's input projection does.
func recurrence(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
	const steps, n, m = 3, 2, 4
	x, U := param(g, rng, "x", 0.1, 1, steps*n, 3), param(g, rng, "U", 0.1, 1, 3, m)
	h0, W := param(g, rng, "h0", 0.1, 1, n, m), param(g, rng, "W", 0.1, 1, m, m)
	p := ops.MatMul(x, U)
	h := h0
	for t := range steps {
		h = ops.Tanh(ops.AddMatMul(ops.SliceRows(p, t*n, (t+1)*n), h, W, false, true))
	}
	return h, []*graph.Node{x, U, h0, W}
}

// TestAddNReusesJoin checks that the join of W's gradient terms takes the concat of the
// pieces that p's gradient joined before (as an LSTM's gate gradients are joined for the
// input projection's gradient and then for the recurrent weight's): two concats of the
// steps, not three.
func TestAddNReusesJoin(t *testing.T) {
	g := graph.New()
	y, wrt := recurrence(g, rand.New(rand.NewPCG(5, 6)))
	gs := autodiff.Grad(ops.Sum(y), wrt...)
	concats := 0
	for _, x := range graph.Topo(gs...) {
		if x.Kind() == graph.KindOp && x.Op().Name() == "concat" && len(x.Inputs()) == 3 {
			concats++
		}
	}
	if concats != 2 {
		t.Errorf("the gradients of p and W make %d concats of the 3 steps, want 2 (one shared)", concats)
	}
}
