package nn

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/optim"
)

// LossModel is a Model that also builds its training loss (the book's networks all do).
type LossModel interface {
	Model
	Loss(x, t *graph.Node) *graph.Node
}

// TrainConfig is the book's Trainer arguments.
type TrainConfig struct {
	Epochs     int
	BatchSize  int              // default 100
	Optimizer  optim.Optimizer  // default the book's SGD (lr 0.01)
	EvalSample int              // evaluate accuracy on the first EvalSample images of each set; 0 = all
	Seed       uint64           // shuffling: epoch e uses rand.NewPCG(Seed, e)
	Checkpoint string           // where Train saves when interrupted (and after the last epoch); "" = no file
	Log        io.Writer        // progress; nil = os.Stderr; a terminal gets a progress bar
	OnStep     func(iter int)   // called after each step (tests cancel from here)
	SetMode    func(train bool) // switches dropout and batch norm; default: the model's Mode, when it has one
	// Augment, when set, changes each training batch in place before the step (data
	// augmentation: shifts, rotations). Its rng is seeded by (Seed, epoch, step), so an
	// interrupted and resumed run sees the same augmented batches.
	Augment func(x []float32, rng *rand.Rand)
	// BeforeEpoch, when set, is called with the epoch's number (from 0) before its first
	// step, and before the first step after Resume: the place for a learning-rate schedule
	// that depends on the epoch (set the optimizer's LR), which a resumed run then repeats.
	BeforeEpoch func(epoch int)
}

// History is what training measured: the loss of every step, accuracies after every epoch.
type History struct {
	Loss     []float64
	TrainAcc []float64
	TestAcc  []float64
}

// Trainer trains a model on a data set, the book's common/trainer.py.
type Trainer struct {
	cfg         TrainConfig
	model       LossModel
	train, test *dataset.Set
	prog        *graph.Program
	params      []*graph.Node
	x, t        *tensor.Dense
	feeds       graph.Feeds
	trainPred   *Predictor
	epoch, iter int       // position: completed epochs, completed steps in the current epoch
	augSrc      *rand.PCG // reseeded for each step's augmentation
	augRng      *rand.Rand
	History     History
}

// NewTrainer builds the loss and its gradients on new inputs "x" and "t" in g and compiles
// one program that runs forward and backward. The images' shape per sample is the set's
// (flattened or 1x28x28). Labels are fed as class indices.
func NewTrainer(g *graph.Graph, m LossModel, train, test *dataset.Set, cfg TrainConfig) (*Trainer, error) {
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 100
	}
	if cfg.Optimizer == nil {
		cfg.Optimizer = optim.DefaultSGD()
	}
	if cfg.Log == nil {
		cfg.Log = os.Stderr
	}
	if md, ok := m.(Moded); ok && cfg.SetMode == nil {
		cfg.SetMode = md.Mode().SetTrain
	}
	if cfg.BatchSize > train.N {
		return nil, fmt.Errorf("nn: trainer: batch size %d is larger than the %d training images", cfg.BatchSize, train.N)
	}
	sample := train.Shape()[1:]
	shape := append([]int{cfg.BatchSize}, sample...)
	tr := &Trainer{cfg: cfg, model: m, train: train, test: test, params: m.Params()}
	var loss *graph.Node
	var grads []*graph.Node
	err := graph.Try(func() {
		x := g.Input("x", graph.Float32, shape...)
		t := g.Input("t", graph.Float32, cfg.BatchSize)
		loss = m.Loss(x, t)
		grads = autodiff.Grad(loss, tr.params...)
	})
	if err != nil {
		return nil, fmt.Errorf("nn: trainer: %w", err)
	}
	if tr.prog, err = graph.Compile(append([]*graph.Node{loss}, grads...)...); err != nil {
		return nil, err
	}
	tr.x = graph.NewTensor(graph.Float32, shape...)
	tr.t = graph.NewTensor(graph.Float32, cfg.BatchSize)
	tr.feeds = graph.Feeds{"x": tr.x, "t": tr.t}
	if tr.trainPred, err = NewPredictor(g, m, cfg.BatchSize, graph.Float32, sample...); err != nil {
		return nil, err
	}
	return tr, nil
}

// Train runs the remaining epochs. When ctx is cancelled (Ctrl-C in the examples) it
// finishes the current step, saves a checkpoint to cfg.Checkpoint and returns ctx's error;
// Resume then continues exactly where it stopped. Each epoch visits the training set in a
// shuffled order in full batches (a last partial batch is left out, as shapes are static).
func (tr *Trainer) Train(ctx context.Context) (History, error) {
	perEpoch := tr.train.N / tr.cfg.BatchSize
	var bar *progressbar.ProgressBar
	if isTerminal(tr.cfg.Log) {
		bar = progressbar.NewOptions(tr.cfg.Epochs*perEpoch, progressbar.OptionSetWriter(tr.cfg.Log),
			progressbar.OptionShowCount(), progressbar.OptionSetItsString("steps"), progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionSetDescription("training"))
	}
	start := time.Now()
	for ; tr.epoch < tr.cfg.Epochs; tr.epoch++ {
		if tr.cfg.BeforeEpoch != nil {
			tr.cfg.BeforeEpoch(tr.epoch)
		}
		it := tr.train.Batches(tr.cfg.BatchSize, rand.New(rand.NewPCG(tr.cfg.Seed, uint64(tr.epoch))))
		for step := 0; step < perEpoch && it.Next(); step++ {
			if step < tr.iter {
				continue // resuming: these steps were done before the checkpoint
			}
			if err := ctx.Err(); err != nil {
				return tr.History, tr.interrupt(err)
			}
			loss, err := tr.step(it.Indices(), step)
			if err != nil {
				return tr.History, err
			}
			tr.History.Loss = append(tr.History.Loss, loss)
			tr.iter = step + 1
			if bar != nil {
				bar.Add(1)
			}
			if tr.cfg.OnStep != nil {
				tr.cfg.OnStep(len(tr.History.Loss))
			}
		}
		tr.iter = 0
		if err := tr.evaluate(start); err != nil {
			return tr.History, err
		}
	}
	if bar != nil {
		bar.Finish()
	}
	if tr.cfg.Checkpoint != "" {
		if err := tr.save(); err != nil {
			return tr.History, err
		}
	}
	return tr.History, nil
}

func (tr *Trainer) step(idx []int, step int) (float64, error) {
	tr.train.Batch(idx, tr.x.Float32s(), nil)
	if tr.cfg.Augment != nil {
		if tr.augSrc == nil {
			tr.augSrc = rand.NewPCG(0, 0)
			tr.augRng = rand.New(tr.augSrc)
		}
		tr.augSrc.Seed(tr.cfg.Seed+1, uint64(tr.epoch)<<32|uint64(step))
		tr.cfg.Augment(tr.x.Float32s(), tr.augRng)
	}
	t := tr.t.Float32s()
	for j, i := range idx {
		t[j] = float32(tr.train.Labels[i])
	}
	if tr.cfg.SetMode != nil {
		tr.cfg.SetMode(true)
	}
	out, err := tr.prog.Run(tr.feeds)
	if err != nil {
		return 0, err
	}
	if err := tr.cfg.Optimizer.Step(tr.params, out[1:]); err != nil {
		return 0, err
	}
	return float64(out[0].Float32s()[0]), nil
}

func (tr *Trainer) evaluate(start time.Time) error {
	if tr.cfg.SetMode != nil {
		tr.cfg.SetMode(false)
		defer tr.cfg.SetMode(true)
	}
	accs := [2]float64{}
	for i, s := range []*dataset.Set{tr.train, tr.test} {
		if s == nil {
			continue
		}
		n := s.N
		if tr.cfg.EvalSample > 0 {
			n = min(n, tr.cfg.EvalSample)
		}
		acc, err := tr.trainPred.Accuracy(s.Images[:n*s.ImageSize()], s.Labels[:n])
		if err != nil {
			return err
		}
		accs[i] = acc
	}
	tr.History.TrainAcc = append(tr.History.TrainAcc, accs[0])
	tr.History.TestAcc = append(tr.History.TestAcc, accs[1])
	loss := 0.0
	if n := len(tr.History.Loss); n > 0 {
		loss = tr.History.Loss[n-1]
	}
	testAcc := "-"
	if tr.test != nil {
		testAcc = fmt.Sprintf("%.4f", accs[1])
	}
	fmt.Fprintf(tr.cfg.Log, "epoch %d: loss %.4f, train acc %.4f, test acc %s (%s)\n",
		tr.epoch+1, loss, accs[0], testAcc, time.Since(start).Round(time.Second/10))
	return nil
}

func (tr *Trainer) interrupt(cause error) error {
	if tr.cfg.Checkpoint == "" {
		return cause
	}
	if err := tr.save(); err != nil {
		return fmt.Errorf("%w; and saving the checkpoint failed: %v", cause, err)
	}
	fmt.Fprintf(tr.cfg.Log, "interrupted: checkpoint saved to %s (resume to continue)\n", tr.cfg.Checkpoint)
	return cause
}

// save writes parameters, optimizer state, the position in training and the random
// state of the model's dropout layers (in the metadata, see randstate.go).
func (tr *Trainer) save() error {
	ts := State(tr.model)
	for _, s := range tr.cfg.Optimizer.State() {
		ts = append(ts, NamedTensor{Name: s.Name, Value: s.Value})
	}
	meta := map[string]string{"format": "zerograd-checkpoint", "epoch": strconv.Itoa(tr.epoch), "iter": strconv.Itoa(tr.iter),
		"steps": strconv.Itoa(len(tr.History.Loss))}
	if err := putRandomStates(meta, randomLayers(tr.model)); err != nil {
		return fmt.Errorf("nn: checkpoint %s: %w", tr.cfg.Checkpoint, err)
	}
	return SaveSafetensors(tr.cfg.Checkpoint, ts, meta)
}

// Resume loads a checkpoint saved by Train: parameters, optimizer state, position, and
// the random state of every Random layer (dropout) of the model, found through its
// Containers (Sequential, Residual), so that the rest of the run draws the same masks as
// an uninterrupted one. A checkpoint whose model has a different number of random layers
// is an error. One saved before random states were kept has none: Resume then goes on
// with the layers' fresh states (masks differ from an uninterrupted run's) and says so
// in cfg.Log.
func (tr *Trainer) Resume(path string) error {
	ts, meta, err := LoadSafetensors(path)
	if err != nil {
		return err
	}
	if meta["format"] != "zerograd-checkpoint" {
		return fmt.Errorf("nn: resume %s: not a training checkpoint (format %q)", path, meta["format"])
	}
	epoch, err1 := strconv.Atoi(meta["epoch"])
	iter, err2 := strconv.Atoi(meta["iter"])
	if err1 != nil || err2 != nil {
		return fmt.Errorf("nn: resume %s: bad position epoch=%q iter=%q", path, meta["epoch"], meta["iter"])
	}
	layers := randomLayers(tr.model)
	restored, err := setRandomStates(meta, layers)
	if err != nil {
		return fmt.Errorf("nn: resume %s: %w", path, err)
	}
	if !restored && len(layers) > 0 {
		fmt.Fprintf(tr.cfg.Log, "resume %s: the checkpoint has no random state for the %d dropout layers (saved by an older version): their masks will differ from an uninterrupted run's\n",
			path, len(layers))
	}
	state := State(tr.model)
	n := len(state)
	if len(ts) < n {
		return fmt.Errorf("nn: resume %s: %d tensors, the model has %d parameters and buffers", path, len(ts), n)
	}
	if err := Assign(state, ts[:n]); err != nil {
		return fmt.Errorf("nn: resume %s: %w", path, err)
	}
	slots := make([]optim.Slot, 0, len(ts)-n)
	for _, t := range ts[n:] {
		slots = append(slots, optim.Slot{Name: t.Name, Value: t.Value})
	}
	if err := tr.cfg.Optimizer.SetState(tr.params, slots); err != nil {
		return fmt.Errorf("nn: resume %s: %w", path, err)
	}
	tr.epoch, tr.iter = epoch, iter
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
