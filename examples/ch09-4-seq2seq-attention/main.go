// Command ch09-4-seq2seq-attention is the book's second volume, chapter 8: a sequence to
// sequence model with attention that rewrites dates written in many ways ("september 27,
// 1994", "TUESDAY, SEPTEMBER 27, 1994", "9/27/94", "27.09.1994", ...) as 1994-09-27.
//
// The encoder is an Embedding and an LSTM over the source characters (padded with spaces
// to 29). The decoder is an Embedding and an LSTM that starts from the encoder's final
// hidden state and reads the target shifted right ("_1994-09-2"); at every step it attends
// over all the encoder's states (dot-product attention, the book's AttentionLayer, with
// the padding masked out by nn.PaddingMask), and an Affine layer reads the context beside
// the decoder's state to score the next character. Training feeds the true previous
// character (teacher forcing); testing feeds back the model's own greedy guesses and
// counts a date right only when all ten characters are.
//
//	go run ./examples/ch09-4-seq2seq-attention                   # writes attention.png
//	go run ./examples/ch09-4-seq2seq-attention -out docs/images/ch09-4-seq2seq-attention
//
// The picture is the book's figure 8-26: for a few held-out dates, each written a
// different way, the attention weights of each target character (rows) over the source
// characters (columns), white 0 to black 1. The default run (20000 dates, 4 epochs of
// batches of 50) takes about a minute on two cores.
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

const name = "ch09-4-seq2seq-attention"

func main() { cli.Main(name, run) }

type config struct {
	train, test, epochs, batch, hidden, embed, show int
	lr, clip                                        float64
	out                                             string
	seed                                            uint64
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Trains a seq2seq model with attention to rewrite dates as YYYY-MM-DD and draws its attention.", logw)
	var c config
	fs.IntVar(&c.train, "train", 20000, "training dates")
	fs.IntVar(&c.test, "test", 2000, "held-out dates (none of them in training)")
	fs.IntVar(&c.epochs, "epochs", 4, "passes over the training dates")
	fs.IntVar(&c.batch, "batch", 50, "dates per batch")
	fs.IntVar(&c.hidden, "hidden", 64, "LSTM hidden size (encoder and decoder)")
	fs.IntVar(&c.embed, "embed", 16, "character vector size")
	fs.IntVar(&c.show, "show", 4, "held-out dates to print and draw, each written differently")
	fs.Float64Var(&c.lr, "lr", 0.01, "Adam's learning rate")
	fs.Float64Var(&c.clip, "clip", 5, "clip the gradients' global norm to this (0: no clipping)")
	fs.StringVar(&c.out, "out", name, "folder for attention.png")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed (data, weights, batches)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if c.train < c.batch || c.test < 1 {
		return fmt.Errorf("-train %d must be at least -batch %d, and -test at least 1", c.train, c.batch)
	}
	rng := rand.New(rand.NewPCG(c.seed, 2))
	train, test := makeDates(rng, c.train, c.test)
	for _, p := range append(train, test...) {
		if err := mustVocab(p.src); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "%d training dates, %d held out, e.g. %q -> %q\n", len(train), len(test), train[0].src, train[0].tgt)

	began := time.Now()
	g := graph.New()
	g.Seed(c.seed)
	m := newModel(g, c)
	n := c.batch
	b := m.inputs(g, "train", n)
	scores, _ := m.forward(b)
	t := g.Input("t", graph.Int32, n, tgtLen)
	loss := ops.CrossEntropy(scores, t) // the mean over every target character
	var opt optim.Optimizer = optim.NewAdam(c.lr, 0.9, 0.999)
	if c.clip > 0 {
		opt = optim.WithHooks(opt, optim.ClipNorm(c.clip))
	}
	step := optim.NewStep(loss, opt)
	tv := graph.I32(graph.Shape{n, tgtLen})
	for epoch := 1; epoch <= c.epochs; epoch++ {
		perm := rng.Perm(len(train))
		sum, count := 0.0, 0
		for i := 0; i+n <= len(perm); i += n {
			if err := ctx.Err(); err != nil {
				return err
			}
			feeds := b.fill(train, perm[i:i+n], true)
			for k, j := range perm[i : i+n] {
				ids(tv.Int32s()[k*tgtLen:(k+1)*tgtLen], train[j].tgt)
			}
			feeds[t] = tv
			l, err := step.Run(feeds)
			if err != nil {
				return err
			}
			sum, count = sum+l, count+1
		}
		fmt.Fprintf(logw, "epoch %d: loss %.4f (%s)\n", epoch, sum/float64(count), time.Since(began).Round(time.Second))
	}
	trained := time.Since(began)

	ev, err := newEvaluator(g, m, min(len(test), 200))
	if err != nil {
		return err
	}
	guesses, weights, err := ev.decode(test)
	if err != nil {
		return err
	}
	right := 0
	for i, p := range test {
		if guesses[i] == p.tgt {
			right++
		}
	}
	fmt.Fprintf(w, "held-out exact match %.4f (%d of %d) after %d epochs; training %s, testing %s\n",
		float64(right)/float64(len(test)), right, len(test), c.epochs,
		trained.Round(time.Second), (time.Since(began) - trained).Round(time.Second))
	shown := distinctFormats(test, c.show)
	maps := make([]heatmap, len(shown))
	for k, i := range shown {
		mark := "right"
		if guesses[i] != test[i].tgt {
			mark = "wrong, want " + test[i].tgt
		}
		fmt.Fprintf(w, "%-31q -> %s (%s)\n", test[i].src, guesses[i], mark)
		maps[k] = heatmap{rows: guesses[i], cols: test[i].src, w: weights[i]}
	}
	if len(shown) == 0 {
		return nil
	}
	path := filepath.Join(c.out, "attention.png")
	if err := drawHeatmaps(path, maps); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s\n", path)
	return nil
}

// model is the book's AttentionSeq2seq: an Encoder and an AttentionDecoder.
type model struct {
	encEmb, decEmb *nn.Embedding
	enc, dec       *nn.LSTM
	fc             *nn.Affine
	c              config
}

func newModel(g *graph.Graph, c config) *model {
	v := len(vocab)
	return &model{
		encEmb: nn.NewEmbedding(g.In("enc_embed"), nn.EmbeddingOpts{Num: v, Dim: c.embed}),
		enc:    nn.NewLSTM(g.In("enc_lstm"), nn.LSTMOpts{In: c.embed, Hidden: c.hidden}),
		decEmb: nn.NewEmbedding(g.In("dec_embed"), nn.EmbeddingOpts{Num: v, Dim: c.embed}),
		dec:    nn.NewLSTM(g.In("dec_lstm"), nn.LSTMOpts{In: c.embed, Hidden: c.hidden}),
		fc:     nn.NewAffine(g.In("fc"), nn.AffineOpts{In: 2 * c.hidden, Out: v, Init: nn.Xavier()}),
		c:      c,
	}
}

// batch is one batch's inputs: the source ids [N S], its padding mask [N S] (1 at the
// padding spaces) and the decoder's input ids [N T] (the target shifted right).
type batch struct {
	n              int
	src, pad, dec  *graph.Node
	srcV, padV, dv *graphTensor
}

func (m *model) inputs(g *graph.Graph, prefix string, n int) *batch {
	b := &batch{n: n,
		src: g.Input(prefix+"_src", graph.Int32, n, srcLen),
		pad: g.Input(prefix+"_pad", graph.Float32, n, srcLen),
		dec: g.Input(prefix+"_dec", graph.Int32, n, tgtLen),
	}
	b.srcV, b.padV, b.dv = newTensors(b)
	return b
}

// forward returns the scores of every target character [N T vocab] and the attention
// weights [N T S].
func (m *model) forward(b *batch) (scores, weights *graph.Node) {
	enc := m.enc.Run(m.encEmb.Forward(b.src), nil, nil) // ids [N S] -> vectors [N S embed]
	dec := m.dec.Run(m.decEmb.Forward(b.dec), enc.H, nil)
	// The book's Attention: weights = softmax(dec_h . enc_hs), context = weights enc_hs.
	ctx, weights := nn.DotProductAttention(dec.Out, enc.Out, enc.Out, nn.PaddingMask(b.pad), 1)
	// The book's TimeAffine: one batched product [N T 2H] x [2H vocab] for every step.
	both := ops.Concat(2, ctx, dec.Out)
	return ops.Add(ops.MatMul(both, m.fc.W), m.fc.B), weights
}
