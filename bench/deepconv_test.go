package bench

import (
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/optim"
)

// The book's DeepConvNet (chapter 8): six 3x3 convolutions 16-16-32-32-64-64, three max
// pools, Affine 1024-50, ReLU, dropout, Affine 50-10, dropout; one training step of batch
// 100 in float32 with Adam, ours and gorgonia's.

func BenchmarkDeepConvNetStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := graph.New()
	net := book.NewDeepConvNet(g.Root(), book.DeepConvNetConfig{Options: book.Options{Rand: rng}})
	x := g.Input("x", graph.Float32, batch, 1, imageSide, imageSide)
	t := g.Input("t", graph.Float32, batch, labels)
	ts := optim.NewStep(net.Loss(x, t), optim.DefaultAdam())
	feeds := graph.Feeds{
		x: tensorF32(rng, 1, batch, 1, imageSide, imageSide),
		t: tensor.New(tensor.WithShape(batch, labels), tensor.WithBacking(oneHotBatch(rng))),
	}
	step := stepOf(b, ts, feeds)
	step()
	timeSteps(b, step, deepConvNetFlops)
}

func BenchmarkDeepConvNetStepGorgonia(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := G.NewGraph()
	t4 := func(name string, t *tensor.Dense) *G.Node {
		return G.NewTensor(g, G.Float32, 4, G.WithShape(t.Shape()...), G.WithName(name), G.WithValue(t))
	}
	mat := func(name string, t *tensor.Dense) *G.Node {
		return G.NewMatrix(g, G.Float32, G.WithShape(t.Shape()...), G.WithName(name), G.WithValue(t))
	}
	x := t4("x", tensorF32(rng, 1, batch, 1, imageSide, imageSide))
	t := mat("t", tensor.New(tensor.WithShape(batch, labels), tensor.WithBacking(oneHotBatch(rng))))
	var learnables G.Nodes
	h := x
	convs := []struct{ fn, c, pad int }{{16, 1, 1}, {16, 16, 1}, {32, 16, 1}, {32, 32, 2}, {64, 32, 1}, {64, 64, 1}}
	for i, cv := range convs {
		W := t4("W"+string(rune('1'+i)), tensorF32(rng, 0.1, cv.fn, cv.c, 3, 3))
		bb := t4("b"+string(rune('1'+i)), graph.NewTensor(graph.Float32, 1, cv.fn, 1, 1))
		learnables = append(learnables, W, bb)
		h = G.Must(G.Conv2d(h, W, tensor.Shape{3, 3}, []int{cv.pad, cv.pad}, []int{1, 1}, []int{1, 1}))
		h = G.Must(G.Rectify(G.Must(G.BroadcastAdd(h, bb, nil, []byte{0, 2, 3}))))
		if i%2 == 1 {
			h = G.Must(G.MaxPool2D(h, tensor.Shape{2, 2}, []int{0, 0}, []int{2, 2}))
		}
	}
	h = G.Must(G.Reshape(h, tensor.Shape{batch, 1024}))
	W7 := mat("W7", tensorF32(rng, 0.04, 1024, 50))
	b7 := G.NewVector(g, G.Float32, G.WithShape(50), G.WithName("b7"), G.WithInit(G.Zeroes()))
	W8 := mat("W8", tensorF32(rng, 0.2, 50, labels))
	b8 := G.NewVector(g, G.Float32, G.WithShape(labels), G.WithName("b8"), G.WithInit(G.Zeroes()))
	learnables = append(learnables, W7, b7, W8, b8)
	h = G.Must(G.Rectify(G.Must(G.BroadcastAdd(G.Must(G.Mul(h, W7)), b7, nil, []byte{0}))))
	h = G.Must(G.Dropout(h, 0.5))
	logits := G.Must(G.Dropout(G.Must(G.BroadcastAdd(G.Must(G.Mul(h, W8)), b8, nil, []byte{0})), 0.5))
	logp := G.Must(G.Log(G.Must(G.SoftMax(logits))))
	loss := G.Must(G.Neg(G.Must(G.Mean(G.Must(G.Sum(G.Must(G.HadamardProd(t, logp)), 1))))))
	if _, err := G.Grad(loss, learnables...); err != nil {
		b.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(learnables...))
	defer m.Close()
	solver := G.NewAdamSolver(G.WithLearnRate(0.001))
	step := func() {
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
		if err := solver.Step(G.NodesToValueGrads(learnables)); err != nil {
			b.Fatal(err)
		}
		m.Reset()
	}
	step()
	timeSteps(b, step, deepConvNetFlops)
}
