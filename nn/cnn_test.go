package nn_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
)

func paramShapes(m nn.Model) string {
	var parts []string
	for _, p := range m.Params() {
		parts = append(parts, fmt.Sprintf("%s%v", p.Name(), p.Shape()))
	}
	return strings.Join(parts, " ")
}

func TestBookNetworkShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := graph.New()
	simple := nn.NewSimpleConvNet(g, nn.SimpleConvNetConfig{}, graph.Float32, rng)
	if got, want := paramShapes(simple), "W1[30 1 5 5] b1[30] W2[4320 100] b2[100] W3[100 10] b3[10]"; got != want {
		t.Errorf("SimpleConvNet\n got %s\nwant %s", got, want)
	}
	deep := nn.NewDeepConvNet(g, nn.DeepConvNetConfig{}, graph.Float32, rng)
	want := "W1[16 1 3 3] b1[16] W2[16 16 3 3] b2[16] W3[32 16 3 3] b3[32] W4[32 32 3 3] b4[32] " +
		"W5[64 32 3 3] b5[64] W6[64 64 3 3] b6[64] W7[1024 50] b7[50] W8[50 10] b8[10]"
	if got := paramShapes(deep); got != want {
		t.Errorf("DeepConvNet\n got %s\nwant %s", got, want)
	}
	x := g.Input("x", graph.Float32, 2, 1, 28, 28)
	for _, m := range []nn.Model{simple, deep} {
		if s := m.Predict(x).Shape(); !s.Equal(graph.Shape{2, 10}) {
			t.Errorf("scores %v", s)
		}
	}
}

func TestLoadBookConvNetPickles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := graph.New()
	simple := nn.NewSimpleConvNet(g, nn.SimpleConvNetConfig{}, graph.Float32, rng)
	if err := nn.LoadBookPickle(gunzipFixture(t, "book_params.pkl"), simple); err != nil {
		t.Fatal(err)
	}
	checkPattern(t, simple.Params())
	deep := nn.NewDeepConvNet(g, nn.DeepConvNetConfig{}, graph.Float32, rng)
	if err := nn.LoadBookPickle(gunzipFixture(t, "book_deep_convnet_params.pkl"), deep); err != nil {
		t.Fatal(err)
	}
	checkPattern(t, deep.Params())
}

func TestSimpleConvNetGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	g := graph.New()
	net := nn.NewSimpleConvNet(g, nn.SimpleConvNetConfig{InputDim: [3]int{2, 7, 7}, FilterNum: 3, FilterSize: 3, Pad: 1,
		HiddenSize: 5, OutputSize: 3, InitStd: 0.5}, graph.Float64, rng)
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 2, 2, 7, 7))
	tl, feeds := labelsInput(g, rng, 2, 3)
	checkAll(t, net.Loss(x, tl), net.Params(), feeds)
}

func TestDeepConvNetGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	g := graph.New()
	net := nn.NewDeepConvNet(g, nn.DeepConvNetConfig{InputDim: [3]int{1, 8, 8}, Filters: [6]int{2, 2, 3, 2, 2, 2}, HiddenSize: 4, Output: 3}, graph.Float64, rng)
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 2, 1, 8, 8))
	tl, feeds := labelsInput(g, rng, 2, 3)
	// Dropout draws a new mask each run, which central differences cannot follow: check in
	// inference mode, where dropout is a fixed scaling.
	net.Mode().SetTrain(false)
	checkAll(t, net.Loss(x, tl), net.Params(), feeds)
}

func TestMultiLayerNetExtendGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	g := graph.New()
	net, err := nn.NewMultiLayerNetExtend(g, nn.ExtendConfig{MultiLayerConfig: nn.MultiLayerConfig{
		InputSize: 5, HiddenSizes: []int{4, 4}, OutputSize: 3, WeightDecay: 0.1, DType: graph.Float64}, BatchNorm: true}, rng)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := paramShapes(net), "W1[5 4] b1[4] gamma1[4] beta1[4] W2[4 4] b2[4] gamma2[4] beta2[4] W3[4 3] b3[3]"; got != want {
		t.Fatalf("params\n got %s\nwant %s", got, want)
	}
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 6, 5))
	tl, feeds := labelsInput(g, rng, 6, 3)
	net.Mode().SetTrain(true) // batch statistics: a deterministic function of the batch
	checkAll(t, net.Loss(x, tl), net.Params(), feeds)
}

// MultiLayerNetExtend with batch norm and dropout trains on synthetic data.
func TestMultiLayerNetExtendTrains(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	const n, d, classes = 120, 10, 3
	means := make([][]float64, classes)
	for c := range means {
		means[c] = make([]float64, d)
		for j := range means[c] {
			means[c][j] = 2 * rng.NormFloat64()
		}
	}
	xs := make([]float64, n*d)
	ls := make([]float64, n)
	for i := 0; i < n; i++ {
		c := i % classes
		ls[i] = float64(c)
		for j := 0; j < d; j++ {
			xs[i*d+j] = means[c][j] + rng.NormFloat64()
		}
	}
	g := graph.New()
	net, err := nn.NewMultiLayerNetExtend(g, nn.ExtendConfig{MultiLayerConfig: nn.MultiLayerConfig{
		InputSize: d, HiddenSizes: []int{20, 20}, OutputSize: classes}, BatchNorm: true, Dropout: true, DropoutRatio: 0.2}, rng)
	if err != nil {
		t.Fatal(err)
	}
	x := g.Input("x", graph.Float32, n, d)
	tl := g.Input("t", graph.Float32, n)
	loss := net.Loss(x, tl)
	grads := autodiff.Grad(loss, net.Params()...)
	prog := graph.MustCompile(append([]*graph.Node{loss}, grads...)...)
	feeds := graph.Feeds{"x": graph.FromFloat64s(graph.Float32, []int{n, d}, xs), "t": graph.FromFloat64s(graph.Float32, []int{n}, ls)}
	net.Mode().SetTrain(true)
	var first, last float64
	for step := 0; step < 150; step++ {
		out, err := prog.Run(feeds)
		if err != nil {
			t.Fatal(err)
		}
		last = graph.Float64s(out[0])[0]
		if step == 0 {
			first = last
		}
		for i, p := range net.Params() {
			w, gw := p.Value().Float32s(), out[i+1].Float32s()
			for j := range w {
				w[j] -= 0.1 * gw[j]
			}
		}
	}
	if last > first/2 {
		t.Fatalf("loss %v -> %v", first, last)
	}
	// In inference mode (running statistics, no dropout) it classifies the training data.
	p, err := nn.NewPredictor(g, net, n, graph.Float32, d)
	if err != nil {
		t.Fatal(err)
	}
	images := make([]float32, len(xs))
	for i, v := range xs {
		images[i] = float32(v)
	}
	labels := make([]int, n)
	for i, v := range ls {
		labels[i] = int(v)
	}
	acc, err := p.Accuracy(images, labels)
	if err != nil || acc < 0.9 {
		t.Fatalf("accuracy %v %v", acc, err)
	}
	if !net.Mode().Train() {
		t.Fatal("the predictor did not restore training mode")
	}
}

// A ResNet-style block: ReLU(conv(ReLU(conv(x)))) + x, and one with a 1x1 projection.
func TestResidualGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	g := graph.New()
	body := &nn.Sequential{Layers: []nn.Layer{
		nn.NewConv2D(g, "1", 2, 2, 3, 3, 1, 1, nn.He(), graph.Float64, rng), nn.ReLU,
		nn.NewConv2D(g, "2", 2, 2, 3, 3, 1, 1, nn.He(), graph.Float64, rng),
	}}
	same := &nn.Residual{Body: body}
	proj := &nn.Residual{
		Body:     nn.NewConv2D(g, "3", 3, 2, 3, 3, 1, 1, nn.He(), graph.Float64, rng),
		Shortcut: nn.NewConv2D(g, "4", 3, 2, 1, 1, 1, 0, nn.He(), graph.Float64, rng),
	}
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 2, 2, 4, 4))
	y := proj.Forward(same.Forward(x))
	if !y.Shape().Equal(graph.Shape{2, 3, 4, 4}) {
		t.Fatalf("shape %v", y.Shape())
	}
	if n := len(same.Params()) + len(proj.Params()); n != 8 {
		t.Fatalf("%d params", n)
	}
	scores := nn.NewAffine(g, "5", 3*4*4, 3, nn.Normal(0.3), graph.Float64, rng).Forward(y)
	tl, feeds := labelsInput(g, rng, 2, 3)
	params := append(append(same.Params(), proj.Params()...), x)
	checkAll(t, nn.SoftmaxCrossEntropy(scores, tl), params, feeds)
}

// TestConvNetsPredictFused: the forward pass of the book's CNNs compiles every convolution
// with the ReLU, pooling and flattening after it into one kernel (graph.Fuser), which is
// what makes their inference fast; a layer that broke a chain would show here.
func TestConvNetsPredictFused(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name  string
		build func(*graph.Graph) *nn.ConvNet
		want  []int // chain lengths
	}{
		{"SimpleConvNet", func(g *graph.Graph) *nn.ConvNet {
			return nn.NewSimpleConvNet(g, nn.SimpleConvNetConfig{}, graph.Float32, rng)
		}, []int{4}},
		{"DeepConvNet", func(g *graph.Graph) *nn.ConvNet {
			return nn.NewDeepConvNet(g, nn.DeepConvNetConfig{}, graph.Float32, rng)
		}, []int{2, 3, 2, 3, 2, 4}},
	} {
		g := graph.New()
		p := graph.MustCompile(c.build(g).Predict(g.Input("x", graph.Float32, 2, 1, 28, 28)))
		var got []int
		for _, chain := range p.Fused() {
			if chain[0].Op().Name() != "conv2d" {
				t.Errorf("%s: a fused chain starts at %v", c.name, chain[0])
			}
			got = append(got, len(chain))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: fused chains of lengths %v, want %v", c.name, got, c.want)
		}
	}
}
