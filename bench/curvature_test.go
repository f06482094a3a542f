package bench

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// The cost of forward mode and curvature on the book's TwoLayerNet (784-50-10, batch 100,
// float32), each against its baseline in the same run:
//
//	BenchmarkCurvatureForward  the loss                      (baseline of JVP)
//	BenchmarkCurvatureJVP      the loss's tangent along v    (target: at most 3x Forward)
//	BenchmarkCurvatureGrad     the loss and its gradient     (baseline of HVP)
//	BenchmarkCurvatureHVP      H v over all four parameters  (target: at most 4x Grad)
//
// go test ./bench -run '^$' -bench Curvature -count 5 | tee c.txt && bench/medians.sh c.txt

type curvatureNet struct {
	loss   *graph.Node
	params []*graph.Node
	vs     []*graph.Node // a tangent per parameter
	feeds  graph.Feeds
}

func newCurvatureNet() *curvatureNet {
	rng := rand.New(rand.NewPCG(1, 2))
	g := graph.New()
	x := g.Input("x", graph.Float32, batch, inputs)
	t := g.Input("t", graph.Float32, batch, labels)
	W1 := g.Param("W1", graph.F32(graph.Shape{inputs, hidden}, randF32(rng, inputs*hidden, 0.01)...))
	b1 := g.Param("b1", graph.NewTensor(graph.Float32, hidden))
	W2 := g.Param("W2", graph.F32(graph.Shape{hidden, labels}, randF32(rng, hidden*labels, 0.01)...))
	b2 := g.Param("b2", graph.NewTensor(graph.Float32, labels))
	h := ops.Sigmoid(ops.Add(ops.MatMul(x, W1), b1))
	net := &curvatureNet{
		loss:   ops.SoftmaxCrossEntropy(ops.Add(ops.MatMul(h, W2), b2), t),
		params: []*graph.Node{W1, b1, W2, b2},
		feeds: graph.Feeds{
			x: tensor.New(tensor.WithShape(batch, inputs), tensor.WithBacking(randF32(rng, batch*inputs, 1))),
			t: tensor.New(tensor.WithShape(batch, labels), tensor.WithBacking(oneHotBatch(rng))),
		},
	}
	for _, p := range net.params {
		net.vs = append(net.vs, g.Const("v_"+p.Name(), graph.F32(p.Shape(), randF32(rng, p.Shape().Size(), 1)...)))
	}
	return net
}

func benchProgram(b *testing.B, feeds graph.Feeds, outputs ...*graph.Node) {
	prog := graph.MustCompile(outputs...)
	if _, err := prog.Run(feeds); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := prog.Run(feeds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(prog.Nodes())), "nodes")
}

func BenchmarkCurvatureForward(b *testing.B) {
	net := newCurvatureNet()
	benchProgram(b, net.feeds, net.loss)
}

func BenchmarkCurvatureJVP(b *testing.B) {
	net := newCurvatureNet()
	benchProgram(b, net.feeds, autodiff.JVP([]*graph.Node{net.loss}, net.params, net.vs)...)
}

func BenchmarkCurvatureGrad(b *testing.B) {
	net := newCurvatureNet()
	benchProgram(b, net.feeds, append([]*graph.Node{net.loss}, autodiff.Grad(net.loss, net.params...)...)...)
}

func BenchmarkCurvatureHVP(b *testing.B) {
	net := newCurvatureNet()
	benchProgram(b, net.feeds, autodiff.HVP(net.loss, net.params, net.vs)...)
}
