// Package convnet holds what the chapter 7 and 8 examples share: building the book's
// SimpleConvNet or DeepConvNet by name, loading trained parameters from either kind of
// file, and measuring test accuracy.
package convnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/optim"
)

// New adds the book's network of that kind to g: "simple" (chapter 7's SimpleConvNet) or
// "deep" (chapter 8's DeepConvNet), in float32 with weights drawn from rng.
func New(g *graph.Graph, kind string, rng *rand.Rand) (*nn.ConvNet, error) {
	switch kind {
	case "simple":
		return nn.NewSimpleConvNet(g, nn.SimpleConvNetConfig{}, graph.Float32, rng), nil
	case "deep":
		return nn.NewDeepConvNet(g, nn.DeepConvNetConfig{}, graph.Float32, rng), nil
	}
	return nil, fmt.Errorf("unknown network %q (want simple or deep)", kind)
}

// LoadWeights reads trained parameters into m: the book's pickles (params.pkl,
// deep_convnet_params.pkl) by their .pkl suffix, else a file written by nn.Save.
func LoadWeights(path string, m nn.Model) error {
	if strings.HasSuffix(path, ".pkl") {
		return nn.LoadBookPickle(path, m)
	}
	return nn.Load(path, m)
}

// Classes predicts the class of every image of s in batches of 100.
func Classes(g *graph.Graph, m nn.Model, s *dataset.Set) ([]int, error) {
	p, err := nn.NewPredictor(g, m, min(100, s.N), graph.Float32, s.Shape()[1:]...)
	if err != nil {
		return nil, err
	}
	return p.Classes(s.Images)
}

// Accuracy is the fraction of s that m classifies right.
func Accuracy(g *graph.Graph, m nn.Model, s *dataset.Set) (float64, error) {
	classes, err := Classes(g, m, s)
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

// TrainBriefly trains m for a few epochs with Adam (lr 0.001, batch 100), logging each
// epoch's accuracy on 500 images of each set, for examples that need a trained network
// but were given no file. Ctrl-C (ctx cancelled) stops early and keeps what was learnt.
func TrainBriefly(ctx context.Context, g *graph.Graph, m nn.LossModel, train, test *dataset.Set, epochs int, seed uint64, log io.Writer) error {
	tr, err := nn.NewTrainer(g, m, train, test, nn.TrainConfig{
		Epochs: epochs, BatchSize: min(100, train.N), Optimizer: optim.NewAdam(0.001, 0.9, 0.999),
		EvalSample: 500, Seed: seed, Log: log,
	})
	if err != nil {
		return err
	}
	if _, err := tr.Train(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
