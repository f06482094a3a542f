// Command ch06-4-overfit-weight-decay is the book's overfit_weight_decay.py (chapter 6.4.1
// and 6.4.2): a MultiLayerNet of 6 hidden layers of 100 ReLU units is trained on only 300
// MNIST images (SGD lr 0.01, batch 100, 201 epochs), a setting that overfits: the training
// accuracy reaches 1 while the test accuracy stays far below (figure 6-20, -weight-decay 0).
// With the L2 weight decay of lambda 0.1 (the default) added to the loss, the gap between
// the two shrinks (figure 6-21). It prints the final accuracies and the gap, and draws both
// curves into -out/accuracy.png.
//
//	go run ./examples/ch06-4-overfit-weight-decay                     # lambda 0.1
//	go run ./examples/ch06-4-overfit-weight-decay -weight-decay 0     # overfitting
//
// Training is train.Trainer's through package examples/internal/mnistrun: shuffled batches
// by seed, the accuracies after every epoch on the 300 training images and the test images
// (-test or -eval-sample limit those for a quicker run), parameters and charts in -out
// (accuracy.png has both curves), Ctrl-C and -resume.
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

const name = "ch06-4-overfit-weight-decay"

func main() { cli.Main(name, run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Overfits a 6-hidden-layer MultiLayerNet on 300 MNIST images, with and without weight decay.", logw)
	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 201, Batch: 100, LR: 0.01, Train: 300, Out: name, Seed: 1})
	lambda := fs.Float64("weight-decay", 0.1, "L2 weight decay lambda (weight_decay_lambda); 0 shows the overfitting")
	g, err := c.Parse(fs, args)
	if err != nil {
		return err
	}
	net, err := book.NewMultiLayerNet(g.Root(), book.MultiLayerConfig{InputSize: 784,
		HiddenSizes: []int{100, 100, 100, 100, 100, 100}, OutputSize: 10, WeightDecay: *lambda})
	if err != nil {
		return err
	}
	res, err := mnistrun.Run(ctx, w, logw, c, mnistrun.Model{
		Title: fmt.Sprintf("MultiLayerNet (300 images, weight decay %g)", *lambda), Net: net, Optimizer: optim.NewSGD(c.LR),
		Flatten: true, TrainAcc: true})
	if err != nil {
		return err
	}
	mnistrun.PrintGap(w, fmt.Sprintf("weight decay %g", *lambda), res.History)
	return nil
}
