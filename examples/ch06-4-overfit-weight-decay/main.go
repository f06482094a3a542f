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
// Training is nn.Trainer's (shuffled batches by seed, accuracies after every epoch on the
// 300 training images and the test images; -test limits those for a quicker run).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/optim"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ch06-4-overfit-weight-decay:", err)
		os.Exit(1)
	}
}

// run prints the result to w and the trainer's per-epoch lines to logw.
func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := flag.NewFlagSet("ch06-4-overfit-weight-decay", flag.ContinueOnError)
	lambda := fs.Float64("weight-decay", 0.1, "L2 weight decay lambda (weight_decay_lambda); 0 shows the overfitting")
	epochs := fs.Int("epochs", 201, "epochs (max_epochs)")
	trainN := fs.Int("train", 300, "training images")
	testN := fs.Int("test", 0, "test images measured each epoch (0: all 10000)")
	lr := fs.Float64("lr", 0.01, "SGD learning rate")
	out := fs.String("out", "ch06-4-overfit-weight-decay", "folder for the picture")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	train, test, err := dataset.LoadMNIST(dataset.Options{Dir: *data, Normalize: true, Flatten: true})
	if err != nil {
		return err
	}
	train = train.Slice(0, min(*trainN, train.N))
	if *testN > 0 {
		test = test.Slice(0, min(*testN, test.N))
	}

	g := graph.New()
	net, err := nn.NewMultiLayerNet(g, nn.MultiLayerConfig{InputSize: 784, HiddenSizes: []int{100, 100, 100, 100, 100, 100},
		OutputSize: 10, WeightDecay: *lambda}, rand.New(rand.NewPCG(*seed, 1)))
	if err != nil {
		return err
	}
	tr, err := nn.NewTrainer(g, net, train, test, nn.TrainConfig{
		Epochs: *epochs, BatchSize: 100, Optimizer: optim.NewSGD(*lr), Seed: *seed, Log: logw,
	})
	if err != nil {
		return err
	}
	hist, err := tr.Train(ctx)
	if err != nil {
		return err
	}
	n := len(hist.TrainAcc)
	trainAcc, testAcc := hist.TrainAcc[n-1], hist.TestAcc[n-1]
	fmt.Fprintf(w, "weight decay %g, %d epochs: train acc %.4f, test acc %.4f, gap %.4f\n", *lambda, n, trainAcc, testAcc, trainAcc-testAcc)

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return chart.Figure{
		Title: fmt.Sprintf("300 training images, weight decay %g", *lambda), XLabel: "epochs", YLabel: "accuracy",
		YRange: [2]float64{0, 1}, LegendBottom: true,
		Lines: []chart.Line{{Name: "train", X: x, Y: hist.TrainAcc}, {Name: "test", X: x, Y: hist.TestAcc, Dashed: true}},
	}.Save(filepath.Join(*out, "accuracy.png"))
}
