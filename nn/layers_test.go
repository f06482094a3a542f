package nn_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
)

func names(ps []*graph.Node) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Name())
	}
	return strings.Join(s, " ")
}

func paramShapes(ps []*graph.Node) string {
	var s []string
	for _, p := range ps {
		s = append(s, fmt.Sprintf("%s%v", p.Name(), p.Shape()))
	}
	return strings.Join(s, " ")
}

// Layers name their parameters by the scope they are built in, and a model's parameters
// are those of its scope, in creation order.
func TestLayersNameParamsByScope(t *testing.T) {
	g := graph.New()
	net := g.In("net")
	conv := nn.NewConv2D(g.In("conv1"), nn.Conv2DOpts{In: 1, Out: 4, Size: 3})
	fc := nn.NewAffine(net.In("fc"), nn.AffineOpts{In: 8, Out: 2})
	head := nn.NewAffine(net.In("head"), nn.AffineOpts{In: 2, Out: 2, NoBias: true})
	if conv.W.Name() != "conv1.W" || conv.B.Name() != "conv1.b" || fc.W.Name() != "net.fc.W" || fc.B.Name() != "net.fc.b" {
		t.Fatalf("names %s %s %s %s", conv.W.Name(), conv.B.Name(), fc.W.Name(), fc.B.Name())
	}
	if got, want := paramShapes(g.Root().Params()), "conv1.W[4 1 3 3] conv1.b[4] net.fc.W[8 2] net.fc.b[2] net.head.W[2 2]"; got != want {
		t.Errorf("root params\n got %s\nwant %s", got, want)
	}
	if got := names(net.Params()); got != "net.fc.W net.fc.b net.head.W" {
		t.Errorf("net params %s", got)
	}
	if got := names(net.In("fc").Params()); got != "net.fc.W net.fc.b" {
		t.Errorf("net.fc params %s", got)
	}
	if head.B != nil {
		t.Error("NoBias made a bias")
	}
	// NoBias on a convolution too; the forward pass has no add.
	c2 := nn.NewConv2D(g.In("conv2"), nn.Conv2DOpts{In: 4, Out: 2, Size: 1, NoBias: true})
	if c2.B != nil || names(g.In("conv2").Params()) != "conv2.W" {
		t.Errorf("conv NoBias: %s", names(g.In("conv2").Params()))
	}
	x := g.Input("x", graph.Float32, 2, 1, 6, 6)
	if s := c2.Forward(conv.Forward(x)).Shape(); !s.Equal(graph.Shape{2, 2, 4, 4}) {
		t.Errorf("shape %v", s)
	}
}

// The zero fields of the options take the book's defaults.
func TestLayerOptionDefaults(t *testing.T) {
	g := graph.New()
	conv := nn.NewConv2D(g.In("c"), nn.Conv2DOpts{In: 2, Out: 3, Size: 3})
	if conv.Stride != 1 || conv.Pad != 0 || conv.W.DType() != graph.Float32 {
		t.Errorf("conv stride %d pad %d %s", conv.Stride, conv.Pad, conv.W.DType())
	}
	rect := nn.NewConv2D(g.In("r"), nn.Conv2DOpts{In: 2, Out: 3, KH: 1, KW: 3, Pad: 1, Stride: 2})
	if !rect.W.Shape().Equal(graph.Shape{3, 2, 1, 3}) {
		t.Errorf("KH KW: W %v", rect.W.Shape())
	}
	x := g.Input("x", graph.Float32, 1, 2, 8, 8)
	if s := conv.Forward(x).Shape(); !s.Equal(graph.Shape{1, 3, 6, 6}) { // stride 1
		t.Errorf("conv output %v", s)
	}
	pool := nn.MaxPool2D(nn.PoolOpts{Size: 2})
	if pool.Stride != 2 || pool.H != 2 || pool.W != 2 || pool.Average {
		t.Errorf("max pool %+v", *pool)
	}
	if s := pool.Forward(x).Shape(); !s.Equal(graph.Shape{1, 2, 4, 4}) {
		t.Errorf("pool output %v", s)
	}
	avg := nn.AvgPool2D(nn.PoolOpts{Size: 3})
	if avg.Stride != 3 || !avg.Average {
		t.Errorf("avg pool %+v", *avg)
	}
	if s := avg.Forward(g.Input("y", graph.Float32, 1, 1, 9, 9)).Shape(); !s.Equal(graph.Shape{1, 1, 3, 3}) {
		t.Errorf("avg pool output %v", s)
	}
	if s := nn.MaxPool2D(nn.PoolOpts{Size: 2, Stride: 1}).Forward(x).Shape(); !s.Equal(graph.Shape{1, 2, 7, 7}) {
		t.Errorf("overlapping pool output %v", s)
	}
	fc := nn.NewAffine(g.In("fc"), nn.AffineOpts{In: 3, Out: 2})
	if fc.W.DType() != graph.Float32 || fc.B == nil || graph.Float64s(fc.B.Value())[0] != 0 {
		t.Errorf("affine W %s, b %v", fc.W.DType(), fc.B)
	}
	// Missing sizes are an error that names the scope.
	for _, build := range []func(){
		func() { nn.NewAffine(g.In("bad_fc"), nn.AffineOpts{In: 3}) },
		func() { nn.NewConv2D(g.In("bad_conv"), nn.Conv2DOpts{In: 1, Out: 2}) },
		func() { nn.NewBatchNorm(g.In("bad_bn"), nn.BatchNormOpts{}) },
	} {
		var se *graph.ShapeError
		if err := graph.Try(build); !errors.As(err, &se) || !strings.Contains(err.Error(), "bad_") {
			t.Errorf("got %v", err)
		}
	}
}

// Affine's default initialization is He: std sqrt(2/In), measured on a big layer; the
// weights come from the graph's random source unless Rand is given.
func TestAffineHeInit(t *testing.T) {
	const in, out = 2000, 500
	g := graph.New()
	fc := nn.NewAffine(g.In("fc"), nn.AffineOpts{In: in, Out: out})
	v := graph.Float64s(fc.W.Value())
	var sum, sq float64
	for _, x := range v {
		sum += x
		sq += x * x
	}
	mean, std := sum/float64(len(v)), math.Sqrt(sq/float64(len(v)))
	if want := math.Sqrt(2.0 / in); math.Abs(std-want) > 0.01*want || math.Abs(mean) > 0.01*want {
		t.Errorf("W mean %v std %v, want 0 and %v", mean, std, want)
	}
	// Another Init is honoured, on the fan-in of a convolution too.
	conv := nn.NewConv2D(g.In("conv"), nn.Conv2DOpts{In: 50, Out: 200, Size: 5, Init: nn.Xavier(), DType: graph.Float64})
	var cs float64
	cv := conv.W.Value().Float64s()
	for _, x := range cv {
		cs += x * x
	}
	if got, want := math.Sqrt(cs/float64(len(cv))), math.Sqrt(1.0/(50*25)); math.Abs(got-want) > 0.02*want {
		t.Errorf("conv Xavier std %v, want %v", got, want)
	}
	// The graph's source is seeded: the same graph builds the same weights; a seed or an
	// explicit Rand changes them.
	same := nn.NewAffine(graph.New().In("fc"), nn.AffineOpts{In: in, Out: out})
	if graph.Float64s(same.W.Value())[7] != v[7] {
		t.Error("two new graphs drew different weights")
	}
	g2 := graph.New()
	g2.Seed(1)
	if graph.Float64s(nn.NewAffine(g2.In("fc"), nn.AffineOpts{In: 4, Out: 4}).W.Value())[0] == v[0] {
		t.Error("Seed did not change the weights")
	}
	own := nn.NewAffine(graph.New().In("fc"), nn.AffineOpts{In: 4, Out: 4, Rand: rand.New(rand.NewPCG(5, 5))})
	if graph.Float64s(own.W.Value())[0] == v[0] {
		t.Error("Rand was not used")
	}
}

var placeRE = regexp.MustCompile(`layers_test\.go:(\d+)`)

// Building a layer twice in one scope panics, naming both places in the calling code.
func TestDuplicateScopePanics(t *testing.T) {
	g := graph.New()
	s := g.In("block")
	nn.NewAffine(s, nn.AffineOpts{In: 2, Out: 2}) // first
	err := graph.Try(func() {
		nn.NewAffine(s, nn.AffineOpts{In: 2, Out: 2}) // second
	})
	var se *graph.ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	msg := err.Error()
	places := placeRE.FindAllStringSubmatch(msg, -1)
	if !strings.Contains(msg, `"block.W"`) || len(places) != 2 || places[0][1] == places[1][1] {
		t.Fatalf("error does not name block.W and both places: %s", msg)
	}
	// The same for a BatchNorm's gamma in another graph-level scope path.
	err = graph.Try(func() {
		nn.NewBatchNorm(g.In("bn"), nn.BatchNormOpts{C: 2})
		nn.NewBatchNorm(g.In("bn"), nn.BatchNormOpts{C: 2})
	})
	if err == nil || !strings.Contains(err.Error(), `"bn.gamma"`) || len(placeRE.FindAllString(err.Error(), -1)) != 2 {
		t.Fatalf("got %v", err)
	}
}

// Weights are the parameters whose own name starts with W: not biases, not gamma or
// beta, not a parameter whose scope's name starts with W.
func TestWeights(t *testing.T) {
	g := graph.New()
	s := g.In("m")
	nn.NewConv2D(s.In("conv"), nn.Conv2DOpts{In: 1, Out: 2, Size: 3})
	nn.NewBatchNorm(s.In("bn"), nn.BatchNormOpts{C: 2})
	nn.NewAffine(s.In("Wide"), nn.AffineOpts{In: 2, Out: 2})
	s.Param("W_extra", graph.NewTensor(graph.Float32, 2))
	s.Param("bias", graph.NewTensor(graph.Float32, 2))
	g.Param("W9", graph.NewTensor(graph.Float32, 2)) // outside the scope
	if got, want := names(nn.Weights(s)), "m.conv.W m.Wide.W m.W_extra"; got != want {
		t.Errorf("Weights(m) = %s, want %s", got, want)
	}
	if got, want := names(nn.Weights(g.Root())), "m.conv.W m.Wide.W m.W_extra W9"; got != want {
		t.Errorf("Weights(root) = %s, want %s", got, want)
	}
	// WeightDecay is lambda/2 * sum W^2 over what it is given, nil for none.
	if nn.WeightDecay(0.1) != nil || nn.WeightDecay(0, nn.Weights(s)...) != nil {
		t.Error("WeightDecay without weights or lambda is not nil")
	}
	w := g.Param("w", graph.F64(graph.Shape{2}, 1, 2))
	v := g.Param("v", graph.F64(graph.Shape{1}, 3))
	out, err := graph.MustCompile(nn.WeightDecay(0.5, w, v)).Run(nil)
	if err != nil || graph.Item(out[0]) != 0.25*(1+4+9) {
		t.Errorf("WeightDecay = %v %v", out, err)
	}
}

func TestInitStd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, c := range []struct {
		init nn.Init
		fan  int
		want float64
	}{{nn.Normal(0.01), 100, 0.01}, {nn.Xavier(), 100, 0.1}, {nn.He(), 50, 0.2}} {
		if got := c.init(c.fan); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("std %v, want %v", got, c.want)
		}
		v := graph.Float64s(nn.RandomTensor(rng, graph.Float64, c.want, 200, 200))
		var s float64
		for _, x := range v {
			s += x * x
		}
		if std := math.Sqrt(s / float64(len(v))); std < c.want*0.98 || std > c.want*1.02 {
			t.Errorf("sample std %v, want about %v", std, c.want)
		}
	}
	for name, want := range map[string]float64{"he": 0.2, "relu": 0.2, "xavier": math.Sqrt(0.02), "sigmoid": math.Sqrt(0.02)} {
		init, ok := nn.InitByName(name)
		if !ok || math.Abs(init(50)-want) > 1e-12 {
			t.Errorf("InitByName(%q) = %v %v", name, ok, init)
		}
	}
	if _, ok := nn.InitByName("lecun"); ok {
		t.Error("InitByName took lecun")
	}
}

// checkAll gradient-checks every parameter. Biases start at zero, which puts a dead ReLU
// row exactly on its kink, so they are first moved off it.
func checkAll(t *testing.T, loss *graph.Node, params []*graph.Node, feeds graph.Feeds) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 5))
	for _, p := range params {
		if n := p.Name(); strings.HasSuffix(n, ".b") || n == "b" {
			for i := range p.Value().Float64s() {
				p.Value().Float64s()[i] = 0.1 + 0.2*rng.Float64()
			}
		}
	}
	checks, err := autodiff.CheckGrad(loss, params, feeds, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if !c.OK(1e-6) {
			t.Errorf("%s", c)
		}
	}
}

func labels(g *graph.Graph, rng *rand.Rand, n, classes int) (*graph.Node, graph.Feeds) {
	t := g.Input("t", graph.Int32, n)
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(rng.IntN(classes))
	}
	return t, graph.Feeds{t: graph.I32(graph.Shape{n}, v...)}
}

// A ResNet-style block: ReLU(conv(ReLU(conv(x)))) + x, and one with a 1x1 projection.
func TestResidualGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	g := graph.New()
	conv := func(name string, in, out, size, pad int) *nn.Conv2D {
		return nn.NewConv2D(g.In(name), nn.Conv2DOpts{In: in, Out: out, Size: size, Pad: pad, DType: graph.Float64, Rand: rng})
	}
	same := &nn.Residual{Body: nn.Seq(conv("c1", 2, 2, 3, 1), nn.ReLU, conv("c2", 2, 2, 3, 1))}
	proj := &nn.Residual{Body: conv("c3", 2, 3, 3, 1), Shortcut: conv("c4", 2, 3, 1, 0)}
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 2, 2, 4, 4))
	y := proj.Forward(same.Forward(x))
	if !y.Shape().Equal(graph.Shape{2, 3, 4, 4}) {
		t.Fatalf("shape %v", y.Shape())
	}
	fc := nn.NewAffine(g.In("fc"), nn.AffineOpts{In: 3 * 4 * 4, Out: 3, Init: nn.Normal(0.3), DType: graph.Float64, Rand: rng})
	if n := len(g.Root().Params()); n != 11 { // 4 convs, x, fc
		t.Fatalf("%d params", n)
	}
	tl, feeds := labels(g, rng, 2, 3)
	checkAll(t, nn.SoftmaxCrossEntropy(fc.Forward(y), tl), g.Root().Params(), feeds)
}

// Affine, BatchNorm (training: batch statistics) and LeakyReLU/Tanh in one chain.
func TestLayerChainGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	g := graph.New()
	s := g.In("m")
	net := nn.Seq(
		nn.NewAffine(s.In("fc1"), nn.AffineOpts{In: 5, Out: 4, DType: graph.Float64, Rand: rng}),
		nn.NewBatchNorm(s.In("bn"), nn.BatchNormOpts{C: 4, DType: graph.Float64}),
		nn.LeakyReLU(0.1), nn.NewAffine(s.In("fc2"), nn.AffineOpts{In: 4, Out: 3, DType: graph.Float64, Rand: rng}), nn.Tanh,
	)
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 6, 5))
	tl, feeds := labels(g, rng, 6, 3)
	ops.ModeOf(g).SetTrain(true)
	checkAll(t, nn.SoftmaxCrossEntropy(net.Forward(x), tl), append(s.Params(), x), feeds)
}
