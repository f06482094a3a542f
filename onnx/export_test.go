package onnx_test

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/onnx"
	"github.com/zerograd/zerograd/ops"
)

// opCase builds a small graph on inputs x (and a second input y where needed); the
// inputs are filled with random values away from zero.
type opCase struct {
	name  string
	shape []int // x's shape; y has yshape or x's
	y     []int
	build func(x, y *graph.Node) *graph.Node
	f32   bool // ONNX Runtime has the op for float only
	// labels, when set, makes y class labels [shape[0]] in [0, labels): int32, or whole
	// numbers of x's type with floatLabels.
	labels      int
	floatLabels bool
	// idx, when set with labels, is the shape of the integer input (indices, masks).
	idx []int
}

// second makes the case's second input, "x2", and its value, or nil when it has none.
func (c opCase) second(g *graph.Graph, rng *rand.Rand, dt graph.DType) (*graph.Node, *tensor.Dense) {
	if c.labels > 0 {
		shape := []int{c.shape[0]}
		if c.idx != nil {
			shape = c.idx
		}
		v := make([]float64, graph.Shape(shape).Size())
		for i := range v {
			v[i] = float64(rng.IntN(c.labels))
		}
		ldt := graph.Int32
		if c.floatLabels {
			ldt = dt
		}
		return g.Input("x2", ldt, shape...), graph.FromFloat64s(ldt, shape, v)
	}
	if c.y == nil {
		return nil, nil
	}
	return g.Input("x2", dt, c.y...), randomTensor(rng, dt, c.y)
}

func param(g *graph.Graph, name string, dt graph.DType, shape ...int) *graph.Node {
	return g.Param(name, nn.RandomTensor(g.Rand(), dt, 0.5, shape...))
}

var opCases = []opCase{
	{name: "add", shape: []int{4, 3}, y: []int{4, 3}, build: func(x, y *graph.Node) *graph.Node { return ops.Add(x, y) }},
	{name: "add broadcast", shape: []int{4, 3}, y: []int{3}, build: func(x, y *graph.Node) *graph.Node { return ops.Add(x, y) }},
	{name: "sub", shape: []int{4, 3}, y: []int{4, 1}, build: func(x, y *graph.Node) *graph.Node { return ops.Sub(x, y) }},
	{name: "mul", shape: []int{2, 3, 4}, y: []int{3, 1}, build: func(x, y *graph.Node) *graph.Node { return ops.Mul(x, y) }},
	{name: "div", shape: []int{4, 3}, y: []int{4, 3}, build: func(x, y *graph.Node) *graph.Node { return ops.Div(x, ops.AddScalar(ops.Square(y), 1)) }},
	{name: "neg", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Neg(x) }},
	{name: "exp", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Exp(x) }},
	{name: "log", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Log(ops.Abs(x)) }},
	{name: "sqrt", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Sqrt(ops.Abs(x)) }},
	{name: "square", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Square(x) }},
	{name: "abs", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Abs(x) }},
	{name: "sign", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Sign(x) }},
	{name: "pow", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Pow(ops.Abs(x), 1.5) }},
	{name: "tanh", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Tanh(x) }},
	{name: "sigmoid", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Sigmoid(x) }},
	{name: "relu", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.ReLU(x) }},
	{name: "leaky_relu", shape: []int{4, 3}, f32: true, build: func(x, _ *graph.Node) *graph.Node { return ops.LeakyReLU(x, 0.1) }},
	{name: "step", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Step(x) }},
	{name: "clamp", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Clamp(x, -0.5, 0.5) }},
	{name: "softmax", shape: []int{4, 5}, build: func(x, _ *graph.Node) *graph.Node { return ops.Softmax(x, 1) }},
	{name: "softmax axis 0", shape: []int{4, 5}, build: func(x, _ *graph.Node) *graph.Node { return ops.Softmax(x, 0) }},
	{name: "log_softmax", shape: []int{4, 5}, build: func(x, _ *graph.Node) *graph.Node { return ops.LogSoftmax(x, -1) }},
	{name: "matmul", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		return ops.MatMul(x, param(x.Graph(), "W", x.DType(), 3, 5))
	}},
	{name: "matmul transposed", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		return ops.MatMulT(x, param(x.Graph(), "W", x.DType(), 5, 3), false, true)
	}},
	{name: "matmul 3-D", shape: []int{2, 4, 3}, y: []int{2, 5, 3}, build: func(x, y *graph.Node) *graph.Node { return ops.MatMulT(x, y, false, true) }},
	{name: "affine", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		l := nn.NewAffine(x.Graph().In("fc"), nn.AffineOpts{In: 3, Out: 5, DType: x.DType()})
		return l.Forward(x)
	}},
	{name: "reshape", shape: []int{4, 6}, build: func(x, _ *graph.Node) *graph.Node { return ops.Reshape(x, 4, 2, 3) }},
	{name: "flatten", shape: []int{4, 2, 3, 2}, build: func(x, _ *graph.Node) *graph.Node { return ops.Flatten(x) }},
	{name: "transpose", shape: []int{4, 2, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Transpose(x, 0, 2, 1) }},
	{name: "broadcast_to", shape: []int{4, 1, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Exp(ops.BroadcastTo(x, 4, 2, 3)) }},
	{name: "sum_to", shape: []int{4, 2, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.SumTo(x, 2, 1) }},
	{name: "sum_to keep", shape: []int{4, 2, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.SumTo(x, 1, 2, 1) }},
	{name: "slice", shape: []int{4, 6}, build: func(x, _ *graph.Node) *graph.Node { return ops.Slice(x, 1, 2, 5) }},
	{name: "concat", shape: []int{4, 3}, y: []int{4, 2}, build: func(x, y *graph.Node) *graph.Node { return ops.Concat(1, x, y) }},
	{name: "sum", shape: []int{4, 3, 2}, build: func(x, _ *graph.Node) *graph.Node { return ops.Sum(x, 1) }},
	{name: "sum all", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.Sum(x) }},
	{name: "mean keep", shape: []int{4, 3, 2}, build: func(x, _ *graph.Node) *graph.Node { return ops.MeanKeep(x, 1, 2) }},
	{name: "max", shape: []int{4, 3, 2}, build: func(x, _ *graph.Node) *graph.Node { return ops.Max(x, -1) }},
	{name: "conv2d", shape: []int{2, 3, 7, 7}, f32: true, build: func(x, _ *graph.Node) *graph.Node {
		return ops.Conv2D(x, param(x.Graph(), "W", x.DType(), 4, 3, 3, 3), 1, 0)
	}},
	{name: "conv2d bias stride pad", shape: []int{2, 3, 7, 7}, f32: true, build: func(x, _ *graph.Node) *graph.Node {
		g := x.Graph()
		return ops.Conv2DBias(x, param(g, "W", x.DType(), 4, 3, 3, 3), param(g, "b", x.DType(), 4), 2, 1)
	}},
	{name: "max_pool2d", shape: []int{2, 3, 6, 6}, build: func(x, _ *graph.Node) *graph.Node { return ops.MaxPool2D(x, 2, 2, 2, 0) }},
	{name: "max_pool2d pad", shape: []int{2, 3, 7, 7}, build: func(x, _ *graph.Node) *graph.Node { return ops.MaxPool2D(ops.Neg(ops.Abs(x)), 3, 3, 2, 1) }},
	{name: "avg_pool2d pad", shape: []int{2, 3, 7, 7}, f32: true, build: func(x, _ *graph.Node) *graph.Node { return ops.AvgPool2D(x, 3, 3, 2, 1) }},
	{name: "batch_norm", shape: []int{4, 3, 5, 5}, build: func(x, _ *graph.Node) *graph.Node {
		bn := nn.NewBatchNorm(x.Graph().In("bn"), nn.BatchNormOpts{C: 3, DType: x.DType()})
		return bn.Forward(x)
	}},
	{name: "batch_norm 2-D", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		bn := nn.NewBatchNorm(x.Graph().In("bn"), nn.BatchNormOpts{C: 3, DType: x.DType()})
		return bn.Forward(x)
	}},
	{name: "dropout", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		return nn.NewDropout(x.Graph(), nn.DropoutOpts{Ratio: 0.3}).Forward(x)
	}},
	{name: "inverted dropout", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		return nn.NewDropout(x.Graph(), nn.DropoutOpts{Ratio: 0.3, Inverted: true}).Forward(x)
	}},
	{name: "softmax_cross_entropy one-hot", shape: []int{4, 5}, y: []int{4, 5}, build: func(x, y *graph.Node) *graph.Node {
		return ops.SoftmaxCrossEntropy(x, ops.Softmax(y, 1))
	}},
	{name: "softmax_cross_entropy labels", shape: []int{4, 5}, labels: 5, build: func(x, t *graph.Node) *graph.Node {
		return ops.SoftmaxCrossEntropy(x, t)
	}},
	{name: "softmax_cross_entropy float labels", shape: []int{4, 5}, labels: 5, floatLabels: true, build: func(x, t *graph.Node) *graph.Node {
		return ops.SoftmaxCrossEntropy(x, t)
	}},
	{name: "one_hot", shape: []int{4, 5}, labels: 5, floatLabels: true, f32: true, build: func(x, t *graph.Node) *graph.Node {
		return ops.Mul(x, ops.OneHot(t, 5))
	}},
	{name: "equal (max's gradient)", shape: []int{4, 5}, build: func(x, _ *graph.Node) *graph.Node {
		// Max's gradient masks the maxima with equal; the product keeps a path from x.
		return ops.Mul(x, autodiff.Grad(ops.Sum(ops.Max(x, 1)), x)[0])
	}},
	// The sequence ops and layers.
	{name: "matmul 4-D broadcast", shape: []int{2, 3, 4, 5}, y: []int{3, 5, 2}, build: func(x, y *graph.Node) *graph.Node { return ops.MatMul(x, y) }},
	{name: "matmul 4-D transposed", shape: []int{2, 3, 4, 5}, y: []int{1, 6, 5}, build: func(x, y *graph.Node) *graph.Node { return ops.MatMulT(x, y, false, true) }},
	{name: "matmul 3-D by matrix", shape: []int{2, 4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		return ops.MatMul(x, param(x.Graph(), "W", x.DType(), 3, 5))
	}},
	{name: "layer_norm", shape: []int{2, 3, 4}, build: func(x, _ *graph.Node) *graph.Node {
		g := x.Graph()
		return ops.LayerNorm(x, param(g, "gamma", x.DType(), 4), param(g, "beta", x.DType(), 4), 1e-5)
	}},
	{name: "layer_norm 2 axes no bias", shape: []int{2, 3, 4}, build: func(x, _ *graph.Node) *graph.Node {
		return ops.LayerNorm(x, param(x.Graph(), "gamma", x.DType(), 3, 4), nil, 1e-3)
	}},
	{name: "normalize", shape: []int{4, 6}, build: func(x, _ *graph.Node) *graph.Node { return ops.Normalize(x, 1, 1e-5) }},
	{name: "take", shape: []int{5, 3}, labels: 5, idx: []int{2, 4}, build: func(x, ids *graph.Node) *graph.Node { return ops.Take(x, 0, ids) }},
	{name: "take axis 1", shape: []int{4, 5, 2}, labels: 5, idx: []int{3}, build: func(x, ids *graph.Node) *graph.Node { return ops.Take(x, 1, ids) }},
	{name: "embedding", shape: []int{2, 3, 4}, labels: 6, idx: []int{2, 3}, build: func(x, ids *graph.Node) *graph.Node {
		e := nn.NewEmbedding(x.Graph().In("wte"), nn.EmbeddingOpts{Num: 6, Dim: 4, DType: x.DType()})
		return ops.Add(e.Forward(ids), x)
	}},
	{name: "gather", shape: []int{4, 5}, labels: 5, idx: []int{4, 2}, build: func(x, idx *graph.Node) *graph.Node { return ops.Gather(x, 1, idx) }},
	{name: "gather axis 0", shape: []int{3, 4}, labels: 3, idx: []int{2, 4}, build: func(x, idx *graph.Node) *graph.Node { return ops.Gather(x, 0, idx) }},
	{name: "split", shape: []int{4, 6}, build: func(x, _ *graph.Node) *graph.Node {
		p := ops.Split(x, 1, 2, 4)
		return ops.Concat(1, ops.Exp(p[1]), p[0])
	}},
	{name: "stack", shape: []int{4, 3}, y: []int{4, 3}, build: func(x, y *graph.Node) *graph.Node { return ops.Stack(1, x, y) }},
	{name: "where", shape: []int{4, 3}, y: []int{4, 3}, build: func(x, y *graph.Node) *graph.Node { return ops.Where(ops.Step(y), x, ops.Neg(x)) }},
	{name: "where int mask broadcast", shape: []int{4, 3}, labels: 2, idx: []int{3}, build: func(x, m *graph.Node) *graph.Node {
		return ops.Where(m, x, x.Graph().Const("b", graph.FromFloat64s(x.DType(), []int{4, 1}, []float64{1, 2, 3, 4})))
	}},
	{name: "masked_fill causal softmax", shape: []int{2, 4, 4}, build: func(x, _ *graph.Node) *graph.Node {
		m := graph.I32(graph.Shape{4, 4}, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0)
		return ops.Softmax(ops.MaskedFill(x, x.Graph().Const("causal", m), math.Inf(-1)), -1)
	}},
	{name: "causal_softmax", shape: []int{2, 3, 5}, build: func(x, _ *graph.Node) *graph.Node { return ops.CausalSoftmax(x, 0.5) }},
	{name: "linear 3-D", shape: []int{2, 4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		g := x.Graph()
		return ops.Linear(x, param(g, "W", x.DType(), 5, 3), param(g, "b", x.DType(), 5))
	}},
	{name: "linear 2-D", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node {
		g := x.Graph()
		return ops.Linear(x, param(g, "W", x.DType(), 5, 3), param(g, "b", x.DType(), 5))
	}},
	{name: "split and merge heads", shape: []int{2, 3, 8}, build: func(x, _ *graph.Node) *graph.Node {
		return ops.MergeHeads(ops.Exp(ops.SplitHeads(x, 4)), 2)
	}},
	{name: "masked_fill int mask", shape: []int{4, 3}, labels: 2, idx: []int{4, 3}, build: func(x, m *graph.Node) *graph.Node { return ops.MaskedFill(x, m, -2.5) }},
	// ONNX Runtime has Erf and Softplus for float only (the models are valid in double).
	{name: "gelu", shape: []int{4, 3}, f32: true, build: func(x, _ *graph.Node) *graph.Node { return ops.GELU(x) }},
	{name: "gelu_tanh", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.GELUTanh(x) }},
	{name: "silu", shape: []int{4, 3}, build: func(x, _ *graph.Node) *graph.Node { return ops.SiLU(x) }},
	{name: "softplus", shape: []int{4, 3}, f32: true, build: func(x, _ *graph.Node) *graph.Node { return ops.Softplus(ops.MulScalar(x, 20)) }},
	{name: "cross_entropy", shape: []int{4, 5}, labels: 5, build: func(x, t *graph.Node) *graph.Node { return ops.CrossEntropy(x, t) }},
	{name: "cross_entropy [N T C]", shape: []int{2, 3, 5}, labels: 5, idx: []int{2, 3}, build: func(x, t *graph.Node) *graph.Node { return ops.CrossEntropy(x, t) }},
	{name: "cross_entropy ignore", shape: []int{2, 4, 3}, labels: 3, idx: []int{2, 4}, build: func(x, t *graph.Node) *graph.Node { return ops.CrossEntropyIgnore(x, t, 1) }},
	{name: "attention", shape: []int{2, 4, 8}, build: func(x, _ *graph.Node) *graph.Node {
		return nn.NewMultiHeadAttention(x.Graph().In("attn"), nn.AttentionOpts{Dim: 8, Heads: 2, Causal: true, DType: x.DType()}).Forward(x)
	}},
	{name: "block", shape: []int{2, 4, 8}, build: func(x, _ *graph.Node) *graph.Node {
		return nn.NewBlock(x.Graph().In("h0"), nn.BlockOpts{Dim: 8, Heads: 2, Causal: true, DType: x.DType()}).Forward(x)
	}},
	{name: "lstm", shape: []int{2, 3, 4}, build: func(x, _ *graph.Node) *graph.Node {
		return nn.NewLSTM(x.Graph().In("lstm"), nn.LSTMOpts{In: 4, Hidden: 5, DType: x.DType()}).Forward(x)
	}},
	{name: "gru", shape: []int{2, 3, 4}, build: func(x, _ *graph.Node) *graph.Node {
		return nn.NewGRU(x.Graph().In("gru"), nn.GRUOpts{In: 4, Hidden: 5, DType: x.DType()}).Forward(x)
	}},
	{name: "mlp", shape: []int{4, 6}, build: func(x, _ *graph.Node) *graph.Node {
		g := x.Graph()
		h := nn.NewAffine(g.In("fc1"), nn.AffineOpts{In: 6, Out: 8, DType: x.DType()}).Forward(x)
		h = ops.Tanh(h)
		return ops.Softmax(nn.NewAffine(g.In("fc2"), nn.AffineOpts{In: 8, Out: 3, DType: x.DType()}).Forward(h), 1)
	}},
	{name: "convnet", shape: []int{2, 1, 8, 8}, f32: true, build: func(x, _ *graph.Node) *graph.Node {
		g := x.Graph()
		h := nn.NewConv2D(g.In("conv"), nn.Conv2DOpts{In: 1, Out: 3, Size: 3, Pad: 1, DType: x.DType()}).Forward(x)
		h = ops.MaxPool2D(ops.ReLU(h), 2, 2, 2, 0)
		h = ops.Flatten(h)
		return nn.NewAffine(g.In("fc"), nn.AffineOpts{In: 48, Out: 4, DType: x.DType()}).Forward(h)
	}},
}

func randomTensor(rng *rand.Rand, dt graph.DType, shape []int) *tensor.Dense {
	v := make([]float64, graph.Shape(shape).Size())
	for i := range v {
		v[i] = (0.2 + rng.Float64()) * float64(1-2*rng.IntN(2))
	}
	return graph.FromFloat64s(dt, shape, v)
}

// TestExportEachOp exports each op alone and in small graphs, checks the model with
// onnx.checker and compares ONNX Runtime's outputs with zerograd's. -short runs float32
// only (TestRoundTrip checks every case in float64).
func TestExportEachOp(t *testing.T) {
	needORT(t)
	dir := t.TempDir()
	var files []string
	dts := []graph.DType{graph.Float32, graph.Float64}
	if testing.Short() {
		dts = dts[:1]
	}
	for _, dt := range dts {
		for _, c := range opCases {
			if dt == graph.Float64 && c.f32 {
				continue
			}
			t.Run(c.name+" "+dt.String(), func(t *testing.T) {
				g := graph.New()
				rng := rand.New(rand.NewPCG(1, 2))
				x := g.Input("x", dt, c.shape...)
				feeds := graph.Feeds{x: randomTensor(rng, dt, c.shape)}
				names, vals := []string{"x"}, []*tensor.Dense{feeds[x]}
				y, yv := c.second(g, rng, dt)
				if y != nil {
					feeds[y] = yv
					names, vals = append(names, "x2"), append(vals, yv)
				}
				out := c.build(x, y)
				want, err := graph.Eval(out, feeds)
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+"_"+dt.String()+".onnx")
				if err := onnx.Save(path, out); err != nil {
					t.Fatal(err)
				}
				files = append(files, path)
				got := ortRun(t, path, names, vals)
				if e, ok := closeTo(got[0], want, 1e-5); !ok {
					t.Errorf("ONNX Runtime differs from zerograd by %.3g relative\ngot  %v\nwant %v", e, graph.Float64s(got[0]), graph.Float64s(want))
				}
			})
		}
	}
	checkModel(t, files...)
}

func TestExportUnsupportedOpNamesOpAndNode(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 2, 3)
	swish := ops.Elementwise{Name: "swish", F: func(v float64) float64 { return v }}
	y := ops.Exp(swish.Apply(x))
	err := onnx.Write(new(strings.Builder), y)
	if err == nil || !strings.Contains(err.Error(), `"swish"`) || !strings.Contains(err.Error(), "swish#1") {
		t.Fatalf("error %v, want one naming the op swish and its node swish#1", err)
	}
}
