package nn_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
)

// attnCase is one case of testdata/attention_fixtures.json (make_attention_fixtures.py).
type attnCase struct {
	X, Q, K, V, Pad, Out, ROut, Weights torchTensor
	Loss                                float64
	Params, Grads                       map[string]torchTensor
}

func (c *attnCase) UnmarshalJSON(b []byte) error {
	var m struct {
		X, Q, K, V, Pad, Out, Weights torchTensor
		ROut                          torchTensor `json:"r_out"`
		Loss                          float64
		Params, Grads                 map[string]torchTensor
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*c = attnCase{m.X, m.Q, m.K, m.V, m.Pad, m.Out, m.ROut, m.Weights, m.Loss, m.Params, m.Grads}
	return nil
}

func loadAttnFixtures(t *testing.T) map[string]attnCase {
	t.Helper()
	return readJSON[map[string]attnCase](t, "testdata/attention_fixtures.json")
}

// attnBuilt is a layer under test: its inputs by fixture name, its output, and optionally
// the attention weights.
type attnBuilt struct {
	in      map[string]*graph.Node
	out, wt *graph.Node
}

func buildAttnCase(name string, g *graph.Graph, dt graph.DType, c attnCase) attnBuilt {
	b := attnBuilt{in: map[string]*graph.Node{}}
	input := func(k string, f torchTensor) *graph.Node {
		b.in[k] = g.Input(k, dt, f.Shape...)
		return b.in[k]
	}
	switch name {
	case "layer_norm":
		ln := nn.NewLayerNorm(g.In("ln"), nn.LayerNormOpts{Dim: c.X.Shape[2], DType: dt})
		b.out = ln.Forward(input("x", c.X))
	case "mha", "mha_causal":
		m := nn.NewMultiHeadAttention(g.In("attn"), nn.AttentionOpts{Dim: 8, Heads: 2, Causal: name == "mha_causal", DType: dt})
		b.out, b.wt = m.Attend(input("q", c.Q), input("k", c.K), input("v", c.V), input("pad", c.Pad))
	case "block":
		blk := nn.NewBlock(g.Root(), nn.BlockOpts{Dim: 8, Heads: 2, Hidden: 16, Causal: true, DType: dt})
		b.out = blk.Run(input("x", c.X), input("pad", c.Pad))
	}
	return b
}

// LayerNorm, MultiHeadAttention (padding mask, causal mask) and the pre-norm Block, given
// PyTorch's state dicts by name, give PyTorch's outputs, attention weights and gradients
// of every parameter and input: to rounding in float64, within 1e-5 in float32.
func TestAttentionMatchesPyTorch(t *testing.T) {
	cases := loadAttnFixtures(t)
	for _, name := range []string{"layer_norm", "mha", "mha_causal", "block"} {
		c := cases[name]
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			g := graph.New()
			b := buildAttnCase(name, g, dt, c)
			if len(g.Params()) != len(c.Params) {
				t.Fatalf("%s: %d params, PyTorch has %d", name, len(g.Params()), len(c.Params))
			}
			prefix := map[string]string{"layer_norm": "ln.", "mha": "attn.", "mha_causal": "attn."}[name]
			for k, f := range c.Params {
				p := g.ParamNode(prefix + k)
				if p == nil {
					t.Fatalf("%s: no parameter %s%s", name, prefix, k)
				}
				if err := p.SetValue(f.tensor(dt)); err != nil {
					t.Fatal(err)
				}
			}
			loss := ops.Sum(ops.Mul(b.out, g.Const("r", c.ROut.tensor(dt))))
			feeds := graph.Feeds{}
			fixtures := map[string]torchTensor{"x": c.X, "q": c.Q, "k": c.K, "v": c.V, "pad": c.Pad}
			for k, n := range b.in {
				feeds[n] = fixtures[k].tensor(dt)
			}
			outs := []*graph.Node{b.out}
			wants := []torchTensor{c.Out}
			if b.wt != nil {
				outs, wants = append(outs, b.wt), append(wants, c.Weights)
			}
			var names []string
			for k := range c.Grads {
				names = append(names, k)
				n := b.in[k]
				if n == nil {
					n = g.ParamNode(prefix + k)
				}
				outs = append(outs, autodiff.Grad(loss, n)[0])
				wants = append(wants, c.Grads[k])
			}
			vals, err := graph.MustCompile(outs...).Run(feeds)
			if err != nil {
				t.Fatal(err)
			}
			tol := 1e-11
			if dt == graph.Float32 {
				tol = 2e-5
			}
			worst := 0.0
			for i, want := range wants {
				what := "out"
				if i >= len(wants)-len(names) {
					what = "grad " + names[i-(len(wants)-len(names))]
				} else if i == 1 {
					what = "weights"
				}
				d := maxAbsDiff(t, what, vals[i], want)
				worst = math.Max(worst, d)
				if d > tol*math.Max(1, maxAbs(want.Data)) {
					t.Errorf("%s %s %s: max abs error %.3g", name, dt, what, d)
				}
			}
			t.Logf("%s %s: outputs, weights and %d gradients within %.3g of PyTorch", name, dt, len(names), worst)
		}
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// ops.GELUTanh is PyTorch's gelu(approximate="tanh"); Sinusoidal is the encoding of "Attention
// Is All You Need".
func TestGELUAndSinusoidalMatchPyTorch(t *testing.T) {
	cases := loadAttnFixtures(t)
	g := graph.New()
	x := g.Input("x", graph.Float64, cases["gelu"].X.Shape...)
	vals, err := graph.MustCompile(ops.GELUTanh(x), nn.Sinusoidal(g, graph.Float64, 6, 8)).Run(graph.Feeds{x: cases["gelu"].X.tensor(graph.Float64)})
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(t, "gelu", vals[0], cases["gelu"].Out); d > 1e-15 {
		t.Errorf("gelu: max abs error %.3g", d)
	}
	if d := maxAbsDiff(t, "sinusoidal", vals[1], cases["sinusoidal"].Out); d > 1e-12 {
		t.Errorf("sinusoidal: max abs error %.3g", d)
	}
}

// Every attention layer's gradients agree with central differences in float64.
func TestAttentionCheckGrad(t *testing.T) {
	rt := func(g *graph.Graph, shape ...int) *tensor.Dense {
		return nn.RandomTensor(g.Rand(), graph.Float64, 1, shape...)
	}
	build := map[string]func(g *graph.Graph, x *graph.Node) *graph.Node{
		"layer_norm": func(g *graph.Graph, x *graph.Node) *graph.Node {
			return nn.NewLayerNorm(g.In("ln"), nn.LayerNormOpts{Dim: 4, DType: graph.Float64}).Forward(x)
		},
		"mha_causal_padded": func(g *graph.Graph, x *graph.Node) *graph.Node {
			m := nn.NewMultiHeadAttention(g.In("attn"), nn.AttentionOpts{Dim: 4, Heads: 2, Causal: true, DType: graph.Float64})
			pad := g.Const("pad", graph.F64(graph.Shape{2, 3}, 0, 0, 0, 0, 0, 1))
			y, _ := m.Attend(x, x, x, pad)
			return y
		},
		"block": func(g *graph.Graph, x *graph.Node) *graph.Node {
			return nn.NewBlock(g.In("h0"), nn.BlockOpts{Dim: 4, Heads: 2, Causal: true, DType: graph.Float64}).Forward(x)
		},
		"positions": func(g *graph.Graph, x *graph.Node) *graph.Node {
			p := nn.NewPositionEmbedding(g.In("wpe"), nn.PositionOpts{Max: 5, Dim: 4, DType: graph.Float64, Std: 1})
			return ops.GELUTanh(nn.AddSinusoidal(p.Forward(x)))
		},
	}
	for name, f := range build {
		g := graph.New()
		g.Seed(5)
		x := g.Input("x", graph.Float64, 2, 3, 4)
		y := f(g, x)
		for _, p := range g.Params() { // move weights and biases off their starting values
			_ = p.SetValue(rt(g, p.Shape()...))
		}
		loss := ops.Sum(ops.Mul(y, g.Const("R", rt(g, 2, 3, 4))))
		checks, err := autodiff.CheckGrad(loss, append([]*graph.Node{x}, g.Params()...), graph.Feeds{x: rt(g, 2, 3, 4)}, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if !c.OK(1e-7) {
				t.Errorf("%s: %v", name, c)
			}
		}
	}
}

// The names are PyTorch's; a causal mask hides the future; sizes that do not fit panic
// with a *graph.ShapeError.
func TestAttentionNamesMasksAndPanics(t *testing.T) {
	g := graph.New()
	nn.NewBlock(g.In("h0"), nn.BlockOpts{Dim: 8, Heads: 2})
	var names []string
	for _, p := range g.Params() {
		names = append(names, p.Name())
	}
	want := []string{"h0.ln1.weight", "h0.ln1.bias", "h0.attn.in_proj_weight", "h0.attn.in_proj_bias",
		"h0.attn.out_proj.weight", "h0.attn.out_proj.bias", "h0.ln2.weight", "h0.ln2.bias",
		"h0.mlp.fc1.weight", "h0.mlp.fc1.bias", "h0.mlp.fc2.weight", "h0.mlp.fc2.bias"}
	if len(names) != len(want) {
		t.Fatalf("params %v", names)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("param %d is %s, want %s", i, names[i], want[i])
		}
	}
	if g.ParamNode("h0.mlp.fc1.weight").Shape()[0] != 32 {
		t.Errorf("hidden width %v, want 4*Dim", g.ParamNode("h0.mlp.fc1.weight").Shape())
	}
	m, err := graph.Eval(nn.CausalMask(g, graph.Float64, 2, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := graph.Float64s(m); v[0] != 0 || v[1] != 0 || v[2] != nn.MaskValue || v[3] != 0 || v[5] != 0 {
		t.Errorf("causal mask 2x3 %v", v)
	}
	x := g.Input("x", graph.Float32, 2, 3, 8)
	for name, f := range map[string]func(){
		"heads":     func() { nn.NewMultiHeadAttention(g.In("a"), nn.AttentionOpts{Dim: 6, Heads: 4}) },
		"ln dim":    func() { nn.NewLayerNorm(g.In("l"), nn.LayerNormOpts{Dim: 4}).Forward(x) },
		"linear in": func() { nn.NewLinear(g.In("fc"), nn.LinearOpts{In: 4, Out: 2}).Forward(x) },
		"attn rank": func() {
			nn.NewMultiHeadAttention(g.In("b"), nn.AttentionOpts{Dim: 8, Heads: 2}).Forward(g.Input("x2", graph.Float32, 6, 8))
		},
		"too long":    func() { nn.NewPositionEmbedding(g.In("p"), nn.PositionOpts{Max: 2, Dim: 8}).Forward(x) },
		"padding 3-D": func() { nn.PaddingMask(x) },
		"sinusoidal":  func() { nn.AddSinusoidal(g.Input("x3", graph.Float32, 8)) },
	} {
		var se *graph.ShapeError
		if err := graph.Try(f); !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a *graph.ShapeError", name, err)
		}
	}
}
