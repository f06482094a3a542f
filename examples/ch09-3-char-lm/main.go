// Command ch09-3-char-lm trains a character-level language model with truncated
// backpropagation through time, the book's second volume (chapters 5 and 6: the
// "stateful" TimeLSTM of its RNNLM), on a short text: an Embedding, an LSTM and an Affine
// layer over the characters. The text is cut into -batch streams read side by side, -steps
// characters at a time; the LSTM's final state of one batch is fed to the next as a value
// (nn.Carry), so the state runs through the whole text while each gradient stops at its
// batch's first step. After training it writes a sample, one character at a time, each
// guess fed back as the next input.
//
//	go run ./examples/ch09-3-char-lm                 # the built-in text (corpus.txt)
//	go run ./examples/ch09-3-char-lm -text FILE      # any text
//
// The Embedding is nn.Embedding, a one-hot product until a gather op exists.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

const name = "ch09-3-char-lm"

//go:embed corpus.txt
var corpus string

func main() { cli.Main(name, run) }

type config struct {
	epochs, batch, steps, hidden, embed, sample int
	lr, clip                                    float64
	text                                        string
	seed                                        uint64
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Trains a character-level LSTM language model with truncated BPTT and writes a sample.", logw)
	var c config
	fs.IntVar(&c.epochs, "epochs", 60, "passes over the text")
	fs.IntVar(&c.batch, "batch", 8, "streams read side by side")
	fs.IntVar(&c.steps, "steps", 16, "characters per batch and stream (the truncation of BPTT)")
	fs.IntVar(&c.hidden, "hidden", 128, "LSTM hidden size")
	fs.IntVar(&c.embed, "embed", 16, "character vector size")
	fs.IntVar(&c.sample, "sample", 200, "characters to write after training")
	fs.Float64Var(&c.lr, "lr", 0.01, "Adam's learning rate")
	fs.Float64Var(&c.clip, "clip", 1, "clip the gradients' global norm to this (0: no clipping)")
	fs.StringVar(&c.text, "text", "", "train on this text file (default: the built-in text)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed (weights, sampling)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	text := corpus
	if c.text != "" {
		b, err := os.ReadFile(c.text)
		if err != nil {
			return err
		}
		text = string(b)
	}
	vocab, ids := encode(text)
	per := (len(ids) - 1) / c.batch // characters of each stream
	if per < c.steps {
		return fmt.Errorf("%d characters make streams of %d, shorter than -steps %d", len(ids), per, c.steps)
	}
	fmt.Fprintf(w, "%d characters, %d distinct; %d streams of %d, %d batches of %d steps per epoch\n",
		len(ids), len(vocab), c.batch, per, per/c.steps, c.steps)

	g := graph.New()
	g.Seed(c.seed)
	m := newModel(g, len(vocab), c)
	n, T := c.batch, c.steps
	x, t := g.Input("x", graph.Int32, n*T), g.Input("t", graph.Int32, n*T) // [N T] row-major
	h0, c0 := g.Input("h0", graph.Float32, n, c.hidden), g.Input("c0", graph.Float32, n, c.hidden)
	scores, seq := m.forward(x, h0, c0, n, T)
	loss := nn.SoftmaxCrossEntropy(scores, t)
	var opt optim.Optimizer = optim.NewAdam(c.lr, 0.9, 0.999)
	if c.clip > 0 {
		opt = optim.WithHooks(opt, optim.ClipNorm(c.clip))
	}
	step := optim.NewStep(loss, opt).Keep(seq.H, seq.C)
	carry := nn.NewCarry([]*graph.Node{h0, c0}, []*graph.Node{seq.H, seq.C})

	xv, tv := graph.I32(graph.Shape{n * T}), graph.I32(graph.Shape{n * T})
	var ppl float64
	for epoch := 1; epoch <= c.epochs; epoch++ {
		carry.Reset() // each epoch reads the streams from their starts
		sum, count := 0.0, 0
		for pos := 0; pos+T <= per; pos += T {
			if err := ctx.Err(); err != nil {
				return err
			}
			xs, ts := xv.Int32s(), tv.Int32s()
			for i := range n {
				for j := range T {
					k := i*per + pos + j
					xs[i*T+j], ts[i*T+j] = ids[k], ids[k+1]
				}
			}
			feeds := graph.Feeds{x: xv, t: tv}
			carry.Feed(feeds)
			l, err := step.Run(feeds)
			if err != nil {
				return err
			}
			if err := carry.Update(step.Value); err != nil {
				return err
			}
			sum, count = sum+l, count+1
		}
		ppl = math.Exp(sum / float64(count))
		fmt.Fprintf(logw, "epoch %d: perplexity %.3f\n", epoch, ppl)
	}
	fmt.Fprintf(w, "perplexity %.3f after %d epochs (%d characters to choose from)\n", ppl, c.epochs, len(vocab))
	s, err := m.generate(g, vocab, ids[0], c.sample, rand.New(rand.NewPCG(c.seed, 1)))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sample:\n%s\n", s)
	return nil
}

// encode numbers the distinct characters of text in sorted order.
func encode(text string) (vocab []rune, ids []int32) {
	for _, r := range text {
		if !slices.Contains(vocab, r) {
			vocab = append(vocab, r)
		}
	}
	slices.Sort(vocab)
	for _, r := range text {
		ids = append(ids, int32(slices.Index(vocab, r)))
	}
	return vocab, ids
}

// model is the RNNLM: Embedding, LSTM, Affine, the book's chapter 6 network.
type model struct {
	emb    *nn.Embedding
	lstm   *nn.LSTM
	fc     *nn.Affine
	embDim int
	hidden int
}

func newModel(g *graph.Graph, vocab int, c config) *model {
	return &model{
		emb:    nn.NewEmbedding(g.In("embed"), nn.EmbeddingOpts{Num: vocab, Dim: c.embed}),
		lstm:   nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: c.embed, Hidden: c.hidden}),
		fc:     nn.NewAffine(g.In("fc"), nn.AffineOpts{In: c.hidden, Out: vocab, Init: nn.Xavier()}),
		embDim: c.embed, hidden: c.hidden,
	}
}

// forward reads ids [N*T] (N streams of T steps, row-major) from the states h0, c0 and
// returns the scores of the next character [N*T vocab] and the unrolled LSTM.
func (m *model) forward(ids, h0, c0 *graph.Node, n, steps int) (*graph.Node, *nn.Unrolled) {
	seq := m.lstm.Run(ops.Reshape(m.emb.Forward(ids), n, steps, m.embDim), h0, c0)
	return m.fc.Forward(ops.Reshape(seq.Out, n*steps, m.hidden)), seq
}

// generate writes count characters after first, sampling each from the model's
// probabilities and feeding it back, the state carried from character to character.
func (m *model) generate(g *graph.Graph, vocab []rune, first int32, count int, rng *rand.Rand) (string, error) {
	x := g.Input("gen_x", graph.Int32, 1)
	h0, c0 := g.Input("gen_h0", graph.Float32, 1, m.hidden), g.Input("gen_c0", graph.Float32, 1, m.hidden)
	scores, seq := m.forward(x, h0, c0, 1, 1)
	prob := ops.Softmax(scores, -1)
	prog, err := graph.Compile(prob, seq.H, seq.C)
	if err != nil {
		return "", err
	}
	carry := nn.NewCarry([]*graph.Node{h0, c0}, []*graph.Node{seq.H, seq.C})
	var b strings.Builder
	id := first
	b.WriteRune(vocab[id])
	for range count {
		feeds := graph.Feeds{x: graph.I32(graph.Shape{1}, id)}
		carry.Feed(feeds)
		out, err := prog.Run(feeds)
		if err != nil {
			return "", err
		}
		if err := carry.Update(prog.Value); err != nil {
			return "", err
		}
		p, u := out[0].Float32s(), float32(rng.Float64())
		id = int32(len(p) - 1)
		for k, pk := range p {
			if u < pk {
				id = int32(k)
				break
			}
			u -= pk
		}
		b.WriteRune(vocab[id])
	}
	return b.String(), nil
}
