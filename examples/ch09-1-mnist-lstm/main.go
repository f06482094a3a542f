// Command ch09-1-mnist-lstm trains an LSTM that reads each MNIST image one row at a time:
// 28 steps of 28 pixels, the final hidden state into an Affine layer over the 10 classes
// (the sequence classifier of the book's second volume, chapter 6, on images). Hidden
// size 64, Adam (lr 0.005 decaying by -lr-decay 0.7 per epoch, batch 100, 8 epochs), the
// whole sequence unrolled into the graph and trained by backpropagation through time; it
// prints the test accuracy, saves the parameters and draws the loss and accuracy curves
// into -out.
//
//	go run ./examples/ch09-1-mnist-lstm    # test accuracy 0.9871 in about 3 minutes on 2 cores
//	go run ./examples/ch09-1-mnist-lstm -weights ch09-1-mnist-lstm/params.safetensors
//
// The LSTM's parameters are named as PyTorch names them (lstm.weight_ih_l0, ...), so a
// PyTorch nn.LSTM's state dict loads into it (fc.W is the transpose of a Linear's weight). Ctrl-C saves a checkpoint and
// -resume continues, as in the other MNIST examples (package examples/internal/mnistrun).
package main

import (
	"context"
	"io"
	"math"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

const name = "ch09-1-mnist-lstm"

func main() { cli.Main(name, run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Trains an LSTM reading MNIST images row by row (28 steps of 28 pixels).", logw)
	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 8, Batch: 100, LR: 0.005, EvalSample: 1000, Out: name, Seed: 1})
	hidden := fs.Int("hidden", 64, "LSTM hidden size")
	decay := fs.Float64("lr-decay", 0.7, "learning rate multiplier per epoch")
	g, err := c.Parse(fs, args)
	if err != nil {
		return err
	}
	adam := optim.NewAdam(c.LR, 0.9, 0.999)
	_, err = mnistrun.Run(ctx, w, logw, c, mnistrun.Model{Title: "row-by-row LSTM", Net: rowLSTM(g.Root(), *hidden),
		Optimizer: adam, Flatten: true,
		Setup: func(tr *train.Trainer, _ *graph.Node, _ *dataset.Set) error {
			// epoch e trains at lr * decay^e (a resumed run sets the same rate again)
			tr.BeforeEpoch = func(e int) { adam.LR = c.LR * math.Pow(*decay, float64(e)) }
			return nil
		}})
	return err
}

// rowLSTM reads images [N 784] as sequences [N 28 28]: one row of pixels per step.
func rowLSTM(s graph.Scope, hidden int) *book.Net {
	lstm := nn.NewLSTM(s.In("lstm"), nn.LSTMOpts{In: 28, Hidden: hidden})
	fc := nn.NewAffine(s.In("fc"), nn.AffineOpts{In: hidden, Out: 10, Init: nn.Xavier()})
	rows := nn.Func{Name: "rows", F: func(x *graph.Node) *graph.Node { return ops.Reshape(x, x.Shape()[0], 28, 28) }}
	last := nn.Func{Name: "lstm", F: func(x *graph.Node) *graph.Node { return lstm.Run(x, nil, nil).H }}
	return &book.Net{Sequential: *nn.Seq(rows, last, fc), Scope: s}
}
