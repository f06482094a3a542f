package train

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
	"github.com/zerograd/zerograd/optim"
)

// Metric is a scalar node measured on evaluation data after each epoch, averaged over
// its batches: ops.Accuracy(scores, t), the loss itself, or any scalar built from the
// inputs the Data feeds.
type Metric struct {
	Name string
	Node *graph.Node
}

// Eval is a data set the metrics are measured on after each epoch.
type Eval struct {
	Name  string // "train", "test": it prefixes the metric in logs and History ("test acc")
	Data  Data
	Limit int // measure on the first Limit samples only; 0 = all
}

// History is what training measured: the loss of every step, the mean loss of every
// epoch, and each metric on each evaluation set after every epoch, keyed "set metric"
// ("test acc").
type History struct {
	Loss      []float64
	EpochLoss []float64
	Metrics   map[string][]float64
}

// Trainer runs a Step over a data set for some epochs, shuffled, in the batch size of the
// step's inputs (the first axis of the nodes Data feeds), measuring Metrics on Evals after
// each epoch: the book's common/trainer.py for any model.
type Trainer struct {
	Step    *optim.Step
	Data    Data
	Epochs  int
	Seed    uint64 // shuffling: epoch e uses rand.NewPCG(Seed, e)
	Evals   []Eval
	Metrics []Metric
	// Checkpoint is where Train saves when interrupted, so that Resume continues exactly
	// where it stopped. "" = no file. A finished run removes it.
	Checkpoint string
	Log        io.Writer      // progress; nil = os.Stderr; a terminal gets a progress bar
	OnStep     func(iter int) // called after each step (tests cancel from here)
	// Augment, when set, changes each training batch in place before the step (data
	// augmentation). Its rng is seeded by (Seed, epoch, step), so an interrupted and
	// resumed run sees the same augmented batches.
	Augment func(batch graph.Feeds, rng *rand.Rand)
	// BeforeEpoch, when set, is called with the epoch's number (from 0) before its first
	// step, and before the first step after Resume: the place for a learning-rate schedule.
	BeforeEpoch func(epoch int)

	History History

	feeds       graph.Feeds
	batch       int
	epoch, iter int // position: completed epochs, completed steps in the current epoch
	epochLoss   float64
	eval        *graph.Program
	augSrc      *rand.PCG
	augRng      *rand.Rand
}

func (tr *Trainer) init() error {
	if tr.feeds != nil {
		return nil
	}
	if tr.Step == nil || tr.Data == nil {
		return fmt.Errorf("train: a Trainer needs a Step and Data")
	}
	if c, ok := tr.Data.(interface{ Check() error }); ok {
		if err := c.Check(); err != nil {
			return err
		}
	}
	tr.feeds = graph.Feeds{}
	for _, n := range tr.Data.Inputs() {
		if len(n.Shape()) == 0 {
			return fmt.Errorf("train: input %s is a scalar: an input fed in batches needs a first axis", n.Label())
		}
		b := n.Shape()[0]
		if tr.batch != 0 && b != tr.batch {
			return fmt.Errorf("train: inputs disagree on the batch size: %s has %d, another %d", n.Label(), b, tr.batch)
		}
		tr.batch = b
		tr.feeds[n] = graph.NewTensor(n.DType(), n.Shape()...)
	}
	if tr.batch > tr.Data.Len() {
		return fmt.Errorf("train: batch size %d is larger than the %d training samples", tr.batch, tr.Data.Len())
	}
	if len(tr.Metrics) > 0 {
		outs := make([]*graph.Node, len(tr.Metrics))
		for i, m := range tr.Metrics {
			if m.Node.Shape().Size() != 1 {
				return fmt.Errorf("train: metric %q is %s, not a scalar", m.Name, m.Node.Type())
			}
			outs[i] = m.Node
		}
		var err error
		if tr.eval, err = graph.Compile(outs...); err != nil {
			return err
		}
	}
	if tr.Log == nil {
		tr.Log = os.Stderr
	}
	if tr.History.Metrics == nil {
		tr.History.Metrics = map[string][]float64{}
	}
	return nil
}

// Train runs the remaining epochs. When ctx is cancelled (Ctrl-C in the examples) it
// finishes the current step, saves a checkpoint to Checkpoint and returns ctx's error;
// Resume then continues exactly where it stopped. Each epoch visits the training set in a
// shuffled order in full batches (a last partial batch is left out, as shapes are static).
func (tr *Trainer) Train(ctx context.Context) (History, error) {
	if err := tr.init(); err != nil {
		return tr.History, err
	}
	perEpoch := tr.Data.Len() / tr.batch
	prog := newProgress(tr.Log, tr.Epochs*perEpoch, tr.epoch*perEpoch+tr.iter)
	start := time.Now()
	order := make([]int, tr.Data.Len())
	for ; tr.epoch < tr.Epochs; tr.epoch++ {
		if tr.BeforeEpoch != nil {
			tr.BeforeEpoch(tr.epoch)
		}
		shuffle(order, rand.New(rand.NewPCG(tr.Seed, uint64(tr.epoch))))
		for ; tr.iter < perEpoch; tr.iter++ {
			if err := ctx.Err(); err != nil {
				prog.done()
				return tr.History, tr.interrupt(err)
			}
			loss, err := tr.step(order[tr.iter*tr.batch:(tr.iter+1)*tr.batch], tr.iter)
			if err != nil {
				prog.done()
				return tr.History, err
			}
			tr.History.Loss = append(tr.History.Loss, loss)
			tr.epochLoss += loss
			prog.add()
			if tr.OnStep != nil {
				tr.OnStep(len(tr.History.Loss))
			}
		}
		tr.History.EpochLoss = append(tr.History.EpochLoss, tr.epochLoss/float64(perEpoch))
		tr.iter, tr.epochLoss = 0, 0
		line, err := tr.evaluate()
		if err != nil {
			prog.done()
			return tr.History, err
		}
		prog.println(fmt.Sprintf("epoch %d: loss %.4f (mean of the epoch)%s (%s)", tr.epoch+1,
			tr.History.EpochLoss[tr.epoch], line, time.Since(start).Round(time.Second/10)))
	}
	prog.done()
	if tr.Checkpoint != "" {
		if err := os.Remove(tr.Checkpoint); err != nil && !os.IsNotExist(err) {
			return tr.History, err
		}
	}
	return tr.History, nil
}

func (tr *Trainer) step(idx []int, step int) (float64, error) {
	tr.Data.Batch(idx, tr.feeds)
	if tr.Augment != nil {
		if tr.augSrc == nil {
			tr.augSrc = rand.NewPCG(0, 0)
			tr.augRng = rand.New(tr.augSrc)
		}
		tr.augSrc.Seed(tr.Seed+1, uint64(tr.epoch)<<32|uint64(step))
		tr.Augment(tr.feeds, tr.augRng)
	}
	return tr.Step.Run(tr.feeds)
}

// Evaluate measures the metrics on every Eval set, in inference mode, and returns them
// keyed "set metric", with the number of samples each set was measured on.
func (tr *Trainer) Evaluate() (map[string]float64, map[string]int, error) {
	if err := tr.init(); err != nil {
		return nil, nil, err
	}
	vals, counts := map[string]float64{}, map[string]int{}
	if tr.eval == nil {
		return vals, counts, nil
	}
	mode := ops.ModeOf(tr.Step.Loss.Graph())
	was := mode.Train()
	mode.SetTrain(false)
	defer mode.SetTrain(was)
	for _, e := range tr.Evals {
		n := e.Data.Len()
		if e.Limit > 0 {
			n = min(n, e.Limit)
		}
		batches := n / tr.batch
		if batches == 0 {
			return nil, nil, fmt.Errorf("train: eval set %q: %d samples, fewer than one batch of %d", e.Name, n, tr.batch)
		}
		sums := make([]float64, len(tr.Metrics))
		idx := make([]int, tr.batch)
		for b := range batches {
			for i := range idx {
				idx[i] = b*tr.batch + i
			}
			e.Data.Batch(idx, tr.feeds)
			out, err := tr.eval.Run(tr.feeds)
			if err != nil {
				return nil, nil, fmt.Errorf("train: eval set %q: %w", e.Name, err)
			}
			for i, o := range out {
				sums[i] += graph.Item(o)
			}
		}
		for i, m := range tr.Metrics {
			vals[e.Name+" "+m.Name] = sums[i] / float64(batches)
		}
		counts[e.Name] = batches * tr.batch
	}
	return vals, counts, nil
}

// evaluate measures after an epoch, records the metrics in History and returns the log
// text: ", test acc 0.9812 (on 1000 samples)".
func (tr *Trainer) evaluate() (string, error) {
	vals, counts, err := tr.Evaluate()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if len(tr.Metrics) == 0 {
		return "", nil
	}
	for _, e := range tr.Evals {
		for _, m := range tr.Metrics {
			key := e.Name + " " + m.Name
			tr.History.Metrics[key] = append(tr.History.Metrics[key], vals[key])
			fmt.Fprintf(&b, ", %s %.4f", key, vals[key])
		}
		fmt.Fprintf(&b, " (on %d samples)", counts[e.Name])
	}
	return b.String(), nil
}

func (tr *Trainer) interrupt(cause error) error {
	if tr.Checkpoint == "" {
		return cause
	}
	if err := tr.save(); err != nil {
		return fmt.Errorf("%w; and saving the checkpoint failed: %v", cause, err)
	}
	fmt.Fprintf(tr.Log, "interrupted: checkpoint saved to %s (resume to continue)\n", tr.Checkpoint)
	return cause
}

// progress shows how far training is: a progress bar on a terminal, or else a plain line
// every tenth of the run; lines printed through it (the epochs') stand on their own.
type progress struct {
	w          io.Writer
	bar        *progressbar.ProgressBar
	total, now int
	start      time.Time
}

func newProgress(w io.Writer, total, done int) *progress {
	p := &progress{w: w, total: total, now: done, start: time.Now()}
	if isTerminal(w) {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
			progressbar.OptionShowCount(), progressbar.OptionSetItsString("steps"), progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionSetDescription("training"))
		_ = p.bar.Set(done)
	}
	return p
}

func (p *progress) add() {
	p.now++
	if p.bar != nil {
		_ = p.bar.Add(1)
		return
	}
	if tenth := max(1, p.total/10); p.now%tenth == 0 && p.now < p.total {
		fmt.Fprintf(p.w, "training: %d/%d steps (%d%%, %s)\n", p.now, p.total, 100*p.now/p.total, time.Since(p.start).Round(time.Second/10))
	}
}

func (p *progress) println(s string) {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	fmt.Fprintln(p.w, s)
	if p.bar != nil {
		_ = p.bar.RenderBlank()
	}
}

func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
