// Command ch06-5-overfit-dropout is the book's overfit_dropout.py (chapter 6.4.3, figure
// 6-23): a MultiLayerNetExtend of 6 hidden layers of 100 ReLU units with dropout (ratio
// 0.2, the book's scaling: units dropped while training, outputs scaled by 0.8 at
// inference) is trained on only 300 MNIST images (SGD lr 0.01, batch 100, 301
// epochs). Dropout keeps the training accuracy from racing to 1 and the gap to the test
// accuracy smaller than without it (-dropout 0). It prints the final accuracies and the gap,
// and draws both curves into -out/accuracy.png.
//
//	go run ./examples/ch06-5-overfit-dropout                 # dropout 0.2
//	go run ./examples/ch06-5-overfit-dropout -dropout 0      # without dropout
//
// Training is train.Trainer's through package examples/internal/mnistrun: it switches the
// dropout layers to training for the steps and to inference for the accuracies (the
// book's train_flg), measured after every epoch on the 300 training images and the test
// images (-test or -eval-sample limit those for a quicker run); parameters and charts go
// to -out; Ctrl-C and -resume work, the dropout masks included.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/optim"
)

const name = "ch06-5-overfit-dropout"

func main() { cli.Main(name, run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Overfits a 6-hidden-layer MultiLayerNetExtend on 300 MNIST images, with and without dropout.", logw)
	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 301, Batch: 100, LR: 0.01, Train: 300, Out: name, Seed: 1})
	ratio := fs.Float64("dropout", 0.2, "dropout ratio (0: no dropout layers)")
	g, err := c.Parse(fs, args)
	if err != nil {
		return err
	}
	if *ratio < 0 || *ratio >= 1 {
		return fmt.Errorf("dropout ratio %v: want 0 <= ratio < 1", *ratio)
	}
	net, err := book.NewMultiLayerNetExtend(g.Root(), book.ExtendConfig{
		MultiLayerConfig: book.MultiLayerConfig{InputSize: 784, HiddenSizes: []int{100, 100, 100, 100, 100, 100}, OutputSize: 10},
		Dropout:          *ratio > 0, DropoutRatio: *ratio,
	})
	if err != nil {
		return err
	}
	res, err := mnistrun.Run(ctx, w, logw, c, mnistrun.Model{
		Title: fmt.Sprintf("MultiLayerNetExtend (300 images, dropout %g)", *ratio), Net: net, Optimizer: optim.NewSGD(c.LR),
		Flatten: true, TrainAcc: true})
	if err != nil {
		return err
	}
	mnistrun.PrintGap(w, fmt.Sprintf("dropout %g", *ratio), res.History)
	return nil
}
