// Command ch06-5-overfit-dropout is the book's overfit_dropout.py (chapter 6.4.3, figure
// 6-23): a MultiLayerNetExtend of 6 hidden layers of 100 ReLU units with dropout (ratio
// 0.2, the book's scaling: units dropped while training, outputs scaled by 0.8 at
// inference) is trained by nn.Trainer on only 300 MNIST images (SGD lr 0.01, batch 100, 301
// epochs). Dropout keeps the training accuracy from racing to 1 and the gap to the test
// accuracy smaller than without it (-dropout 0). It prints the final accuracies and the gap,
// and draws both curves into -out/accuracy.png.
//
//	go run ./examples/ch06-5-overfit-dropout                 # dropout 0.2
//	go run ./examples/ch06-5-overfit-dropout -dropout 0      # without dropout
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
		fmt.Fprintln(os.Stderr, "ch06-5-overfit-dropout:", err)
		os.Exit(1)
	}
}

// run prints the result to w and the trainer's per-epoch lines (the book's verbose
// Trainer) to logw.
func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := flag.NewFlagSet("ch06-5-overfit-dropout", flag.ContinueOnError)
	ratio := fs.Float64("dropout", 0.2, "dropout ratio (0: no dropout layers)")
	epochs := fs.Int("epochs", 301, "epochs")
	trainN := fs.Int("train", 300, "training images")
	testN := fs.Int("test", 0, "test images measured each epoch (0: all 10000)")
	lr := fs.Float64("lr", 0.01, "SGD learning rate")
	out := fs.String("out", "ch06-5-overfit-dropout", "folder for the picture")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ratio < 0 || *ratio >= 1 {
		return fmt.Errorf("dropout ratio %v: want 0 <= ratio < 1", *ratio)
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
	net, err := nn.NewMultiLayerNetExtend(g, nn.ExtendConfig{
		MultiLayerConfig: nn.MultiLayerConfig{InputSize: 784, HiddenSizes: []int{100, 100, 100, 100, 100, 100}, OutputSize: 10},
		Dropout:          *ratio > 0, DropoutRatio: *ratio,
	}, rand.New(rand.NewPCG(*seed, 1)))
	if err != nil {
		return err
	}
	// The trainer switches the dropout layers to training for the steps and to inference
	// for the accuracies (the book's train_flg).
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
	fmt.Fprintf(w, "dropout %g, %d epochs: train acc %.4f, test acc %.4f, gap %.4f\n", *ratio, n, trainAcc, testAcc, trainAcc-testAcc)

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return chart.Figure{
		Title: fmt.Sprintf("300 training images, dropout %g", *ratio), XLabel: "epochs", YLabel: "accuracy",
		YRange: [2]float64{0, 1}, LegendBottom: true,
		Lines: []chart.Line{{Name: "train", X: x, Y: hist.TrainAcc}, {Name: "test", X: x, Y: hist.TestAcc, Dashed: true}},
	}.Save(filepath.Join(*out, "accuracy.png"))
}
