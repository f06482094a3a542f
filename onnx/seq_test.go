package onnx_test

import (
	"fmt"
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

// gpt is examples/ch09-5-transformer's model, small: byte embedding + learned positions,
// causal pre-norm blocks, a final layer norm and a linear head to 256 scores.
func gpt(g *graph.Graph, ids *graph.Node, dim, heads, layers, ctx int) *graph.Node {
	h := nn.NewEmbedding(g.In("wte"), nn.EmbeddingOpts{Num: 256, Dim: dim}).Forward(ids)
	h = nn.NewPositionEmbedding(g.In("wpe"), nn.PositionOpts{Max: ctx, Dim: dim}).Forward(h)
	for i := range layers {
		h = nn.NewBlock(g.In(fmt.Sprintf("h%d", i)), nn.BlockOpts{Dim: dim, Heads: heads, Causal: true}).Forward(h)
	}
	h = nn.NewLayerNorm(g.In("ln_f"), nn.LayerNormOpts{Dim: dim}).Forward(h)
	return nn.NewLinear(g.In("head"), nn.LinearOpts{In: dim, Out: 256, NoBias: true}).Forward(h)
}

func randomIDs(rng *rand.Rand, n, t int) *tensor.Dense {
	v := make([]int32, n*t)
	for i := range v {
		v[i] = int32(rng.IntN(256))
	}
	return graph.I32(graph.Shape{n, t}, v...)
}

// TestExportTransformer exports a small GPT (2 blocks, width 32, 4 heads, context 16) and
// its cross-entropy loss, and runs both with ONNX Runtime on random token batches: the
// scores and the loss equal zerograd's within 1e-5 relative. -short runs 2 batches
// instead of 8.
func TestExportTransformer(t *testing.T) {
	needORT(t)
	const n, T, dim, heads, layers = 4, 16, 32, 4, 2
	g := graph.New()
	ids := g.Input("ids", graph.Int32, n, T)
	next := g.Input("next", graph.Int32, n, T)
	scores := gpt(g, ids, dim, heads, layers, T)
	loss := ops.CrossEntropyIgnore(scores, next, 0).SetName("loss")
	dir := t.TempDir()
	model := filepath.Join(dir, "gpt.onnx")
	if err := onnx.Save(model, scores, loss); err != nil {
		t.Fatal(err)
	}
	checkModel(t, model)
	prog := graph.MustCompile(scores, loss)
	rng := rand.New(rand.NewPCG(3, 4))
	batches := 8
	if testing.Short() {
		batches = 2
	}
	worst := [2]float64{}
	for b := range batches {
		iv, nv := randomIDs(rng, n, T), randomIDs(rng, n, T)
		want, err := prog.RunCopy(graph.Feeds{ids: iv, next: nv})
		if err != nil {
			t.Fatal(err)
		}
		got := ortRun(t, model, []string{"ids", "next"}, []*tensor.Dense{iv, nv})
		for i := range want {
			e, ok := closeTo(got[i], want[i], 1e-5)
			worst[i] = max(worst[i], e)
			if !ok {
				t.Errorf("batch %d: output %d differs from zerograd's by %.3g", b, i, e)
			}
		}
	}
	t.Logf("%d batches of %dx%d tokens: scores within %.3g, loss within %.3g of zerograd's", batches, n, T, worst[0], worst[1])
}

// TestExportLSTMClassifier exports an LSTM (unrolled by nn.LSTM) with a linear head on its
// last hidden state, float64, and compares ONNX Runtime's scores with zerograd's.
func TestExportLSTMClassifier(t *testing.T) {
	needORT(t)
	for _, dt := range []graph.DType{graph.Float32, graph.Float64} {
		g := graph.New()
		x := g.Input("x", dt, 8, 12, 6)
		seq := nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: 6, Hidden: 16, DType: dt}).Run(x, nil, nil)
		y := nn.NewLinear(g.In("fc"), nn.LinearOpts{In: 16, Out: 3, DType: dt}).Forward(seq.H)
		model := filepath.Join(t.TempDir(), "lstm.onnx")
		if err := onnx.Save(model, y); err != nil {
			t.Fatal(err)
		}
		xv := randomTensor(rand.New(rand.NewPCG(5, 6)), dt, []int{8, 12, 6})
		want, err := graph.Eval(y, graph.Feeds{x: xv})
		if err != nil {
			t.Fatal(err)
		}
		got := ortRun(t, model, []string{"x"}, []*tensor.Dense{xv})
		e, ok := closeTo(got[0], want, 1e-5)
		t.Logf("%s: ONNX Runtime within %.3g of zerograd", dt, e)
		if !ok {
			t.Errorf("%s: ONNX Runtime differs by %.3g", dt, e)
		}
	}
}

// TestExportBackwardOpNamesOpAndNode: the backward-only ops of the sequence ops give an
// error naming the op and the node.
func TestExportBackwardOpNamesOpAndNode(t *testing.T) {
	g := graph.New()
	x := g.Input("x", graph.Float32, 2, 3)
	gx := autodiff.Grad(ops.Sum(ops.GELU(x)), x)[0]
	err := onnx.Write(new(strings.Builder), gx)
	if err == nil || !strings.Contains(err.Error(), `"gelu_grad"`) || !strings.Contains(err.Error(), "node gelu_grad") {
		t.Fatalf("error %v, want one naming the op gelu_grad and its node", err)
	}
}
