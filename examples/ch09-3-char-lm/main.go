// Command ch09-3-char-lm trains a character-level LSTM language model with truncated
// backpropagation through time, the book's second volume (chapters 5 and 6: the
// "stateful" TimeLSTM of its RNNLM), on the Go standard library's own sources: an
// Embedding, an LSTM and an Affine layer over the characters (bytes) of the code.
//
// The sources are the *.go files under $GOROOT/src (runtime.GOROOT, else `go env GOROOT`;
// -root for another tree) in path order, at most -bytes of them; every tenth file is held
// out for validation. Each text is cut into -batch streams read side by side, -steps
// characters at a time; the LSTM's final state of one batch is fed to the next as a value
// (nn.Carry), so the state runs through the whole text while each gradient stops at its
// batch's first step. Every -sample-every steps it writes a sample, one character at a
// time, each guess fed back as the next input; after every epoch it reports the
// validation loss in bits per character (the mean cross entropy / ln 2).
//
//	go run ./examples/ch09-3-char-lm                     # Go's sources
//	go run ./examples/ch09-3-char-lm -text builtin       # the built-in 1244-character text
//	go run ./examples/ch09-3-char-lm -text FILE          # any text (its last tenth held out)
package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/gosrc"
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
	epochs, batch, steps, hidden, embed, sample, sampleEvery, bytes int
	lr, clip                                                        float64
	text, root                                                      string
	seed                                                            uint64
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Trains a character-level LSTM language model on Go's sources with truncated BPTT, reporting validation bits per character.", logw)
	var c config
	fs.IntVar(&c.epochs, "epochs", 3, "passes over the training text")
	fs.IntVar(&c.batch, "batch", 32, "streams read side by side")
	fs.IntVar(&c.steps, "steps", 32, "characters per batch and stream (the truncation of BPTT)")
	fs.IntVar(&c.hidden, "hidden", 128, "LSTM hidden size")
	fs.IntVar(&c.embed, "embed", 16, "character vector size")
	fs.IntVar(&c.sample, "sample", 160, "characters per sample")
	fs.IntVar(&c.sampleEvery, "sample-every", 500, "training steps between samples (0: only after training)")
	fs.IntVar(&c.bytes, "bytes", 1<<20, "read at most this many bytes of Go sources")
	fs.Float64Var(&c.lr, "lr", 0.005, "Adam's learning rate")
	fs.Float64Var(&c.clip, "clip", 1, "clip the gradients' global norm to this (0: no clipping)")
	fs.StringVar(&c.text, "text", "", `train on this text file instead of Go's sources ("builtin": the built-in text)`)
	fs.StringVar(&c.root, "root", "", "GOROOT to read src/ from (default: this Go's)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed (weights, sampling)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	train, val, err := load(c, w)
	if err != nil {
		return err
	}
	vocab, index := alphabet(train, val)
	trainIDs, valIDs := encode(train, index), encode(val, index)
	n, T := c.batch, c.steps
	per, valPer := (len(trainIDs)-1)/n, (len(valIDs)-1)/n // characters of each stream
	if per < T || valPer < T {
		return fmt.Errorf("%d training and %d validation characters make streams of %d and %d, shorter than -steps %d",
			len(trainIDs), len(valIDs), per, valPer, T)
	}
	fmt.Fprintf(w, "%d characters to choose from (uniform guess %.3f bits); %d batches of %d x %d per epoch\n",
		len(vocab), math.Log2(float64(len(vocab))), per/T, n, T)

	began := time.Now()
	g := graph.New()
	g.Seed(c.seed)
	m := newModel(g, len(vocab), c)
	x, t := g.Input("x", graph.Int32, n, T), g.Input("t", graph.Int32, n, T)
	h0, c0 := g.Input("h0", graph.Float32, n, c.hidden), g.Input("c0", graph.Float32, n, c.hidden)
	scores, seq := m.forward(x, h0, c0)
	loss := ops.CrossEntropy(scores, t) // scores [N T vocab], next characters [N T]
	var opt optim.Optimizer = optim.NewAdam(c.lr, 0.9, 0.999)
	if c.clip > 0 {
		opt = optim.WithHooks(opt, optim.ClipNorm(c.clip))
	}
	step := optim.NewStep(loss, opt).Keep(seq.H, seq.C)
	carry := nn.NewCarry([]*graph.Node{h0, c0}, []*graph.Node{seq.H, seq.C})
	evalProg, err := graph.Compile(loss, seq.H, seq.C)
	if err != nil {
		return err
	}
	gen, err := m.generator(g)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(c.seed, 1))
	prompt := valIDs[:min(len(valIDs), 16)] // the start of a held-out file
	sample := func() (string, error) { return gen.sample(vocab, prompt, c.sample, rng) }

	xv, tv := graph.I32(graph.Shape{n, T}), graph.I32(graph.Shape{n, T})
	// fill writes the batch at pos of n streams of per characters of ids.
	fill := func(ids []int32, per, pos int) graph.Feeds {
		xs, ts := xv.Int32s(), tv.Int32s()
		for i := range n {
			for j := range T {
				k := i*per + pos + j
				xs[i*T+j], ts[i*T+j] = ids[k], ids[k+1]
			}
		}
		return graph.Feeds{x: xv, t: tv}
	}
	// validate reads the held-out text through the model, its state carried as in training.
	validate := func() (float64, error) {
		vc := nn.NewCarry(carry.In, carry.Out)
		sum, count := 0.0, 0
		for pos := 0; pos+T <= valPer; pos += T {
			feeds := fill(valIDs, valPer, pos)
			vc.Feed(feeds)
			out, err := evalProg.Run(feeds)
			if err != nil {
				return 0, err
			}
			if err := vc.Update(evalProg.Value); err != nil {
				return 0, err
			}
			sum, count = sum+graph.Item(out[0]), count+1
		}
		return sum / float64(count) / math.Ln2, nil
	}

	var vbits float64
	s := 0
	for epoch := 1; epoch <= c.epochs; epoch++ {
		carry.Reset() // each epoch reads the streams from their starts
		sum, count := 0.0, 0
		for pos := 0; pos+T <= per; pos += T {
			if err := ctx.Err(); err != nil {
				return err
			}
			feeds := fill(trainIDs, per, pos)
			carry.Feed(feeds)
			l, err := step.Run(feeds)
			if err != nil {
				return err
			}
			if err := carry.Update(step.Value); err != nil {
				return err
			}
			sum, count, s = sum+l, count+1, s+1
			if c.sampleEvery > 0 && s%c.sampleEvery == 0 {
				text, err := sample()
				if err != nil {
					return err
				}
				fmt.Fprintf(logw, "step %d: training %.3f bits/char; sample:\n%s\n", s, sum/float64(count)/math.Ln2, text)
			}
		}
		if vbits, err = validate(); err != nil {
			return err
		}
		fmt.Fprintf(w, "epoch %d: training %.3f, validation %.3f bits per character (%s)\n",
			epoch, sum/float64(count)/math.Ln2, vbits, time.Since(began).Round(time.Second))
	}
	fmt.Fprintf(w, "validation %.3f bits per character after %d epochs (%s)\n", vbits, c.epochs, time.Since(began).Round(time.Second))
	text, err := sample()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sample (after %d held-out characters):\n%s\n", len(prompt), text)
	return nil
}

// load returns the training and validation text: Go's sources with every tenth file held
// out, or -text with its last tenth held out.
func load(c config, w io.Writer) (train, val []byte, err error) {
	if c.text == "" {
		train, val, files, err := gosrc.Load(c.root, c.bytes)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(w, "%d Go files: %d bytes for training, %d held out for validation\n", files, len(train), len(val))
		return train, val, nil
	}
	b := []byte(corpus)
	if c.text != "builtin" {
		if b, err = os.ReadFile(c.text); err != nil {
			return nil, nil, err
		}
	}
	cut := len(b) - len(b)/10
	fmt.Fprintf(w, "%d characters: %d for training, the last %d held out for validation\n", len(b), cut, len(b)-cut)
	return b[:cut], b[cut:], nil
}

// alphabet lists the distinct bytes of the texts in order and numbers them.
func alphabet(texts ...[]byte) (vocab []byte, index [256]int32) {
	var seen [256]bool
	for _, t := range texts {
		for _, b := range t {
			seen[b] = true
		}
	}
	for b, ok := range seen {
		if ok {
			index[b] = int32(len(vocab))
			vocab = append(vocab, byte(b))
		}
	}
	return vocab, index
}

func encode(text []byte, index [256]int32) []int32 {
	ids := make([]int32, len(text))
	for i, b := range text {
		ids[i] = index[b]
	}
	return ids
}

// model is the RNNLM: Embedding, LSTM, Affine, the book's chapter 6 network.
type model struct {
	emb    *nn.Embedding
	lstm   *nn.LSTM
	fc     *nn.Affine
	hidden int
}

func newModel(g *graph.Graph, vocab int, c config) *model {
	return &model{
		emb:    nn.NewEmbedding(g.In("embed"), nn.EmbeddingOpts{Num: vocab, Dim: c.embed}),
		lstm:   nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: c.embed, Hidden: c.hidden}),
		fc:     nn.NewAffine(g.In("fc"), nn.AffineOpts{In: c.hidden, Out: vocab, Init: nn.Xavier()}),
		hidden: c.hidden,
	}
}

// forward reads ids [N T] from the states h0, c0 and returns the scores of the next
// character [N T vocab] and the unrolled LSTM.
func (m *model) forward(ids, h0, c0 *graph.Node) (*graph.Node, *nn.Unrolled) {
	seq := m.lstm.Run(m.emb.Forward(ids), h0, c0)
	// The book's TimeAffine: one batched product [N T H] x [H vocab] for every step.
	return ops.Add(ops.MatMul(seq.Out, m.fc.W), m.fc.B), seq
}

// generator runs the model one character at a time, its state carried from run to run.
type generator struct {
	x     *graph.Node
	prog  *graph.Program
	carry *nn.Carry
}

func (m *model) generator(g *graph.Graph) (*generator, error) {
	x := g.Input("gen_x", graph.Int32, 1, 1)
	h0, c0 := g.Input("gen_h0", graph.Float32, 1, m.hidden), g.Input("gen_c0", graph.Float32, 1, m.hidden)
	scores, seq := m.forward(x, h0, c0)
	prog, err := graph.Compile(ops.Softmax(scores, -1), seq.H, seq.C)
	return &generator{x, prog, nn.NewCarry([]*graph.Node{h0, c0}, []*graph.Node{seq.H, seq.C})}, err
}

// sample reads the prompt, then writes count characters, sampling each from the model's
// probabilities and feeding it back.
func (gen *generator) sample(vocab []byte, prompt []int32, count int, rng *rand.Rand) (string, error) {
	gen.carry.Reset()
	var b []byte
	xv := graph.I32(graph.Shape{1, 1})
	var p []float32
	for i := range len(prompt) + count {
		id := int32(0)
		if i < len(prompt) {
			id = prompt[i]
		} else {
			u := float32(rng.Float64())
			id = int32(len(p) - 1)
			for k, pk := range p {
				if u < pk {
					id = int32(k)
					break
				}
				u -= pk
			}
		}
		b = append(b, vocab[id])
		xv.Int32s()[0] = id
		feeds := graph.Feeds{gen.x: xv}
		gen.carry.Feed(feeds)
		out, err := gen.prog.Run(feeds)
		if err != nil {
			return "", err
		}
		if err := gen.carry.Update(gen.prog.Value); err != nil {
			return "", err
		}
		p = out[0].Float32s()
	}
	return strings.ToValidUTF8(string(b), "?"), nil
}
