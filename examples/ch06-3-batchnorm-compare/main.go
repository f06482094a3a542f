// Command ch06-3-batchnorm-compare is the book's batch_norm_test.py (chapter 6.3.2, figure
// 6-18): for 16 initial weight scales from 1 down to 0.0001 (np.logspace(0, -4, 16)), two
// MultiLayerNetExtends 784-100-100-100-100-100-10 with ReLU, one with batch normalization
// after every hidden Affine and one without, are trained on the same 1000 MNIST images by
// SGD (lr 0.01, batch 100) for 20 epochs. The training accuracy after each epoch is drawn
// for each scale, and the final accuracies printed: with batch norm the net learns at
// almost every scale, without it only near the right one.
//
//	go run ./examples/ch06-3-batchnorm-compare                         # the book's 16 scales
//	go run ./examples/ch06-3-batchnorm-compare -scales 4 -epochs 10
//
// Both nets of a scale see the same shuffled batches (train.Trainer with one seed, built by
// package examples/internal/mnistrun), and the
// accuracy is measured on the 1000 training images with batch norm in inference mode, as
// the book's accuracy does. The book measures before each epoch's steps, nn.Trainer after
// them, so the curves here start one epoch later. Picture: -out/batchnorm.png, accuracy
// against epochs, solid with batch norm, dashed without.
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/optim"
)

const name = "ch06-3-batchnorm-compare"

func main() { cli.Main(name, run) }

// logspace is np.logspace(start, stop, num): num powers of 10 evenly spaced in exponent.
func logspace(start, stop float64, num int) []float64 {
	if num == 1 {
		return []float64{math.Pow(10, start)}
	}
	v := make([]float64, num)
	for i := range v {
		v[i] = math.Pow(10, start+(stop-start)*float64(i)/float64(num-1))
	}
	return v
}

// train trains one MultiLayerNetExtend and returns its training accuracy after each epoch.
func train(ctx context.Context, c mnistrun.Config, set *dataset.Set, scale float64, batchNorm bool) ([]float64, error) {
	g := graph.New()
	g.Seed(c.Seed)
	net, err := book.NewMultiLayerNetExtend(g.Root(), book.ExtendConfig{
		MultiLayerConfig: book.MultiLayerConfig{InputSize: 784, HiddenSizes: []int{100, 100, 100, 100, 100}, OutputSize: 10,
			Activation: "relu", InitStd: scale},
		BatchNorm: batchNorm,
	})
	if err != nil {
		return nil, err
	}
	c.Out = "" // no checkpoint: each net trains in a second
	tr, err := mnistrun.NewTrainer(mnistrun.Model{Net: net, Optimizer: optim.NewSGD(c.LR), Flatten: true, TrainAcc: true},
		&c, set, nil, io.Discard)
	if err != nil {
		return nil, err
	}
	hist, err := tr.Train(ctx)
	return hist.Metrics["train acc"], err
}

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags(name, "Trains MultiLayerNetExtends with and without batch norm from 16 initial weight scales.", logw)
	c := mnistrun.Register(fs, mnistrun.Config{Epochs: 20, Batch: 100, LR: 0.01, Train: 1000, Out: name, Seed: 1},
		"epochs", "lr", "train", "out", "data", "seed")
	nScales := fs.Int("scales", 16, "weight scales from 1 to 0.0001 (np.logspace(0, -4, N))")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	trainSet, _, err := c.Load(true)
	if err != nil {
		return err
	}
	x := make([]float64, c.Epochs)
	for i := range x {
		x[i] = float64(i + 1)
	}
	var figs []chart.Figure
	fmt.Fprintln(w, "final training accuracy: without batch norm, with batch norm")
	for i, scale := range logspace(0, -4, *nScales) {
		ci := *c
		ci.Seed = c.Seed + uint64(i)
		plain, err := train(ctx, ci, trainSet, scale, false)
		if err != nil {
			return err
		}
		bn, err := train(ctx, ci, trainSet, scale, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "W:%-10.4g %.3f  %.3f\n", scale, plain[len(plain)-1], bn[len(bn)-1])
		fig := chart.Figure{Title: fmt.Sprintf("W:%.4g", scale), XLabel: "epoch", YRange: [2]float64{0, 1}, LegendLeft: true,
			Lines: []chart.Line{{X: x, Y: bn, Points: c.Epochs <= 10}, {X: x, Y: plain, Dashed: true, Points: c.Epochs <= 10}}}
		if i == 0 {
			fig.Lines[0].Name, fig.Lines[1].Name = "batch norm", "without"
		}
		figs = append(figs, fig)
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(c.Out, "batchnorm.png")
	if err := chart.Tiles(path, min(4, len(figs)), 3, 2.5, figs...); err != nil {
		return err
	}
	mnistrun.Wrote(w, path, "training accuracy against epochs for each scale, solid with batch norm, dashed without")
	return nil
}
