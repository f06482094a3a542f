package nn_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// torchTensor is one tensor of testdata/rnn_fixtures.json (made by make_rnn_fixtures.py).
type torchTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (f torchTensor) tensor(dt graph.DType) *tensor.Dense {
	return graph.FromFloat64s(dt, f.Shape, f.Data)
}

type rnnCase struct {
	X, H0, C0, Out, HN, CN, ROut, RH, RC torchTensor
	Loss                                 float64
	Params, Grads                        map[string]torchTensor
	IDs                                  []int
}

func (c *rnnCase) UnmarshalJSON(b []byte) error {
	var m struct {
		X     torchTensor            `json:"x"`
		H0    torchTensor            `json:"h0"`
		C0    torchTensor            `json:"c0"`
		Out   torchTensor            `json:"out"`
		HN    torchTensor            `json:"h_n"`
		CN    torchTensor            `json:"c_n"`
		ROut  torchTensor            `json:"r_out"`
		RH    torchTensor            `json:"r_h"`
		RC    torchTensor            `json:"r_c"`
		Loss  float64                `json:"loss"`
		Param map[string]torchTensor `json:"params"`
		Grads map[string]torchTensor `json:"grads"`
		IDs   []int                  `json:"ids"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*c = rnnCase{m.X, m.H0, m.C0, m.Out, m.HN, m.CN, m.ROut, m.RH, m.RC, m.Loss, m.Param, m.Grads, m.IDs}
	return nil
}

// readJSON decodes the JSON file at path as a T; a file that is missing or does not decode
// fails the test.
func readJSON[T any](t *testing.T, path string) T {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func loadFixtures(t *testing.T) map[string]rnnCase {
	t.Helper()
	all := readJSON[map[string]json.RawMessage](t, "testdata/rnn_fixtures.json")
	cases := map[string]rnnCase{}
	for _, k := range []string{"rnn", "lstm", "gru", "embedding"} {
		var c rnnCase
		if err := json.Unmarshal(all[k], &c); err != nil {
			t.Fatal(k, err)
		}
		cases[k] = c
	}
	return cases
}

// maxAbsDiff is the largest |got - want| (and fails on a length mismatch).
func maxAbsDiff(t *testing.T, what string, got *tensor.Dense, want torchTensor) float64 {
	t.Helper()
	g := graph.Float64s(got)
	if len(g) != len(want.Data) || !graph.Shape(got.Shape()).Equal(want.Shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), want.Shape)
	}
	d := 0.0
	for i := range g {
		d = math.Max(d, math.Abs(g[i]-want.Data[i]))
	}
	return d
}

// built is a recurrent layer under test with its inputs and outputs.
type built struct {
	x, h0, c0 *graph.Node
	seq       *nn.Unrolled
	params    map[string]*graph.Node
}

func buildRecurrent(kind string, s graph.Scope, dt graph.DType, in, hidden, n, steps int) built {
	g := s.Graph()
	b := built{x: g.Input("x", dt, n, steps, in), h0: g.Input("h0", dt, n, hidden)}
	var r *nn.Recurrent
	switch kind {
	case "rnn":
		l := nn.NewRNN(s, nn.RNNOpts{In: in, Hidden: hidden, DType: dt})
		b.seq, r = l.Run(b.x, b.h0), &l.Recurrent
	case "lstm":
		b.c0 = g.Input("c0", dt, n, hidden)
		l := nn.NewLSTM(s, nn.LSTMOpts{In: in, Hidden: hidden, DType: dt})
		b.seq, r = l.Run(b.x, b.h0, b.c0), &l.Recurrent
	case "gru":
		l := nn.NewGRU(s, nn.GRUOpts{In: in, Hidden: hidden, DType: dt})
		b.seq, r = l.Run(b.x, b.h0), &l.Recurrent
	}
	b.params = map[string]*graph.Node{"weight_ih_l0": r.WeightIH, "weight_hh_l0": r.WeightHH, "bias_ih_l0": r.BiasIH, "bias_hh_l0": r.BiasHH}
	return b
}

// PyTorch's weights, loaded by PyTorch's names, give PyTorch's outputs, final states and
// gradients: in float64 to rounding, in float32 within 1e-6.
func TestRecurrentMatchesPyTorch(t *testing.T) {
	cases := loadFixtures(t)
	for _, kind := range []string{"rnn", "lstm", "gru"} {
		c := cases[kind]
		n, steps, in, hidden := c.X.Shape[0], c.X.Shape[1], c.X.Shape[2], c.H0.Shape[1]
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			g := graph.New()
			b := buildRecurrent(kind, g.In(kind), dt, in, hidden, n, steps)
			if len(g.Params()) != len(c.Params) {
				t.Fatalf("%s: %d params, PyTorch has %d", kind, len(g.Params()), len(c.Params))
			}
			for name, f := range c.Params {
				p := g.ParamNode(kind + "." + name)
				if p == nil {
					t.Fatalf("%s: no parameter %s.%s", kind, kind, name)
				}
				if err := p.SetValue(f.tensor(dt)); err != nil {
					t.Fatal(err)
				}
			}
			loss := ops.Add(ops.Sum(ops.Mul(b.seq.Out, g.Const("r_out", c.ROut.tensor(dt)))),
				ops.Sum(ops.Mul(b.seq.H, g.Const("r_h", c.RH.tensor(dt)))))
			feeds := graph.Feeds{b.x: c.X.tensor(dt), b.h0: c.H0.tensor(dt)}
			wrt := map[string]*graph.Node{"x": b.x, "h0": b.h0}
			outs := []*graph.Node{loss, b.seq.Out, b.seq.H}
			wants := []torchTensor{{Data: []float64{c.Loss}}, c.Out, c.HN}
			if kind == "lstm" {
				loss = ops.Add(loss, ops.Sum(ops.Mul(b.seq.C, g.Const("r_c", c.RC.tensor(dt)))))
				outs[0] = loss
				feeds[b.c0] = c.C0.tensor(dt)
				wrt["c0"] = b.c0
				outs, wants = append(outs, b.seq.C), append(wants, c.CN)
			}
			for k, p := range b.params {
				wrt[k] = p
			}
			var names []string
			var nodes []*graph.Node
			for k := range c.Grads {
				names, nodes = append(names, k), append(nodes, wrt[k])
			}
			grads := autodiff.Grad(loss, nodes...)
			prog := graph.MustCompile(append(outs, grads...)...)
			vals, err := prog.Run(feeds)
			if err != nil {
				t.Fatal(err)
			}
			tol := 1e-12
			if dt == graph.Float32 {
				tol = 1e-6
			}
			what := []string{"loss", "out", "h_n", "c_n"}
			for i, want := range wants {
				if i == 0 {
					want.Shape = graph.Shape(vals[0].Shape())
				}
				d := maxAbsDiff(t, what[i], vals[i], want)
				t.Logf("%s %s %s: max abs error %.3g", kind, dt, what[i], d)
				if d > tol*math.Max(1, math.Abs(wants[0].Data[0])*float64(boolInt(i == 0))) {
					t.Errorf("%s %s %s: max abs error %.3g > %g", kind, dt, what[i], d, tol)
				}
			}
			if dt == graph.Float32 {
				continue // gradients are compared in float64
			}
			for i, name := range names {
				d := maxAbsDiff(t, "grad "+name, vals[len(outs)+i], c.Grads[name])
				t.Logf("%s %s grad %s: max abs error %.3g", kind, dt, name, d)
				if d > tol {
					t.Errorf("%s grad %s: max abs error %.3g > %g", kind, name, d, tol)
				}
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nn.Embedding with PyTorch's table gives PyTorch's rows and table gradient.
func TestEmbeddingMatchesPyTorch(t *testing.T) {
	c := loadFixtures(t)["embedding"]
	g := graph.New()
	w := c.Params["weight"]
	emb := nn.NewEmbedding(g.In("embed"), nn.EmbeddingOpts{Num: w.Shape[0], Dim: w.Shape[1], DType: graph.Float64})
	if emb.Weight.Name() != "embed.weight" {
		t.Fatalf("named %s", emb.Weight.Name())
	}
	if err := emb.Weight.SetValue(w.tensor(graph.Float64)); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(c.IDs))
	for i, id := range c.IDs {
		ids[i] = int64(id)
	}
	x := g.Input("ids", graph.Int64, len(ids))
	y := emb.Forward(x)
	loss := ops.Sum(ops.Mul(y, g.Const("r", c.ROut.tensor(graph.Float64))))
	gw := autodiff.Grad(loss, emb.Weight)[0]
	vals, err := graph.MustCompile(y, gw).Run(graph.Feeds{x: graph.I64(graph.Shape{len(ids)}, ids...)})
	if err != nil {
		t.Fatal(err)
	}
	dy, dw := maxAbsDiff(t, "out", vals[0], c.Out), maxAbsDiff(t, "grad weight", vals[1], c.Grads["weight"])
	t.Logf("embedding: out max abs error %.3g, grad weight %.3g", dy, dw)
	if dy > 1e-12 || dw > 1e-12 {
		t.Errorf("embedding: out max abs error %.3g, grad weight %.3g", dy, dw)
	}
	// Int32 ids [N T] look up a float32 table: the rows come out [N T Dim].
	g2 := graph.New()
	e32 := nn.NewEmbedding(g2.In("embed"), nn.EmbeddingOpts{Num: 7, Dim: 3})
	_ = e32.Weight.SetValue(w.tensor(graph.Float32))
	ids32 := g2.Input("ids", graph.Int32, 2, 1)
	y32 := e32.Forward(ids32)
	if !y32.Shape().Equal(graph.Shape{2, 1, 3}) {
		t.Fatalf("ids [2 1] gave rows %v", y32.Shape())
	}
	v, err := graph.Eval(y32, graph.Feeds{ids32: graph.I32(graph.Shape{2, 1}, 6, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := graph.Float64s(v); math.Abs(got[0]-w.Data[18]) > 1e-6 || math.Abs(got[5]-w.Data[5]) > 1e-6 {
		t.Errorf("rows %v", got)
	}
	// Float ids fail where the layer is used, and an id outside the table fails at run time.
	g3 := graph.New()
	e64 := nn.NewEmbedding(g3.In("embed"), nn.EmbeddingOpts{Num: 7, Dim: 3, DType: graph.Float64})
	if err := graph.Try(func() { e64.Forward(g3.Input("ids", graph.Float64, 2)) }); err == nil {
		t.Error("float ids did not fail")
	}
	bad := g3.Input("bad", graph.Int32, 2)
	if _, err := graph.Eval(e64.Forward(bad), graph.Feeds{bad: graph.I32(graph.Shape{2}, 1, 7)}); err == nil {
		t.Error("id 7 of a 7-row table did not fail")
	}
}

// Every recurrent layer's gradients (parameters, inputs, initial states) agree with
// central differences in float64, on a loss that weighs every output and final state.
func TestRecurrentCheckGrad(t *testing.T) {
	for _, kind := range []string{"rnn", "lstm", "gru"} {
		g := graph.New()
		g.Seed(3)
		b := buildRecurrent(kind, g.In(kind), graph.Float64, 3, 4, 2, 4)
		rng := g.Rand()
		rt := func(shape ...int) *tensor.Dense { return nn.RandomTensor(rng, graph.Float64, 1, shape...) }
		loss := ops.Add(ops.Sum(ops.Mul(b.seq.Out, g.Const("R", rt(2, 4, 4)))), ops.Sum(ops.Mul(b.seq.H, g.Const("RH", rt(2, 4)))))
		feeds := graph.Feeds{b.x: rt(2, 4, 3), b.h0: rt(2, 4)}
		wrt := append([]*graph.Node{b.x, b.h0}, g.Params()...)
		if b.c0 != nil {
			loss = ops.Add(loss, ops.Sum(ops.Mul(b.seq.C, g.Const("RC", rt(2, 4)))))
			feeds[b.c0] = rt(2, 4)
			wrt = append(wrt, b.c0)
		}
		checks, err := autodiff.CheckGrad(loss, wrt, feeds, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if !c.OK(1e-7) {
				t.Errorf("%s: %v", kind, c)
			}
		}
	}
	g := graph.New()
	emb := nn.NewEmbedding(g.In("embed"), nn.EmbeddingOpts{Num: 5, Dim: 3, DType: graph.Float64})
	ids := g.Input("ids", graph.Int64, 2, 2)
	loss := ops.Sum(ops.Mul(emb.Forward(ids), g.Const("R", nn.RandomTensor(g.Rand(), graph.Float64, 1, 2, 2, 3))))
	checks, err := autodiff.CheckGrad(loss, []*graph.Node{emb.Weight}, graph.Feeds{ids: graph.I64(graph.Shape{2, 2}, 1, 4, 1, 0)}, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	if !checks[0].OK(1e-7) {
		t.Errorf("embedding: %v", checks[0])
	}
}

// Forward starts from zeros; Step is one step of Run; the names read h1, h2, ...
func TestRecurrentZeroStateStepAndNames(t *testing.T) {
	g := graph.New()
	lstm := nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: 3, Hidden: 2, DType: graph.Float64})
	x := g.Input("x", graph.Float64, 2, 3, 3)
	h0, c0 := g.Input("h0", graph.Float64, 2, 2), g.Input("c0", graph.Float64, 2, 2)
	seq := lstm.Run(x, h0, c0)
	if seq.Hs[0].Name() != "lstm.h1" || seq.H.Name() != "lstm.h3" || seq.C.Name() != "lstm.c3" {
		t.Errorf("names %s %s %s", seq.Hs[0].Name(), seq.H.Name(), seq.C.Name())
	}
	x1 := ops.Reshape(ops.Slice(x, 1, 0, 1), 2, 3)
	h1, c1 := lstm.Step(x1, h0, c0)
	xv := nn.RandomTensor(g.Rand(), graph.Float64, 1, 2, 3, 3)
	zero := graph.NewTensor(graph.Float64, 2, 2)
	vals, err := graph.MustCompile(lstm.Forward(x), seq.Out, seq.Hs[0], h1, seq.Cs[0], c1).Run(graph.Feeds{x: xv, h0: zero, c0: zero})
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(t, "forward", vals[0], torchTensor{Shape: vals[1].Shape(), Data: graph.Float64s(vals[1])}); d != 0 {
		t.Errorf("Forward differs from Run from zero states by %g", d)
	}
	for i := 2; i < 6; i += 2 {
		if d := maxAbsDiff(t, "step", vals[i], torchTensor{Shape: vals[i+1].Shape(), Data: graph.Float64s(vals[i+1])}); d > 1e-15 {
			t.Errorf("Step differs from Run's first step by %g", d)
		}
	}
}

// Truncated BPTT: running a sequence in two halves, the first half's final state fed to
// the second as a value (nn.Carry), gives the outputs of one run over the whole sequence.
// The state is an input of the graph, so the gradient stops at each half's first step.
func TestCarryTruncatedBPTT(t *testing.T) {
	const n, steps, in, hidden = 2, 6, 3, 4
	whole := graph.New()
	lw := nn.NewLSTM(whole.In("lstm"), nn.LSTMOpts{In: in, Hidden: hidden, DType: graph.Float64})
	xw := whole.Input("x", graph.Float64, n, steps, in)
	full := lw.Run(xw, nil, nil)
	xv := nn.RandomTensor(whole.Rand(), graph.Float64, 1, n, steps, in)
	want, err := graph.Eval(full.Out, graph.Feeds{xw: xv})
	if err != nil {
		t.Fatal(err)
	}

	g := graph.New()
	l := nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: in, Hidden: hidden, DType: graph.Float64})
	for _, p := range g.Params() {
		_ = p.SetValue(whole.ParamNode(p.Name()).Value())
	}
	x := g.Input("x", graph.Float64, n, steps/2, in)
	h0, c0 := g.Input("h0", graph.Float64, n, hidden), g.Input("c0", graph.Float64, n, hidden)
	seq := l.Run(x, h0, c0)
	loss := ops.Sum(seq.Out)
	step := optim.NewStep(loss, optim.NewSGD(0)).Keep(seq.H, seq.C, seq.Out)
	carry := nn.NewCarry([]*graph.Node{h0, c0}, []*graph.Node{seq.H, seq.C})
	wv := graph.Float64s(want)
	for half := 0; half < 2; half++ {
		part := make([]float64, 0, n*steps/2*in)
		for i := 0; i < n; i++ {
			part = append(part, graph.Float64s(xv)[(i*steps+half*steps/2)*in:(i*steps+(half+1)*steps/2)*in]...)
		}
		feeds := graph.Feeds{x: graph.F64(graph.Shape{n, steps / 2, in}, part...)}
		carry.Feed(feeds)
		step.MustRun(feeds)
		if err := carry.Update(step.Value); err != nil {
			t.Fatal(err)
		}
		got := graph.Float64s(step.Value(seq.Out))
		for i := 0; i < n; i++ {
			for j := 0; j < steps/2*hidden; j++ {
				w := wv[(i*steps+half*steps/2)*hidden+j]
				if d := math.Abs(got[i*steps/2*hidden+j] - w); d > 1e-12 {
					t.Fatalf("half %d: sample %d element %d: %g, whole sequence %g", half, i, j, got[i*steps/2*hidden+j], w)
				}
			}
		}
	}
	carry.Reset()
	if v := graph.Float64s(carry.State(h0)); v[0] != 0 {
		t.Errorf("Reset left %v", v)
	}
}

// Building with sizes or inputs that do not fit panics with a *graph.ShapeError naming the
// layer; a state the program did not keep is an error of Carry.Update.
func TestRecurrentPanicsAndCarryErrors(t *testing.T) {
	g := graph.New()
	lstm := nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: 3, Hidden: 2})
	x := g.Input("x", graph.Float32, 4, 5, 3)
	for name, f := range map[string]func(){
		"no hidden":    func() { nn.NewGRU(g.In("gru"), nn.GRUOpts{In: 3}) },
		"no embedding": func() { nn.NewEmbedding(g.In("e"), nn.EmbeddingOpts{Num: 3}) },
		"2-D input":    func() { lstm.Run(g.Input("x2", graph.Float32, 4, 3), nil, nil) },
		"wrong in":     func() { lstm.Run(g.Input("x3", graph.Float32, 4, 5, 2), nil, nil) },
		"wrong h0":     func() { lstm.Run(x, g.Input("h0", graph.Float32, 4, 3), nil) },
		"carry mismatch": func() {
			nn.NewCarry([]*graph.Node{g.Input("s", graph.Float32, 4, 3)}, []*graph.Node{lstm.Run(x, nil, nil).H})
		},
	} {
		err := graph.Try(f)
		var se *graph.ShapeError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a *graph.ShapeError", name, err)
		}
	}
	h0 := g.Input("h_start", graph.Float32, 4, 2)
	seq := nn.NewRNN(g.In("rnn"), nn.RNNOpts{In: 3, Hidden: 2}).Run(x, h0)
	carry := nn.NewCarry([]*graph.Node{h0}, []*graph.Node{seq.H})
	err := carry.Update(func(*graph.Node) *tensor.Dense { return nil })
	if err == nil || !strings.Contains(err.Error(), "optim.Step.Keep") {
		t.Errorf("Update without the value: %v", err)
	}
}
