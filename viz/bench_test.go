package viz

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// deepMLP builds a training step of a deep, narrow MLP (Affine + Sigmoid per layer, then
// SoftmaxWithLoss) with its backward graph: about 10 nodes per layer.
func deepMLP(tb testing.TB, layers int) testGraph {
	r := rand.New(rand.NewPCG(5, 6))
	g := graph.New()
	const batch, width = 2, 4
	x := g.Input("x", graph.Float64, batch, width)
	labels := g.Input("t", graph.Float64, batch)
	h := x
	var params []*graph.Node
	for i := range layers {
		s := g.In(fmt.Sprintf("fc%d", i+1)) // parameter names are unique: fc1.W, fc1.b, fc2.W, ...
		W := s.Param("W", graph.FromFloat64s(graph.Float64, []int{width, width}, randTensor(r, 0.5, width, width)))
		b := s.Param("b", graph.NewTensor(graph.Float64, width))
		params = append(params, W, b)
		h = ops.Sigmoid(ops.Add(ops.MatMul(h, W), b))
	}
	loss := ops.SoftmaxCrossEntropy(h, labels).SetName("loss")
	grads := autodiff.Grad(loss, params...)
	rec := record(tb, append([]*graph.Node{loss}, grads...), graph.Feeds{
		x:      graph.FromFloat64s(graph.Float64, []int{batch, width}, randTensor(r, 1, batch, width)),
		labels: graph.FromFloat64s(graph.Float64, []int{batch}, []float64{1, 3}),
	})
	return testGraph{"deep", []*graph.Node{loss}, rec}
}

// BenchmarkRender2000 lays out and draws, as SVG, the full forward and backward graph of
// a training step of about 2,000 nodes (3,616 boxes and ellipses).
func BenchmarkRender2000(b *testing.B) {
	tg := deepMLP(b, 200)
	m, err := newModel(tg.outputs)
	if err != nil {
		b.Fatal(err)
	}
	dot, err := Dot(Options{View: Full, Values: tg.rec}, tg.outputs...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(m.nodes)), "nodes")
	b.ResetTimer()
	for b.Loop() {
		if _, err := Render(dot, SVGFormat); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderLarge draws the full graph of a 2,000-node training step. It takes about 7 s of
// CPU (the layout is nearly all of it), so -short skips it.
func TestRenderLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 2,000-node picture takes seconds")
	}
	t.Parallel() // beside the browser test, which mostly waits on Chromium
	tg := deepMLP(t, 200)
	m, err := newModel(tg.outputs)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.nodes); n < 2000 {
		t.Fatalf("the graph has %d nodes, want 2,000 or more", n)
	}
	start := time.Now()
	svg, err := SVG(Options{View: Full, Values: tg.rec}, tg.outputs...)
	if err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, svg)
	for _, n := range m.nodes { // every tensor is drawn with its label
		if len(texts["full_t"+m.id(n)]) == 0 {
			t.Fatalf("node %s is not in the SVG", n)
		}
	}
	t.Logf("%d nodes drawn in %v", len(m.nodes), time.Since(start).Round(time.Millisecond))
}

// BenchmarkDot2000 writes the DOT of the same graph's full view.
func BenchmarkDot2000(b *testing.B) {
	tg := deepMLP(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Dot(Options{View: Full, Values: tg.rec}, tg.outputs...); err != nil {
			b.Fatal(err)
		}
	}
}
