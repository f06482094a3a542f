// Command ch03-2-mnist-inference is the book's neuralnet_mnist.py (chapter 3.6): the
// 784-50-100-10 network with sigmoid, sigmoid and softmax (nn.NewInferenceNet) classifies
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
// -weights, which reads .pkl and .safetensors files).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ch03-2-mnist-inference:", err)
		os.Exit(1)
	}
}

// trainable gives the inference network a training loss: softmax-cross-entropy of the
// scores that feed its final softmax. The parameters are the network's own.
type trainable struct{ *nn.InferenceNet }

func (n trainable) Loss(x, t *graph.Node) *graph.Node {
	body := nn.Sequential{Layers: n.Layers[:len(n.Layers)-1]} // all but the softmax
	return ops.SoftmaxCrossEntropy(body.Forward(x), t)
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("ch03-2-mnist-inference", flag.ContinueOnError)
	weights := fs.String("weights", "", "the book's sample_weight.pkl (or a .safetensors file saved here): evaluate it instead of training")
	batch := fs.Int("batch", 100, "batch size of the inference (and of training)")
	epochs := fs.Int("epochs", 3, "training epochs without -weights")
	lr := fs.Float64("lr", 0.01, "Adam learning rate without -weights")
	trainN := fs.Int("train", 0, "train on the first N training images (0: all 60000)")
	testN := fs.Int("test", 0, "evaluate the first N test images (0: all 10000)")
	out := fs.String("out", "ch03-2-mnist-inference", "folder for the loss curve and trained parameters")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// load_mnist(normalize=True, flatten=True, one_hot_label=False)
	train, test, err := dataset.LoadMNIST(dataset.Options{Dir: *data, Normalize: true, Flatten: true})
	if err != nil {
		return err
	}
	if *trainN > 0 {
		train = train.Slice(0, min(*trainN, train.N))
	}
	if *testN > 0 {
		test = test.Slice(0, min(*testN, test.N))
	}
	g := graph.New()
	net := nn.NewInferenceNet(g, graph.Float32, rand.New(rand.NewPCG(*seed, 1)))

	if *weights != "" {
		if strings.HasSuffix(*weights, ".safetensors") {
			err = nn.Load(*weights, net)
		} else {
			err = nn.LoadBookPickle(*weights, net)
		}
		if err != nil {
			return err
		}
	} else {
		tr, err := nn.NewTrainer(g, trainable{net}, train, test, nn.TrainConfig{
			Epochs: *epochs, BatchSize: *batch, Optimizer: optim.NewAdam(*lr, 0.9, 0.999),
			EvalSample: 1000, Seed: *seed, Log: os.Stderr,
		})
		if err != nil {
			return err
		}
		hist, err := tr.Train(ctx)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		if err := nn.Save(filepath.Join(*out, "params.safetensors"), net); err != nil {
			return err
		}
		if err := chart.Lines(filepath.Join(*out, "loss.png"), "784-50-100-10 sigmoid net, Adam", "iteration", "loss",
			chart.Series{Name: "training loss", Y: hist.Loss}); err != nil {
			return err
		}
	}

	// The book's loop: for i in range(0, len(x), batch_size): y = predict(x[i:i+batch_size]) ...
	p, err := nn.NewPredictor(g, net, *batch, graph.Float32, 784)
	if err != nil {
		return err
	}
	acc, err := p.Accuracy(test.Images, test.Labels)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "test accuracy %.4f\n", acc)
	return nil
}
