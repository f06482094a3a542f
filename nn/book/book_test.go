package book_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/fixture"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// gunzipFixture writes ../paramfile/testdata/name.gz uncompressed into a temporary file:
// the pickle as the book ships it.
func gunzipFixture(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := fixture.Gunzip(filepath.Join("..", "paramfile", "testdata", name+".gz"), path); err != nil {
		t.Fatal(err)
	}
	return path
}

// bookPattern is the value make_book_pickles.py stores at element i of the array named name.
func bookPattern(name string, i int) float64 {
	return float64((i*7+len(name)*13+int(name[len(name)-1]))%101-50) / 1000
}

func checkPattern(t *testing.T, params []*graph.Node) {
	t.Helper()
	if len(params) == 0 {
		t.Fatal("no parameters")
	}
	for _, p := range params {
		v := graph.Float64s(p.Value())
		for i, x := range v {
			if want := bookPattern(p.Name(), i); math.Abs(x-want) > 1e-7 {
				t.Fatalf("%s[%d] = %v, want %v", p.Name(), i, x, want)
			}
		}
	}
}

func paramShapes(n *book.Net) string {
	var parts []string
	for _, p := range n.Params() {
		parts = append(parts, fmt.Sprintf("%s%v", p.Name(), p.Shape()))
	}
	return strings.Join(parts, " ")
}

func TestLoadBookSampleWeight(t *testing.T) {
	path := gunzipFixture(t, "book_sample_weight.pkl")
	g := graph.New()
	net := book.NewInferenceNet(g.Root(), book.Options{})
	if got, want := paramShapes(net), "W1[784 50] b1[50] W2[50 100] b2[100] W3[100 10] b3[10]"; got != want {
		t.Fatalf("InferenceNet\n got %s\nwant %s", got, want)
	}
	if err := nn.LoadBookPickle(path, net.Scope); err != nil {
		t.Fatal(err)
	}
	checkPattern(t, net.Params())

	// The same file does not fit a TwoLayerNet: every mismatch is named.
	two := book.NewTwoLayerNet(graph.New().Root(), book.TwoLayerConfig{})
	err := nn.LoadBookPickle(path, two.Scope)
	if err == nil || !strings.Contains(err.Error(), "W2") || !strings.Contains(err.Error(), "W3") {
		t.Fatalf("got %v", err)
	}
	// Nor a network built in a scope of its own: the names differ.
	scoped := book.NewInferenceNet(graph.New().In("net"), book.Options{})
	if err := nn.LoadBookPickle(path, scoped.Scope); err == nil || !strings.Contains(err.Error(), "net.W1") {
		t.Fatalf("got %v", err)
	}
}

func TestBookNetworkShapes(t *testing.T) {
	g := graph.New()
	simple := book.NewSimpleConvNet(g.In("simple"), book.SimpleConvNetConfig{})
	if got, want := paramShapes(simple), "simple.W1[30 1 5 5] simple.b1[30] simple.W2[4320 100] simple.b2[100] simple.W3[100 10] simple.b3[10]"; got != want {
		t.Errorf("SimpleConvNet\n got %s\nwant %s", got, want)
	}
	deep := book.NewDeepConvNet(g.Root(), book.DeepConvNetConfig{})
	want := "simple.W1[30 1 5 5] simple.b1[30] simple.W2[4320 100] simple.b2[100] simple.W3[100 10] simple.b3[10] " +
		"W1[16 1 3 3] b1[16] W2[16 16 3 3] b2[16] W3[32 16 3 3] b3[32] W4[32 32 3 3] b4[32] " +
		"W5[64 32 3 3] b5[64] W6[64 64 3 3] b6[64] W7[1024 50] b7[50] W8[50 10] b8[10]"
	// At the root, the deep net's scope holds every parameter of the graph.
	if got := paramShapes(deep); got != want {
		t.Errorf("DeepConvNet\n got %s\nwant %s", got, want)
	}
	x := g.Input("x", graph.Float32, 2, 1, 28, 28)
	for _, m := range []*book.Net{simple, deep} {
		if s := m.Predict(x).Shape(); !s.Equal(graph.Shape{2, 10}) {
			t.Errorf("scores %v", s)
		}
	}
	if two := book.NewTwoLayerNet(graph.New().Root(), book.TwoLayerConfig{}); paramShapes(two) != "W1[784 50] b1[50] W2[50 10] b2[10]" {
		t.Errorf("TwoLayerNet %s", paramShapes(two))
	}
	if d := simple.Params()[0].DType(); d != graph.Float32 {
		t.Errorf("default dtype %s", d)
	}
}

func TestLoadBookConvNetPickles(t *testing.T) {
	g := graph.New()
	simple := book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{})
	if err := nn.LoadBookPickle(gunzipFixture(t, "book_params.pkl"), simple.Scope); err != nil {
		t.Fatal(err)
	}
	checkPattern(t, simple.Params())
	deep := book.NewDeepConvNet(graph.New().Root(), book.DeepConvNetConfig{Options: book.Options{DType: graph.Float64}})
	if err := nn.LoadWeights(gunzipFixture(t, "book_deep_convnet_params.pkl"), deep.Scope); err != nil {
		t.Fatal(err)
	}
	checkPattern(t, deep.Params())
}

func labelsInput(g *graph.Graph, rng *rand.Rand, n, classes int) (*graph.Node, graph.Feeds) {
	t := g.Input("t", graph.Int32, n)
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(rng.IntN(classes))
	}
	return t, graph.Feeds{t: graph.I32(graph.Shape{n}, v...)}
}

// checkAll gradient-checks every parameter. Biases start at zero, which puts a dead ReLU
// row exactly on its kink, so they are first moved off it.
func checkAll(t *testing.T, loss *graph.Node, params []*graph.Node, feeds graph.Feeds) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 5))
	for _, p := range params {
		if strings.HasPrefix(p.Name(), "b") {
			for i := range p.Value().Float64s() {
				p.Value().Float64s()[i] = 0.1 + 0.2*rng.Float64()
			}
		}
	}
	checks, err := autodiff.CheckGrad(loss, params, feeds, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != len(params) {
		t.Fatalf("%d checks for %d params", len(checks), len(params))
	}
	for _, c := range checks {
		if !c.OK(1e-6) {
			t.Errorf("%s", c)
		}
	}
}

func f64(rng *rand.Rand) book.Options { return book.Options{DType: graph.Float64, Rand: rng} }

func TestTwoLayerNetGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := graph.New()
	net := book.NewTwoLayerNet(g.Root(), book.TwoLayerConfig{InputSize: 6, HiddenSize: 5, OutputSize: 3, InitStd: 0.5, Options: f64(rng)})
	if got := paramShapes(net); got != "W1[6 5] b1[5] W2[5 3] b2[3]" {
		t.Fatalf("params %q", got)
	}
	x := g.Input("x", graph.Float64, 4, 6)
	tl, feeds := labelsInput(g, rng, 4, 3)
	feeds[x] = nn.RandomTensor(rng, graph.Float64, 1, 4, 6)
	checkAll(t, net.Loss(x, tl), net.Params(), feeds)
}

func TestMultiLayerNetGradients(t *testing.T) {
	for _, act := range []string{"relu", "sigmoid"} {
		rng := rand.New(rand.NewPCG(2, 2))
		g := graph.New()
		net, err := book.NewMultiLayerNet(g.Root(), book.MultiLayerConfig{InputSize: 5, HiddenSizes: []int{4, 4, 3}, OutputSize: 3,
			Activation: act, WeightDecay: 0.1, Options: f64(rng)})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(net.Params()); n != 8 || net.Params()[7].Name() != "b4" {
			t.Fatalf("%d params, last %s", n, net.Params()[n-1].Name())
		}
		x := g.Input("x", graph.Float64, 3, 5)
		tl, feeds := labelsInput(g, rng, 3, 3)
		feeds[x] = nn.RandomTensor(rng, graph.Float64, 1, 3, 5)
		checkAll(t, net.Loss(x, tl), net.Params(), feeds)
	}
}

// The weight decay is lambda/2 * sum W^2 over the W parameters only.
func TestMultiLayerNetWeightDecay(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float64, 2, 3)
	tl := g.Input("t", graph.Int32, 2)
	build := func(s graph.Scope, decay float64) *book.Net {
		net, err := book.NewMultiLayerNet(s, book.MultiLayerConfig{InputSize: 3, HiddenSizes: []int{4}, OutputSize: 2,
			WeightDecay: decay, Options: book.Options{DType: graph.Float64, Rand: rand.New(rand.NewPCG(1, 1))}})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range net.Params() { // nonzero biases: a decay of them would show
			if strings.Contains(p.Name(), ".b") {
				for i := range p.Value().Float64s() {
					p.Value().Float64s()[i] = 1
				}
			}
		}
		return net
	}
	plain, decayed := build(g.In("plain"), 0), build(g.In("decayed"), 0.3)
	feeds := graph.Feeds{x: nn.RandomTensor(rand.New(rand.NewPCG(2, 2)), graph.Float64, 1, 2, 3), tl: graph.I32(graph.Shape{2}, 0, 1)}
	out, err := graph.MustCompile(plain.Loss(x, tl), decayed.Loss(x, tl)).Run(feeds)
	if err != nil {
		t.Fatal(err)
	}
	var sq float64
	for _, w := range nn.Weights(decayed.Scope) {
		for _, v := range w.Value().Float64s() {
			sq += v * v
		}
	}
	if n := len(nn.Weights(decayed.Scope)); n != 2 {
		t.Fatalf("%d weights", n)
	}
	if got, want := graph.Item(out[1])-graph.Item(out[0]), 0.15*sq; math.Abs(got-want) > 1e-12 {
		t.Fatalf("decay %v, want %v", got, want)
	}
}

func TestMultiLayerNetConfigErrors(t *testing.T) {
	g := graph.New()
	if _, err := book.NewMultiLayerNet(g.Root(), book.MultiLayerConfig{InputSize: 2, OutputSize: 2, Activation: "swish"}); err == nil || !strings.Contains(err.Error(), `activation "swish"`) {
		t.Fatalf("got %v", err)
	}
	if _, err := book.NewMultiLayerNet(g.Root(), book.MultiLayerConfig{InputSize: 2, OutputSize: 2, InitName: "lecun"}); err == nil || !strings.Contains(err.Error(), `weight init "lecun"`) {
		t.Fatalf("got %v", err)
	}
	if len(g.Root().Params()) != 0 {
		t.Fatal("a refused config made parameters")
	}
}

func TestSimpleConvNetGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	g := graph.New()
	net := book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{InputDim: [3]int{2, 7, 7}, FilterNum: 3, FilterSize: 3, Pad: 1,
		HiddenSize: 5, OutputSize: 3, InitStd: 0.5, Options: f64(rng)})
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 2, 2, 7, 7))
	tl, feeds := labelsInput(g, rng, 2, 3)
	checkAll(t, net.Loss(x, tl), net.Params(), feeds)
}

func TestDeepConvNetGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	g := graph.New()
	net := book.NewDeepConvNet(g.In("deep"), book.DeepConvNetConfig{InputDim: [3]int{1, 8, 8}, Filters: [6]int{2, 2, 3, 2, 2, 2}, HiddenSize: 4, Output: 3, Options: f64(rng)})
	x := g.Input("x", graph.Float64, 2, 1, 8, 8)
	tl, feeds := labelsInput(g, rng, 2, 3)
	feeds[x] = nn.RandomTensor(rng, graph.Float64, 1, 2, 1, 8, 8)
	// Dropout draws a new mask each run, which central differences cannot follow: check in
	// inference mode (where the graph's Mode starts), where dropout is a fixed scaling.
	if ops.ModeOf(g).Train() {
		t.Fatal("a new graph trains")
	}
	for _, p := range net.Params() { // biases off the ReLU kinks
		if strings.HasPrefix(p.Name(), "deep.b") {
			for i := range p.Value().Float64s() {
				p.Value().Float64s()[i] = 0.1 + 0.01*float64(i)
			}
		}
	}
	checkAll(t, net.Loss(x, tl), net.Params(), feeds)
}

func TestMultiLayerNetExtendGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	g := graph.New()
	net, err := book.NewMultiLayerNetExtend(g.Root(), book.ExtendConfig{MultiLayerConfig: book.MultiLayerConfig{
		InputSize: 5, HiddenSizes: []int{4, 4}, OutputSize: 3, WeightDecay: 0.1, Options: f64(rng)}, BatchNorm: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := paramShapes(net), "W1[5 4] b1[4] gamma1[4] beta1[4] W2[4 4] b2[4] gamma2[4] beta2[4] W3[4 3] b3[3]"; got != want {
		t.Fatalf("params\n got %s\nwant %s", got, want)
	}
	var bufs []string
	for _, b := range nn.Buffers(net.Scope) {
		bufs = append(bufs, b.Name)
	}
	if got := strings.Join(bufs, " "); got != "running_mean1 running_var1 running_mean2 running_var2" {
		t.Fatalf("buffers %s", got)
	}
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 6, 5))
	tl, feeds := labelsInput(g, rng, 6, 3)
	ops.ModeOf(g).SetTrain(true) // batch statistics: a deterministic function of the batch
	checkAll(t, net.Loss(x, tl), net.Params(), feeds)
}

// MultiLayerNetExtend with batch norm and dropout trains on synthetic data, then
// classifies it in inference mode.
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
	xs := make([]float32, n*d)
	ls := make([]int32, n)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		c := i % classes
		ls[i], labels[i] = int32(c), c
		for j := 0; j < d; j++ {
			xs[i*d+j] = float32(means[c][j] + rng.NormFloat64())
		}
	}
	g := graph.New()
	net, err := book.NewMultiLayerNetExtend(g.Root(), book.ExtendConfig{MultiLayerConfig: book.MultiLayerConfig{
		InputSize: d, HiddenSizes: []int{20, 20}, OutputSize: classes, Options: book.Options{Rand: rng}}, BatchNorm: true, Dropout: true, DropoutRatio: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	x := g.Input("x", graph.Float32, n, d)
	tl := g.Input("t", graph.Int32, n)
	step := optim.NewStep(net.Loss(x, tl), optim.NewSGD(0.1))
	if len(step.Params) != len(net.Params()) {
		t.Fatalf("step trains %d params, the net has %d", len(step.Params), len(net.Params()))
	}
	feeds := graph.Feeds{x: graph.F32(graph.Shape{n, d}, xs...), tl: graph.I32(graph.Shape{n}, ls...)}
	var first, last float64
	for i := range 150 {
		if last, err = step.Run(feeds); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = last
		}
	}
	if last > first/2 {
		t.Fatalf("loss %v -> %v", first, last)
	}
	p, err := train.NewPredictor(g, net.Predict, n, graph.Float32, d)
	if err != nil {
		t.Fatal(err)
	}
	ops.ModeOf(g).SetTrain(true)
	acc, err := p.Accuracy(xs, labels)
	if err != nil || acc < 0.9 {
		t.Fatalf("accuracy %v %v", acc, err)
	}
	if !ops.ModeOf(g).Train() {
		t.Fatal("the predictor did not restore training mode")
	}
}

// The trainer finds the book's dropout layers through the graph: DeepConvNet has two,
// MultiLayerNetExtend one per hidden layer, SimpleConvNet none.
func TestRandomLayersOfBookNets(t *testing.T) {
	deepG := graph.New()
	deep := book.NewDeepConvNet(deepG.Root(), book.DeepConvNetConfig{})
	extG := graph.New()
	ext, err := book.NewMultiLayerNetExtend(extG.Root(), book.ExtendConfig{MultiLayerConfig: book.MultiLayerConfig{
		InputSize: 4, HiddenSizes: []int{3, 3, 3}, OutputSize: 2}, BatchNorm: true, Dropout: true})
	if err != nil {
		t.Fatal(err)
	}
	simpleG := graph.New()
	book.NewSimpleConvNet(simpleG.Root(), book.SimpleConvNetConfig{InputDim: [3]int{1, 8, 8}})
	for _, c := range []struct {
		name string
		g    *graph.Graph
		net  *book.Net
		want []int // indices in the Sequential
	}{
		{"DeepConvNet", deepG, deep, []int{17, 19}},
		{"MultiLayerNetExtend", extG, ext, []int{3, 7, 11}},
		{"SimpleConvNet", simpleG, nil, nil},
	} {
		got := nn.RandomLayers(c.g)
		if len(got) != len(c.want) {
			t.Errorf("%s: %d random layers, want %d", c.name, len(got), len(c.want))
			continue
		}
		for i, at := range c.want {
			d, ok := c.net.Layers[at].(*nn.Dropout)
			if !ok || nn.Random(d) != got[i] {
				t.Errorf("%s: random layer %d is not the dropout at %d", c.name, i, at)
			}
		}
		if c.name == "DeepConvNet" {
			if d := c.net.Layers[17].(*nn.Dropout); d.Ratio != 0.5 || d.Inverted {
				t.Errorf("DeepConvNet dropout %+v", d.DropoutOpts)
			}
		}
	}
}

// TestConvNetsPredictFused: the forward pass of the book's CNNs compiles every convolution
// with the ReLU, pooling and flattening after it into one kernel (graph.Fuser), which is
// what makes their inference fast; a layer that broke a chain would show here.
func TestConvNetsPredictFused(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(graph.Scope) *book.Net
		want  []int // chain lengths
	}{
		{"SimpleConvNet", func(s graph.Scope) *book.Net { return book.NewSimpleConvNet(s, book.SimpleConvNetConfig{}) }, []int{4}},
		{"DeepConvNet", func(s graph.Scope) *book.Net { return book.NewDeepConvNet(s, book.DeepConvNetConfig{}) }, []int{2, 3, 2, 3, 2, 4}},
	} {
		g := graph.New()
		p := graph.MustCompile(c.build(g.Root()).Predict(g.Input("x", graph.Float32, 2, 1, 28, 28)))
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
