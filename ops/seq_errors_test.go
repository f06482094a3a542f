package ops_test

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

func TestCrossEntropyEverythingIgnored(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.F64(graph.Shape{2, 3}, 1, 2, 3, 4, 5, 6))
	loss := ops.CrossEntropyIgnore(x, g.Const("t", graph.I32(graph.Shape{2}, -1, -1)), -1)
	gx := autodiff.Grad(loss, x)[0]
	got := runOut(t, loss, gx)
	for _, v := range append(got[0], got[1]...) {
		if v != 0 {
			t.Fatalf("loss and gradient %v, want zeros", got)
		}
	}
}

// Indices and labels are data: one out of range is an error of the run, never a panic.
func TestIndexOutOfRangeIsARunError(t *testing.T) {
	bad := func(g *graph.Graph, shape ...int) *graph.Node {
		v := make([]int64, graph.Shape(shape).Size())
		v[len(v)-1] = 3 // x is [2 3]: 3 is outside both axes
		return g.Const("i", graph.I64(shape, v...))
	}
	for name, build := range map[string]func(g *graph.Graph, x *graph.Node) *graph.Node{
		"take":          func(g *graph.Graph, x *graph.Node) *graph.Node { return ops.Take(x, 1, bad(g, 2)) },
		"embedding":     func(g *graph.Graph, x *graph.Node) *graph.Node { return ops.Embedding(x, bad(g, 2)) },
		"gather":        func(g *graph.Graph, x *graph.Node) *graph.Node { return ops.Gather(x, 1, bad(g, 2, 2)) },
		"cross entropy": func(g *graph.Graph, x *graph.Node) *graph.Node { return ops.CrossEntropyIgnore(x, bad(g, 2), -100) },
		"take gradient": func(g *graph.Graph, x *graph.Node) *graph.Node {
			return autodiff.Grad(ops.Sum(ops.Take(x, 0, bad(g, 2))), x)[0]
		},
		"gather gradient": func(g *graph.Graph, x *graph.Node) *graph.Node {
			return autodiff.Grad(ops.Sum(ops.Gather(x, 0, bad(g, 1, 3))), x)[0]
		},
	} {
		g := graph.New()
		x := g.Param("x", graph.F32(graph.Shape{2, 3}))
		_, err := graph.MustCompile(build(g, x)).Run(nil)
		if err == nil || !strings.Contains(err.Error(), "3") {
			t.Errorf("%s: error %v, want one naming the index 3", name, err)
		}
	}
}

// Each documented panic of the new constructors is a *graph.ShapeError.
func TestSeqOpsPanics(t *testing.T) {
	g := graph.New()
	x := g.Param("x", graph.F32(graph.Shape{2, 3, 4}))
	w := g.Param("w", graph.F32(graph.Shape{4, 5}))
	i := g.Const("i", graph.I32(graph.Shape{2, 3}))
	f := g.Const("f", graph.F32(graph.Shape{2, 3}))
	for name, build := range map[string]func(){
		"take with float indices":      func() { ops.Take(x, 0, f) },
		"take axis out of range":       func() { ops.Take(x, 3, i) },
		"embedding of a 3-D table":     func() { ops.Embedding(x, i) },
		"gather of other sizes":        func() { ops.Gather(x, -1, i) },
		"split sizes":                  func() { ops.Split(x, 1, 1, 1) },
		"stack of two shapes":          func() { ops.Stack(0, x, w) },
		"stack axis out of range":      func() { ops.Stack(4, x, x) },
		"masked fill mask too big":     func() { ops.MaskedFill(w, i, 0) },
		"where shapes":                 func() { ops.Where(i, x, w) },
		"matmul inner sizes":           func() { ops.MatMul(x, x) },
		"matmul batches":               func() { ops.MatMul(x, g.Param("b", graph.F32(graph.Shape{3, 4, 2}))) },
		"layer norm gamma shape":       func() { ops.LayerNorm(x, w, nil, 1e-5) },
		"layer norm without gamma":     func() { ops.LayerNorm(x, nil, nil, 1e-5) },
		"normalize too many axes":      func() { ops.Normalize(x, 4, 1e-5) },
		"cross entropy label shape":    func() { ops.CrossEntropy(x, w) },
		"one-hot rows of integers":     func() { ops.OneHotAs(i, 3, graph.Int32) },
		"gelu of integers":             func() { ops.GELU(i) },
		"cross entropy integer logits": func() { ops.CrossEntropy(i, g.Const("t", graph.I32(graph.Shape{2}))) },
	} {
		err := graph.Try(build)
		var se *graph.ShapeError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a *graph.ShapeError", name, err)
		}
	}
}

// The row kernels (softmax, layer norm and its gradient, cross entropy's gradient) split
// big inputs over the cores; rows are independent, so the bits are those of one core.
func TestRowKernelsSameOnAllCores(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := graph.New()
	v := make([]float64, 64*8*128)
	for i := range v {
		v[i] = 3 * rng.NormFloat64()
	}
	x := g.Param("x", graph.F64(graph.Shape{64, 8, 128}, v...))
	gm := g.Param("gamma", graph.F64(graph.Shape{128}, v[:128]...))
	labels := make([]int32, 64*8)
	for i := range labels {
		labels[i] = int32(rng.IntN(128))
	}
	loss := ops.Add(ops.CrossEntropyIgnore(ops.LayerNorm(x, gm, nil, 1e-5), g.Const("t", graph.I32(graph.Shape{64, 8}, labels...)), 5),
		ops.Sum(ops.Mul(ops.Softmax(x, 1), x)))
	gs := autodiff.Grad(loss, x, gm)
	prog := graph.MustCompile(append([]*graph.Node{loss}, gs...)...)
	all := runProgram(t, prog, nil)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := runProgram(t, prog, nil)
	for i := range all {
		if !slices.Equal(all[i], one[i]) {
			t.Errorf("output %d differs between all cores and one", i)
		}
	}
}
