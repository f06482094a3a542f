package bench

import (
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// The book's SimpleConvNet (chapter 7): conv 30 filters 5x5 stride 1 pad 0 on MNIST-shaped
// images [100 1 28 28], ReLU, max pool 2x2 stride 2, affine 4320-100, ReLU, affine 100-10,
// softmax-cross-entropy; batch 100, float32. One training step is forward, backward and an
// Adam update (lr 0.001), as in the book's train_convnet.py. Ours and gorgonia's side by
// side, and our forward pass alone (inference).

const (
	convFilters = 30
	convSize    = 5
	imageSide   = 28
	pooledFlat  = convFilters * 12 * 12 // 4320
	convHidden  = 100
)

type simpleConvNet struct {
	x, t   *graph.Node
	logits *graph.Node
	loss   *graph.Node
	params []*graph.Node
	feeds  graph.Feeds
}

func tensorF32(rng *rand.Rand, std float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(randF32(rng, graph.Shape(shape).Size(), std)))
}

func newSimpleConvNet() *simpleConvNet {
	rng := rand.New(rand.NewPCG(3, 4))
	g := graph.New()
	n := &simpleConvNet{
		x: g.Input("x", graph.Float32, batch, 1, imageSide, imageSide),
		t: g.Input("t", graph.Float32, batch, labels),
	}
	W1 := g.Param("W1", tensorF32(rng, 0.01, convFilters, 1, convSize, convSize))
	b1 := g.Param("b1", graph.NewTensor(graph.Float32, convFilters))
	W2 := g.Param("W2", tensorF32(rng, 0.01, pooledFlat, convHidden))
	b2 := g.Param("b2", graph.NewTensor(graph.Float32, convHidden))
	W3 := g.Param("W3", tensorF32(rng, 0.01, convHidden, labels))
	b3 := g.Param("b3", graph.NewTensor(graph.Float32, labels))
	h := ops.MaxPool2D(ops.ReLU(ops.Conv2DBias(n.x, W1, b1, 1, 0)), 2, 2, 2, 0)
	h = ops.ReLU(ops.Add(ops.MatMul(ops.Flatten(h), W2), b2))
	n.logits = ops.Add(ops.MatMul(h, W3), b3)
	n.loss = ops.SoftmaxCrossEntropy(n.logits, n.t)
	n.params = []*graph.Node{W1, b1, W2, b2, W3, b3}
	n.feeds = graph.Feeds{
		n.x: tensorF32(rng, 1, batch, 1, imageSide, imageSide),
		n.t: tensor.New(tensor.WithShape(batch, labels), tensor.WithBacking(oneHotBatch(rng))),
	}
	return n
}

// simpleConvNetStep builds the net and returns one training step.
func simpleConvNetStep(tb testing.TB) func() {
	n := newSimpleConvNet()
	step := optim.NewStep(n.loss, optim.DefaultAdam(), n.params...)
	return func() {
		if _, err := step.Run(n.feeds); err != nil {
			tb.Fatal(err)
		}
	}
}

// peakHeapMB builds a training step and runs it once with the garbage collector off, and
// returns the megabytes allocated meanwhile: an upper bound of the peak heap of training,
// model, scratch buffers and one batch included (a step allocates nothing after the first).
func peakHeapMB(build func() func()) (float64, func()) {
	runtime.GC()
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	step := build()
	step()
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / 1e6, step
}

func BenchmarkSimpleConvNetStep(b *testing.B) {
	heap, step := peakHeapMB(func() func() { return simpleConvNetStep(b) })
	timeSteps(b, step, simpleConvNetFlops)
	b.ReportMetric(heap, "peak-heap-MB")
}

// TestSimpleConvNetStepHeap holds a SimpleConvNet training step (batch 100, float32) under
// 100 MB of heap, everything it allocates counted.
func TestSimpleConvNetStepHeap(t *testing.T) {
	heap, _ := peakHeapMB(func() func() { return simpleConvNetStep(t) })
	t.Logf("SimpleConvNet step: %.1f MB allocated with the collector off", heap)
	if heap >= 100 {
		t.Errorf("a SimpleConvNet step allocates %.1f MB, want under 100", heap)
	}
}

// BenchmarkSimpleConvNetInfer classifies batches of 100 with the compiled forward pass,
// whose convolution runs the ReLU and the pooling in its kernel (graph.Fuser).
func BenchmarkSimpleConvNetInfer(b *testing.B) {
	benchInfer(b, graph.Compile)
}

// BenchmarkSimpleConvNetInferUnfused is the same forward pass compiled without fusion:
// every op writes its whole output.
func BenchmarkSimpleConvNetInferUnfused(b *testing.B) {
	benchInfer(b, graph.CompileUnfused)
}

func benchInfer(b *testing.B, compile func(...*graph.Node) (*graph.Program, error)) {
	n := newSimpleConvNet()
	prog, err := compile(n.logits)
	if err != nil {
		b.Fatal(err)
	}
	feeds := graph.Feeds{n.x: n.feeds[n.x]}
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
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(testSetImages/float64(b.N*batch)*b.Elapsed().Seconds(), "s/test-set")
}

// testSetImages is the size of MNIST's test set: the inference benchmarks also report the
// time to classify all of it in batches of 100.
const testSetImages = 10000

// gorgoniaConvNet builds the same network in gorgonia: G.Conv2d, G.BroadcastAdd, G.Rectify,
// G.MaxPool2D, G.Reshape, G.Mul, softmax and log cross entropy; the bias of the
// convolution is [1 30 1 1] there, broadcast over N, H and W.
func gorgoniaConvNet(b *testing.B, train bool) (*G.ExprGraph, G.Nodes) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := G.NewGraph()
	tensor4 := func(name string, t *tensor.Dense) *G.Node {
		return G.NewTensor(g, G.Float32, 4, G.WithShape(t.Shape()...), G.WithName(name), G.WithValue(t))
	}
	matrix := func(name string, t *tensor.Dense) *G.Node {
		return G.NewMatrix(g, G.Float32, G.WithShape(t.Shape()...), G.WithName(name), G.WithValue(t))
	}
	vector := func(name string, size int) *G.Node {
		return G.NewVector(g, G.Float32, G.WithShape(size), G.WithName(name), G.WithInit(G.Zeroes()))
	}
	W1 := tensor4("W1", tensorF32(rng, 0.01, convFilters, 1, convSize, convSize))
	W2 := matrix("W2", tensorF32(rng, 0.01, pooledFlat, convHidden))
	W3 := matrix("W3", tensorF32(rng, 0.01, convHidden, labels))
	b1 := tensor4("b1", graph.NewTensor(graph.Float32, 1, convFilters, 1, 1))
	b2, b3 := vector("b2", convHidden), vector("b3", labels)
	x := tensor4("x", tensorF32(rng, 1, batch, 1, imageSide, imageSide))
	t := matrix("t", tensor.New(tensor.WithShape(batch, labels), tensor.WithBacking(oneHotBatch(rng))))

	c := G.Must(G.Conv2d(x, W1, tensor.Shape{convSize, convSize}, []int{0, 0}, []int{1, 1}, []int{1, 1}))
	c = G.Must(G.BroadcastAdd(c, b1, nil, []byte{0, 2, 3}))
	p := G.Must(G.MaxPool2D(G.Must(G.Rectify(c)), tensor.Shape{2, 2}, []int{0, 0}, []int{2, 2}))
	f := G.Must(G.Reshape(p, tensor.Shape{batch, pooledFlat}))
	h := G.Must(G.Rectify(G.Must(G.BroadcastAdd(G.Must(G.Mul(f, W2)), b2, nil, []byte{0}))))
	logits := G.Must(G.BroadcastAdd(G.Must(G.Mul(h, W3)), b3, nil, []byte{0}))
	learnables := G.Nodes{W1, b1, W2, b2, W3, b3}
	if !train {
		return g, learnables
	}
	logp := G.Must(G.Log(G.Must(G.SoftMax(logits))))
	loss := G.Must(G.Neg(G.Must(G.Mean(G.Must(G.Sum(G.Must(G.HadamardProd(t, logp)), 1))))))
	if _, err := G.Grad(loss, learnables...); err != nil {
		b.Fatal(err)
	}
	return g, learnables
}

func BenchmarkSimpleConvNetStepGorgonia(b *testing.B) {
	var m G.VM
	heap, step := peakHeapMB(func() func() {
		g, learnables := gorgoniaConvNet(b, true)
		m = G.NewTapeMachine(g, G.BindDualValues(learnables...))
		solver := G.NewAdamSolver(G.WithLearnRate(0.001))
		return func() {
			if err := m.RunAll(); err != nil {
				b.Fatal(err)
			}
			if err := solver.Step(G.NodesToValueGrads(learnables)); err != nil {
				b.Fatal(err)
			}
			m.Reset()
		}
	})
	defer m.Close()
	timeSteps(b, step, simpleConvNetFlops)
	b.ReportMetric(heap, "peak-heap-MB")
}

func BenchmarkSimpleConvNetInferGorgonia(b *testing.B) {
	g, _ := gorgoniaConvNet(b, false)
	m := G.NewTapeMachine(g)
	defer m.Close()
	run := func() {
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
		m.Reset()
	}
	run()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(testSetImages/float64(b.N*batch)*b.Elapsed().Seconds(), "s/test-set")
}
