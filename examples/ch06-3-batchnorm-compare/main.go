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
// Both nets of a scale see the same shuffled batches (nn.Trainer with one seed), and the
// accuracy is measured on the 1000 training images with batch norm in inference mode, as
// the book's accuracy does. The book measures before each epoch's steps, nn.Trainer after
// them, so the curves here start one epoch later. Picture: -out/batchnorm.png, accuracy
// against epochs, solid with batch norm, dashed without.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
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
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ch06-3-batchnorm-compare:", err)
		os.Exit(1)
	}
}

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
func train(ctx context.Context, set *dataset.Set, scale float64, batchNorm bool, epochs int, lr float64, seed uint64) ([]float64, error) {
	g := graph.New()
	net, err := nn.NewMultiLayerNetExtend(g, nn.ExtendConfig{
		MultiLayerConfig: nn.MultiLayerConfig{InputSize: 784, HiddenSizes: []int{100, 100, 100, 100, 100}, OutputSize: 10,
			Activation: "relu", InitStd: scale},
		BatchNorm: batchNorm,
	}, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		return nil, err
	}
	tr, err := nn.NewTrainer(g, net, set, nil, nn.TrainConfig{
		Epochs: epochs, BatchSize: 100, Optimizer: optim.NewSGD(lr), Seed: seed, Log: io.Discard,
	})
	if err != nil {
		return nil, err
	}
	hist, err := tr.Train(ctx)
	return hist.TrainAcc, err
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("ch06-3-batchnorm-compare", flag.ContinueOnError)
	nScales := fs.Int("scales", 16, "weight scales from 1 to 0.0001 (np.logspace(0, -4, N))")
	epochs := fs.Int("epochs", 20, "epochs (max_epochs)")
	trainN := fs.Int("train", 1000, "training images")
	lr := fs.Float64("lr", 0.01, "SGD learning rate")
	out := fs.String("out", "ch06-3-batchnorm-compare", "folder for the picture")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	trainSet, _, err := dataset.LoadMNIST(dataset.Options{Dir: *data, Normalize: true, Flatten: true})
	if err != nil {
		return err
	}
	trainSet = trainSet.Slice(0, min(*trainN, trainSet.N))

	x := make([]float64, *epochs)
	for i := range x {
		x[i] = float64(i + 1)
	}
	var figs []chart.Figure
	fmt.Fprintln(w, "final training accuracy: without batch norm, with batch norm")
	for i, scale := range logspace(0, -4, *nScales) {
		plain, err := train(ctx, trainSet, scale, false, *epochs, *lr, *seed+uint64(i))
		if err != nil {
			return err
		}
		bn, err := train(ctx, trainSet, scale, true, *epochs, *lr, *seed+uint64(i))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "W:%-10.4g %.3f  %.3f\n", scale, plain[len(plain)-1], bn[len(bn)-1])
		fig := chart.Figure{Title: fmt.Sprintf("W:%.4g", scale), YRange: [2]float64{0, 1}, LegendLeft: true,
			Lines: []chart.Line{{X: x, Y: bn}, {X: x, Y: plain, Dashed: true}}}
		if i == 0 {
			fig.Lines[0].Name, fig.Lines[1].Name = "batch norm", "without"
		}
		figs = append(figs, fig)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	return chart.Tiles(filepath.Join(*out, "batchnorm.png"), min(4, len(figs)), 3, 2.5, figs...)
}
