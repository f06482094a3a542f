// Command ch09-2-rnn-pictures draws backpropagation through time as the book's second
// volume draws it (chapters 5 and 6), with the graphs nn.RNN and nn.LSTM build:
//
//   - bptt: a tanh RNN unrolled over 4 steps (x1..x4 in, h1..h4 out, a squared-error loss
//     L1..L4 at each step, L their sum). The backward view shows each step's gradient
//     flowing back along the time axis, h4 -> h3 -> h2 -> h1, adding at every hidden state
//     the gradient of its own loss (the book's figures 5-10 and 5-12).
//   - lstm-cell: one LSTM step with PyTorch's gates i, f, g, o. The gradients dh_next and
//     dc_next arriving from the next step are fed in (the loss is
//     sum(h*dh_next) + sum(c*dc_next)), so the backward view is the book's figure 6-19:
//     the cell's gradient passing through f by a product alone.
//
// Each is written into -out as name-forward, name-backward and name-full (.dot and .svg)
// and name.html, the step-through page that plays the run forward and then back.
//
//	go run ./examples/ch09-2-rnn-pictures -out docs/images/ch09-2-rnn-pictures
package main

import (
	"context"
	"fmt"
	"io"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/viz"
)

const name = "ch09-2-rnn-pictures"

func main() { cli.Main(name, run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Draws backpropagation through time in an unrolled RNN and in one LSTM cell.", logw)
	out := fs.String("out", name, "folder to write the pictures into")
	steps := fs.Int("steps", 4, "time steps of the unrolled RNN")
	seed := fs.Uint64("seed", 1, "random seed (weights and inputs)")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *steps < 1 {
		return fmt.Errorf("-steps %d: want at least 1", *steps)
	}
	for _, p := range []struct {
		name, title string
		build       func(g *graph.Graph) (*graph.Node, graph.Feeds)
	}{
		{"bptt", fmt.Sprintf("Backpropagation through time: a tanh RNN over %d steps", *steps), func(g *graph.Graph) (*graph.Node, graph.Feeds) { return bptt(g, *steps) }},
		{"lstm-cell", "One LSTM step: gates i, f, g, o (PyTorch's order)", lstmCell},
	} {
		g := graph.New()
		g.Seed(*seed)
		loss, feeds := p.build(g)
		paths, err := draw(*out, p.name, p.title, loss, feeds)
		if err != nil {
			return err
		}
		for _, path := range paths {
			fmt.Fprintln(w, "wrote", path)
		}
	}
	return nil
}

// Sizes small enough that every value fits on its edge.
const (
	in     = 2
	hidden = 2
)

// bptt unrolls a tanh RNN: h_t = tanh(x_t W_ih^T + b + h_{t-1} W_hh^T), L = sum of the
// steps' squared errors against targets y_t.
func bptt(g *graph.Graph, steps int) (*graph.Node, graph.Feeds) {
	rnn := nn.NewRNN(g.In("rnn"), nn.RNNOpts{In: in, Hidden: hidden, DType: graph.Float64})
	feeds := graph.Feeds{}
	h := g.Input("h0", graph.Float64, 1, hidden)
	feeds[h] = random(g, 1, hidden)
	var loss *graph.Node
	for t := 1; t <= steps; t++ {
		x := g.Input(fmt.Sprint("x", t), graph.Float64, 1, in)
		y := g.Input(fmt.Sprint("y", t), graph.Float64, 1, hidden)
		feeds[x], feeds[y] = random(g, 1, in), random(g, 1, hidden)
		h = rnn.Step(x, h).SetName(fmt.Sprint("h", t))
		l := ops.MeanSquaredError(h, y).SetName(fmt.Sprint("L", t))
		if loss == nil {
			loss = l
		} else {
			loss = ops.Add(loss, l)
		}
	}
	return loss.SetName("L"), feeds
}

// lstmCell is one LSTM step from (h_prev, c_prev) with the gradients of the next step fed in.
func lstmCell(g *graph.Graph) (*graph.Node, graph.Feeds) {
	lstm := nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: in, Hidden: hidden, DType: graph.Float64})
	x := g.Input("x", graph.Float64, 1, in)
	hPrev := g.Input("h_prev", graph.Float64, 1, hidden)
	cPrev := g.Input("c_prev", graph.Float64, 1, hidden)
	dh := g.Input("dh_next", graph.Float64, 1, hidden)
	dc := g.Input("dc_next", graph.Float64, 1, hidden)
	h, c := lstm.Step(x, hPrev, cPrev)
	loss := ops.Add(ops.Sum(ops.Mul(h, dh)), ops.Sum(ops.Mul(c, dc))).SetName("L")
	feeds := graph.Feeds{}
	for _, n := range []*graph.Node{x, hPrev, cPrev, dh, dc} {
		feeds[n] = random(g, n.Shape()...)
	}
	return loss, feeds
}

func random(g *graph.Graph, shape ...int) *tensor.Dense {
	return nn.RandomTensor(g.Rand(), graph.Float64, 1, shape...)
}

// draw differentiates loss with respect to every parameter and input, runs forward and
// backward once keeping every value, and writes the three views and the page.
func draw(dir, name, title string, loss *graph.Node, feeds graph.Feeds) ([]string, error) {
	wrt := loss.Graph().Params()
	for _, n := range graph.Topo(loss) {
		if n.Kind() == graph.KindInput {
			wrt = append(wrt, n)
		}
	}
	grads := autodiff.Grad(loss, wrt...)
	prog, err := graph.Compile(append([]*graph.Node{loss}, grads...)...)
	if err != nil {
		return nil, err
	}
	rec, err := viz.Record(prog, feeds)
	if err != nil {
		return nil, err
	}
	return viz.WriteFiles(dir, name, viz.Options{Values: rec, Title: title}, loss)
}
