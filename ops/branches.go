package ops

import (
	"slices"
	"sync"

	"github.com/zerograd/zerograd/graph"
)

// AddN sums nodes of one shape and type, left to right: autodiff's branch rule over all the
// gradients that reach one node. The gradient of a slice is its gradient placed in a zero
// tensor (embed); where several of the terms are such placements along the same axis with
// disjoint ranges (the slices of one tensor: an LSTM's time steps and gates, the q, k and
// v rows of a stacked projection), AddN joins them with one Concat, zeros in the gaps,
// instead of adding zero-padded copies of the whole tensor one by one. The sum is the same:
// the joined terms never overlap.
//
// Likewise, where several terms are matrix products with the same transposes (the gradient
// of a weight shared over time steps: dW = Σ_t dy_t^T x_t), AddN makes them one product of
// the operands joined along the inner dimension, [A_1 ... A_n] [B_1; ...; B_n], when that
// copies no more than the additions would read: one long GEMM instead of n short ones and
// n-1 additions of their outputs, and one output in memory instead of n. The order of the
// terms is free; where an earlier AddN of the graph joined the same pieces of A (an LSTM's
// gate gradients, which the projection's gradient joins in time order), the product takes
// that Concat and its order instead of copying them again.
func AddN(xs ...*graph.Node) *graph.Node {
	if len(xs) == 0 {
		panic(&graph.ShapeError{Op: "add_n", Reason: "no inputs"})
	}
	terms := joinMatMuls(joinEmbeds(xs))
	sum := terms[0]
	for _, x := range terms[1:] {
		sum = Add(sum, x)
	}
	return sum
}

// placed is one embed term: its input goes to [lo, lo+m) of the axis.
type placed struct {
	x     *graph.Node
	lo, m int
}

// joinEmbeds replaces each group of two or more embeds along one axis of one size, whose
// ranges are disjoint, with their Concat at the place of the group's first term.
func joinEmbeds(xs []*graph.Node) []*graph.Node {
	type key struct{ axis, n int }
	groups := map[key][]placed{}
	first := map[key]int{}
	for i, x := range xs {
		if e, ok := embedOf(x); ok {
			k := key{e.axis, e.n}
			if _, seen := first[k]; !seen {
				first[k] = i
			}
			groups[k] = append(groups[k], placed{x.Inputs()[0], e.lo, x.Inputs()[0].Shape()[e.axis]})
		}
	}
	joined := map[int]*graph.Node{}
	drop := map[*graph.Node]bool{}
	for k, ps := range groups {
		slices.SortStableFunc(ps, func(a, b placed) int { return a.lo - b.lo })
		if len(ps) < 2 || !disjoint(ps) {
			continue
		}
		joined[first[k]] = concatPlaced(xs[first[k]], k.axis, k.n, ps)
		for _, i := range indicesOf(xs, k.axis, k.n) {
			drop[xs[i]] = true
		}
	}
	if len(joined) == 0 {
		return xs
	}
	out := make([]*graph.Node, 0, len(xs))
	for i, x := range xs {
		if j, ok := joined[i]; ok {
			out = append(out, j)
		} else if !drop[x] {
			out = append(out, x)
		}
	}
	return out
}

func embedOf(x *graph.Node) (embedOp, bool) {
	if x.Kind() != graph.KindOp {
		return embedOp{}, false
	}
	e, ok := x.Op().(embedOp)
	return e, ok
}

func indicesOf(xs []*graph.Node, axis, n int) []int {
	var is []int
	for i, x := range xs {
		if e, ok := embedOf(x); ok && e.axis == axis && e.n == n {
			is = append(is, i)
		}
	}
	return is
}

func disjoint(ps []placed) bool {
	for i := 1; i < len(ps); i++ {
		if ps[i-1].lo+ps[i-1].m > ps[i].lo {
			return false
		}
	}
	return true
}

// concatPlaced is the pieces ps (sorted, disjoint) side by side along axis of size n, with
// zero constants in the gaps: the sum of their embeds, shaped like like.
func concatPlaced(like *graph.Node, axis, n int, ps []placed) *graph.Node {
	g := like.Graph()
	zeros := func(size int) *graph.Node {
		s := like.Shape().Clone()
		s[axis] = size
		return g.Const("", graph.NewTensor(like.DType(), s...))
	}
	var parts []*graph.Node
	at := 0
	for _, p := range ps {
		if p.lo > at {
			parts = append(parts, zeros(p.lo-at))
		}
		parts = append(parts, p.x)
		at = p.lo + p.m
	}
	if at < n {
		parts = append(parts, zeros(n-at))
	}
	return remember(Concat(axis, parts...))
}

// joins remembers the concats AddN made in one graph (graph.Graph.Attached), so that a
// later join of the same pieces reuses one.
type joins struct {
	mu      sync.Mutex
	concats []*graph.Node
}

type joinsKey struct{}

func joinsOf(g *graph.Graph) *joins {
	return g.Attached(joinsKey{}, func() any { return &joins{} }).(*joins)
}

// remember records c, when it is a concat, for joinedOrder, and returns it.
func remember(c *graph.Node) *graph.Node {
	if c.Kind() == graph.KindOp {
		if _, ok := c.Op().(concatOp); ok {
			j := joinsOf(c.Graph())
			j.mu.Lock()
			j.concats = append(j.concats, c)
			j.mu.Unlock()
		}
	}
	return c
}

// joinedOrder finds a concat AddN made along axis of exactly the nodes xs, in some order,
// and returns it with perm, its inputs' indices in xs; nil when there is none.
func joinedOrder(axis int, xs []*graph.Node) (*graph.Node, []int) {
	index := make(map[*graph.Node]int, len(xs))
	for i, x := range xs {
		index[x] = i
	}
	j := joinsOf(xs[0].Graph())
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, c := range j.concats {
		in := c.Inputs()
		if c.Op().(concatOp).axis != axis || len(in) != len(xs) {
			continue
		}
		perm := make([]int, len(in))
		used := make([]bool, len(xs))
		ok := true
		for k, x := range in {
			i, found := index[x]
			if !found || used[i] {
				ok = false
				break
			}
			used[i], perm[k] = true, i
		}
		if ok {
			return c, perm
		}
	}
	return nil, nil
}

// joinMatMuls replaces each group of two or more rank-2 matrix products with the same
// transposes by one product of their operands concatenated along the inner dimension, at
// the place of the group's first term. Σ_i op(A_i) op(B_i) = op(A) op(B) where A joins the
// A_i along their k axis and B the B_i along theirs. A product joins only when its operands
// hold no more elements than its output (k (m+n) <= m n): then the copies of the join
// cost no more than the addition they replace, and the joined GEMM, with the long k, runs
// at a better rate than the short ones.
func joinMatMuls(xs []*graph.Node) []*graph.Node {
	groups := map[matMulOp][]int{}
	var order []matMulOp
	for i, x := range xs {
		o, ok := joinableMatMul(x)
		if !ok {
			continue
		}
		if _, seen := groups[o]; !seen {
			order = append(order, o)
		}
		groups[o] = append(groups[o], i)
	}
	joined := map[int]*graph.Node{}
	drop := map[int]bool{}
	for _, o := range order {
		is := groups[o]
		if len(is) < 2 {
			continue
		}
		as, bs := make([]*graph.Node, len(is)), make([]*graph.Node, len(is))
		for j, i := range is {
			in := xs[i].Inputs()
			as[j], bs[j] = in[0], in[1]
			drop[i] = true
		}
		ka, kb := 1, 0 // the k axis of A and of B, as stored
		if o.transA {
			ka = 0
		}
		if o.transB {
			kb = 1
		}
		var a *graph.Node
		if c, perm := joinedOrder(ka, as); c != nil {
			a, bs = c, permuted(bs, perm)
		} else {
			a = remember(Concat(ka, as...))
		}
		joined[is[0]] = matMulT(a, remember(Concat(kb, bs...)), o.transA, o.transB)
	}
	if len(joined) == 0 {
		return xs
	}
	out := make([]*graph.Node, 0, len(xs)-len(drop)+len(joined))
	for i, x := range xs {
		if j, ok := joined[i]; ok {
			out = append(out, j)
		} else if !drop[i] {
			out = append(out, x)
		}
	}
	return out
}

// joinableMatMul says whether x is a product of two matrices that joinMatMuls may join,
// and returns its op.
func joinableMatMul(x *graph.Node) (matMulOp, bool) {
	if x.Kind() != graph.KindOp {
		return matMulOp{}, false
	}
	o, ok := x.Op().(matMulOp)
	if !ok {
		return matMulOp{}, false
	}
	a, b := x.Inputs()[0].Shape(), x.Inputs()[1].Shape()
	if len(a) != 2 || len(b) != 2 {
		return matMulOp{}, false
	}
	m, k, n, _ := o.dims(a, b)
	return o, k*(m+n) <= m*n
}

// permuted returns xs[perm[0]], xs[perm[1]], ....
func permuted(xs []*graph.Node, perm []int) []*graph.Node {
	out := make([]*graph.Node, len(perm))
	for k, i := range perm {
		out[k] = xs[i]
	}
	return out
}
