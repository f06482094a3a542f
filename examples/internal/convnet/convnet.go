// Package convnet holds what the chapter 7 and 8 examples that use a trained network
// (ch07-2-visualize-filters, ch08-2-misclassified, ch08-3-half-precision) share: building
// the book's SimpleConvNet or DeepConvNet by name, a brief training for when no trained
// parameters are given, and the network's classes and accuracy on a data set. Trained
// parameters of either kind of file load with nn.LoadWeights(path, net.Scope).
package convnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/examples/internal/mnistrun"
	"github.com/zerograd/zerograd/graph"
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
