// Command ch09-5-transformer trains a small decoder-only transformer (GPT-2's shape, built
// from nn.Block) on the Go standard library's own sources, one byte at a time, and prints
// the validation loss and a sample of generated code.
//
// The sources are the *.go files under $GOROOT/src (runtime.GOROOT, else `go env
// GOROOT`; -root for another tree), sorted by path; every tenth file is held out for
// validation, and -bytes caps how much is read. The model: a byte embedding and a learned
// position embedding, -layers pre-norm blocks (causal multi-head attention and a GELU
// MLP), a final LayerNorm and a Linear head over the 256 bytes.
//
//	go run ./examples/ch09-5-transformer
//	go run ./examples/ch09-5-transformer -layers 2 -dim 64 -ctx 64   # a smaller model, 4x faster
//	go run ./examples/ch09-5-transformer -save /tmp/gpt.safetensors   # the weights, PyTorch's names
//
// -save-init and -windows write the initial weights and every step's batch, so that
// bench/pytorch/transformer.py can train the same model in PyTorch on the same batches.
package main

import (
	"bufio"
	"context"
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

const name = "ch09-5-transformer"

func main() { cli.Main(name, run) }

type config struct {
	layers, heads, dim, ctx, batch, steps, evalEvery, evalBatches, sample, bytes int
	lr, clip                                                                     float64
	root, save, saveInit, windows                                                string
	seed                                                                         uint64
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Trains a small decoder-only transformer on Go's standard library and samples code.", logw)
	var c config
	fs.IntVar(&c.layers, "layers", 4, "transformer blocks")
	fs.IntVar(&c.heads, "heads", 4, "attention heads")
	fs.IntVar(&c.dim, "dim", 128, "model width")
	fs.IntVar(&c.ctx, "ctx", 128, "context length in bytes")
	fs.IntVar(&c.batch, "batch", 16, "sequences per step")
	fs.IntVar(&c.steps, "steps", 1000, "training steps")
	fs.IntVar(&c.evalEvery, "eval-every", 250, "steps between validation losses")
	fs.IntVar(&c.evalBatches, "eval-batches", 16, "batches per validation loss (fixed windows)")
	fs.IntVar(&c.sample, "sample", 300, "bytes to generate after training")
	fs.IntVar(&c.bytes, "bytes", 4<<20, "read at most this many bytes of sources")
	fs.Float64Var(&c.lr, "lr", 3e-3, "Adam's learning rate")
	fs.Float64Var(&c.clip, "clip", 1, "clip the gradients' global norm to this (0: no clipping)")
	fs.StringVar(&c.root, "root", "", "GOROOT to read src/ from (default: this Go's)")
	fs.StringVar(&c.save, "save", "", "write the trained weights here (safetensors)")
	fs.StringVar(&c.saveInit, "save-init", "", "write the initial weights here (safetensors), before the first step")
	fs.StringVar(&c.windows, "windows", "", "write each step's window starts here, one line per step (bench/pytorch/transformer.py replays them)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed (weights, batches, sampling)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	train, val, files, err := gosrc.Load(c.root, c.bytes)
	if err != nil {
		return err
	}
	if len(train) <= c.ctx+1 || len(val) <= c.ctx+1 {
		return fmt.Errorf("%d training and %d validation bytes: too few for -ctx %d", len(train), len(val), c.ctx)
	}
	fmt.Fprintf(w, "%d files: %d bytes for training, %d held out for validation\n", files, len(train), len(val))

	began := time.Now()
	g := graph.New()
	g.Seed(c.seed)
	m := newModel(g, c)
	n, T := c.batch, c.ctx
	x, t := g.Input("x", graph.Int32, n, T), g.Input("t", graph.Int32, n, T)
	loss := ops.CrossEntropy(m.forward(x), t) // scores [N T 256], next bytes [N T]
	var opt optim.Optimizer = optim.NewAdam(c.lr, 0.9, 0.999)
	if c.clip > 0 {
		opt = optim.WithHooks(opt, optim.ClipNorm(c.clip))
	}
	step := optim.NewStep(loss, opt)
	evalProg, err := graph.Compile(loss)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(c.seed, 3))
	xv, tv := graph.I32(graph.Shape{n, T}), graph.I32(graph.Shape{n, T})
	window := func(data []byte, k, start int) {
		for j := range T {
			xv.Int32s()[k*T+j], tv.Int32s()[k*T+j] = int32(data[start+j]), int32(data[start+j+1])
		}
	}
	validate := func() (float64, error) {
		sum := 0.0
		stride := (len(val) - T - 1) / max(1, c.evalBatches*n)
		for b := range c.evalBatches {
			for k := range n {
				window(val, k, (b*n+k)*stride)
			}
			out, err := evalProg.Run(graph.Feeds{x: xv, t: tv})
			if err != nil {
				return 0, err
			}
			sum += graph.Item(out[0])
		}
		return sum / float64(c.evalBatches), nil
	}
	fmt.Fprintf(w, "%d parameters; loss of a uniform guess ln 256 = %.3f\n", countParams(g), math.Log(256))
	if c.saveInit != "" {
		if err := nn.Save(c.saveInit, g.Root()); err != nil {
			return err
		}
	}
	var windows *bufio.Writer
	if c.windows != "" {
		f, err := os.Create(c.windows)
		if err != nil {
			return err
		}
		defer f.Close()
		windows = bufio.NewWriter(f)
		// The first line lets a replay check that it read the same bytes.
		fmt.Fprintf(windows, "train %d val %d\n", len(train), len(val))
	}
	var vloss float64
	recent := 0.0
	for s := 1; s <= c.steps; s++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		for k := range n {
			start := rng.IntN(len(train) - T - 1)
			window(train, k, start)
			if windows != nil {
				sep := byte(' ')
				if k == n-1 {
					sep = '\n'
				}
				fmt.Fprintf(windows, "%d%c", start, sep)
			}
		}
		l, err := step.Run(graph.Feeds{x: xv, t: tv})
		if err != nil {
			return err
		}
		recent += l
		if s%c.evalEvery == 0 || s == c.steps {
			if vloss, err = validate(); err != nil {
				return err
			}
			count := s % c.evalEvery
			if count == 0 {
				count = c.evalEvery
			}
			fmt.Fprintf(logw, "step %d: training loss %.4f, validation loss %.4f (%s)\n", s, recent/float64(count), vloss, time.Since(began).Round(time.Second))
			recent = 0
		}
	}
	fmt.Fprintf(w, "validation loss %.4f after %d steps of %d x %d bytes (%s)\n", vloss, c.steps, n, T, time.Since(began).Round(time.Second))
	if windows != nil {
		if err := windows.Flush(); err != nil {
			return err
		}
	}
	if c.save != "" {
		if err := nn.Save(c.save, g.Root()); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s\n", c.save)
	}
	if c.sample > 0 {
		text, err := m.generate(g, val[:T], c.sample, rand.New(rand.NewPCG(c.seed, 4)))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "sample (after %d bytes of a held-out file):\n%s\n", T, strings.ToValidUTF8(text, "?"))
	}
	return nil
}

func countParams(g *graph.Graph) int {
	total := 0
	for _, p := range g.Params() {
		total += p.Shape().Size()
	}
	return total
}

// model is GPT-2 in small: wte, wpe, blocks h0 ..., ln_f and the head.
type model struct {
	wte    *nn.Embedding
	wpe    *nn.PositionEmbedding
	blocks []*nn.Block
	lnF    *nn.LayerNorm
	head   *nn.Linear
}

func newModel(g *graph.Graph, c config) *model {
	m := &model{
		wte: nn.NewEmbedding(g.In("wte"), nn.EmbeddingOpts{Num: 256, Dim: c.dim}),
		wpe: nn.NewPositionEmbedding(g.In("wpe"), nn.PositionOpts{Max: c.ctx, Dim: c.dim}),
	}
	for i := range c.layers {
		m.blocks = append(m.blocks, nn.NewBlock(g.In(fmt.Sprintf("h%d", i)), nn.BlockOpts{Dim: c.dim, Heads: c.heads, Causal: true}))
	}
	m.lnF = nn.NewLayerNorm(g.In("ln_f"), nn.LayerNormOpts{Dim: c.dim})
	m.head = nn.NewLinear(g.In("head"), nn.LinearOpts{In: c.dim, Out: 256, NoBias: true})
	return m
}

// forward maps byte ids [N T] to the scores of the next byte [N T 256].
func (m *model) forward(ids *graph.Node) *graph.Node {
	h := m.wpe.Forward(m.wte.Forward(ids))
	for _, b := range m.blocks {
		h = b.Forward(h)
	}
	return m.head.Forward(m.lnF.Forward(h))
}

// generate writes count bytes after prompt (len(prompt) = the context), sampling each from
// the model's probabilities at the last position of a sliding window.
func (m *model) generate(g *graph.Graph, prompt []byte, count int, rng *rand.Rand) (string, error) {
	T := len(prompt)
	x := g.Input("gen_x", graph.Int32, 1, T)
	prob := ops.Softmax(ops.Slice(m.forward(x), 1, T-1, T), -1) // [1 1 256]
	prog, err := graph.Compile(prob)
	if err != nil {
		return "", err
	}
	buf := append([]byte(nil), prompt...)
	xv := graph.I32(graph.Shape{1, T})
	for range count {
		for j, b := range buf[len(buf)-T:] {
			xv.Int32s()[j] = int32(b)
		}
		out, err := prog.Run(graph.Feeds{x: xv})
		if err != nil {
			return "", err
		}
		p, u := out[0].Float32s(), float32(rng.Float64())
		next := len(p) - 1
		for k, pk := range p {
			if u < pk {
				next = k
				break
			}
			u -= pk
		}
		buf = append(buf, byte(next))
	}
	return string(buf), nil
}
