// Command ch05-4-two-layer-net-backprop is the book's ch05/train_neuralnet.py (chapter
// 5.7.4): chapter 5's TwoLayerNet (784-50-10: Affine, ReLU, Affine, softmax-cross-entropy,
// weights from N(0, 0.01^2)) trained on MNIST by mini-batch SGD with gradients
// from backpropagation, written as the book's loop: draw 100 random images, compute the
// gradients, update each parameter by params[key] -= learning_rate * grad[key], and at
// every epoch (600 iterations) print the accuracy on the whole training and test sets.
// The book's run of 10000 iterations ends near 0.97 on both.
//
//	go run ./examples/ch05-4-two-layer-net-backprop                 # the book's 10000 iterations
//	go run ./examples/ch05-4-two-layer-net-backprop -iters 2000
//
// The gradients are one compiled program: the graph of the loss and of its gradients is
// built once, before the loop, by optim.NewStep, which also applies the book's SGD update;
// each iteration only runs it. The accuracy curves (the book's figure 4-12) and the loss go
// to -out, and their paths are printed.
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/examples/internal/cli"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/optim"
)

func main() { cli.Main("ch05-4-two-layer-net-backprop", run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch05-4-two-layer-net-backprop", "trains chapter 5's TwoLayerNet on MNIST by SGD with backpropagation (chapter 5.7.4).", logw)
	iters := fs.Int("iters", 10000, "iterations (iters_num)")
	batch := fs.Int("batch", 100, "mini-batch size (batch_size)")
	lr := fs.Float64("lr", 0.1, "learning rate (learning_rate)")
	hidden := fs.Int("hidden", 50, "hidden units")
	trainN := fs.Int("train", 0, "train on the first N training images (0: all 60000)")
	testN := fs.Int("test", 0, "evaluate the first N test images (0: all 10000)")
	out := fs.String("out", "ch05-4-two-layer-net-backprop", "folder for the pictures")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	trainSet, testSet, err := mnistrun.Load(*data, true, *trainN, *testN)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(*seed, 1))

	// network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10), chapter 5's:
	// its hidden layer is ReLU (book.NewTwoLayerNet is chapter 4's, with a sigmoid), so it
	// is the MultiLayerNet of one hidden layer with the book's weight_init_std 0.01.
	g := graph.New()
	net, err := book.NewMultiLayerNet(g.Root(), book.MultiLayerConfig{InputSize: 784, HiddenSizes: []int{*hidden},
		OutputSize: 10, Activation: "relu", InitStd: 0.01, Options: book.Options{Rand: rng}})
	if err != nil {
		return err
	}
	x := g.Input("x", graph.Float32, *batch, 784)
	t := g.Input("t", graph.Int32, *batch)
	// grad = network.gradient(x_batch, t_batch), then for key in ('W1', 'b1', 'W2', 'b2'):
	// network.params[key] -= learning_rate * grad[key]
	step := optim.NewStep(net.Loss(x, t), optim.NewSGD(*lr))
	predictor, err := train.NewPredictor(g, net.Predict, 100, graph.Float32, 784)
	if err != nil {
		return err
	}

	xb, tb := graph.F32(graph.Shape{*batch, 784}), graph.I32(graph.Shape{*batch})
	feeds := graph.Feeds{x: xb, t: tb}
	idx := make([]int, *batch)
	iterPerEpoch := max(trainSet.N / *batch, 1)
	var lossList, trainAccList, testAccList []float64
	for i := range *iters {
		// batch_mask = np.random.choice(train_size, batch_size)
		mnistrun.RandomBatch(rng, trainSet, idx, xb.Float32s(), tb.Int32s())
		loss, err := step.Run(feeds)
		if err != nil {
			return err
		}
		lossList = append(lossList, loss)

		if i%iterPerEpoch == 0 {
			trainAcc, err := predictor.Accuracy(trainSet.Images, trainSet.Labels)
			if err != nil {
				return err
			}
			testAcc, err := predictor.Accuracy(testSet.Images, testSet.Labels)
			if err != nil {
				return err
			}
			trainAccList = append(trainAccList, trainAcc)
			testAccList = append(testAccList, testAcc)
			fmt.Fprintf(w, "train acc, test acc | %.4f, %.4f\n", trainAcc, testAcc)
		}
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	epochs := make([]float64, len(trainAccList))
	for i := range epochs {
		epochs[i] = float64(i)
	}
	accPath, lossPath := filepath.Join(*out, "accuracy.png"), filepath.Join(*out, "loss.png")
	if err := (chart.Figure{
		Title: "TwoLayerNet trained with backprop", XLabel: "epochs", YLabel: "accuracy",
		YRange: [2]float64{0, 1}, LegendBottom: true,
		Lines: []chart.Line{
			{Name: "train acc", X: epochs, Y: trainAccList, Points: true},
			{Name: "test acc", X: epochs, Y: testAccList, Dashed: true},
		},
	}).Save(accPath); err != nil {
		return err
	}
	if err := chart.Lines(lossPath, "training loss", "iteration", "loss", chart.Series{Name: "loss", Y: lossList}); err != nil {
		return err
	}
	fmt.Fprintln(w, accPath)
	fmt.Fprintln(w, lossPath)
	return nil
}
