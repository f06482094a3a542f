package nn_test

import (
	"context"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/optim"
)

func mnistSlice(t *testing.T) (*dataset.Set, *dataset.Set) {
	t.Helper()
	train, test, err := dataset.LoadMNIST(dataset.Options{Normalize: true, Flatten: true, NoDownload: true})
	if err != nil {
		t.Fatal(err)
	}
	return train.Slice(0, 1000), test.Slice(0, 300)
}

func newRun(t *testing.T, train, test *dataset.Set, cfg nn.TrainConfig) (*nn.TwoLayerNet, *nn.Trainer) {
	t.Helper()
	g := graph.New()
	net := nn.NewTwoLayerNet(g, 784, 30, 10, 0.01, graph.Float32, rand.New(rand.NewPCG(1, 2)))
	cfg.Optimizer = optim.NewAdam(0.01, 0.9, 0.999)
	cfg.Log = io.Discard
	tr, err := nn.NewTrainer(g, net, train, test, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return net, tr
}

func TestTrainerLearnsAndResumesExactly(t *testing.T) {
	train, test := mnistSlice(t)
	cfg := nn.TrainConfig{Epochs: 3, BatchSize: 50, Seed: 7}
	whole, tr := newRun(t, train, test, cfg)
	h, err := tr.Train(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Loss) != 60 || len(h.TestAcc) != 3 {
		t.Fatalf("history: %d losses, %d accuracies", len(h.Loss), len(h.TestAcc))
	}
	if h.TestAcc[2] < 0.7 || h.Loss[59] > h.Loss[0]/2 {
		t.Fatalf("did not learn: loss %v -> %v, test accuracy %v", h.Loss[0], h.Loss[59], h.TestAcc)
	}

	// Interrupt at step 27 (inside the second epoch), then resume in a fresh process.
	ckpt := filepath.Join(t.TempDir(), "ckpt.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	cfg.Checkpoint = ckpt
	cfg.OnStep = func(step int) {
		if step == 27 {
			cancel()
		}
	}
	_, first := newRun(t, train, test, cfg)
	if _, err := first.Train(ctx); err != context.Canceled {
		t.Fatalf("interrupted run returned %v", err)
	}
	cfg.OnStep = nil
	resumed, second := newRun(t, train, test, cfg)
	if err := second.Resume(ckpt); err != nil {
		t.Fatal(err)
	}
	if _, err := second.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, p := range whole.Params() {
		a, b := p.Value().Float32s(), resumed.Params()[i].Value().Float32s()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("%s[%d]: uninterrupted %v, resumed %v", p.Name(), j, a[j], b[j])
			}
		}
	}

	// A parameter file is not a checkpoint.
	params := filepath.Join(t.TempDir(), "params.safetensors")
	if err := nn.Save(params, whole); err != nil {
		t.Fatal(err)
	}
	if err := second.Resume(params); err == nil || !strings.Contains(err.Error(), "not a training checkpoint") {
		t.Fatalf("got %v", err)
	}
}
