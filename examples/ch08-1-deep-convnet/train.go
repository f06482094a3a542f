package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/dataset"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/optim"
)

// trainer is nn.Trainer's loop with one more line: each batch goes through augment before
// the step. nn.TrainConfig has no such hook yet; this file is what it would do, and writes
// the same checkpoint format, so that nn.Trainer could resume it.
type trainer struct {
	net         *nn.ConvNet
	train, test *dataset.Set
	opt         optim.Optimizer
	augment     func(x []float32, rng *rand.Rand) // nil: no augmentation
	epochs      int
	batch       int
	seed        uint64 // epoch e shuffles with rand.NewPCG(seed, e); its step s augments with rand.NewPCG(seed+1, e<<32|s)
	evalSample  int
	checkpoint  string
	log         io.Writer
	afterStep   func(steps int) // tests interrupt from here

	params      []*graph.Node
	prog        *graph.Program
	x, t        *tensor.Dense
	feeds       graph.Feeds
	pred        *nn.Predictor
	augSrc      *rand.PCG
	augRng      *rand.Rand
	epoch, iter int // completed epochs, completed steps of the current epoch
	hist        nn.History
}

// build compiles forward and backward of the loss in one program, and a predictor.
func (tr *trainer) build(g *graph.Graph) error {
	tr.params = tr.net.Params()
	shape := append([]int{tr.batch}, tr.train.Shape()[1:]...)
	var loss *graph.Node
	var grads []*graph.Node
	err := graph.Try(func() {
		x := g.Input("x", graph.Float32, shape...)
		t := g.Input("t", graph.Float32, tr.batch)
		loss = tr.net.Loss(x, t)
		grads = autodiff.Grad(loss, tr.params...)
	})
	if err != nil {
		return err
	}
	if tr.prog, err = graph.Compile(append([]*graph.Node{loss}, grads...)...); err != nil {
		return err
	}
	tr.x = graph.NewTensor(graph.Float32, shape...)
	tr.t = graph.NewTensor(graph.Float32, tr.batch)
	tr.feeds = graph.Feeds{"x": tr.x, "t": tr.t}
	tr.augSrc = rand.NewPCG(0, 0)
	tr.augRng = rand.New(tr.augSrc)
	tr.pred, err = nn.NewPredictor(g, tr.net, tr.batch, graph.Float32, shape[1:]...)
	return err
}

// run trains the remaining epochs; on ctx's cancellation it saves a checkpoint and returns
// ctx's error.
func (tr *trainer) run(ctx context.Context) error {
	perEpoch := tr.train.N / tr.batch
	start := time.Now()
	for ; tr.epoch < tr.epochs; tr.epoch++ {
		it := tr.train.Batches(tr.batch, rand.New(rand.NewPCG(tr.seed, uint64(tr.epoch))))
		for step := 0; step < perEpoch && it.Next(); step++ {
			if step < tr.iter {
				continue // resuming: done before the checkpoint
			}
			if err := ctx.Err(); err != nil {
				if tr.checkpoint == "" {
					return err
				}
				if serr := tr.save(); serr != nil {
					return fmt.Errorf("%w; and saving the checkpoint failed: %v", err, serr)
				}
				fmt.Fprintf(tr.log, "interrupted: checkpoint saved to %s\n", tr.checkpoint)
				return err
			}
			loss, err := tr.step(it.Indices(), step)
			if err != nil {
				return err
			}
			tr.hist.Loss = append(tr.hist.Loss, loss)
			tr.iter = step + 1
			if tr.afterStep != nil {
				tr.afterStep(len(tr.hist.Loss))
			}
		}
		tr.iter = 0
		if err := tr.evaluate(start); err != nil {
			return err
		}
	}
	if tr.checkpoint != "" {
		return tr.save()
	}
	return nil
}

func (tr *trainer) step(idx []int, step int) (float64, error) {
	x := tr.x.Float32s()
	tr.train.Batch(idx, x, nil)
	if tr.augment != nil {
		tr.augSrc.Seed(tr.seed+1, uint64(tr.epoch)<<32|uint64(step))
		tr.augment(x, tr.augRng)
	}
	t := tr.t.Float32s()
	for j, i := range idx {
		t[j] = float32(tr.train.Labels[i])
	}
	tr.net.Mode().SetTrain(true) // dropout on
	out, err := tr.prog.Run(tr.feeds)
	if err != nil {
		return 0, err
	}
	if err := tr.opt.Step(tr.params, out[1:]); err != nil {
		return 0, err
	}
	return float64(out[0].Float32s()[0]), nil
}

// evaluate logs the accuracy on the first evalSample images of both sets (the predictor
// switches dropout off).
func (tr *trainer) evaluate(start time.Time) error {
	var accs [2]float64
	for i, s := range []*dataset.Set{tr.train, tr.test} {
		n := s.N
		if tr.evalSample > 0 {
			n = min(n, tr.evalSample)
		}
		acc, err := tr.pred.Accuracy(s.Images[:n*s.ImageSize()], s.Labels[:n])
		if err != nil {
			return err
		}
		accs[i] = acc
	}
	tr.hist.TrainAcc = append(tr.hist.TrainAcc, accs[0])
	tr.hist.TestAcc = append(tr.hist.TestAcc, accs[1])
	loss := 0.0
	if n := len(tr.hist.Loss); n > 0 {
		loss = tr.hist.Loss[n-1]
	}
	fmt.Fprintf(tr.log, "epoch %d: loss %.4f, train acc %.4f, test acc %.4f (%s)\n",
		tr.epoch+1, loss, accs[0], accs[1], time.Since(start).Round(time.Second/10))
	return nil
}

// save writes parameters, optimizer state and position, as nn.Trainer does.
func (tr *trainer) save() error {
	ts := nn.State(tr.net)
	for _, s := range tr.opt.State() {
		ts = append(ts, nn.NamedTensor{Name: s.Name, Value: s.Value})
	}
	meta := map[string]string{"format": "zerograd-checkpoint", "epoch": strconv.Itoa(tr.epoch),
		"iter": strconv.Itoa(tr.iter), "steps": strconv.Itoa(len(tr.hist.Loss))}
	return nn.SaveSafetensors(tr.checkpoint, ts, meta)
}

// resume loads a checkpoint written by save (or by nn.Trainer).
func (tr *trainer) resume(path string) error {
	ts, meta, err := nn.LoadSafetensors(path)
	if err != nil {
		return err
	}
	if meta["format"] != "zerograd-checkpoint" {
		return fmt.Errorf("resume %s: not a training checkpoint (format %q)", path, meta["format"])
	}
	epoch, err1 := strconv.Atoi(meta["epoch"])
	iter, err2 := strconv.Atoi(meta["iter"])
	if err1 != nil || err2 != nil {
		return fmt.Errorf("resume %s: bad position epoch=%q iter=%q", path, meta["epoch"], meta["iter"])
	}
	state := nn.State(tr.net)
	if len(ts) < len(state) {
		return fmt.Errorf("resume %s: %d tensors, the model has %d parameters", path, len(ts), len(state))
	}
	if err := nn.Assign(state, ts[:len(state)]); err != nil {
		return fmt.Errorf("resume %s: %w", path, err)
	}
	var slots []optim.Slot
	for _, t := range ts[len(state):] {
		slots = append(slots, optim.Slot{Name: t.Name, Value: t.Value})
	}
	if err := tr.opt.SetState(tr.params, slots); err != nil {
		return fmt.Errorf("resume %s: %w", path, err)
	}
	tr.epoch, tr.iter = epoch, iter
	return nil
}
