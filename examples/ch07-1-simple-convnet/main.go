// Command ch07-1-simple-convnet trains the book's SimpleConvNet (chapter 7.5,
// train_convnet.py) on MNIST with Adam (lr 0.001, batch 100), prints the test accuracy,
// saves the parameters and draws the loss and accuracy curves into -out.
//
//	go run ./examples/ch07-1-simple-convnet                  # a short run: 3 epochs, 98.4% in about 30 s on 2 cores
//	go run ./examples/ch07-1-simple-convnet -epochs 20       # the book's run: 0.9889 in under 7 minutes
//	go run ./examples/ch07-1-simple-convnet -weights params.pkl   # evaluate the book's trained network
//
// Ctrl-C finishes the current step, saves a checkpoint and exits with code 130; -resume
// continues from it. The rest (flags, data, training, files, charts) is package
// examples/internal/mnistrun's.
package main

import (
	"context"
	"io"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/optim"
)

const name = "ch07-1-simple-convnet"

func main() { cli.Main(name, run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Trains the book's SimpleConvNet on MNIST with Adam (the book: -epochs 20).", logw)
	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 3, Batch: 100, LR: 0.001, EvalSample: 1000, Out: name, Seed: 1})
	g, err := c.Parse(fs, args)
	if err != nil {
		return err
	}
	// conv 30 5x5, ReLU, max pool 2x2, Affine 4320-100, ReLU, Affine 100-10 (W1 b1 W2 b2 W3 b3)
	net := book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{})
	_, err = mnistrun.Run(ctx, w, logw, c, mnistrun.Model{Title: "SimpleConvNet", Net: net,
		Optimizer: optim.NewAdam(c.LR, 0.9, 0.999)})
	return err
}
