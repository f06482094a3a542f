package nn_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
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

// dropNet is a model built by hand around a Sequential, with dropout at the top level and
// inside a residual block: the trainer finds both through Sequential and Residual.
type dropNet struct {
	nn.Sequential
	mode *ops.Mode
}

func newDropNet(g *graph.Graph, blocks int) *dropNet {
	rng := rand.New(rand.NewPCG(3, 4))
	mode := ops.NewMode(false)
	layers := []nn.Layer{nn.NewAffine(g, "1", 784, 30, nn.He(), graph.Float32, rng), nn.ReLU, nn.NewDropout(0.3, false, rng, mode)}
	for i := range blocks {
		layers = append(layers, &nn.Residual{Body: &nn.Sequential{Layers: []nn.Layer{
			nn.NewAffine(g, fmt.Sprint(2+i), 30, 30, nn.He(), graph.Float32, rng), nn.ReLU, nn.NewDropout(0.2, true, rng, mode),
		}}})
	}
	layers = append(layers, nn.NewAffine(g, "out", 30, 10, nn.He(), graph.Float32, rng))
	return &dropNet{Sequential: nn.Sequential{Layers: layers}, mode: mode}
}

func (n *dropNet) Predict(x *graph.Node) *graph.Node { return n.Forward(x) }
func (n *dropNet) Loss(x, t *graph.Node) *graph.Node { return ops.SoftmaxCrossEntropy(n.Forward(x), t) }
func (n *dropNet) Mode() *ops.Mode                   { return n.mode }

func newDropRun(t *testing.T, train *dataset.Set, blocks int, cfg nn.TrainConfig) (*dropNet, *nn.Trainer) {
	t.Helper()
	g := graph.New()
	net := newDropNet(g, blocks)
	cfg.Optimizer = optim.NewAdam(0.01, 0.9, 0.999)
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	tr, err := nn.NewTrainer(g, net, train, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return net, tr
}

// interruptAt trains a new run until step, saving a checkpoint to cfg.Checkpoint.
func interruptAt(t *testing.T, train *dataset.Set, cfg nn.TrainConfig, step int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.OnStep = func(s int) {
		if s == step {
			cancel()
		}
	}
	_, tr := newDropRun(t, train, 1, cfg)
	if _, err := tr.Train(ctx); err != context.Canceled {
		t.Fatalf("interrupted run returned %v", err)
	}
}

// Dropout's masks are part of the checkpoint: a resumed run ends bit for bit where an
// uninterrupted one does.
func TestTrainerResumesDropoutExactly(t *testing.T) {
	train, _ := mnistSlice(t)
	train = train.Slice(0, 400)
	cfg := nn.TrainConfig{Epochs: 2, BatchSize: 50, Seed: 5, EvalSample: 50}
	whole, tr := newDropRun(t, train, 1, cfg)
	if _, err := tr.Train(context.Background()); err != nil {
		t.Fatal(err)
	}

	cfg.Checkpoint = filepath.Join(t.TempDir(), "ckpt.safetensors")
	interruptAt(t, train, cfg, 11) // inside the second epoch
	var log strings.Builder
	cfg.Log = &log
	resumed, second := newDropRun(t, train, 1, cfg)
	if err := second.Resume(cfg.Checkpoint); err != nil {
		t.Fatal(err)
	}
	if _, err := second.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "random state") {
		t.Fatalf("log: %s", log.String())
	}
	for i, p := range whole.Params() {
		a, b := p.Value().Float32s(), resumed.Params()[i].Value().Float32s()
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("%s[%d]: uninterrupted %v, resumed %v", p.Name(), j, a[j], b[j])
			}
		}
	}
}

// A checkpoint's random states must fit the model: another number of dropout layers, or
// a state damaged in the file, is reported and changes nothing; a checkpoint without
// random states (an older one) resumes and says that the masks will differ.
func TestTrainerResumeRandomStateMismatch(t *testing.T) {
	train, _ := mnistSlice(t)
	train = train.Slice(0, 100)
	dir := t.TempDir()
	cfg := nn.TrainConfig{Epochs: 1, BatchSize: 50, Seed: 5, Checkpoint: filepath.Join(dir, "ckpt.safetensors")}
	interruptAt(t, train, cfg, 1)
	ts, meta, err := nn.LoadSafetensors(cfg.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	if meta["random_layers"] != "2" || len(meta["random_state.2"]) != 2*2*20 || meta["random_state.3.0.2"] == "" {
		t.Fatalf("metadata %v", meta)
	}
	rewrite := func(name string, change func(meta map[string]string)) string {
		m := maps.Clone(meta)
		change(m)
		path := filepath.Join(dir, name)
		if err := nn.SaveSafetensors(path, ts, m); err != nil {
			t.Fatal(err)
		}
		return path
	}

	// Another model: a second residual block brings a third dropout layer (and its
	// parameters, but the random states are checked first).
	_, other := newDropRun(t, train, 2, cfg)
	if err := other.Resume(cfg.Checkpoint); err == nil || !strings.Contains(err.Error(), "random state of 2 layers (dropout), the model has 3") {
		t.Fatalf("got %v", err)
	}

	probe := cfg
	probe.Checkpoint = filepath.Join(dir, "probe.safetensors")
	for _, c := range []struct {
		name   string
		change func(map[string]string)
		want   string
	}{
		{"odd.safetensors", func(m map[string]string) { m["random_state.2"] = m["random_state.2"][:30] }, "not a whole number"},
		{"nothex.safetensors", func(m map[string]string) { m["random_state.2"] = "zz" + m["random_state.2"][2:] }, "invalid byte"},
		{"prefix.safetensors", func(m map[string]string) { m["random_state.3.0.2"] = "00" + m["random_state.3.0.2"][2:] }, "stream 0"},
		{"streams.safetensors", func(m map[string]string) { m["random_state.2"] = m["random_state.2"][:40] }, "holds 1 streams, the layer has 2"},
		{"moved.safetensors", func(m map[string]string) {
			m["random_state.9"] = m["random_state.2"]
			delete(m, "random_state.2")
		}, `no random state for layer "2"`},
		{"count.safetensors", func(m map[string]string) { m["random_layers"] = "x" }, "bad random_layers"},
	} {
		_, tr := newDropRun(t, train, 1, probe)
		before := randomStates(t, tr, probe.Checkpoint)
		err := tr.Resume(rewrite(c.name, c.change))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: got %v, want %q", c.name, err, c.want)
		}
		if after := randomStates(t, tr, probe.Checkpoint); after != before {
			t.Fatalf("%s: a failed resume changed the random states:\n%s\n%s", c.name, before, after)
		}
	}

	var log strings.Builder
	cfg.Log = &log
	_, old := newDropRun(t, train, 1, cfg)
	if err := old.Resume(rewrite("old.safetensors", func(m map[string]string) {
		for k := range m {
			if strings.HasPrefix(k, "random_") {
				delete(m, k)
			}
		}
	})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "no random state for the 2 dropout layers") {
		t.Fatalf("log: %q", log.String())
	}
}

// randomStates reads the trainer's dropout states through a checkpoint saved at once (a
// run cancelled before its first step).
func randomStates(t *testing.T, tr *nn.Trainer, ckpt string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tr.Train(ctx); err != context.Canceled {
		t.Fatal(err)
	}
	_, meta, err := nn.LoadSafetensors(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	return meta["random_state.2"] + " " + meta["random_state.3.0.2"]
}

// TestTrainerBeforeEpochSchedule halves SGD's learning rate every epoch through
// BeforeEpoch: it is called once per epoch in order, again for the epoch a resumed run
// continues, and the resumed run ends with the uninterrupted one's parameters.
func TestTrainerBeforeEpochSchedule(t *testing.T) {
	train, test := mnistSlice(t)
	run := func(stopAt int, ckpt string, resume bool) (*nn.TwoLayerNet, []int, error) {
		g := graph.New()
		net := nn.NewTwoLayerNet(g, 784, 30, 10, 0.01, graph.Float32, rand.New(rand.NewPCG(1, 2)))
		sgd := optim.NewSGD(0.5)
		var epochs []int
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cfg := nn.TrainConfig{Epochs: 3, BatchSize: 50, Seed: 7, Optimizer: sgd, Log: io.Discard, Checkpoint: ckpt,
			BeforeEpoch: func(e int) {
				epochs = append(epochs, e)
				sgd.LR = 0.5 * math.Pow(0.5, float64(e))
			},
			OnStep: func(step int) {
				if step == stopAt {
					cancel()
				}
			}}
		tr, err := nn.NewTrainer(g, net, train, test, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if resume {
			if err := tr.Resume(ckpt); err != nil {
				t.Fatal(err)
			}
		}
		_, err = tr.Train(ctx)
		return net, epochs, err
	}
	whole, epochs, err := run(-1, "", false)
	if err != nil || !slices.Equal(epochs, []int{0, 1, 2}) {
		t.Fatalf("uninterrupted: epochs %v, error %v", epochs, err)
	}
	ckpt := filepath.Join(t.TempDir(), "ckpt.safetensors")
	if _, epochs, err := run(27, ckpt, false); err != context.Canceled || !slices.Equal(epochs, []int{0, 1}) {
		t.Fatalf("interrupted: epochs %v, error %v", epochs, err)
	}
	resumed, epochs, err := run(-1, ckpt, true)
	if err != nil || !slices.Equal(epochs, []int{1, 2}) {
		t.Fatalf("resumed: epochs %v, error %v", epochs, err)
	}
	for i, p := range whole.Params() {
		if !slices.Equal(p.Value().Float32s(), resumed.Params()[i].Value().Float32s()) {
			t.Fatalf("%s differs after resuming with the schedule", p.Name())
		}
	}
}
