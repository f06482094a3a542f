package graph_test

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

func TestShapeErrorMessage(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 100, 784)
	W1 := g.Param("W1", graph.NewTensor(graph.Float32, 748, 50))
	err := graph.Try(func() { ops.MatMul(x, W1) })
	var se *graph.ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *graph.ShapeError", err)
	}
	want := "matmul(x[100 784], W1[748 50]): inner dimensions 784 and 748 differ"
	if err.Error() != want {
		t.Fatalf("message\n got %q\nwant %q", err.Error(), want)
	}
	if se.Op != "matmul" || se.Inputs[1] != "W1" || !se.Shapes[0].Equal(graph.Shape{100, 784}) {
		t.Fatalf("fields: %+v", se)
	}
}

func TestBuildPanicsWithShapeError(t *testing.T) {
	g := graph.New()
	a := g.Input("a", graph.Float64, 2, 3)
	b := g.Input("b", graph.Float64, 4)
	defer func() {
		r := recover()
		se, ok := r.(*graph.ShapeError)
		if !ok {
			t.Fatalf("panic value %T %v, want *graph.ShapeError", r, r)
		}
		if !strings.Contains(se.Error(), "add(a[2 3], b[4]): shapes [2 3] and [4] do not broadcast") {
			t.Fatalf("message %q", se.Error())
		}
	}()
	ops.Add(a, b)
	t.Fatal("no panic")
}

func TestMixedDTypesRejected(t *testing.T) {
	g := graph.New()
	a := g.Input("a", graph.Float64, 3)
	b := g.Input("b", graph.Float32, 3)
	err := graph.Try(func() { ops.Mul(a, b) })
	if err == nil || !strings.Contains(err.Error(), "element types float64 and float32 differ") {
		t.Fatalf("got %v", err)
	}
}

func TestTryPassesRuntimePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a runtime error was swallowed by Try")
		}
	}()
	var s []int
	_ = graph.Try(func() { _ = s[3] })
}

func TestDuplicateInputName(t *testing.T) {
	g := graph.New()
	g.Input("x", graph.Float32, 2)
	err := graph.Try(func() { g.Input("x", graph.Float32, 3) })
	if err == nil || !strings.Contains(err.Error(), `an input named "x" already exists`) {
		t.Fatalf("got %v", err)
	}
}

func newAffine(t *testing.T) (*graph.Graph, *graph.Node, *graph.Program) {
	t.Helper()
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3)
	W := g.Param("W", graph.FromFloat64s(graph.Float64, []int{3, 2}, []float64{1, 2, 3, 4, 5, 6}))
	y := ops.MatMul(x, W)
	return g, y, graph.MustCompile(y)
}

func TestRunChecksFeeds(t *testing.T) {
	_, _, p := newAffine(t)
	good := graph.FromFloat64s(graph.Float64, []int{2, 3}, []float64{1, 0, 0, 0, 1, 0})
	cases := []struct {
		feeds graph.Feeds
		want  string
	}{
		{graph.Feeds{}, "missing feeds: x float64[2 3]"},
		{graph.Feeds{"x": good, "z": good}, `feed "z": the graph has no input of that name (inputs: xfloat64[2 3])`},
		{graph.Feeds{"x": graph.NewTensor(graph.Float64, 3, 2)}, `feed "x": value has shape [3 2], want [2 3]`},
		{graph.Feeds{"x": graph.NewTensor(graph.Float32, 2, 3)}, `feed "x": value is float32, want float64`},
		{graph.Feeds{"x": tensor.New(tensor.WithShape(2, 3), tensor.WithBacking(make([]int, 6)))}, `feed "x": unsupported element type int`},
	}
	for _, c := range cases {
		_, err := p.Run(c.feeds)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	out, err := p.Run(graph.Feeds{"x": good})
	if err != nil {
		t.Fatal(err)
	}
	if got := graph.Float64s(out[0]); got[0] != 1 || got[1] != 2 || got[2] != 3 || got[3] != 4 {
		t.Fatalf("x W = %v", got)
	}
}

func TestParamsPersistAndSetValue(t *testing.T) {
	g, _, p := newAffine(t)
	var W *graph.Node
	for _, n := range g.Nodes() {
		if n.Name() == "W" {
			W = n
		}
	}
	x := graph.FromFloat64s(graph.Float64, []int{2, 3}, []float64{1, 0, 0, 0, 0, 0})
	W.Value().Float64s()[0] = 10 // an optimizer updates in place
	out, _ := p.Run(graph.Feeds{"x": x})
	if v := out[0].Float64s()[0]; v != 10 {
		t.Fatalf("after in-place update got %v, want 10", v)
	}
	if err := W.SetValue(graph.NewTensor(graph.Float64, 2, 2)); err == nil || !strings.Contains(err.Error(), "value has shape [2 2], want [3 2]") {
		t.Fatalf("SetValue wrong shape: %v", err)
	}
	if err := W.SetValue(graph.FromFloat64s(graph.Float64, []int{3, 2}, []float64{7, 0, 0, 0, 0, 0})); err != nil {
		t.Fatal(err)
	}
	out, _ = p.Run(graph.Feeds{"x": x})
	if v := out[0].Float64s()[0]; v != 7 {
		t.Fatalf("after SetValue got %v, want 7", v)
	}
}

func TestCompileEvaluatesOnlyWhatIsNeeded(t *testing.T) {
	g := graph.New()
	a := g.Input("a", graph.Float64)
	b := g.Input("b", graph.Float64) // not needed by y
	y := ops.Exp(a)
	_ = ops.Log(b)
	p := graph.MustCompile(y)
	if n := len(p.Nodes()); n != 2 {
		t.Fatalf("program has %d nodes, want 2 (a and exp)", n)
	}
	// b need not be fed, and feeding it is allowed.
	if _, err := p.Run(graph.Feeds{"a": graph.ScalarValue(graph.Float64, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(graph.Feeds{"a": graph.ScalarValue(graph.Float64, 0), "b": graph.ScalarValue(graph.Float64, 1)}); err != nil {
		t.Fatal(err)
	}
}

func TestTopoOrder(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2)
	a := ops.Exp(x)
	b := ops.Neg(x)
	y := ops.Sum(ops.Mul(a, b))
	order := graph.Topo(y)
	pos := map[*graph.Node]int{}
	for i, n := range order {
		pos[n] = i
	}
	for _, n := range order {
		for _, in := range n.Inputs() {
			if pos[in] >= pos[n] {
				t.Fatalf("%s comes before its input %s", n, in)
			}
		}
	}
	if order[len(order)-1] != y || order[0] != x {
		t.Fatalf("order %v", order)
	}
}

// TestBuffersReused checks the planner shares buffers between values whose lifetimes do not overlap.
func TestBuffersReused(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 1000)
	y := x
	for i := 0; i < 10; i++ {
		y = ops.Tanh(y)
	}
	p := graph.MustCompile(y)
	in := graph.NewTensor(graph.Float64, 1000)
	if _, err := p.Run(graph.Feeds{"x": in}); err != nil {
		t.Fatal(err)
	}
	distinct := map[*float64]bool{}
	var lost int
	_, err := p.Trace(graph.Feeds{"x": in}, func(n *graph.Node, v *tensor.Dense) {
		if n.Kind() == graph.KindOp {
			distinct[&v.Float64s()[0]] = true
			if p.Value(n) == nil {
				lost++
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(distinct) != 2 {
		t.Fatalf("a chain of 10 tanh uses %d buffers, want 2", len(distinct))
	}
	// Values whose buffer a later node overwrote are not returned stale.
	if lost != 8 || p.Value(y) == nil {
		t.Fatalf("%d values reported lost, want 8 (all but the last two)", lost)
	}
}

// TestTrainingStepAllocatesNothing runs forward, backward and an in-place update: after the
// first run, a step allocates nothing.
func TestTrainingStepAllocatesNothing(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 8, 5)
	tl := g.Input("t", graph.Float32, 8)
	W := g.Param("W", graph.NewTensor(graph.Float32, 5, 3))
	b := g.Param("b", graph.NewTensor(graph.Float32, 3))
	h := ops.Sigmoid(ops.Add(ops.MatMul(x, W), b))
	loss := ops.SoftmaxCrossEntropy(h, tl)
	grads := autodiff.Grad(loss, W, b)
	p := graph.MustCompile(append([]*graph.Node{loss}, grads...)...)
	feeds := graph.Feeds{"x": graph.NewTensor(graph.Float32, 8, 5), "t": graph.NewTensor(graph.Float32, 8)}
	step := func() {
		out, err := p.Run(feeds)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range []*graph.Node{W, b} {
			wv, gv := w.Value().Float32s(), out[i+1].Float32s()
			for j := range wv {
				wv[j] -= 0.1 * gv[j]
			}
		}
	}
	step()
	if a := testing.AllocsPerRun(50, step); a != 0 {
		t.Fatalf("a training step allocates %v times", a)
	}
}

func TestDebugNamesFirstNonFiniteNode(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 3)
	h := ops.Exp(x).SetName("h")
	y := ops.Log(ops.Neg(h)).SetName("y")
	p := graph.MustCompile(ops.Sum(y))
	feeds := graph.Feeds{"x": graph.FromFloat64s(graph.Float64, []int{3}, []float64{1, 800, 2})}
	if _, err := p.Run(feeds); err != nil {
		t.Fatalf("without debug a NaN is not an error: %v", err)
	}
	p.SetDebug(true)
	_, err := p.Run(feeds)
	if err == nil {
		t.Fatal("debug run did not report the overflow")
	}
	want := "graph: node h (op exp) produced +Inf at index 1 of [3]; input 0 x[3] in [1, 800]"
	if err.Error() != want {
		t.Fatalf("got  %q\nwant %q", err, want)
	}
}

func TestKernelErrorNamesNode(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3)
	lbl := g.Input("t", graph.Float64, 2)
	loss := ops.SoftmaxCrossEntropy(x, lbl).SetName("loss")
	p := graph.MustCompile(loss)
	_, err := p.Run(graph.Feeds{"x": graph.NewTensor(graph.Float64, 2, 3), "t": graph.FromFloat64s(graph.Float64, []int{2}, []float64{1, 3})})
	want := "graph: run loss (softmax_cross_entropy): label 3 at row 1 is not a class index in [0, 3)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

// TestConcurrentRuns runs one program from several goroutines (run with -race).
func TestConcurrentRuns(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 4)
	y := ops.Sum(ops.Square(x))
	p := graph.MustCompile(y)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			v := float64(w)
			for i := 0; i < 100; i++ {
				out, err := p.RunCopy(graph.Feeds{"x": graph.FromFloat64s(graph.Float64, []int{4}, []float64{v, v, v, v})})
				if err != nil {
					errs <- err
					return
				}
				if got := out[0].Float64s()[0]; got != 4*v*v {
					errs <- errors.New("wrong result from a concurrent run")
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestTraceVisitsInOrder(t *testing.T) {
	g := graph.New()
	a := g.Input("a", graph.Float64)
	y := ops.Mul(ops.Exp(a), a)
	p := graph.MustCompile(y)
	var seen []string
	_, err := p.Trace(graph.Feeds{"a": graph.ScalarValue(graph.Float64, 1)}, func(n *graph.Node, v *tensor.Dense) {
		seen = append(seen, n.Label())
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(seen, " "); got != "a exp#1 mul#2" {
		t.Fatalf("trace %q", got)
	}
	if v := p.Value(y).Float64s()[0]; math.Abs(v-math.E) > 1e-15 {
		t.Fatalf("Value(y) = %v", v)
	}
}
