package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// Two sequence models, one training step each (forward, backward, clipping and Adam),
// float32; bench/pytorch/seq.py times the same two in PyTorch and prints the same lines.
//
// LSTM language model: byte-like ids from a vocabulary of 100, an embedding of 64, one
// LSTM of 256 hidden units unrolled over 64 steps from a zero state, a linear head to the
// 100 ids; batch 32.
//
// Transformer: examples/ch09-5-transformer's model, the size issue 12 suggests (a byte
// embedding and a learned position embedding of width 128, four pre-norm nn.Block layers
// with 4 heads and causal attention, a final LayerNorm, a linear head over 256 bytes) with
// a context of 128; batch 16. TransformerStep2x64 is the same with 2 layers of width 64
// (the example's size before 2026-12-04), where per-op costs weigh more.
//
// Both use the example's optimizer: Adam (lr 3e-3 for the transformer, 1e-2 for the
// LSTM, as in ch09-3-char-lm) after clipping the gradients' global norm to 1.

const (
	lstmBatch, lstmSteps, lstmHidden, lstmVocab, lstmEmbed = 32, 64, 256, 100, 64

	gptBatch, gptCtx, gptDim, gptHeads, gptLayers, gptVocab = 16, 128, 128, 4, 4, 256
)

// seqStep is a built training step over fixed random ids.
type seqStep struct {
	step  *optim.Step
	feeds graph.Feeds
	batch int
}

func (s *seqStep) run(tb testing.TB) {
	if _, err := s.step.Run(s.feeds); err != nil {
		tb.Fatal(err)
	}
}

// randomIDs feeds x and t with n uniform ids below vocab.
func randomIDs(rng *rand.Rand, x, t *graph.Node, n, vocab int) graph.Feeds {
	xv, tv := graph.I32(graph.Shape{n}), graph.I32(graph.Shape{n})
	for i := range n {
		xv.Int32s()[i], tv.Int32s()[i] = int32(rng.IntN(vocab)), int32(rng.IntN(vocab))
	}
	return graph.Feeds{x: xv, t: tv}
}

func clippedAdam(lr float64) optim.Optimizer {
	return optim.WithHooks(optim.NewAdam(lr, 0.9, 0.999), optim.ClipNorm(1))
}

func newLSTMStep() *seqStep {
	g := graph.New()
	g.Seed(1)
	n, T := lstmBatch, lstmSteps
	emb := nn.NewEmbedding(g.In("embed"), nn.EmbeddingOpts{Num: lstmVocab, Dim: lstmEmbed})
	lstm := nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: lstmEmbed, Hidden: lstmHidden})
	head := nn.NewLinear(g.In("head"), nn.LinearOpts{In: lstmHidden, Out: lstmVocab})
	x, t := g.Input("x", graph.Int32, n*T), g.Input("t", graph.Int32, n*T)
	h := lstm.Forward(ops.Reshape(emb.Forward(x), n, T, lstmEmbed))
	loss := nn.SoftmaxCrossEntropy(ops.Reshape(head.Forward(h), n*T, lstmVocab), t)
	return &seqStep{
		step:  optim.NewStep(loss, clippedAdam(1e-2)),
		feeds: randomIDs(rand.New(rand.NewPCG(5, 6)), x, t, n*T, lstmVocab),
		batch: n,
	}
}

func newTransformerStep() *seqStep { return newGPTStep(gptLayers, gptDim) }

// newGPTStep is newTransformerStep's model with the given layers and width (4 heads).
func newGPTStep(layers, dim int) *seqStep {
	g := graph.New()
	g.Seed(1)
	n, T := gptBatch, gptCtx
	wte := nn.NewEmbedding(g.In("wte"), nn.EmbeddingOpts{Num: gptVocab, Dim: dim})
	wpe := nn.NewPositionEmbedding(g.In("wpe"), nn.PositionOpts{Max: T, Dim: dim})
	var blocks []*nn.Block
	for i := range layers {
		blocks = append(blocks, nn.NewBlock(g.In(fmt.Sprintf("h%d", i)), nn.BlockOpts{Dim: dim, Heads: gptHeads, Causal: true}))
	}
	lnF := nn.NewLayerNorm(g.In("ln_f"), nn.LayerNormOpts{Dim: dim})
	head := nn.NewLinear(g.In("head"), nn.LinearOpts{In: dim, Out: gptVocab, NoBias: true})
	x, t := g.Input("x", graph.Int32, n*T), g.Input("t", graph.Int32, n*T)
	h := wpe.Forward(ops.Reshape(wte.Forward(x), n, T, dim))
	for _, b := range blocks {
		h = b.Forward(h)
	}
	loss := nn.SoftmaxCrossEntropy(ops.Reshape(head.Forward(lnF.Forward(h)), n*T, gptVocab), t)
	return &seqStep{
		step:  optim.NewStep(loss, clippedAdam(3e-3)),
		feeds: randomIDs(rand.New(rand.NewPCG(7, 8)), x, t, n*T, gptVocab),
		batch: n,
	}
}

func benchSeq(b *testing.B, build func() *seqStep) {
	var s *seqStep
	heap, _ := peakHeapMB(func() func() {
		s = build()
		return func() { s.run(b) }
	})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.run(b)
	}
	b.ReportMetric(float64(b.N*s.batch)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(heap, "peak-heap-MB")
}

// BenchmarkLSTMStep is a training step of the LSTM language model (batch 32, 64 steps,
// 256 hidden, vocabulary 100).
func BenchmarkLSTMStep(b *testing.B) { benchSeq(b, newLSTMStep) }

// BenchmarkTransformerStep is a training step of ch09-5-transformer's model (4 layers of
// width 128, 4 heads, batch 16, context 128).
func BenchmarkTransformerStep(b *testing.B) { benchSeq(b, newTransformerStep) }

// BenchmarkTransformerStep2x64 is the same step for a smaller model: 2 layers of width 64
// (4 heads), context 128, batch 16.
func BenchmarkTransformerStep2x64(b *testing.B) {
	benchSeq(b, func() *seqStep { return newGPTStep(2, 64) })
}

// TestSeqStepsAllocateNothing runs each step a few times and checks that no step after the
// first allocates (beyond a few small values per run).
func TestSeqStepsAllocateNothing(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func() *seqStep
	}{{"lstm", newLSTMStep}, {"transformer", newTransformerStep}} {
		s := c.build()
		s.run(t)
		allocs := testing.AllocsPerRun(2, func() { s.run(t) })
		t.Logf("%s: %.0f allocations per step", c.name, allocs)
		if allocs > 16 {
			t.Errorf("%s: %.0f allocations per step after the first", c.name, allocs)
		}
	}
}
