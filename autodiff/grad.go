package autodiff

import (
	"fmt"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Grad adds to y's graph the nodes computing the gradient of y with respect to each of wrt,
// and returns them in order. y must hold one element (a scalar loss). The backward pass
// walks the forward nodes in reverse topological order, asks each op for the gradients of
// its inputs, and adds the branches where a node feeds several consumers (the book's branch
// rule). Only nodes on a path from some wrt to y get gradients. A wrt that y does not depend
// on gets a zero constant. The gradient of each forward node is recorded (Gradient,
// Primal), for the visualizer.
//
// The gradient nodes are ordinary nodes: compile them with the forward outputs to run both
// in one program, or call Grad on a gradient for higher-order derivatives.
//
// Grad panics with a *graph.ShapeError when y is not a scalar or an op returns a gradient
// of the wrong shape.
func Grad(y *graph.Node, wrt ...*graph.Node) []*graph.Node { return grad(y, wrt, true) }

// grad is Grad; with record false it leaves the gradient record alone, for the gradients
// that are only means to another end (the VJPs inside JVP and Jacobian's rows).
func grad(y *graph.Node, wrt []*graph.Node, record bool) []*graph.Node {
	if y.Shape().Size() != 1 {
		panic(&graph.ShapeError{Op: "grad", Inputs: []string{y.Label()}, Shapes: []graph.Shape{y.Shape()},
			Reason: "can only differentiate a scalar; reduce it first (ops.Sum or ops.Mean)"})
	}
	g := y.Graph()
	order := graph.Topo(y)

	// needs[n]: some wrt reaches y through n, so n's gradient matters.
	target := map[*graph.Node]bool{}
	for _, w := range wrt {
		if w.Graph() != g {
			panic(&graph.ShapeError{Op: "grad", Inputs: []string{y.Label(), w.Label()}, Shapes: []graph.Shape{y.Shape(), w.Shape()},
				Reason: fmt.Sprintf("%s belongs to another graph", w.Label())})
		}
		if !w.DType().IsFloat() {
			panic(&graph.ShapeError{Op: "grad", Inputs: []string{y.Label(), w.Label()}, Shapes: []graph.Shape{y.Shape(), w.Shape()},
				Reason: fmt.Sprintf("%s is %s: no gradient flows into integers", w.Label(), w.DType())})
		}
		target[w] = true
	}
	needs := map[*graph.Node]bool{}
	for _, n := range order {
		if target[n] {
			needs[n] = true
			continue
		}
		for _, x := range n.Inputs() {
			if needs[x] {
				needs[n] = true
				break
			}
		}
	}

	// branches[n]: the gradients reaching n from its consumers, summed (the branch rule,
	// ops.AddN) once all of them are in: when n is reached, its consumers are done.
	branches := map[*graph.Node][]*graph.Node{}
	grads := map[*graph.Node]*graph.Node{}
	gradOf := func(n *graph.Node) *graph.Node {
		if gn, ok := grads[n]; ok {
			return gn
		}
		var gn *graph.Node
		if bs := branches[n]; len(bs) > 0 {
			gn = ops.AddN(bs...)
		}
		grads[n] = gn
		return gn
	}
	if needs[y] {
		branches[y] = []*graph.Node{g.Const("d"+y.Label(), graph.FromFloat64s(y.DType(), y.Shape(), []float64{1}))}
	}
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		gy := gradOf(n)
		if gy == nil || n.Kind() != graph.KindOp {
			continue
		}
		inputs := n.Inputs()
		gxs := n.Op().Grad(inputs, n, gy)
		if len(gxs) != len(inputs) {
			panic(&graph.ShapeError{Op: n.Op().Name(), Inputs: []string{n.Label()}, Shapes: []graph.Shape{n.Shape()},
				Reason: fmt.Sprintf("gradient rule returned %d gradients for %d inputs", len(gxs), len(inputs))})
		}
		for j, x := range inputs {
			gx := gxs[j]
			if gx == nil || !needs[x] || !x.DType().IsFloat() {
				continue
			}
			if !gx.Shape().Equal(x.Shape()) || gx.DType() != x.DType() {
				panic(&graph.ShapeError{Op: n.Op().Name(), Inputs: []string{x.Label(), gx.Label()}, Shapes: []graph.Shape{x.Shape(), gx.Shape()},
					Reason: fmt.Sprintf("gradient of input %d has type %s, want %s", j, gx.Type(), x.Type())})
			}
			branches[x] = append(branches[x], gx)
		}
	}
	out := make([]*graph.Node, len(wrt))
	for i, w := range wrt {
		gw := gradOf(w)
		if gw == nil {
			gw = g.Const("", graph.NewTensor(w.DType(), w.Shape()...))
		}
		out[i] = gw
	}
	if !record {
		return out
	}
	rec := recordOf(g)
	rec.mu.Lock()
	for _, n := range order { // in order, so shared gradient nodes are attributed deterministically
		if gn := gradOf(n); gn != nil {
			rec.set(n, gn)
		}
	}
	rec.mu.Unlock()
	return out
}
