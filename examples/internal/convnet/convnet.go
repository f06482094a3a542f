// Package convnet holds what the chapter 7 and 8 examples that use a trained network
// (ch07-2-visualize-filters, ch08-2-misclassified, ch08-3-half-precision) share: building
// the book's SimpleConvNet or DeepConvNet by name, a brief training for when no trained
// parameters are given, and the network's classes and accuracy on a data set. Trained
// parameters of either kind of file load with nn.LoadWeights(path, net.Scope).
//
// The chapter 8 examples also share their flags and the way they get their network:
//
//	f := convnet.Register(fs, "classify the first N test images (0: all 10000)")
//	if err := cli.Parse(fs, args); err != nil {
//		return err
//	}
//	net, test, err := f.Trained(ctx, logw)
package convnet

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/book"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/optim"
)

// New adds the book's network of that kind at g's root scope, with the book's parameter
// names: "simple" (chapter 7's SimpleConvNet) or "deep" (chapter 8's DeepConvNet), in
// float32 with weights drawn from rng.
func New(g *graph.Graph, kind string, rng *rand.Rand) (*book.Net, error) {
	o := book.Options{Rand: rng}
	switch kind {
	case "simple":
		return book.NewSimpleConvNet(g.Root(), book.SimpleConvNetConfig{Options: o}), nil
	case "deep":
		return book.NewDeepConvNet(g.Root(), book.DeepConvNetConfig{Options: o}), nil
	}
	return nil, fmt.Errorf("unknown network %q (want simple or deep)", kind)
}

// Classes predicts the class of every image of s in batches of 100.
func Classes(net *book.Net, s *dataset.Set) ([]int, error) {
	p, err := train.NewPredictor(net.Scope.Graph(), net.Predict, min(100, s.N), graph.Float32, s.Shape()[1:]...)
	if err != nil {
		return nil, err
	}
	return p.Classes(s.Images)
}

// Accuracy is the fraction of s that net classifies right.
func Accuracy(net *book.Net, s *dataset.Set) (float64, error) {
	classes, err := Classes(net, s)
	if err != nil {
		return 0, err
	}
	right := 0
	for i, c := range classes {
		if c == s.Labels[i] {
			right++
		}
	}
	return float64(right) / float64(s.N), nil
}

// TrainBriefly trains net for a few epochs with Adam (learning rate lr, batch 100), logging
// each epoch's accuracy on 500 test images, for examples that need a trained network but
// were given no file. An interrupt (ctx cancelled) stops it early without an error, keeping
// what was learnt: the example goes on with it.
func TrainBriefly(ctx context.Context, net *book.Net, trainSet, testSet *dataset.Set, epochs int, lr float64, seed uint64, logw io.Writer) error {
	tr, err := mnistrun.NewTrainer(mnistrun.Model{Net: net, Optimizer: optim.NewAdam(lr, 0.9, 0.999)},
		&mnistrun.Config{Epochs: epochs, Batch: min(100, trainSet.N), LR: lr, EvalSample: 500, Seed: seed},
		trainSet, testSet, logw)
	if err != nil {
		return err
	}
	if _, err := tr.Train(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// Flags are the flags of an example that needs a trained network.
type Flags struct {
	Kind    string // -net: "deep" or "simple"
	Weights string // -weights: trained parameters; "": train briefly
	Epochs  int    // -epochs: of the brief training
	Train   int    // -train: train on the first N images; 0 = all 60000
	Test    int    // -test: use the first N test images; 0 = all 10000
	Data    string // -data: folder holding the MNIST files; "" = found automatically
	Seed    uint64 // -seed
}

// Register defines the flags on fs with their defaults (a DeepConvNet, one epoch on the
// first 6000 images when no -weights) and returns where their values go. testUsage is the
// help text of -test: what the example does with the test images.
func Register(fs *flag.FlagSet, testUsage string) *Flags {
	f := &Flags{}
	fs.StringVar(&f.Kind, "net", "deep", "network: deep (DeepConvNet) or simple (SimpleConvNet)")
	fs.StringVar(&f.Weights, "weights", "", "trained parameters (zerograd .safetensors or the book's .pkl); none: train briefly")
	fs.IntVar(&f.Epochs, "epochs", 1, "without -weights: training epochs")
	fs.IntVar(&f.Train, "train", 6000, "without -weights: train on the first N images (0: all 60000)")
	fs.IntVar(&f.Test, "test", 0, testUsage)
	fs.StringVar(&f.Data, "data", "", "folder holding the MNIST files (default: found automatically)")
	fs.Uint64Var(&f.Seed, "seed", 1, "random seed")
	return f
}

// Trained loads MNIST, builds the network of -net and loads -weights into it, or without
// -weights trains it briefly (TrainBriefly, learning rate 0.001) on the first -train
// images. It returns the network and the first -test test images.
func (f *Flags) Trained(ctx context.Context, logw io.Writer) (*book.Net, *dataset.Set, error) {
	trainSet, test, err := dataset.LoadMNIST(dataset.Options{Dir: f.Data, Normalize: true})
	if err != nil {
		return nil, nil, err
	}
	if f.Test > 0 {
		test = test.Slice(0, min(f.Test, test.N))
	}
	g := graph.New()
	net, err := New(g, f.Kind, rand.New(rand.NewPCG(f.Seed, 1)))
	if err != nil {
		return nil, nil, err
	}
	if f.Weights != "" {
		err = nn.LoadWeights(f.Weights, g.Root())
	} else {
		if f.Train > 0 {
			trainSet = trainSet.Slice(0, min(f.Train, trainSet.N))
		}
		err = TrainBriefly(ctx, net, trainSet, test, f.Epochs, 0.001, f.Seed, logw)
	}
	if err != nil {
		return nil, nil, err
	}
	return net, test, nil
}
