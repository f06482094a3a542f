// Command ch03-2-mnist-inference is the book's neuralnet_mnist.py (chapter 3.6): the
// 784-50-100-10 network with sigmoid, sigmoid and softmax (book.NewInferenceNet) classifies
// the 10000 MNIST test images in batches of 100 and prints the accuracy.
//
//	go run ./examples/ch03-2-mnist-inference -weights sample_weight.pkl   # test accuracy 0.9352
//	go run ./examples/ch03-2-mnist-inference                              # trains the net first
//
// With -weights it loads the book's trained parameters, sample_weight.pkl from the book's
// repository (ch03/sample_weight.pkl), with nn.LoadBookPickle; the book's file gives
// "test accuracy 0.9352", as in the book. The file is not part of zerograd, so without
// -weights the same network is trained here instead, the way chapter 4 trains its net:
// softmax-cross-entropy on the scores before the softmax, mini-batches of 100, Adam (a few
// epochs; -epochs, -lr), then evaluated the same way. The training loss curve goes to
// -out/loss.png and the parameters to -out/params.safetensors (load them back with
// -weights, which reads .pkl and .safetensors files); the program prints the path of each
// file it writes.
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
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

func main() { cli.Main("ch03-2-mnist-inference", run) }

func run(ctx context.Context, w, logw io.Writer, args []string) error {
	fs := cli.Flags("ch03-2-mnist-inference", "classifies the MNIST test images with the book's 784-50-100-10 network (chapter 3.6).", logw)
	weights := fs.String("weights", "", "the book's sample_weight.pkl (or a .safetensors file saved here): evaluate it instead of training")
	batch := fs.Int("batch", 100, "batch size of the inference (and of training)")
	epochs := fs.Int("epochs", 3, "training epochs without -weights")
	lr := fs.Float64("lr", 0.01, "Adam learning rate without -weights")
	trainN := fs.Int("train", 0, "train on the first N training images (0: all 60000)")
	testN := fs.Int("test", 0, "evaluate the first N test images (0: all 10000)")
	out := fs.String("out", "ch03-2-mnist-inference", "folder for the loss curve and trained parameters")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	// load_mnist(normalize=True, flatten=True, one_hot_label=False)
	trainSet, testSet, err := mnistrun.Load(*data, true, *trainN, *testN)
	if err != nil {
		return err
	}
	g := graph.New()
	net := book.NewInferenceNet(g.Root(), book.Options{Rand: rand.New(rand.NewPCG(*seed, 1))})

	if *weights != "" {
		if err := nn.LoadWeights(*weights, g.Root()); err != nil { // .pkl or .safetensors
			return err
		}
	} else {
		// Training: softmax-cross-entropy on the scores that feed the final softmax.
		x := g.Input("x", graph.Float32, *batch, 784)
		t := g.Input("t", graph.Int32, *batch)
		scores := nn.Seq(net.Layers[:len(net.Layers)-1]...).Forward(x) // all but the softmax
		trainData := train.MNIST(trainSet, x, t)
		testData := train.MNIST(testSet, x, t)
		tr := train.Trainer{
			Step: optim.NewStep(nn.SoftmaxCrossEntropy(scores, t), optim.NewAdam(*lr, 0.9, 0.999)),
			Data: trainData, Epochs: *epochs, Seed: *seed, Log: logw,
			Evals:   []train.Eval{{Name: "train", Data: trainData, Limit: 1000}, {Name: "test", Data: testData, Limit: 1000}},
			Metrics: []train.Metric{{Name: "acc", Node: ops.Accuracy(scores, t)}},
		}
		hist, err := tr.Train(ctx)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		params, curve := filepath.Join(*out, "params.safetensors"), filepath.Join(*out, "loss.png")
		if err := nn.Save(params, g.Root()); err != nil {
			return err
		}
		if err := chart.Lines(curve, "784-50-100-10 sigmoid net, Adam", "iteration", "loss",
			chart.Series{Name: "training loss", Y: hist.Loss}); err != nil {
			return err
		}
		fmt.Fprintln(w, params)
		fmt.Fprintln(w, curve)
	}

	// The book's loop: for i in range(0, len(x), batch_size): y = predict(x[i:i+batch_size]) ...
	p, err := train.NewPredictor(g, net.Predict, *batch, graph.Float32, 784)
	if err != nil {
		return err
	}
	acc, err := p.Accuracy(testSet.Images, testSet.Labels)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "test accuracy %.4f\n", acc)
	return nil
}
