package ops_test

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// seqFixture is testdata/seq.json, written by testdata/make_seq_fixtures.py with PyTorch:
// for each case the inputs, the output y, the gradient of sum(y * R) and the Hessian of
// sum(y * R) applied to a direction V. The test also checks forward mode (autodiff.JVP)
// against them, and that a run allocates nothing.
type seqFixture struct {
	Torch string
	Cases []seqCase
}

type seqTensor struct {
	Name  string
	Shape []int
	Data  []float64
}

type seqCase struct {
	Name, Op      string
	Attrs         seqAttrs
	Floats, Ints  []seqTensor
	YShape        []int `json:"y_shape"`
	Y, R          []float64
	V, Grads, Hvp [][]float64
}

// seqAttrs are a case's attributes: numbers, or lists of numbers.
type seqAttrs map[string]any

func (a seqAttrs) num(k string) float64 { return a[k].(float64) }
func (a seqAttrs) int(k string) int     { return int(a.num(k)) }
func (a seqAttrs) ints(k string) []int {
	var out []int
	for _, v := range a[k].([]any) {
		out = append(out, int(v.(float64)))
	}
	return out
}

type seqBuilder = func(f, i []*graph.Node, a seqAttrs) *graph.Node

// seqBuilders build each fixture's op in zerograd from its float and integer inputs.
var seqBuilders = map[string]seqBuilder{
	"take": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		return ops.Take(f[0], a.int("axis"), i[0])
	},
	"embedding": func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.Embedding(f[0], i[0]) },
	"gather": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		return ops.Gather(f[0], a.int("axis"), i[0])
	},
	"concat": func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.Concat(a.int("axis"), f...) },
	"slice": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		return ops.Slice(f[0], a.int("axis"), a.int("lo"), a.int("hi"))
	},
	"split": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		parts := ops.Split(f[0], a.int("axis"), a.ints("sizes")...)
		slices.Reverse(parts)
		return ops.Concat(a.int("axis"), parts...)
	},
	"matmul": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		return ops.MatMulT(f[0], f[1], a.int("ta") == 1, a.int("tb") == 1)
	},
	"gelu":      func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.GELU(f[0]) },
	"gelu_tanh": func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.GELUTanh(f[0]) },
	"silu":      func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.SiLU(f[0]) },
	"softplus":  func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.Softplus(f[0]) },
	"softmax": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		x := f[0]
		if len(i) > 0 {
			x = ops.MaskedFill(x, i[0], math.Inf(-1))
		}
		if a.int("log") == 0 {
			return ops.Softmax(x, a.int("axis"))
		}
		y := ops.LogSoftmax(x, a.int("axis"))
		if len(i) > 0 {
			y = ops.MaskedFill(y, i[0], 0) // the -Inf of masked entries out of the sum
		}
		return y
	},
	"layer_norm": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		switch len(f) {
		case 1:
			return ops.Normalize(f[0], a.int("n"), a.num("eps"))
		case 2:
			return ops.LayerNorm(f[0], f[1], nil, a.num("eps"))
		}
		return ops.LayerNorm(f[0], f[1], f[2], a.num("eps"))
	},
	"cross_entropy": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		if _, ok := a["ignore"]; ok {
			return ops.CrossEntropyIgnore(f[0], i[0], a.int("ignore"))
		}
		return ops.CrossEntropy(f[0], i[0])
	},
	"one_hot": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		return ops.Mul(f[0], ops.OneHotAs(i[0], a.int("classes"), f[0].DType()))
	},
	// A causal self-attention block and a language-model loss, the ops together as the nn
	// layers use them.
	"attention_lm": func(f, i []*graph.Node, a seqAttrs) *graph.Node {
		E, wq, wk, wv, gm, bt, wo := f[0], f[1], f[2], f[3], f[4], f[5], f[6]
		x := ops.Embedding(E, i[0])
		q, k, v := ops.MatMul(x, wq), ops.MatMul(x, wk), ops.MatMul(x, wv)
		s := ops.MulScalar(ops.MatMulT(q, k, false, true), 0.5)
		s = ops.MaskedFill(s, i[1], math.Inf(-1))
		h := ops.LayerNorm(ops.Add(x, ops.MatMul(ops.Softmax(s, -1), v)), gm, bt, 1e-5)
		return ops.CrossEntropyIgnore(ops.MatMul(ops.GELU(h), wo), i[2], -100)
	},
	"stack":       func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.Stack(a.int("axis"), f...) },
	"where":       func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.Where(i[0], f[0], f[1]) },
	"masked_fill": func(f, i []*graph.Node, a seqAttrs) *graph.Node { return ops.MaskedFill(f[0], i[0], a.num("value")) },
}

func TestSeqOpsMatchPyTorch(t *testing.T) {
	data, err := os.ReadFile("testdata/seq.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx seqFixture
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range fx.Cases {
		build := seqBuilders[c.Op]
		if build == nil {
			t.Errorf("%s: no builder for op %q", c.Name, c.Op)
			continue
		}
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			t.Run(c.Name+" "+dt.String(), func(t *testing.T) { checkSeqCase(t, c, build, dt) })
		}
	}
}

func checkSeqCase(t *testing.T, c seqCase, build seqBuilder, dt graph.DType) {
	g := graph.New()
	var fs, is []*graph.Node
	for _, x := range c.Floats {
		fs = append(fs, g.Param(x.Name, graph.FromFloat64s(dt, x.Shape, x.Data)))
	}
	for _, x := range c.Ints {
		v := make([]int64, len(x.Data))
		for j, d := range x.Data {
			v[j] = int64(d)
		}
		is = append(is, g.Const(x.Name, graph.I64(x.Shape, v...)))
	}
	y := build(fs, is, c.Attrs)
	tol := 1e-9
	if dt == graph.Float32 {
		tol = 2e-4
	}
	if !y.Shape().Equal(c.YShape) {
		t.Fatalf("shape %v, want %v", y.Shape(), c.YShape)
	}
	loss := ops.Sum(ops.Mul(y, g.Const("R", graph.FromFloat64s(dt, c.YShape, c.R))))
	gs := autodiff.Grad(loss, fs...)
	var dir *graph.Node
	for j, gx := range gs {
		d := ops.Sum(ops.Mul(gx, g.Const("V", graph.FromFloat64s(dt, gx.Shape(), c.V[j]))))
		if dir == nil {
			dir = d
		} else {
			dir = ops.Add(dir, d)
		}
	}
	hs := autodiff.Grad(dir, fs...)
	// Forward mode: <R, J V> = sum_i <grads_i, V_i>, which the fixture's numbers give.
	var vs []*graph.Node
	for j, x := range fs {
		vs = append(vs, g.Const("V", graph.FromFloat64s(dt, x.Shape(), c.V[j])))
	}
	jvp := ops.Sum(ops.Mul(autodiff.JVP([]*graph.Node{y}, fs, vs)[0], g.Const("R", graph.FromFloat64s(dt, c.YShape, c.R))))
	var wantJVP float64
	for j := range fs {
		for k, v := range c.V[j] {
			wantJVP += v * c.Grads[j][k]
		}
	}
	prog := graph.MustCompile(append(append([]*graph.Node{y}, gs...), append(hs, jvp)...)...)
	got := runProgram(t, prog, nil)
	if d := maxDiff(got[len(got)-1], []float64{wantJVP}); !(d <= tol) {
		t.Errorf("forward mode: <R, J V> = %v, want %v", got[len(got)-1][0], wantJVP)
	}
	got = got[:len(got)-1]
	// After the first run, a run allocates nothing: kernels work in the planned buffers.
	if allocs := testing.AllocsPerRun(3, func() { _, _ = prog.Run(nil) }); allocs != 0 {
		t.Errorf("a run of the op and its derivatives allocates %v times", allocs)
	}
	want := append(append([][]float64{c.Y}, c.Grads...), c.Hvp...)
	for k := range want {
		what := "y"
		switch {
		case k > len(gs):
			what = "hvp " + c.Floats[k-1-len(gs)].Name
		case k > 0:
			what = "grad " + c.Floats[k-1].Name
		}
		if d := maxDiff(got[k], want[k]); !(d <= tol) {
			t.Errorf("%s differs from PyTorch's by %.3g:\n got %v\nwant %v", what, d, got[k], want[k])
		}
	}
}
