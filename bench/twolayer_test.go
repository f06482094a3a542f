package bench

import (
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// The book's TwoLayerNet (784-50-10, sigmoid, softmax-cross-entropy), one training step:
// forward, backward and an SGD update, batch 100, float32. Ours and gorgonia's side by side.

const (
	batch  = 100
	inputs = 784
	hidden = 50
	labels = 10
	lr     = 0.1
)

func randF32(rng *rand.Rand, n int, std float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = std * float32(rng.NormFloat64())
	}
	return v
}

func oneHotBatch(rng *rand.Rand) []float32 {
	t := make([]float32, batch*labels)
	for i := 0; i < batch; i++ {
		t[i*labels+rng.IntN(labels)] = 1
	}
	return t
}

func BenchmarkTwoLayerNetStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := graph.New()
	x := g.Input("x", graph.Float32, batch, inputs)
	t := g.Input("t", graph.Float32, batch, labels)
	W1 := g.Param("W1", tensor.New(tensor.WithShape(inputs, hidden), tensor.WithBacking(randF32(rng, inputs*hidden, 0.01))))
	b1 := g.Param("b1", graph.NewTensor(graph.Float32, hidden))
	W2 := g.Param("W2", tensor.New(tensor.WithShape(hidden, labels), tensor.WithBacking(randF32(rng, hidden*labels, 0.01))))
	b2 := g.Param("b2", graph.NewTensor(graph.Float32, labels))
	h := ops.Sigmoid(ops.Add(ops.MatMul(x, W1), b1))
	loss := ops.SoftmaxCrossEntropy(ops.Add(ops.MatMul(h, W2), b2), t)
	ts := optim.NewStep(loss, optim.NewSGD(lr), W1, b1, W2, b2)
	feeds := graph.Feeds{
		x: tensor.New(tensor.WithShape(batch, inputs), tensor.WithBacking(randF32(rng, batch*inputs, 1))),
		t: tensor.New(tensor.WithShape(batch, labels), tensor.WithBacking(oneHotBatch(rng))),
	}
	step := stepOf(b, ts, feeds)
	step()
	timeSteps(b, step, twoLayerNetFlops)
}

func BenchmarkTwoLayerNetStepGorgonia(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := G.NewGraph()
	xT := tensor.New(tensor.WithShape(batch, inputs), tensor.WithBacking(randF32(rng, batch*inputs, 1)))
	tT := tensor.New(tensor.WithShape(batch, labels), tensor.WithBacking(oneHotBatch(rng)))
	x := G.NewMatrix(g, G.Float32, G.WithShape(batch, inputs), G.WithName("x"), G.WithValue(xT))
	t := G.NewMatrix(g, G.Float32, G.WithShape(batch, labels), G.WithName("t"), G.WithValue(tT))
	W1 := G.NewMatrix(g, G.Float32, G.WithShape(inputs, hidden), G.WithName("W1"),
		G.WithValue(tensor.New(tensor.WithShape(inputs, hidden), tensor.WithBacking(randF32(rng, inputs*hidden, 0.01)))))
	b1 := G.NewVector(g, G.Float32, G.WithShape(hidden), G.WithName("b1"), G.WithInit(G.Zeroes()))
	W2 := G.NewMatrix(g, G.Float32, G.WithShape(hidden, labels), G.WithName("W2"),
		G.WithValue(tensor.New(tensor.WithShape(hidden, labels), tensor.WithBacking(randF32(rng, hidden*labels, 0.01)))))
	b2 := G.NewVector(g, G.Float32, G.WithShape(labels), G.WithName("b2"), G.WithInit(G.Zeroes()))
	a1 := G.Must(G.BroadcastAdd(G.Must(G.Mul(x, W1)), b1, nil, []byte{0}))
	h := G.Must(G.Sigmoid(a1))
	a2 := G.Must(G.BroadcastAdd(G.Must(G.Mul(h, W2)), b2, nil, []byte{0}))
	logp := G.Must(G.Log(G.Must(G.SoftMax(a2))))
	loss := G.Must(G.Neg(G.Must(G.Mean(G.Must(G.Sum(G.Must(G.HadamardProd(t, logp)), 1))))))
	learnables := G.Nodes{W1, b1, W2, b2}
	if _, err := G.Grad(loss, learnables...); err != nil {
		b.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(learnables...))
	defer m.Close()
	solver := G.NewVanillaSolver(G.WithLearnRate(lr))
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
	timeSteps(b, step, twoLayerNetFlops)
}

// The book's apple graph: two multiplies and their gradients, to measure per-node overhead.
func BenchmarkAppleGraph(b *testing.B) {
	g := graph.New()
	apple := g.Param("apple", graph.ScalarValue(graph.Float64, 100))
	num := g.Param("apple_num", graph.ScalarValue(graph.Float64, 2))
	tax := g.Param("tax", graph.ScalarValue(graph.Float64, 1.1))
	price := ops.Mul(ops.Mul(apple, num), tax)
	grads := autodiff.Grad(price, apple, num, tax)
	prog := graph.MustCompile(append([]*graph.Node{price}, grads...)...)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		out, err := prog.Run(nil)
		if err != nil || out[0].Float64s()[0] != 220.00000000000003 {
			b.Fatal(err, out)
		}
	}
}

func BenchmarkAppleGraphGorgonia(b *testing.B) {
	g := G.NewGraph()
	apple := G.NewScalar(g, G.Float64, G.WithName("apple"), G.WithValue(100.0))
	num := G.NewScalar(g, G.Float64, G.WithName("apple_num"), G.WithValue(2.0))
	tax := G.NewScalar(g, G.Float64, G.WithName("tax"), G.WithValue(1.1))
	price := G.Must(G.Mul(G.Must(G.Mul(apple, num)), tax))
	if _, err := G.Grad(price, apple, num, tax); err != nil {
		b.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
		m.Reset()
	}
}
