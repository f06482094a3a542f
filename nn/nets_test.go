package nn_test

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
)

func labelsInput(g *graph.Graph, rng *rand.Rand, n, classes int) (*graph.Node, graph.Feeds) {
	t := g.Input("t", graph.Float64, n)
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(rng.IntN(classes))
	}
	return t, graph.Feeds{"t": graph.FromFloat64s(graph.Float64, []int{n}, v)}
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
	for _, c := range checks {
		if !c.OK(1e-6) {
			t.Errorf("%s", c)
		}
	}
}

func TestTwoLayerNetGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := graph.New()
	net := nn.NewTwoLayerNet(g, 6, 5, 3, 0.5, graph.Float64, rng)
	x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 4, 6))
	tl, feeds := labelsInput(g, rng, 4, 3)
	names := []string{}
	for _, p := range net.Params() {
		names = append(names, p.Name())
	}
	if got := strings.Join(names, " "); got != "W1 b1 W2 b2" {
		t.Fatalf("params %q", got)
	}
	checkAll(t, net.Loss(x, tl), net.Params(), feeds)
}

func TestMultiLayerNetGradients(t *testing.T) {
	for _, act := range []string{"relu", "sigmoid"} {
		rng := rand.New(rand.NewPCG(2, 2))
		g := graph.New()
		net, err := nn.NewMultiLayerNet(g, nn.MultiLayerConfig{InputSize: 5, HiddenSizes: []int{4, 4, 3}, OutputSize: 3,
			Activation: act, WeightDecay: 0.1, DType: graph.Float64}, rng)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(net.Params()); n != 8 || net.Params()[7].Name() != "b4" {
			t.Fatalf("%d params, last %s", n, net.Params()[n-1].Name())
		}
		x := g.Param("x", nn.RandomTensor(rng, graph.Float64, 1, 3, 5))
		tl, feeds := labelsInput(g, rng, 3, 3)
		checkAll(t, net.Loss(x, tl), net.Params(), feeds)
	}
}

func TestMultiLayerNetConfigErrors(t *testing.T) {
	g := graph.New()
	rng := rand.New(rand.NewPCG(1, 1))
	if _, err := nn.NewMultiLayerNet(g, nn.MultiLayerConfig{InputSize: 2, OutputSize: 2, Activation: "swish"}, rng); err == nil || !strings.Contains(err.Error(), `activation "swish"`) {
		t.Fatalf("got %v", err)
	}
	if _, err := nn.NewMultiLayerNet(g, nn.MultiLayerConfig{InputSize: 2, OutputSize: 2, InitName: "lecun"}, rng); err == nil || !strings.Contains(err.Error(), `weight init "lecun"`) {
		t.Fatalf("got %v", err)
	}
}

func TestInitStd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, c := range []struct {
		init nn.Init
		fan  int
		want float64
	}{{nn.Normal(0.01), 100, 0.01}, {nn.Xavier(), 100, 0.1}, {nn.He(), 50, 0.2}} {
		if got := c.init(c.fan); got != c.want && (got-c.want)*(got-c.want) > 1e-24 {
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
}

func TestSaveLoadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	g := graph.New()
	net := nn.NewTwoLayerNet(g, 6, 5, 3, 0.5, graph.Float32, rng)
	path := filepath.Join(t.TempDir(), "params.safetensors")
	if err := nn.Save(path, net); err != nil {
		t.Fatal(err)
	}
	g2 := graph.New()
	net2 := nn.NewTwoLayerNet(g2, 6, 5, 3, 0.5, graph.Float32, rand.New(rand.NewPCG(9, 9)))
	if err := nn.Load(path, net2); err != nil {
		t.Fatal(err)
	}
	for i, p := range net.Params() {
		a, b := p.Value().Float32s(), net2.Params()[i].Value().Float32s()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("%s[%d]: %v != %v", p.Name(), j, a[j], b[j])
			}
		}
	}
	// A model of another shape is refused, naming the parameter, and left untouched.
	g3 := graph.New()
	net3 := nn.NewTwoLayerNet(g3, 6, 7, 3, 0.5, graph.Float32, rng)
	before := net3.Params()[0].Value().Float32s()[0]
	err := nn.Load(path, net3)
	if err == nil || !strings.Contains(err.Error(), "W1") || !strings.Contains(err.Error(), "b1") {
		t.Fatalf("got %v", err)
	}
	if net3.Params()[0].Value().Float32s()[0] != before {
		t.Fatal("a refused load changed a parameter")
	}
}
