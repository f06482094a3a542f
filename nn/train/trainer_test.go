package train_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/paramfile"
	"github.com/zerograd/zerograd/nn/train"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// Synthetic data: three classes, each a Gaussian blob in 7 features that the model takes
// as two float32 inputs ("xa" 4 features, "xb" 3), and int32 labels "t".
const (
	nTrain, nTest = 96, 50
	batch         = 12 // 8 steps an epoch
	epochs        = 3
)

type blobs struct {
	xa, xb []float32
	t      []int32
}

func makeBlobs(n int, seed uint64) blobs {
	rng := rand.New(rand.NewPCG(seed, 1))
	centers := rand.New(rand.NewPCG(99, 1))
	var mean [3][7]float64
	for c := range mean {
		for j := range mean[c] {
			mean[c][j] = 3 * centers.NormFloat64()
		}
	}
	var b blobs
	for range n {
		c := rng.IntN(3)
		b.t = append(b.t, int32(c))
		for j := range 7 {
			v := float32(mean[c][j] + rng.NormFloat64())
			if j < 4 {
				b.xa = append(b.xa, v)
			} else {
				b.xb = append(b.xb, v)
			}
		}
	}
	return b
}

// model is a small MultiLayerNetExtend-like network with two inputs: batch norm and two
// dropout layers (one of the book's scaling, one inverted), so that resuming needs the
// random states. The accuracy metric is measured on a second forward pass, which gives
// each dropout layer a second random stream.
type model struct {
	g         *graph.Graph
	xa, xb, t *graph.Node
	loss      *graph.Node
	tr        *train.Trainer
}

type modelOpts struct {
	hidden     int  // default 16
	extraDrop  bool // a third dropout layer
	oneForward bool // accuracy from the loss's forward pass: one stream per dropout
	ckpt       string
	log        *strings.Builder
	onStep     func(int)
}

func newModel(t *testing.T, o modelOpts) *model {
	t.Helper()
	if o.hidden == 0 {
		o.hidden = 16
	}
	g := graph.New()
	s := g.In("m")
	fa := nn.NewAffine(s.In("a"), nn.AffineOpts{In: 4, Out: o.hidden})
	fb := nn.NewAffine(s.In("b"), nn.AffineOpts{In: 3, Out: o.hidden, NoBias: true})
	bn := nn.NewBatchNorm(s.In("bn"), nn.BatchNormOpts{C: o.hidden})
	drop1 := nn.NewDropout(g, nn.DropoutOpts{Ratio: 0.3})
	fc2 := nn.NewAffine(s.In("fc2"), nn.AffineOpts{In: o.hidden, Out: o.hidden})
	drop2 := nn.NewDropout(g, nn.DropoutOpts{Ratio: 0.2, Inverted: true})
	out := nn.NewAffine(s.In("out"), nn.AffineOpts{In: o.hidden, Out: 3})
	layers := []nn.Layer{drop1, fc2, nn.ReLU, drop2}
	if o.extraDrop {
		layers = append(layers, nn.NewDropout(g, nn.DropoutOpts{Ratio: 0.1}))
	}
	head := nn.Seq(append(layers, out)...)
	m := &model{g: g, xa: g.Input("xa", graph.Float32, batch, 4), xb: g.Input("xb", graph.Float32, batch, 3), t: g.Input("t", graph.Int32, batch)}
	forward := func() *graph.Node {
		return head.Forward(nn.ReLU.Forward(bn.Forward(ops.Add(fa.Forward(m.xa), fb.Forward(m.xb)))))
	}
	scores := forward()
	m.loss = nn.SoftmaxCrossEntropy(scores, m.t)
	if !o.oneForward {
		scores = forward()
	}
	data := func(b blobs, n int) train.Tensors {
		return train.Tensors{
			m.xa: graph.F32(graph.Shape{n, 4}, b.xa...),
			m.xb: graph.F32(graph.Shape{n, 3}, b.xb...),
			m.t:  graph.I32(graph.Shape{n}, b.t...),
		}
	}
	m.tr = &train.Trainer{
		Step:   optim.NewStep(m.loss, optim.NewAdam(0.03, 0.9, 0.999)),
		Data:   data(makeBlobs(nTrain, 1), nTrain),
		Epochs: epochs,
		Seed:   7,
		Evals: []train.Eval{
			{Name: "train", Data: data(makeBlobs(nTrain, 1), nTrain), Limit: 36},
			{Name: "test", Data: data(makeBlobs(nTest, 2), nTest)},
		},
		Metrics:    []train.Metric{{Name: "loss", Node: m.loss}, {Name: "acc", Node: ops.Accuracy(scores, m.t)}},
		Checkpoint: o.ckpt,
		OnStep:     o.onStep,
		Log:        o.log,
	}
	if o.log == nil {
		m.tr.Log = &strings.Builder{}
	}
	return m
}

// state is everything a run ends with: parameters and buffers, optimizer state, random
// states, history.
type state struct {
	values  map[string][]float64
	opt     map[string][]float64
	random  [][]byte
	history train.History
}

func (m *model) state(t *testing.T) state {
	t.Helper()
	s := state{values: map[string][]float64{}, opt: map[string][]float64{}, history: m.tr.History}
	for _, nt := range nn.State(m.g.Root()) {
		s.values[nt.Name] = slices.Clone(graph.Float64s(nt.Value))
	}
	for _, sl := range m.tr.Step.Opt.State() {
		s.opt[sl.Name] = slices.Clone(graph.Float64s(sl.Value))
	}
	for _, l := range nn.RandomLayers(m.g) {
		b, err := l.RandomState()
		if err != nil {
			t.Fatal(err)
		}
		s.random = append(s.random, b)
	}
	s.history.Loss = slices.Clone(s.history.Loss)
	s.history.EpochLoss = slices.Clone(s.history.EpochLoss)
	s.history.Metrics = maps.Clone(s.history.Metrics)
	for k, v := range s.history.Metrics {
		s.history.Metrics[k] = slices.Clone(v)
	}
	return s
}

func sameState(t *testing.T, what string, want, got state) {
	t.Helper()
	if !reflect.DeepEqual(want.history, got.history) {
		t.Errorf("%s: history differs:\nwant %+v\n got %+v", what, want.history, got.history)
	}
	for k, v := range want.values {
		if !slices.Equal(v, got.values[k]) {
			t.Errorf("%s: %s differs", what, k)
		}
	}
	if len(want.values) != len(got.values) {
		t.Errorf("%s: %d values, want %d", what, len(got.values), len(want.values))
	}
	if !reflect.DeepEqual(want.opt, got.opt) {
		t.Errorf("%s: optimizer state differs", what)
	}
	if !reflect.DeepEqual(want.random, got.random) {
		t.Errorf("%s: random states differ", what)
	}
}

// train runs m's trainer, cancelling after step stop (never when stop < 0).
func (m *model) train(t *testing.T, stop int) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	on := m.tr.OnStep
	m.tr.OnStep = func(s int) {
		if on != nil {
			on(s)
		}
		if s == stop {
			cancel()
		}
	}
	_, err := m.tr.Train(ctx)
	m.tr.OnStep = on
	return err
}

var (
	trainingLine = regexp.MustCompile(`^training: (\d+)/24 steps \(\d+%, [^)]*\)$`)
	epochLine    = regexp.MustCompile(`^epoch (\d): loss (\d+\.\d{4}) \(mean of the epoch\), ` +
		`train loss \d+\.\d{4}, train acc \d\.\d{4} \(on 36 samples\), ` +
		`test loss \d+\.\d{4}, test acc \d\.\d{4} \(on 48 samples\) \([^)]*\)$`)
)

// A model of two float32 inputs and int32 labels trains with the mean loss and the
// accuracy as metrics on two eval sets; the history and the log say what was measured.
func TestTrainerTwoInputsMetricsAndLog(t *testing.T) {
	var log strings.Builder
	m := newModel(t, modelOpts{log: &log})
	h, err := m.tr.Train(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const perEpoch = nTrain / batch
	if len(h.Loss) != epochs*perEpoch || len(h.EpochLoss) != epochs {
		t.Fatalf("%d losses, %d epoch losses", len(h.Loss), len(h.EpochLoss))
	}
	for e := range epochs {
		var sum float64
		for _, l := range h.Loss[e*perEpoch : (e+1)*perEpoch] {
			sum += l
		}
		if mean := sum / perEpoch; h.EpochLoss[e] != mean {
			t.Errorf("epoch %d: EpochLoss %v, mean of its steps %v", e, h.EpochLoss[e], mean)
		}
	}
	keys := slices.Sorted(maps.Keys(h.Metrics))
	if want := []string{"test acc", "test loss", "train acc", "train loss"}; !slices.Equal(keys, want) {
		t.Fatalf("metrics %v, want %v", keys, want)
	}
	for k, v := range h.Metrics {
		if len(v) != epochs {
			t.Fatalf("%s: %d values", k, len(v))
		}
	}
	if acc := h.Metrics["test acc"][epochs-1]; acc < 0.8 {
		t.Errorf("test accuracy %v: did not learn", h.Metrics["test acc"])
	}
	if l := h.Metrics["test loss"]; l[epochs-1] >= l[0] || h.EpochLoss[epochs-1] >= h.EpochLoss[0] {
		t.Errorf("losses did not fall: test %v, epochs %v", l, h.EpochLoss)
	}

	// The last epoch's metrics are those of the final model: Evaluate measures the same,
	// and "test loss" is the mean over the whole test batches of the loss in inference mode.
	before := m.state(t)
	vals, counts, err := m.tr.Evaluate()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range vals {
		if last := h.Metrics[k][epochs-1]; v != last {
			t.Errorf("Evaluate %s = %v, history's last %v", k, v, last)
		}
	}
	if counts["test"] != 48 || counts["train"] != 36 {
		t.Errorf("counts %v", counts)
	}
	sameState(t, "evaluation", before, m.state(t)) // inference: no statistics or masks move
	test := makeBlobs(nTest, 2)
	prog := graph.MustCompile(m.loss)
	var sum float64
	for b := range 4 {
		out, err := prog.Run(graph.Feeds{
			m.xa: graph.F32(graph.Shape{batch, 4}, test.xa[b*batch*4:(b+1)*batch*4]...),
			m.xb: graph.F32(graph.Shape{batch, 3}, test.xb[b*batch*3:(b+1)*batch*3]...),
			m.t:  graph.I32(graph.Shape{batch}, test.t[b*batch:(b+1)*batch]...),
		})
		if err != nil {
			t.Fatal(err)
		}
		sum += graph.Item(out[0])
	}
	if got := vals["test loss"]; got != sum/4 {
		t.Errorf("test loss %v, mean over the batches %v", got, sum/4)
	}

	// Not a terminal: plain progress lines, each epoch's line on its own.
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	var steps []int
	epoch := 0
	for _, line := range lines {
		if mm := trainingLine.FindStringSubmatch(line); mm != nil {
			n, _ := strconv.Atoi(mm[1])
			steps = append(steps, n)
			continue
		}
		mm := epochLine.FindStringSubmatch(line)
		if mm == nil {
			t.Fatalf("unexpected log line %q in\n%s", line, log.String())
		}
		epoch++
		if mm[1] != strconv.Itoa(epoch) || mm[2] != fmt.Sprintf("%.4f", h.EpochLoss[epoch-1]) {
			t.Errorf("epoch line %q, want epoch %d loss %.4f", line, epoch, h.EpochLoss[epoch-1])
		}
		if done := epoch * perEpoch; len(steps) > 0 && steps[len(steps)-1] > done {
			t.Errorf("epoch %d's line after step %d", epoch, steps[len(steps)-1])
		}
	}
	if epoch != epochs || !slices.Equal(steps, []int{2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}) {
		t.Errorf("%d epoch lines, progress at %v:\n%s", epoch, steps, log.String())
	}
}

// An interrupted run (cancelled from OnStep) resumed in a fresh graph ends exactly where an
// uninterrupted one does: parameters, batch norm statistics, optimizer and dropout states,
// and the whole history (so charts after a resume are an uninterrupted run's).
func TestTrainerResumeIsExact(t *testing.T) {
	whole := newModel(t, modelOpts{})
	if err := whole.train(t, -1); err != nil {
		t.Fatal(err)
	}
	want := whole.state(t)

	for _, stops := range [][]int{{11}, {16}, {1, 8, 23}} { // inside an epoch, at an epoch's end, three times
		ckpt := filepath.Join(t.TempDir(), "ckpt.safetensors")
		var m *model
		for i, stop := range stops {
			m = newModel(t, modelOpts{ckpt: ckpt})
			if i > 0 {
				if err := m.tr.Resume(ckpt); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.train(t, stop); err != context.Canceled {
				t.Fatalf("stops %v: run %d returned %v", stops, i, err)
			}
			if _, err := os.Stat(ckpt); err != nil {
				t.Fatalf("no checkpoint after an interrupted run: %v", err)
			}
			if len(m.tr.History.Loss) != stop {
				t.Fatalf("interrupted after %d steps, want %d", len(m.tr.History.Loss), stop)
			}
		}
		var log strings.Builder
		m = newModel(t, modelOpts{ckpt: ckpt, log: &log})
		if err := m.tr.Resume(ckpt); err != nil {
			t.Fatal(err)
		}
		if got := len(m.tr.History.Loss); got != stops[len(stops)-1] {
			t.Fatalf("resumed history of %d steps", got)
		}
		if err := m.train(t, -1); err != nil {
			t.Fatal(err)
		}
		sameState(t, fmt.Sprint("stops ", stops), want, m.state(t))
		if _, err := os.Stat(ckpt); !os.IsNotExist(err) {
			t.Errorf("a finished run left its checkpoint: %v", err)
		}
		if strings.Contains(log.String(), "training: 2/24") {
			t.Errorf("the resumed run's progress started at 0:\n%s", log.String())
		}
	}

	// A finished run removes a checkpoint left at its path.
	ckpt := filepath.Join(t.TempDir(), "old.safetensors")
	if err := os.WriteFile(ckpt, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := newModel(t, modelOpts{ckpt: ckpt}).train(t, -1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ckpt); !os.IsNotExist(err) {
		t.Errorf("a finished run left %s: %v", ckpt, err)
	}
}

// A checkpoint that does not fit the model is an error and changes nothing: the
// interrupted trainer then continues to the uninterrupted run's end.
func TestTrainerResumeMismatchChangesNothing(t *testing.T) {
	whole := newModel(t, modelOpts{})
	if err := whole.train(t, -1); err != nil {
		t.Fatal(err)
	}
	want := whole.state(t)

	dir := t.TempDir()
	// Checkpoints of other models: wider, one more dropout layer, one forward pass fewer
	// (one random stream per dropout layer instead of two).
	foreign := map[string]modelOpts{
		"wider":       {hidden: 17},
		"extra_drop":  {extraDrop: true},
		"one_forward": {oneForward: true},
	}
	paths := map[string]string{}
	for name, o := range foreign {
		o.ckpt = filepath.Join(dir, name+".safetensors")
		if err := newModel(t, o).train(t, 3); err != context.Canceled {
			t.Fatalf("%s: %v", name, err)
		}
		paths[name] = o.ckpt
	}
	// The same model's checkpoint, damaged in its random states.
	ownPath := filepath.Join(dir, "own.safetensors")
	if err := newModel(t, modelOpts{ckpt: ownPath}).train(t, 3); err != context.Canceled {
		t.Fatal(err)
	}
	ts, meta, err := paramfile.LoadSafetensors(ownPath)
	if err != nil {
		t.Fatal(err)
	}
	if meta["random_layers"] != "2" || len(meta["random_state.1"]) != 2*2*20 {
		t.Fatalf("metadata %v", meta)
	}
	rewrite := func(name string, change func(map[string]string)) {
		m := maps.Clone(meta)
		change(m)
		paths[name] = filepath.Join(dir, name+".safetensors")
		if err := paramfile.SaveSafetensors(paths[name], ts, m); err != nil {
			t.Fatal(err)
		}
	}
	rewrite("short_state", func(m map[string]string) { m["random_state.1"] = m["random_state.1"][:40] })
	rewrite("odd_state", func(m map[string]string) { m["random_state.1"] = m["random_state.1"][:30] })
	rewrite("not_hex", func(m map[string]string) { m["random_state.1"] = "zz" + m["random_state.1"][2:] })
	rewrite("bad_prefix", func(m map[string]string) { m["random_state.1"] = "00" + m["random_state.1"][2:] })
	rewrite("bad_count", func(m map[string]string) { m["random_layers"] = "x" })
	rewrite("no_history", func(m map[string]string) { delete(m, "history") })
	paths["params"] = filepath.Join(dir, "params.safetensors")
	wants := map[string]string{
		"wider":       "m.a.W", // every mismatch named
		"extra_drop":  "random state of 3 dropout layers, the model has 2",
		"one_forward": "holds 1 streams, the layer has 2",
		"short_state": "holds 1 streams, the layer has 2",
		"odd_state":   "not a whole number",
		"not_hex":     "invalid byte",
		"bad_prefix":  "stream 0",
		"bad_count":   `random state of x dropout layers`,
		"no_history":  "bad position or history",
		"params":      "not a training checkpoint",
	}

	// Interrupt inside the second epoch, then try every wrong file.
	m := newModel(t, modelOpts{ckpt: filepath.Join(dir, "run.safetensors")})
	if err := m.train(t, 11); err != context.Canceled {
		t.Fatal(err)
	}
	if err := nn.Save(paths["params"], m.g.Root()); err != nil {
		t.Fatal(err)
	}
	before := m.state(t)
	for _, name := range slices.Sorted(maps.Keys(wants)) {
		err := m.tr.Resume(paths[name])
		if err == nil || !strings.Contains(err.Error(), wants[name]) {
			t.Errorf("%s: got %v, want %q", name, err, wants[name])
		}
		if name == "wider" && (!strings.Contains(err.Error(), "m.fc2.W") || !strings.Contains(err.Error(), "m.bn.gamma")) {
			t.Errorf("wider: %v", err)
		}
		sameState(t, name, before, m.state(t))
	}
	if err := m.train(t, -1); err != nil {
		t.Fatal(err)
	}
	sameState(t, "continued after refused resumes", want, m.state(t))
}

// MNIST, offline: a TwoLayerNet-sized MLP with float32 images and int32 labels learns,
// and a BeforeEpoch learning-rate schedule is called once per epoch, again for the epoch a
// resumed run continues, and the resumed run ends with the uninterrupted one's parameters.
func TestTrainerMNISTScheduleResumes(t *testing.T) {
	trainSet, testSet := mnistSlice(t)
	run := func(stopAt int, ckpt string, resume bool) (*graph.Graph, []int, train.History, error) {
		g := graph.New()
		x := g.Input("x", graph.Float32, 50, 784)
		lbl := g.Input("t", graph.Int32, 50)
		s := g.In("mlp")
		fc1 := nn.NewAffine(s.In("fc1"), nn.AffineOpts{In: 784, Out: 30})
		fc2 := nn.NewAffine(s.In("fc2"), nn.AffineOpts{In: 30, Out: 10})
		scores := fc2.Forward(nn.ReLU.Forward(fc1.Forward(x)))
		adam := optim.NewAdam(0.01, 0.9, 0.999)
		data := train.MNIST(trainSet, x, lbl)
		test := train.MNIST(testSet, x, lbl)
		var epochs []int
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		tr := &train.Trainer{Step: optim.NewStep(nn.SoftmaxCrossEntropy(scores, lbl), adam), Data: data, Epochs: 3, Seed: 7,
			Evals: []train.Eval{{Name: "test", Data: test}}, Metrics: []train.Metric{{Name: "acc", Node: ops.Accuracy(scores, lbl)}},
			Log: &strings.Builder{}, Checkpoint: ckpt,
			BeforeEpoch: func(e int) {
				epochs = append(epochs, e)
				adam.LR = 0.01 / float64(int(1)<<e)
			},
			OnStep: func(step int) {
				if step == stopAt {
					cancel()
				}
			}}
		if resume {
			if err := tr.Resume(ckpt); err != nil {
				t.Fatal(err)
			}
		}
		h, err := tr.Train(ctx)
		return g, epochs, h, err
	}
	whole, epochs, h, err := run(-1, "", false)
	if err != nil || !slices.Equal(epochs, []int{0, 1, 2}) {
		t.Fatalf("uninterrupted: epochs %v, error %v", epochs, err)
	}
	if len(h.Loss) != 60 || h.Metrics["test acc"][2] < 0.7 || h.Loss[59] > h.Loss[0]/2 {
		t.Fatalf("did not learn: %d steps, loss %v -> %v, test accuracy %v", len(h.Loss), h.Loss[0], h.Loss[len(h.Loss)-1], h.Metrics["test acc"])
	}
	ckpt := filepath.Join(t.TempDir(), "ckpt.safetensors")
	if _, epochs, _, err := run(27, ckpt, false); err != context.Canceled || !slices.Equal(epochs, []int{0, 1}) {
		t.Fatalf("interrupted: epochs %v, error %v", epochs, err)
	}
	resumed, epochs, h2, err := run(-1, ckpt, true)
	if err != nil || !slices.Equal(epochs, []int{1, 2}) {
		t.Fatalf("resumed: epochs %v, error %v", epochs, err)
	}
	if !reflect.DeepEqual(h, h2) {
		t.Fatalf("histories differ:\n%+v\n%+v", h, h2)
	}
	for i, p := range whole.Root().Params() {
		if !slices.Equal(p.Value().Float32s(), resumed.Root().Params()[i].Value().Float32s()) {
			t.Fatalf("%s differs after resuming with the schedule", p.Name())
		}
	}
}
