package graph_test

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
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
	g, y, p := newAffine(t)
	x := g.InputNode("x")
	z := graph.New().Input("z", graph.Float64, 2, 3) // an input, but of another graph
	good := graph.FromFloat64s(graph.Float64, []int{2, 3}, []float64{1, 0, 0, 0, 1, 0})
	cases := []struct {
		feeds graph.Feeds
		want  string
	}{
		{graph.Feeds{}, "missing feeds: x float64[2 3]"},
		{graph.Feeds{x: good, z: good}, `graph: feed z float64[2 3] is not an input of this graph (inputs: x float64[2 3])`},
		{graph.Feeds{x: good, y: good}, `graph: feed matmul#2 float64[2 2] is not an input of this graph (inputs: x float64[2 3])`},
		{graph.Feeds{x: good, nil: good}, `graph: feed nil (inputs: x float64[2 3])`},
		{graph.Feeds{x: graph.NewTensor(graph.Float64, 3, 2)}, `feed "x": value has shape [3 2], want [2 3]`},
		{graph.Feeds{x: graph.NewTensor(graph.Float32, 2, 3)}, `feed "x": value is float32, want float64`},
		{graph.Feeds{x: tensor.New(tensor.WithShape(2, 3), tensor.WithBacking(make([]int, 6)))}, `feed "x": unsupported element type int`},
	}
	for _, c := range cases {
		_, err := p.Run(c.feeds)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	out, err := p.Run(graph.Feeds{x: good})
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
	x := g.InputNode("x")
	xv := graph.FromFloat64s(graph.Float64, []int{2, 3}, []float64{1, 0, 0, 0, 0, 0})
	W.Value().Float64s()[0] = 10 // an optimizer updates in place
	out, _ := p.Run(graph.Feeds{x: xv})
	if v := out[0].Float64s()[0]; v != 10 {
		t.Fatalf("after in-place update got %v, want 10", v)
	}
	if err := W.SetValue(graph.NewTensor(graph.Float64, 2, 2)); err == nil || !strings.Contains(err.Error(), "value has shape [2 2], want [3 2]") {
		t.Fatalf("SetValue wrong shape: %v", err)
	}
	if err := W.SetValue(graph.FromFloat64s(graph.Float64, []int{3, 2}, []float64{7, 0, 0, 0, 0, 0})); err != nil {
		t.Fatal(err)
	}
	out, _ = p.Run(graph.Feeds{x: xv})
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
	if _, err := p.Run(graph.Feeds{a: graph.ScalarValue(graph.Float64, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(graph.Feeds{a: graph.ScalarValue(graph.Float64, 0), b: graph.ScalarValue(graph.Float64, 1)}); err != nil {
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
	if _, err := p.Run(graph.Feeds{x: in}); err != nil {
		t.Fatal(err)
	}
	distinct := map[*float64]bool{}
	var lost int
	_, err := p.Trace(graph.Feeds{x: in}, func(n *graph.Node, v *tensor.Dense) {
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

// TestReshapeSharesBuffer: a reshape of an op's value is a view of its buffer, not a copy,
// and that buffer is kept until the last reader of the view has run, although ops of the
// same size run in between and their buffers are recycled: the values match a reference
// computed by hand, in Run and in Trace, and a reshape of a fed input still copies.
func TestReshapeSharesBuffer(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3)
	a := ops.Exp(x)
	v := ops.Reshape(a, 3, 2) // a view of a's buffer
	c := x
	for range 4 { // same-size values whose buffers churn while v is still to be read
		c = ops.Neg(ops.Tanh(c))
	}
	out := ops.Add(v, ops.Reshape(c, 3, 2)) // v first: a and v come before the chain
	fed := ops.Reshape(x, 6)                // input: copied, the feed is not the program's to share
	p := graph.MustCompile(out, fed)
	xs := []float64{0.1, -0.2, 0.3, 0.4, -0.5, 0.6}
	feeds := graph.Feeds{x: graph.FromFloat64s(graph.Float64, []int{2, 3}, xs)}
	want := make([]float64, 6)
	for i, xv := range xs {
		cv := xv
		for range 4 {
			cv = -math.Tanh(cv)
		}
		want[i] = cv + math.Exp(xv)
	}
	check := func(how string, got []float64) {
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("%s: out[%d] = %v, want %v", how, i, got[i], want[i])
			}
		}
	}
	res, err := p.Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	check("Run", graph.Float64s(res[0]))
	if va, vv := p.Value(a), p.Value(v); va == nil || vv == nil || &vv.Float64s()[0] != &va.Float64s()[0] {
		t.Error("reshape(exp(x)) has a buffer of its own; want exp's")
	}
	if got := graph.Float64s(res[1]); &got[0] == &xs[0] || got[5] != xs[5] {
		t.Error("a reshape of a fed input must copy it")
	}
	var traced []float64
	if _, err := p.Trace(feeds, func(n *graph.Node, val *tensor.Dense) {
		if n == v && !slices.Equal(val.Shape(), []int{3, 2}) {
			t.Errorf("Trace shows the view with shape %v, want [3 2]", val.Shape())
		}
		if n == out {
			traced = slices.Clone(graph.Float64s(val))
		}
	}); err != nil {
		t.Fatal(err)
	}
	check("Trace", traced)
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
	feeds := graph.Feeds{x: graph.NewTensor(graph.Float32, 8, 5), tl: graph.NewTensor(graph.Float32, 8)}
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
	feeds := graph.Feeds{x: graph.FromFloat64s(graph.Float64, []int{3}, []float64{1, 800, 2})}
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
	_, err := p.Run(graph.Feeds{x: graph.NewTensor(graph.Float64, 2, 3), lbl: graph.FromFloat64s(graph.Float64, []int{2}, []float64{1, 3})})
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
				out, err := p.RunCopy(graph.Feeds{x: graph.FromFloat64s(graph.Float64, []int{4}, []float64{v, v, v, v})})
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
	_, err := p.Trace(graph.Feeds{a: graph.ScalarValue(graph.Float64, 1)}, func(n *graph.Node, v *tensor.Dense) {
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

// line returns the line it is called from, to name places in expected messages.
func line() int {
	_, _, l, _ := runtime.Caller(1)
	return l
}

// panicValue returns what f panics with, or nil.
func panicValue(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

func TestScopeNaming(t *testing.T) {
	g := graph.New()
	s := g.In("a").In("b")
	if s.Path() != "a.b" || s.Name("W") != "a.b.W" || s.Graph() != g {
		t.Fatalf("scope path %q, Name(W) %q", s.Path(), s.Name("W"))
	}
	W := s.Param("W", graph.F32(graph.Shape{2, 3}))
	if W.Name() != "a.b.W" || W.Kind() != graph.KindParam || g.ParamNode("a.b.W") != W {
		t.Fatalf("param %q (%v), ParamNode(a.b.W) = %v", W.Name(), W.Kind(), g.ParamNode("a.b.W"))
	}
	if r := g.Root(); r.Path() != "" || r.Name("W") != "W" {
		t.Fatalf("root path %q, Name(W) %q", r.Path(), r.Name("W"))
	}
	if b := g.Param("b", graph.F32(graph.Shape{3})); b.Name() != "b" {
		t.Fatalf("root param named %q", b.Name())
	}
	// The same name in another scope is another parameter.
	if W2 := g.In("c").Param("W", graph.F32(graph.Shape{2, 3})); W2 == W || W2.Name() != "c.W" {
		t.Fatalf("c.W: %q", W2.Name())
	}
	for _, name := range []string{"", "x.y"} {
		err := graph.Try(func() { g.In(name) })
		var se *graph.ShapeError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "want a non-empty name without dots") {
			t.Errorf("In(%q): %v", name, err)
		}
	}
	err := graph.Try(func() { g.In("a").Param("", graph.F32(graph.Shape{1})) })
	if err == nil || !strings.Contains(err.Error(), "a parameter needs a name") {
		t.Errorf("Param(\"\"): %v", err)
	}
}

func TestDuplicateParamNamesBothPlaces(t *testing.T) {
	g := graph.New()
	_, first := g.In("fc1").Param("W", graph.F32(graph.Shape{2, 3})), line()
	err, again := graph.Try(func() { g.In("fc1").Param("W", graph.F32(graph.Shape{4})) }), line()
	var se *graph.ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *graph.ShapeError", err)
	}
	want := fmt.Sprintf(`param(fc1.W[2 3]): a parameter named "fc1.W" was already made at graph/graph_test.go:%d; `+
		`made again at graph/graph_test.go:%d (build each layer in a scope of its own: s.In("name"))`, first, again)
	if err.Error() != want {
		t.Fatalf("message\n got %q\nwant %q", err.Error(), want)
	}
	// The root scope too, and the first parameter is kept.
	W := g.Param("W", graph.F32(graph.Shape{1}))
	if err := graph.Try(func() { g.Param("W", graph.F32(graph.Shape{1})) }); err == nil || !strings.Contains(err.Error(), `a parameter named "W" was already made at graph/graph_test.go:`) {
		t.Fatalf("root duplicate: %v", err)
	}
	if g.ParamNode("W") != W || len(g.Params()) != 2 {
		t.Fatalf("after the failed duplicate: ParamNode(W) = %v, %d params", g.ParamNode("W"), len(g.Params()))
	}
}

func TestScopeParams(t *testing.T) {
	g := graph.New()
	v := func() *tensor.Dense { return graph.F64(graph.Shape{2}) }
	aW := g.In("a").Param("W", v())
	top := g.Param("top", v())
	abW := g.In("a").In("b").Param("W", v())
	abW2 := g.In("ab").Param("W", v()) // "ab.W" is not under "a"
	g.Input("x", graph.Float64, 2)     // not a parameter
	g.Const("k", v())                  // nor is a constant
	ab := g.In("a").Param("b", v())    // "a.b" the parameter, beside the scope a.b
	names := func(ns []*graph.Node) string {
		var s []string
		for _, n := range ns {
			s = append(s, n.Name())
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		scope graph.Scope
		want  []*graph.Node
	}{
		{g.In("a"), []*graph.Node{aW, abW, ab}},
		{g.In("a").In("b"), []*graph.Node{abW}},
		{g.In("ab"), []*graph.Node{abW2}},
		{g.In("none"), nil},
		{g.Root(), []*graph.Node{aW, top, abW, abW2, ab}},
	} {
		if got := c.scope.Params(); names(got) != names(c.want) || len(got) != len(c.want) {
			t.Errorf("scope %q: params %q, want %q", c.scope.Path(), names(got), names(c.want))
		}
	}
	if got := g.Params(); names(got) != "a.W top a.b.W ab.W a.b" {
		t.Errorf("g.Params() = %q", names(got))
	}
}

func TestAttached(t *testing.T) {
	g, other := graph.New(), graph.New()
	type key struct{ name string }
	calls := 0
	mk := func() any { calls++; return &calls }
	v1 := g.Attached(key{"a"}, mk)
	v2 := g.Attached(key{"a"}, func() any { t.Fatal("make called for a key already attached"); return nil })
	if v1 != v2 || calls != 1 {
		t.Fatalf("same key: %v and %v, make called %d times", v1, v2, calls)
	}
	if g.Attached(key{"b"}, func() any { return "b" }) != "b" {
		t.Fatal("another key shares the first key's value")
	}
	if other.Attached(key{"a"}, func() any { return "other" }) != "other" {
		t.Fatal("another graph shares the first graph's value")
	}
}

func TestFeedsByName(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3)
	lbl := g.Input("t", graph.Int32, 2)
	xv, tv := graph.F64(graph.Shape{2, 3}), graph.I32(graph.Shape{2}, 1, 0)
	f, err := g.FeedsByName(map[string]*tensor.Dense{"x": xv, "t": tv})
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 2 || f[x] != xv || f[lbl] != tv {
		t.Fatalf("feeds %v", f)
	}
	if g.InputNode("x") != x || g.InputNode("t") != lbl || g.InputNode("z") != nil {
		t.Fatal("InputNode does not find the inputs by name")
	}
	f, err = g.FeedsByName(map[string]*tensor.Dense{"x": xv, "z": xv})
	want := `graph: feed "z": the graph has no input of that name (inputs: t int32[2], x float64[2 3])`
	if err == nil || err.Error() != want || f != nil {
		t.Fatalf("got %v, %v\nwant %s", f, err, want)
	}
}

// TestFeedFromAnotherGraph feeds an input of the same name and type, made in another graph:
// it is not the program's input, so Run says so rather than using it.
func TestFeedFromAnotherGraph(t *testing.T) {
	g, _, p := newAffine(t)
	other := graph.New().Input("x", graph.Float64, 2, 3)
	v := graph.F64(graph.Shape{2, 3})
	_, err := p.Run(graph.Feeds{g.InputNode("x"): v, other: v})
	want := "graph: feed x float64[2 3] is not an input of this graph (inputs: x float64[2 3])"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	if _, err := p.Run(graph.Feeds{other: v}); err == nil || !strings.Contains(err.Error(), "is not an input of this graph") {
		t.Fatalf("feeding only the other graph's x: %v", err)
	}
	if _, err := p.Run(graph.Feeds{g.InputNode("x"): v}); err != nil {
		t.Fatal(err)
	}
}

// countOp counts the elements of an integer vector that equal k: an op with an integer input.
type countOp struct{ k int32 }

func (countOp) Name() string        { return "count" }
func (countOp) IntInput(i int) bool { return i == 0 }
func (countOp) Shape(in ...graph.Type) (graph.Type, error) {
	return graph.Type{DType: graph.Float64}, nil
}
func (countOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return []*graph.Node{nil} }
func (o countOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	n := 0
	for _, v := range in[0].Int32s() {
		if v == o.k {
			n++
		}
	}
	y.Float64s()[0] = float64(n)
	return nil
}

func TestIntInputs(t *testing.T) {
	g := graph.New()
	labels := g.Input("labels", graph.Int32, 4)
	if labels.DType() != graph.Int32 || labels.DType().IsFloat() || !labels.DType().IsInt() {
		t.Fatalf("dtype %v", labels.DType())
	}
	err := graph.Try(func() { ops.Exp(labels) })
	var se *graph.ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("ops.Exp of an int32 input: got %v, want a *graph.ShapeError", err)
	}
	want := "exp(labels[4]): input 0 (labels) is int32: exp takes float32 or float64 there"
	if err.Error() != want {
		t.Fatalf("message\n got %q\nwant %q", err.Error(), want)
	}
	if se.Op != "exp" || len(se.Inputs) != 1 || se.Inputs[0] != "labels" {
		t.Fatalf("fields: %+v", se)
	}
	// Integer parameters are refused: nothing could train them.
	if err := graph.Try(func() { g.Param("W", graph.I64(graph.Shape{2})) }); err == nil || !strings.Contains(err.Error(), "must be float32 or float64, not int64") {
		t.Fatalf("int64 param: %v", err)
	}
	// An op that says it takes integers there gets them.
	c := graph.Apply(countOp{k: 3}, labels)
	p := graph.MustCompile(c)
	out, err := p.Run(graph.Feeds{labels: graph.I32(graph.Shape{4}, 3, 1, 3, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if n := graph.Item(out[0]); n != 3 {
		t.Fatalf("count = %v, want 3", n)
	}
	if _, err := p.Run(graph.Feeds{labels: graph.I64(graph.Shape{4})}); err == nil || !strings.Contains(err.Error(), `feed "labels": value is int64, want int32`) {
		t.Fatalf("int64 fed for int32: %v", err)
	}
}

func TestTypedConstructors(t *testing.T) {
	x := graph.F32(graph.Shape{2, 3}, 1, 2, 3, 4, 5, 6)
	if x.Dtype() != tensor.Float32 || !graph.Shape(x.Shape()).Equal(graph.Shape{2, 3}) || x.Float32s()[5] != 6 {
		t.Fatalf("F32: %v %v %v", x.Dtype(), x.Shape(), x)
	}
	if z := graph.F32(graph.Shape{2, 2}); len(z.Float32s()) != 4 || z.Float32s()[3] != 0 {
		t.Fatalf("F32 without data: %v", z)
	}
	if v := graph.Item(graph.F32(nil, 0.5)); v != 0.5 {
		t.Fatalf("Item(F32(nil, 0.5)) = %v", v)
	}
	if v := graph.Item(graph.F64(graph.Shape{1, 1}, -2.25)); v != -2.25 {
		t.Fatalf("Item of a [1 1] float64 = %v", v)
	}
	l := graph.I32(graph.Shape{3}, 7, 0, 2)
	if l.Dtype() != tensor.Int32 || l.Int32s()[0] != 7 || l.Int32s()[2] != 2 {
		t.Fatalf("I32: %v %v", l.Dtype(), l)
	}
	if dt, err := graph.DTypeOf(l); err != nil || dt != graph.Int32 {
		t.Fatalf("DTypeOf(I32) = %v, %v", dt, err)
	}
	if v := graph.Item(graph.I32(nil, 9)); v != 9 {
		t.Fatalf("Item(I32(nil, 9)) = %v", v)
	}
	if l := graph.I64(graph.Shape{2}, 1<<40, 3); l.Dtype() != tensor.Int64 || graph.Float64s(l)[0] != 1<<40 {
		t.Fatalf("I64: %v", l)
	}
	for _, c := range []struct {
		f    func()
		want string
	}{
		{func() { graph.F32(graph.Shape{2, 3}, 1, 2, 3, 4, 5) }, "graph.F32: 5 values for shape [2 3] (6 elements)"},
		{func() { graph.F64(graph.Shape{2}, 1, 2, 3) }, "graph.F64: 3 values for shape [2] (2 elements)"},
		{func() { graph.I32(graph.Shape{4}, 1) }, "graph.I32: 1 values for shape [4] (4 elements)"},
		{func() { graph.I64(nil, 1, 2) }, "graph.I64: 2 values for shape [] (1 elements)"},
		{func() { graph.Item(graph.F32(graph.Shape{2}, 1, 2)) }, "graph.Item: the tensor holds 2 values [2], not one"},
	} {
		r := panicValue(c.f)
		if s, _ := r.(string); s != c.want {
			t.Errorf("panic %v, want %q", r, c.want)
		}
	}
}
