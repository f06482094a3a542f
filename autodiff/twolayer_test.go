package autodiff_test

// The book's TwoLayerNet (chapter 4 and 5): x [N in] -> Affine(W1, b1) -> Sigmoid ->
// Affine(W2, b2) -> SoftmaxWithLoss against one-hot labels t [N out], mean over the batch.
// Three tests: its loss and gradients against the same net in gorgonia, its gradients against
// central differences (the book's gradient check), and plain SGD training in float32.

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// twoLayerNet holds the net's nodes in a zerograd graph.
type twoLayerNet struct {
	x, t               *graph.Node // inputs: [N in] and one-hot [N out]
	W1, b1, W2, b2     *graph.Node // parameters
	loss               *graph.Node
	in, hidden, out, n int
}

// twoLayerWeights draws the book's initial weights: W ~ N(0, std^2); b, which the book sets to
// zero, small random values here so that a wrong bias gradient cannot hide.
type twoLayerWeights struct{ W1, b1, W2, b2 []float64 }

func newTwoLayerWeights(rng *rand.Rand, in, hidden, out int, std float64) twoLayerWeights {
	normal := func(n int, s float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = s * rng.NormFloat64()
		}
		return v
	}
	return twoLayerWeights{
		W1: normal(in*hidden, std), b1: normal(hidden, std),
		W2: normal(hidden*out, std), b2: normal(out, std),
	}
}

// newTwoLayerNet builds the net in zerograd with the given weights (copied) and element type.
func newTwoLayerNet(dt graph.DType, n, in, hidden, out int, w twoLayerWeights) *twoLayerNet {
	g := graph.New()
	net := &twoLayerNet{in: in, hidden: hidden, out: out, n: n}
	net.x = g.Input("x", dt, n, in)
	net.t = g.Input("t", dt, n, out)
	net.W1 = g.Param("W1", graph.FromFloat64s(dt, []int{in, hidden}, w.W1))
	net.b1 = g.Param("b1", graph.FromFloat64s(dt, []int{hidden}, w.b1))
	net.W2 = g.Param("W2", graph.FromFloat64s(dt, []int{hidden, out}, w.W2))
	net.b2 = g.Param("b2", graph.FromFloat64s(dt, []int{out}, w.b2))
	z1 := ops.Sigmoid(ops.Add(ops.MatMul(net.x, net.W1), net.b1))
	a2 := ops.Add(ops.MatMul(z1, net.W2), net.b2)
	net.loss = ops.SoftmaxCrossEntropy(a2, net.t)
	return net
}

func (net *twoLayerNet) params() []*graph.Node { return []*graph.Node{net.W1, net.b1, net.W2, net.b2} }

// twoLayerData is a batch: inputs x [n in] and one-hot labels t [n out].
type twoLayerData struct {
	x, t   []float64
	labels []int
}

// randomBatch draws inputs in [0, 1) (pixel-like) and random labels.
func randomBatch(rng *rand.Rand, n, in, out int) twoLayerData {
	d := twoLayerData{x: make([]float64, n*in), t: make([]float64, n*out), labels: make([]int, n)}
	for i := range d.x {
		d.x[i] = rng.Float64()
	}
	for i := range d.labels {
		d.labels[i] = rng.IntN(out)
		d.t[i*out+d.labels[i]] = 1
	}
	return d
}

// feeds feeds the batch to net's inputs, in net's element type.
func (d twoLayerData) feeds(net *twoLayerNet) graph.Feeds {
	dt := net.x.DType()
	return graph.Feeds{
		net.x: graph.FromFloat64s(dt, []int{net.n, net.in}, d.x),
		net.t: graph.FromFloat64s(dt, []int{net.n, net.out}, d.t),
	}
}

// gorgoniaTwoLayer runs the same net in gorgonia with the textbook cross entropy
// -Sum(t * Log(SoftMax(a2))) / N and returns the loss and the gradients of W1, b1, W2, b2.
func gorgoniaTwoLayer(t *testing.T, n, in, hidden, out int, w twoLayerWeights, d twoLayerData) (float64, [][]float64) {
	t.Helper()
	g := G.NewGraph()
	mat := func(name string, v []float64, shape ...int) *G.Node {
		return G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), v...)))))
	}
	x, lt := mat("x", d.x, n, in), mat("t", d.t, n, out)
	W1, b1 := mat("W1", w.W1, in, hidden), mat("b1", w.b1, hidden)
	W2, b2 := mat("W2", w.W2, hidden, out), mat("b2", w.b2, out)
	// The bias vectors are repeated along axis 0 of the [N hidden] / [N out] products.
	a1 := G.Must(G.BroadcastAdd(G.Must(G.Mul(x, W1)), b1, nil, []byte{0}))
	z1 := G.Must(G.Sigmoid(a1))
	a2 := G.Must(G.BroadcastAdd(G.Must(G.Mul(z1, W2)), b2, nil, []byte{0}))
	logp := G.Must(G.Log(G.Must(G.SoftMax(a2, 1))))
	sum := G.Must(G.Sum(G.Must(G.HadamardProd(lt, logp))))
	loss := G.Must(G.HadamardDiv(G.Must(G.Neg(sum)), G.NewConstant(float64(n))))
	grads, err := G.Grad(loss, W1, b1, W2, b2)
	if err != nil {
		t.Fatal(err)
	}
	var lv G.Value
	G.Read(loss, &lv)
	gv := make([]G.Value, len(grads))
	for i, gn := range grads {
		G.Read(gn, &gv[i])
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	out64 := make([][]float64, len(gv))
	for i, v := range gv {
		out64[i] = append([]float64(nil), v.Data().([]float64)...)
	}
	return lv.Data().(float64), out64
}

// worstRel is the largest |a-b| / max(1, |a|, |b|), and the largest |a-b| / max|b| (the error
// relative to the tensor's own scale, stricter for small gradients).
func worstRel(a, b []float64) (rel, scaled float64) {
	var top, maxDiff float64
	for i := range a {
		d := math.Abs(a[i] - b[i])
		if math.IsNaN(d) {
			return math.Inf(1), math.Inf(1)
		}
		rel = math.Max(rel, d/math.Max(1, math.Max(math.Abs(a[i]), math.Abs(b[i]))))
		maxDiff = math.Max(maxDiff, d)
		top = math.Max(top, math.Abs(b[i]))
	}
	if top > 0 {
		scaled = maxDiff / top
	}
	return rel, scaled
}

// TestTwoLayerNetMatchesGorgonia compares the 784-50-10 net's loss and gradients with
// gorgonia's on a batch of 8, in float64.
func TestTwoLayerNetMatchesGorgonia(t *testing.T) {
	const n, in, hidden, out = 8, 784, 50, 10
	rng := rand.New(rand.NewPCG(2024, 5))
	w := newTwoLayerWeights(rng, in, hidden, out, 0.01)
	d := randomBatch(rng, n, in, out)

	net := newTwoLayerNet(graph.Float64, n, in, hidden, out, w)
	grads := autodiff.Grad(net.loss, net.params()...)
	prog := graph.MustCompile(append([]*graph.Node{net.loss}, grads...)...)
	outs, err := prog.Run(d.feeds(net))
	if err != nil {
		t.Fatal(err)
	}

	gLoss, gGrads := gorgoniaTwoLayer(t, n, in, hidden, out, w, d)
	const tol = 1e-9
	zLoss := outs[0].Float64s()[0]
	if rel, _ := worstRel([]float64{zLoss}, []float64{gLoss}); rel > tol {
		t.Errorf("loss: zerograd %.17g, gorgonia %.17g", zLoss, gLoss)
	}
	// With weights of std 0.01 the scores are near 0 and the loss near log(10).
	if math.Abs(zLoss-math.Log(10)) > 0.1 {
		t.Errorf("loss %g, want about log(10) = %g for small random weights", zLoss, math.Log(10))
	}
	for i, p := range net.params() {
		z := outs[i+1].Float64s()
		rel, scaled := worstRel(z, gGrads[i])
		t.Logf("d loss/d %s%v: worst error %.2g (rel. to max(1,|a|,|b|)), %.2g (rel. to largest gradient)", p.Name(), p.Shape(), rel, scaled)
		if rel > tol || scaled > tol {
			t.Errorf("d loss/d %s: worst error %.3g relative to max(1, |a|, |b|), %.3g relative to the largest gradient", p.Name(), rel, scaled)
		}
	}
}

// TestTwoLayerNetGradCheck is the book's gradient check (chapter 5) on a small net, 20-5-3.
func TestTwoLayerNetGradCheck(t *testing.T) {
	const n, in, hidden, out = 4, 20, 5, 3
	rng := rand.New(rand.NewPCG(7, 7))
	// A larger std than the book's 0.01 keeps the gradients well away from 0.
	w := newTwoLayerWeights(rng, in, hidden, out, 0.5)
	d := randomBatch(rng, n, in, out)
	net := newTwoLayerNet(graph.Float64, n, in, hidden, out, w)
	checks, err := autodiff.CheckGrad(net.loss, net.params(), d.feeds(net), 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if !c.OK(1e-6) {
			t.Errorf("%s", c)
		}
	}
}

// separableData draws n samples of in features from out class means (each feature of a
// mean uniform in [0, 1)) plus Gaussian noise, labels cycling through the classes.
func separableData(rng *rand.Rand, n, in, out int, noise float64) twoLayerData {
	means := make([]float64, out*in)
	for i := range means {
		means[i] = rng.Float64()
	}
	d := twoLayerData{x: make([]float64, n*in), t: make([]float64, n*out), labels: make([]int, n)}
	for i := 0; i < n; i++ {
		c := i % out
		d.labels[i] = c
		d.t[i*out+c] = 1
		for j := 0; j < in; j++ {
			d.x[i*in+j] = means[c*in+j] + noise*rng.NormFloat64()
		}
	}
	return d
}

// TestTwoLayerNetTrainsWithSGD trains the 784-50-10 net in float32 with plain SGD
// (W -= lr * dW, in place on each parameter's value), full batch, one compiled program for
// the loss and all four gradients: the loss must fall to at most half its start.
func TestTwoLayerNetTrainsWithSGD(t *testing.T) {
	const n, in, hidden, out = 100, 784, 50, 10
	const steps = 200
	const lr = 0.1
	rng := rand.New(rand.NewPCG(42, 1))
	w := newTwoLayerWeights(rng, in, hidden, out, 0.01)
	d := separableData(rng, n, in, out, 0.3)
	net := newTwoLayerNet(graph.Float32, n, in, hidden, out, w)
	params := net.params()
	grads := autodiff.Grad(net.loss, params...)
	prog := graph.MustCompile(append([]*graph.Node{net.loss}, grads...)...)
	feeds := d.feeds(net)

	start := time.Now()
	var first, last float32
	for step := 0; step < steps; step++ {
		outs, err := prog.Run(feeds)
		if err != nil {
			t.Fatal(err)
		}
		loss := outs[0].Float32s()[0]
		if math.IsNaN(float64(loss)) {
			t.Fatalf("step %d: loss is NaN", step)
		}
		if step == 0 {
			first = loss
		}
		last = loss
		for i, p := range params {
			pv, gv := p.Value().Float32s(), outs[i+1].Float32s()
			for j, g := range gv {
				pv[j] -= lr * g
			}
		}
	}
	t.Logf("SGD lr %g, %d steps on [%d %d]: loss %.4f -> %.4f in %v", lr, steps, n, in, first, last, time.Since(start))
	if !(last <= first/2) {
		t.Errorf("loss fell from %.4f to %.4f; want at most half", first, last)
	}
}
