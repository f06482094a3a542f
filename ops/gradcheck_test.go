package ops_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// param makes a float64 parameter with values of random sign and magnitude in [lo, hi],
// so that kinks (0 for abs and relu, ties for max) are avoided.
func param(g *graph.Graph, rng *rand.Rand, name string, lo, hi float64, shape ...int) *graph.Node {
	v := make([]float64, graph.Shape(shape).Size())
	for i := range v {
		v[i] = lo + (hi-lo)*rng.Float64()
		if rng.IntN(2) == 0 {
			v[i] = -v[i]
		}
	}
	return g.Param(name, graph.FromFloat64s(graph.Float64, shape, v))
}

// positive makes a parameter with values in [lo, hi].
func positive(g *graph.Graph, rng *rand.Rand, name string, lo, hi float64, shape ...int) *graph.Node {
	v := make([]float64, graph.Shape(shape).Size())
	for i := range v {
		v[i] = lo + (hi-lo)*rng.Float64()
	}
	return g.Param(name, graph.FromFloat64s(graph.Float64, shape, v))
}

// weigh reduces y to a scalar as Sum(y * R) with a fixed random R, so that a transposed or
// permuted gradient cannot pass.
func weigh(y *graph.Node, rng *rand.Rand) *graph.Node {
	r := make([]float64, y.Shape().Size())
	for i := range r {
		r[i] = rng.NormFloat64()
	}
	return ops.Sum(ops.Mul(y, y.Graph().Const("R", graph.FromFloat64s(graph.Float64, y.Shape(), r))))
}

type gradCase struct {
	name string
	// build returns the op's output and the inputs to check against.
	build func(g *graph.Graph, rng *rand.Rand) (y *graph.Node, wrt []*graph.Node)
	// second checks the gradient of the gradient: it exercises the gradient ops' own rules.
	second bool
	labels []float64 // fed as input "t", in its element type, when non-nil
}

func unaryCase(name string, f func(*graph.Node) *graph.Node, lo, hi float64, pos bool) gradCase {
	return gradCase{name: name, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		mk := param
		if pos {
			mk = positive
		}
		x := mk(g, rng, "x", lo, hi, 3, 4)
		return f(x), []*graph.Node{x}
	}}
}

func binaryCase(name string, f func(a, b *graph.Node) *graph.Node, sa, sb []int) gradCase {
	return gradCase{name: name, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		a := param(g, rng, "a", 0.5, 2, sa...)
		b := param(g, rng, "b", 0.5, 2, sb...)
		return f(a, b), []*graph.Node{a, b}
	}}
}

var gradCases = []gradCase{
	binaryCase("add", ops.Add, []int{3, 4}, []int{3, 4}),
	binaryCase("add broadcast row", ops.Add, []int{3, 4}, []int{4}),
	binaryCase("add broadcast both", ops.Add, []int{3, 1}, []int{1, 4}),
	binaryCase("sub", ops.Sub, []int{2, 3, 4}, []int{3, 1}),
	binaryCase("mul", ops.Mul, []int{3, 4}, []int{3, 4}),
	binaryCase("mul scalar", ops.Mul, []int{3, 4}, nil),
	binaryCase("div", ops.Div, []int{3, 4}, []int{3, 4}),
	binaryCase("div broadcast", ops.Div, []int{4}, []int{3, 4}),
	unaryCase("neg", ops.Neg, 0.1, 1, false),
	unaryCase("exp", ops.Exp, 0.1, 1, false),
	unaryCase("log", ops.Log, 0.5, 2, true),
	unaryCase("sqrt", ops.Sqrt, 0.5, 2, true),
	unaryCase("square", ops.Square, 0.1, 2, false),
	unaryCase("abs", ops.Abs, 0.1, 2, false),
	unaryCase("pow 3", func(x *graph.Node) *graph.Node { return ops.Pow(x, 3) }, 0.1, 2, false),
	unaryCase("pow -1.5", func(x *graph.Node) *graph.Node { return ops.Pow(x, -1.5) }, 0.5, 2, true),
	unaryCase("tanh", ops.Tanh, 0.1, 2, false),
	unaryCase("sigmoid", ops.Sigmoid, 0.1, 3, false),
	unaryCase("relu", ops.ReLU, 0.1, 2, false),
	unaryCase("clamp", func(x *graph.Node) *graph.Node { return ops.Clamp(x, -0.9, 1.1) }, 0.1, 2, false),
	unaryCase("leaky relu", func(x *graph.Node) *graph.Node { return ops.LeakyReLU(x, 0.1) }, 0.1, 2, false),
	unaryCase("step (no gradient)", func(x *graph.Node) *graph.Node { return ops.Mul(x, ops.Step(x)) }, 0.1, 2, false),
	unaryCase("sign (no gradient)", func(x *graph.Node) *graph.Node { return ops.Mul(x, ops.Sign(x)) }, 0.1, 2, false),
	unaryCase("softmax axis 1", func(x *graph.Node) *graph.Node { return ops.Softmax(x, 1) }, 0.1, 3, false),
	unaryCase("softmax axis 0", func(x *graph.Node) *graph.Node { return ops.Softmax(x, 0) }, 0.1, 3, false),
	unaryCase("log-softmax", func(x *graph.Node) *graph.Node { return ops.LogSoftmax(x, -1) }, 0.1, 3, false),
	unaryCase("reshape", func(x *graph.Node) *graph.Node { return ops.Reshape(x, 2, -1) }, 0.1, 1, false),
	unaryCase("broadcast-to", func(x *graph.Node) *graph.Node { return ops.BroadcastTo(ops.Reshape(x, 3, 1, 4), 2, 3, 5, 4) }, 0.1, 1, false),
	unaryCase("sum-to", func(x *graph.Node) *graph.Node { return ops.SumTo(x, 1, 4) }, 0.1, 1, false),
	unaryCase("transpose 2-D", func(x *graph.Node) *graph.Node { return ops.Transpose(x) }, 0.1, 1, false),
	{name: "transpose 3-D permutation", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 1, 2, 3, 4)
		return ops.Transpose(x, 2, 0, 1), []*graph.Node{x}
	}},
	unaryCase("sum all", func(x *graph.Node) *graph.Node { return ops.Sum(x) }, 0.1, 1, false),
	unaryCase("sum axis 0", func(x *graph.Node) *graph.Node { return ops.Sum(x, 0) }, 0.1, 1, false),
	unaryCase("sum keepdims", func(x *graph.Node) *graph.Node { return ops.SumKeep(x, 1) }, 0.1, 1, false),
	{name: "mean axes 0 2", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 1, 2, 3, 4)
		return ops.Mean(x, 0, 2), []*graph.Node{x}
	}},
	unaryCase("max axis 1", func(x *graph.Node) *graph.Node { return ops.Max(x, 1) }, 0.1, 1, false),
	unaryCase("max keepdims all", func(x *graph.Node) *graph.Node { return ops.MaxKeep(x) }, 0.1, 1, false),
	binaryCase("matmul", ops.MatMul, []int{3, 4}, []int{4, 5}),
	binaryCase("matmul A^T", func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, true, false) }, []int{4, 3}, []int{4, 5}),
	binaryCase("matmul B^T", func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, false, true) }, []int{3, 4}, []int{5, 4}),
	binaryCase("matmul A^T B^T", func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, true, true) }, []int{4, 3}, []int{5, 4}),
	binaryCase("matmul batched", ops.MatMul, []int{2, 3, 4}, []int{2, 4, 5}),
	unaryCase("slice rows", func(x *graph.Node) *graph.Node { return ops.SliceRows(x, 1, 3) }, 0.1, 1, false),
	unaryCase("slice axis 1", func(x *graph.Node) *graph.Node { return ops.Slice(x, 1, 1, 4) }, 0.1, 1, false),
	binaryCase("concat axis 0", func(a, b *graph.Node) *graph.Node { return ops.Concat(0, a, b) }, []int{2, 4}, []int{3, 4}),
	binaryCase("concat axis 1", func(a, b *graph.Node) *graph.Node { return ops.Concat(1, a, b, a) }, []int{3, 2}, []int{3, 4}),
	binaryCase("mean squared error", ops.MeanSquaredError, []int{3, 4}, []int{3, 4}),
	binaryCase("softmax cross entropy one-hot", func(x, t *graph.Node) *graph.Node {
		return ops.SoftmaxCrossEntropy(x, ops.Softmax(t, 1)) // probability rows as targets
	}, []int{3, 4}, []int{3, 4}),
	// Target rows as parameters, of random sign: rows that do not sum to 1, as PyTorch allows.
	binaryCase("softmax cross entropy target rows", ops.SoftmaxCrossEntropy, []int{3, 4}, []int{3, 4}),
	{name: "2nd order softmax cross entropy target rows", second: true, build: binaryCase("", ops.SoftmaxCrossEntropy, []int{3, 4}, []int{3, 4}).build},
	{name: "2nd order softmax cross entropy probability rows", second: true, build: binaryCase("", func(x, t *graph.Node) *graph.Node {
		return ops.SoftmaxCrossEntropy(x, ops.Softmax(t, 1))
	}, []int{3, 4}, []int{3, 4}).build},
	{name: "softmax cross entropy labels", labels: []float64{2, 0, 3}, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 3, 3, 4)
		return ops.SoftmaxCrossEntropy(x, g.Input("t", graph.Float64, 3)), []*graph.Node{x}
	}},
	{name: "softmax cross entropy int32 labels", labels: []float64{1, 3, 0}, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 3, 3, 4)
		return ops.SoftmaxCrossEntropy(x, g.Input("t", graph.Int32, 3)), []*graph.Node{x}
	}},
	// Accuracy has no gradient: beside tanh, central differences see it add nothing (no
	// perturbation of 1e-6 moves a row's largest score).
	{name: "accuracy", labels: []float64{2, 0, 3}, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 3, 3, 4)
		return ops.Add(ops.Tanh(x), ops.Accuracy(x, g.Input("t", graph.Int64, 3))), []*graph.Node{x}
	}},
	// Second order: differentiate the gradient, which exercises the gradient ops' own rules.
	{name: "2nd order tanh", second: true, build: unaryCase("", ops.Tanh, 0.1, 2, false).build},
	{name: "2nd order sigmoid", second: true, build: unaryCase("", ops.Sigmoid, 0.1, 2, false).build},
	{name: "2nd order leaky relu", second: true, build: unaryCase("", func(x *graph.Node) *graph.Node { return ops.Mul(x, ops.LeakyReLU(x, 0.2)) }, 0.1, 2, false).build},
	{name: "2nd order slice", second: true, build: unaryCase("", func(x *graph.Node) *graph.Node { return ops.Square(ops.SliceRows(x, 1, 2)) }, 0.1, 2, false).build},
	{name: "2nd order max", second: true, build: unaryCase("", func(x *graph.Node) *graph.Node { return ops.Square(ops.Max(x, 0)) }, 0.1, 2, false).build},
	{name: "2nd order softmax", second: true, build: unaryCase("", func(x *graph.Node) *graph.Node { return ops.Softmax(x, 1) }, 0.1, 2, false).build},
	{name: "2nd order log-softmax", second: true, build: unaryCase("", func(x *graph.Node) *graph.Node { return ops.LogSoftmax(x, 1) }, 0.1, 2, false).build},
	{name: "2nd order div", second: true, build: binaryCase("", ops.Div, []int{3, 4}, []int{3, 4}).build},
	{name: "2nd order custom elementwise (swish)", second: true, build: unaryCase("", swish.Apply, 0.1, 2, false).build},
	binaryCase("custom elementwise2 (a*b^2)", abb.Apply, []int{3, 4}, []int{3, 4}),
	{name: "2nd order custom elementwise2 (a*b^2)", second: true, build: binaryCase("", abb.Apply, []int{3, 4}, []int{3, 4}).build},
	{name: "2nd order matmul", second: true, build: binaryCase("", ops.MatMul, []int{3, 4}, []int{4, 2}).build},
	{name: "matmul add", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		a, b, c := param(g, rng, "a", 0.5, 2, 3, 4), param(g, rng, "b", 0.5, 2, 4, 5), param(g, rng, "c", 0.5, 2, 3, 5)
		return ops.AddMatMul(c, a, b, false, false), []*graph.Node{a, b, c}
	}},
	{name: "2nd order matmul add A^T B^T", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		a, b, c := param(g, rng, "a", 0.5, 2, 4, 3), param(g, rng, "b", 0.5, 2, 5, 4), param(g, rng, "c", 0.5, 2, 3, 5)
		return ops.Square(ops.AddMatMul(c, a, b, true, true)), []*graph.Node{a, b, c}
	}},
	// The same with the steps' inputs sliced from one projection: W's gradient reuses the
	// concat of the pieces that the projection's gradient joins (TestAddNReusesJoin).
	{name: "2nd order recurrence over a projection's row blocks", second: true, build: recurrence},
	// A weight shared by the steps of a recurrence: AddN joins the three matmul terms of its
	// gradient into one product of concatenated operands (k (m+n) = 2*8 <= m n = 16).
	{name: "2nd order matmuls sharing a weight", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x, h0, W := param(g, rng, "x", 0.1, 1, 2, 4), param(g, rng, "h0", 0.1, 1, 2, 4), param(g, rng, "W", 0.1, 1, 4, 4)
		h := h0
		for range 3 {
			h = ops.Tanh(ops.Add(x, ops.MatMulT(h, W, false, true)))
		}
		return h, []*graph.Node{x, h0, W}
	}},
	{name: "take with repeated indices", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 1, 3, 4, 2)
		return ops.Take(x, 1, g.Const("i", graph.I32(graph.Shape{2, 2}, 3, 0, 3, 3))), []*graph.Node{x}
	}},
	{name: "2nd order embedding", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		w := param(g, rng, "W", 0.1, 1, 5, 3)
		return ops.Square(ops.Embedding(w, g.Const("ids", graph.I64(graph.Shape{2, 3}, 4, 1, 4, 0, 4, 2)))), []*graph.Node{w}
	}},
	{name: "gather with repeated indices", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 1, 2, 4)
		return ops.Gather(x, -1, g.Const("i", graph.I64(graph.Shape{2, 3}, 3, 3, 0, 1, 2, 1))), []*graph.Node{x}
	}},
	{name: "2nd order gather", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 1, 3, 2)
		return ops.Square(ops.Gather(x, 0, g.Const("i", graph.I32(graph.Shape{2, 2}, 2, 0, 2, 2)))), []*graph.Node{x}
	}},
	binaryCase("concat axis -1", func(a, b *graph.Node) *graph.Node { return ops.Concat(-1, a, b) }, []int{2, 3, 2}, []int{2, 3, 1}),
	unaryCase("split axis -1", func(x *graph.Node) *graph.Node {
		p := ops.Split(x, -1, 1, 3)
		return ops.Concat(-1, p[1], p[0])
	}, 0.1, 1, false),
	binaryCase("stack axis 1", func(a, b *graph.Node) *graph.Node { return ops.Stack(1, a, b, a) }, []int{3, 4}, []int{3, 4}),
	{name: "2nd order stack and split", second: true, build: binaryCase("", func(a, b *graph.Node) *graph.Node {
		p := ops.Split(ops.Stack(-1, a, b), 0, 2, 1)
		return ops.Mul(p[0], ops.Concat(0, p[1], p[1]))
	}, []int{3, 4}, []int{3, 4}).build},
	{name: "where broadcast mask", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		a, b := param(g, rng, "a", 0.1, 1, 3, 4), param(g, rng, "b", 0.1, 1, 4)
		return ops.Where(g.Const("m", graph.I32(graph.Shape{3, 1}, 1, 0, 1)), a, b), []*graph.Node{a, b}
	}},
	{name: "2nd order where float mask", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		a, b := param(g, rng, "a", 0.1, 1, 2, 3), param(g, rng, "b", 0.1, 1, 2, 3)
		m := g.Const("m", graph.F64(graph.Shape{2, 3}, 1, 0, 0, 0, 1, 1))
		return ops.Mul(ops.Where(m, a, b), ops.Where(m, b, a)), []*graph.Node{a, b}
	}},
	{name: "2nd order masked fill", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 1, 2, 3, 3)
		m := g.Const("m", graph.I64(graph.Shape{3, 3}, 0, 1, 1, 0, 0, 1, 0, 0, 0))
		return ops.Square(ops.MaskedFill(x, m, 2)), []*graph.Node{x}
	}},
	binaryCase("matmul batch times matrix", ops.MatMul, []int{2, 3, 4}, []int{4, 2}),
	binaryCase("matmul broadcast batches", func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, false, true) }, []int{2, 1, 3, 4}, []int{3, 2, 4}),
	{name: "2nd order matmul broadcast batches A^T", second: true, build: binaryCase("", func(a, b *graph.Node) *graph.Node {
		return ops.MatMulT(a, b, true, false)
	}, []int{3, 2}, []int{2, 3, 2}).build},
	{name: "2nd order matmul batch times matrix B^T", second: true, build: binaryCase("", func(a, b *graph.Node) *graph.Node {
		return ops.MatMulT(a, b, false, true)
	}, []int{2, 3, 4}, []int{2, 4}).build},
	unaryCase("gelu", ops.GELU, 0.1, 3, false),
	unaryCase("gelu tanh", ops.GELUTanh, 0.1, 3, false),
	unaryCase("silu", ops.SiLU, 0.1, 3, false),
	unaryCase("softplus", ops.Softplus, 0.1, 3, false),
	{name: "2nd order gelu", second: true, build: unaryCase("", ops.GELU, 0.1, 3, false).build},
	{name: "2nd order gelu tanh", second: true, build: unaryCase("", ops.GELUTanh, 0.1, 3, false).build},
	{name: "2nd order silu", second: true, build: unaryCase("", ops.SiLU, 0.1, 3, false).build},
	{name: "2nd order softplus", second: true, build: unaryCase("", ops.Softplus, 0.1, 3, false).build},
	{name: "2nd order softmax axis 0 with -Inf mask", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 2, 3, 4)
		m := g.Const("m", graph.I32(graph.Shape{3, 4}, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0))
		return ops.Softmax(ops.MaskedFill(x, m, math.Inf(-1)), 0), []*graph.Node{x}
	}},
	{name: "one hot as a weight", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 2, 3, 4)
		return ops.Mul(x, ops.OneHotAs(g.Const("t", graph.I32(graph.Shape{3}, 2, 0, 3)), 4, graph.Float64)), []*graph.Node{x}
	}},
	{name: "linear", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x, w, b := param(g, rng, "x", 0.5, 2, 2, 3, 4), param(g, rng, "w", 0.5, 2, 5, 4), param(g, rng, "b", 0.5, 2, 5)
		return ops.Linear(x, w, b), []*graph.Node{x, w, b}
	}},
	{name: "2nd order linear", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x, w, b := param(g, rng, "x", 0.5, 2, 3, 4), param(g, rng, "w", 0.5, 2, 2, 4), param(g, rng, "b", 0.5, 2, 2)
		return ops.Square(ops.Linear(x, w, b)), []*graph.Node{x, w, b}
	}},
	{name: "split heads", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 2, 2, 3, 6)
		return ops.SplitHeads(x, 3), []*graph.Node{x}
	}},
	{name: "2nd order merge heads", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 2, 4, 3, 2)
		return ops.Square(ops.MergeHeads(x, 2)), []*graph.Node{x}
	}},
	{name: "causal softmax", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 2, 2, 3, 4)
		return ops.CausalSoftmax(x, 0.7), []*graph.Node{x}
	}},
	{name: "2nd order causal softmax", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 2, 2, 3, 3)
		return ops.CausalSoftmax(x, 0.7), []*graph.Node{x}
	}},
	{name: "layer norm", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x, gm, b := param(g, rng, "x", 0.1, 2, 2, 3, 4), param(g, rng, "gamma", 0.5, 2, 4), param(g, rng, "beta", 0.1, 1, 4)
		return ops.LayerNorm(x, gm, b, 1e-5), []*graph.Node{x, gm, b}
	}},
	{name: "2nd order layer norm over two axes", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x, gm, b := param(g, rng, "x", 0.1, 2, 2, 3, 2), param(g, rng, "gamma", 0.5, 2, 3, 2), param(g, rng, "beta", 0.1, 1, 3, 2)
		return ops.LayerNorm(x, gm, b, 1e-3), []*graph.Node{x, gm, b}
	}},
	// Third order: the row's output is already a gradient, so the check differentiates the
	// gradient of the fused gradient op (layer_norm_grad), whose rule reads layer_norm_rstd.
	{name: "3rd order layer norm", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x, gm := param(g, rng, "x", 0.1, 2, 2, 3), param(g, rng, "gamma", 0.5, 2, 3)
		y := ops.LayerNorm(x, gm, nil, 1e-3)
		gs := autodiff.Grad(ops.Sum(ops.Mul(ops.Square(y), g.Const("R0", randomLike(y, rng)))), x, gm)
		return ops.Add(gs[0], ops.Mul(gs[0], gm)), []*graph.Node{x, gm}
	}},
	{name: "2nd order normalize", second: true, build: unaryCase("", func(x *graph.Node) *graph.Node { return ops.Normalize(x, 1, 1e-5) }, 0.1, 2, false).build},
	{name: "cross entropy [N T C] ignoring -100", build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 3, 2, 3, 4)
		return ops.CrossEntropyIgnore(x, g.Const("t", graph.I64(graph.Shape{2, 3}, 1, -100, 3, 0, 0, -100)), -100), []*graph.Node{x}
	}},
	{name: "2nd order cross entropy [N T C] ignoring 0", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 3, 2, 2, 3)
		return ops.CrossEntropyIgnore(x, g.Const("t", graph.I32(graph.Shape{2, 2}, 0, 2, 1, 0)), 0), []*graph.Node{x}
	}},
	{name: "2nd order cross entropy [N C]", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 3, 3, 4)
		return ops.CrossEntropy(x, g.Const("t", graph.I32(graph.Shape{3}, 3, 0, 1))), []*graph.Node{x}
	}},
	// Third order: the gradient of the fused gradient op (cross_entropy_grad), whose rule
	// reads the one-hot labels and the weights of the mean.
	{name: "3rd order cross entropy ignoring 2", second: true, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 2, 3, 4)
		loss := ops.CrossEntropyIgnore(x, g.Const("t", graph.I64(graph.Shape{3}, 2, 0, 3)), 2)
		return ops.Square(autodiff.Grad(loss, x)[0]), []*graph.Node{x}
	}},
	{name: "2nd order softmax cross entropy labels", second: true, labels: []float64{1, 0, 3}, build: func(g *graph.Graph, rng *rand.Rand) (*graph.Node, []*graph.Node) {
		x := param(g, rng, "x", 0.1, 3, 3, 4)
		return ops.SoftmaxCrossEntropy(x, g.Input("t", graph.Float64, 3)), []*graph.Node{x}
	}},
}

// TestGradCheck compares every op's gradient with central differences in float64.
func TestGradCheck(t *testing.T) {
	covered := map[string]bool{}
	for i, c := range gradCases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			g := graph.New()
			y, wrt := c.build(g, rng)
			loss := weigh(y, rng)
			if c.second {
				gs := autodiff.Grad(loss, wrt...)
				loss = ops.Sum(ops.Mul(gs[0], g.Const("R2", randomLike(gs[0], rng))))
				for _, gx := range gs[1:] {
					loss = ops.Add(loss, ops.Sum(ops.Mul(gx, g.Const("R2", randomLike(gx, rng)))))
				}
			}
			for _, n := range graph.Topo(loss) {
				if n.Op() != nil {
					covered[reflect.Indirect(reflect.ValueOf(n.Op())).Type().Name()] = true
				}
			}
			var feeds graph.Feeds
			if c.labels != nil {
				lt := g.InputNode("t")
				feeds = graph.Feeds{lt: graph.FromFloat64s(lt.DType(), []int{len(c.labels)}, c.labels)}
			}
			checks, err := autodiff.CheckGrad(loss, wrt, feeds, 1e-6)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range checks {
				if !ch.OK(1e-6) {
					t.Errorf("%s", ch)
				}
			}
		})
	}
	// The guard: every op type declared in this package appears in some checked graph.
	for _, op := range declaredOps(t) {
		if !covered[op] {
			t.Errorf("op %s has no row in the gradient-check table", op)
		}
	}
}

func randomLike(n *graph.Node, rng *rand.Rand) *tensor.Dense {
	r := make([]float64, n.Shape().Size())
	for i := range r {
		r[i] = rng.NormFloat64()
	}
	return graph.FromFloat64s(graph.Float64, n.Shape(), r)
}

// declaredOps lists the types named in `var _ graph.Op = T{}` lines of the package's files.
func declaredOps(t *testing.T) []string {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "_" || len(vs.Values) != 1 {
				return true
			}
			if sel, ok := vs.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Op" {
				if lit, ok := vs.Values[0].(*ast.CompositeLit); ok {
					if id, ok := lit.Type.(*ast.Ident); ok {
						names = append(names, id.Name)
					}
				}
				// var _ graph.Op = (*T)(nil)
				if call, ok := vs.Values[0].(*ast.CallExpr); ok {
					if par, ok := call.Fun.(*ast.ParenExpr); ok {
						if star, ok := par.X.(*ast.StarExpr); ok {
							if id, ok := star.X.(*ast.Ident); ok {
								names = append(names, id.Name)
							}
						}
					}
				}
			}
			return true
		})
	}
	sort.Strings(names)
	if len(names) < 20 {
		t.Fatalf("found only %d op declarations: %v", len(names), names)
	}
	return names
}
