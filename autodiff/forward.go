package autodiff

import (
	"fmt"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// VJP adds the nodes computing the vector-Jacobian products u^T (d outputs / d input) for
// each input: reverse mode with chosen cotangents. cotangents[i] has outputs[i]'s shape and
// need not be a scalar one. It is Grad of the scalar sum_i Sum(outputs[i] * cotangents[i]),
// so it costs one backward pass and records gradients as Grad does.
//
// VJP panics with a *graph.ShapeError when the lists differ in length or a cotangent's type
// differs from its output's.
func VJP(outputs, inputs, cotangents []*graph.Node) []*graph.Node {
	return Grad(inner("vjp", outputs, cotangents), inputs...)
}

// JVP adds the nodes computing the Jacobian-vector products (d outputs[i] / d inputs) .
// tangents for each output: forward mode, the change of every output when the inputs move
// along the tangents (tangents[j] has inputs[j]'s shape).
//
// It is built by the double-VJP construction, with no tangent rule per op: the VJP
// g(u) = (d outputs / d inputs)^T u is linear in the cotangent u, so its own gradient with
// respect to u, taken against the tangents, is the JVP:
//
//	J v = d/du <J^T u, v>
//
// u is a constant of zeros that no run ever reads: the rules that differentiate g(u) with
// respect to u use the values g's ops multiply u by, never u itself. Every op with a
// gradient rule whose gradient has one gets forward mode this way.
//
// Cost: building adds two backward graphs (the VJP's and its transpose). Running compiles
// to the forward pass plus the transposed backward pass, which walks the graph in forward
// order: about as many nodes as one backward pass, so a JVP runs in about twice one
// forward pass (1.9x on the TwoLayerNet: bench/, BenchmarkCurvatureJVP). The nodes of the
// first backward pass are built but not run: a compiled program computes only what its
// outputs need.
//
// The tangent of each output is recorded (Tangent); the gradients inside, taken against the
// dummy u, are not (Gradient still answers the last Grad). JVP panics with a *graph.ShapeError
// when the lists differ in length, a tangent's type differs from its input's, or an output
// is an integer.
func JVP(outputs, inputs, tangents []*graph.Node) []*graph.Node {
	if len(outputs) == 0 {
		return nil
	}
	g := outputs[0].Graph()
	us := make([]*graph.Node, len(outputs))
	for i, y := range outputs {
		if !y.DType().IsFloat() {
			panic(&graph.ShapeError{Op: "jvp", Inputs: []string{y.Label()}, Shapes: []graph.Shape{y.Shape()},
				Reason: fmt.Sprintf("%s is %s: integers have no tangent", y.Label(), y.DType())})
		}
		us[i] = g.Const("u("+y.Label()+")", graph.NewTensor(y.DType(), y.Shape()...))
	}
	gu := grad(inner("vjp", outputs, us), inputs, false)
	out := grad(inner("jvp", gu, tangents), us, false)
	rec := recordOf(g)
	rec.mu.Lock()
	for i, y := range outputs {
		rec.tangents[y] = append(rec.tangents[y], out[i])
	}
	rec.mu.Unlock()
	return out
}

// HVP adds the nodes computing the Hessian-vector product H v of the scalar f with respect
// to x (the Hessian of f over all of x, times v, split like x), without forming the
// Hessian: reverse over reverse, the gradient of <grad f, v>. It costs a forward pass, a
// backward pass and the backward pass of that backward pass: 1.8x to 2.6x one gradient's
// time on the TwoLayerNet (bench/, BenchmarkCurvatureHVP), and memory for one gradient more.
//
// HVP panics with a *graph.ShapeError when f is not a scalar, the lists differ in length, or
// a v's type differs from its x's.
func HVP(f *graph.Node, x, v []*graph.Node) []*graph.Node {
	return Grad(inner("hvp", Grad(f, x...), v), x...)
}

// Jacobian adds a node holding the Jacobian of y with respect to x, of shape y's shape then
// x's shape (PyTorch's torch.autograd.functional.jacobian): element [i..., j...] is
// d y[i...] / d x[j...]. It picks the mode from the sizes: one VJP per element of y
// (reverse) when y has no more elements than x, else one JVP per element of x (forward), so
// it builds min(|y|, |x|) derivative graphs and is meant for small sizes. Its rows'
// gradients are not recorded (Gradient).
func Jacobian(y, x *graph.Node) *graph.Node {
	return jacobian(y, x, x.Shape().Size() < y.Shape().Size())
}

func jacobian(y, x *graph.Node, forward bool) *graph.Node {
	ny, nx := y.Shape().Size(), x.Shape().Size()
	g := y.Graph()
	shape := append(y.Shape().Clone(), x.Shape()...)
	if forward { // forward: column j is J e_j; the VJP g(u) is shared by every column
		u := g.Const("u("+y.Label()+")", graph.NewTensor(y.DType(), y.Shape()...))
		gu := grad(ops.Sum(ops.Mul(y, u)), []*graph.Node{x}, false)[0]
		cols := make([]*graph.Node, nx)
		for j := range cols {
			e := basis(g, x, j)
			cols[j] = ops.Reshape(grad(ops.Sum(ops.Mul(gu, e)), []*graph.Node{u}, false)[0], ny, 1)
		}
		return ops.Reshape(ops.Concat(1, cols...), shape...)
	}
	rows := make([]*graph.Node, ny) // reverse: row i is e_i^T J
	for i := range rows {
		e := basis(g, y, i)
		rows[i] = ops.Reshape(grad(ops.Sum(ops.Mul(y, e)), []*graph.Node{x}, false)[0], 1, nx)
	}
	return ops.Reshape(ops.Concat(0, rows...), shape...)
}

// Hessian adds a node holding the Hessian of the scalar f with respect to x, of shape x's
// shape twice: the Jacobian of f's gradient, one HVP per element of x (reverse over
// reverse). It builds |x| derivative graphs: for small sizes; use HVP otherwise.
func Hessian(f, x *graph.Node) *graph.Node {
	return Jacobian(Grad(f, x)[0], x)
}

// Tangent returns the latest tangent node JVP made for y, or nil when none was.
func Tangent(y *graph.Node) *graph.Node {
	r := recordOf(y.Graph())
	r.mu.Lock()
	defer r.mu.Unlock()
	if ts := r.tangents[y]; len(ts) > 0 {
		return ts[len(ts)-1]
	}
	return nil
}

// Between returns the nodes on some path from one of from to one of to, in topological
// order, from and to included where they are on one: the nodes whose tangents a forward
// pass carries. JVP(Between(x, ys), x, v) records a tangent for each, for drawing.
func Between(from, to []*graph.Node) []*graph.Node {
	src := map[*graph.Node]bool{}
	for _, x := range from {
		src[x] = true
	}
	var out []*graph.Node
	reach := map[*graph.Node]bool{}
	for _, n := range graph.Topo(to...) {
		r := src[n]
		for _, x := range n.Inputs() {
			r = r || reach[x]
		}
		if r {
			reach[n] = true
			out = append(out, n)
		}
	}
	return out
}

// inner adds sum_i Sum(a[i] * b[i]), the scalar whose gradients VJP, JVP and HVP take.
func inner(op string, a, b []*graph.Node) *graph.Node {
	if len(a) != len(b) || len(a) == 0 {
		panic(&graph.ShapeError{Op: op, Reason: fmt.Sprintf("%d nodes for %d vectors", len(a), len(b))})
	}
	var s *graph.Node
	for i := range a {
		if !a[i].Shape().Equal(b[i].Shape()) || a[i].DType() != b[i].DType() {
			panic(&graph.ShapeError{Op: op, Inputs: []string{a[i].Label(), b[i].Label()}, Shapes: []graph.Shape{a[i].Shape(), b[i].Shape()},
				Reason: fmt.Sprintf("vector %d is %s, want %s", i, b[i].Type(), a[i].Type())})
		}
		t := ops.Sum(ops.Mul(a[i], b[i]))
		if s == nil {
			s = t
		} else {
			s = ops.Add(s, t)
		}
	}
	return s
}

// basis adds the constant one-hot tensor of like's type with a 1 at flat index i.
func basis(g *graph.Graph, like *graph.Node, i int) *graph.Node {
	v := make([]float64, like.Shape().Size())
	v[i] = 1
	return g.Const(fmt.Sprintf("e%d", i), graph.FromFloat64s(like.DType(), like.Shape(), v))
}
