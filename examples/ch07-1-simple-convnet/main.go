// Command ch07-1-simple-convnet trains the book's SimpleConvNet (chapter 7.5) on MNIST with
// Adam (lr 0.001, batch 100), prints the test accuracy, saves the parameters and draws the
// loss and accuracy curves into -out.
//
//	go run ./examples/ch07-1-simple-convnet                  # a short run: 3 epochs, 98.3% in about 30 s on 2 cores
//	go run ./examples/ch07-1-simple-convnet -epochs 20       # the book's run: 0.9889 in under 7 minutes
//	go run ./examples/ch07-1-simple-convnet -weights params.pkl   # evaluate the book's trained network
//
// Ctrl-C finishes the current step and saves a checkpoint; -resume continues from it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/chart"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/optim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ch07-1-simple-convnet:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("ch07-1-simple-convnet", flag.ContinueOnError)
	epochs := fs.Int("epochs", 3, "training epochs (the book: 20)")
	batch := fs.Int("batch", 100, "mini-batch size")
	lr := fs.Float64("lr", 0.001, "Adam learning rate")
	trainN := fs.Int("train", 0, "use only the first N training images (0: all 60000)")
	evalN := fs.Int("eval-sample", 1000, "images for the per-epoch accuracy (0: all)")
	weights := fs.String("weights", "", "evaluate these parameters (zerograd .safetensors or the book's .pkl) instead of training")
	out := fs.String("out", "ch07-1-simple-convnet", "folder for parameters, checkpoint and pictures")
	resume := fs.Bool("resume", false, "continue from the checkpoint in -out")
	data := fs.String("data", "", "folder holding the MNIST files (default: found automatically)")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	train, test, err := dataset.LoadMNIST(dataset.Options{Dir: *data, Normalize: true})
	if err != nil {
		return err
	}
	if *trainN > 0 {
		train = train.Slice(0, min(*trainN, train.N))
	}
	g := graph.New()
	net := nn.NewSimpleConvNet(g, nn.SimpleConvNetConfig{}, graph.Float32, rand.New(rand.NewPCG(*seed, 1)))

	if *weights != "" {
		if strings.HasSuffix(*weights, ".pkl") {
			err = nn.LoadBookPickle(*weights, net)
		} else {
			err = nn.Load(*weights, net)
		}
		if err != nil {
			return err
		}
		return evaluate(w, g, net, test)
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	ckpt := filepath.Join(*out, "checkpoint.safetensors")
	tr, err := nn.NewTrainer(g, net, train, test, nn.TrainConfig{
		Epochs: *epochs, BatchSize: *batch, Optimizer: optim.NewAdam(*lr, 0.9, 0.999),
		EvalSample: *evalN, Seed: *seed, Checkpoint: ckpt, Log: os.Stderr,
	})
	if err != nil {
		return err
	}
	if *resume {
		if err := tr.Resume(ckpt); err != nil {
			return err
		}
	}
	hist, err := tr.Train(ctx)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(w, "interrupted; run again with -resume to continue from %s\n", ckpt)
		return nil
	}
	if err != nil {
		return err
	}
	if err := nn.Save(filepath.Join(*out, "params.safetensors"), net); err != nil {
		return err
	}
	if err := chart.Lines(filepath.Join(*out, "loss.png"), "SimpleConvNet training loss", "iteration", "loss",
		chart.Series{Name: "loss", Y: hist.Loss}); err != nil {
		return err
	}
	if err := chart.Lines(filepath.Join(*out, "accuracy.png"), "SimpleConvNet accuracy", "epoch", "accuracy",
		chart.Series{Name: "train", Y: hist.TrainAcc}, chart.Series{Name: "test", Y: hist.TestAcc}); err != nil {
		return err
	}
	return evaluate(w, g, net, test)
}

func evaluate(w io.Writer, g *graph.Graph, net nn.Model, test *dataset.Set) error {
	p, err := nn.NewPredictor(g, net, 100, graph.Float32, test.Shape()[1:]...)
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
