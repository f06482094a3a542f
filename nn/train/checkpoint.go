package train

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/nn/paramfile"
	"github.com/zerograd/zerograd/optim"
)

// A checkpoint is a safetensors file: the graph's parameters and buffers (nn.State of its
// root scope), then the optimizer's state, with metadata holding the position in training,
// the history so far (so that charts after a resume are those of an uninterrupted run) and
// the random state of every dropout layer (nn.RandomLayers).
const (
	formatKey  = "format"
	format     = "zerograd-checkpoint"
	randomKey  = "random_layers"
	randomPref = "random_state."
)

func (tr *Trainer) save() error {
	g := tr.Step.Loss.Graph()
	ts := nn.State(g.Root())
	for _, s := range tr.Step.Opt.State() {
		ts = append(ts, paramfile.NamedTensor{Name: s.Name, Value: s.Value})
	}
	hist, err := json.Marshal(tr.History)
	if err != nil {
		return err
	}
	meta := map[string]string{formatKey: format, "epoch": strconv.Itoa(tr.epoch), "iter": strconv.Itoa(tr.iter),
		"history": string(hist)}
	layers := nn.RandomLayers(g)
	meta[randomKey] = strconv.Itoa(len(layers))
	for i, l := range layers {
		state, err := l.RandomState()
		if err != nil {
			return fmt.Errorf("train: checkpoint %s: random state of layer %d: %w", tr.Checkpoint, i, err)
		}
		meta[randomPref+strconv.Itoa(i)] = hex.EncodeToString(state)
	}
	return paramfile.SaveSafetensors(tr.Checkpoint, ts, meta)
}

// Resume loads a checkpoint saved by Train: parameters and buffers, optimizer state,
// position, history, and the random state of every dropout layer, so that the rest of
// the run computes what an uninterrupted one would. It checks everything before changing
// anything: a checkpoint of another model (other names, shapes, or number of dropout
// layers) is an error and leaves the model as it was.
func (tr *Trainer) Resume(path string) error {
	if err := tr.init(); err != nil {
		return err
	}
	ts, meta, err := paramfile.LoadSafetensors(path)
	if err != nil {
		return err
	}
	if meta[formatKey] != format {
		return fmt.Errorf("train: resume %s: not a training checkpoint (format %q)", path, meta[formatKey])
	}
	epoch, err1 := strconv.Atoi(meta["epoch"])
	iter, err2 := strconv.Atoi(meta["iter"])
	var hist History
	err3 := json.Unmarshal([]byte(meta["history"]), &hist)
	if err1 != nil || err2 != nil || err3 != nil || epoch < 0 || iter < 0 {
		return fmt.Errorf("train: resume %s: bad position or history (epoch %q, iter %q)", path, meta["epoch"], meta["iter"])
	}
	g := tr.Step.Loss.Graph()
	layers := nn.RandomLayers(g)
	states := make([][]byte, len(layers))
	if n, err := strconv.Atoi(meta[randomKey]); err != nil || n != len(layers) {
		return fmt.Errorf("train: resume %s: the checkpoint holds the random state of %s dropout layers, the model has %d", path, meta[randomKey], len(layers))
	}
	for i := range layers {
		if states[i], err = hex.DecodeString(meta[randomPref+strconv.Itoa(i)]); err != nil {
			return fmt.Errorf("train: resume %s: random state of layer %d: %w", path, i, err)
		}
	}
	state := nn.State(g.Root())
	n := len(state)
	if len(ts) < n {
		return fmt.Errorf("train: resume %s: %d tensors, the model has %d parameters and buffers", path, len(ts), n)
	}
	slots := make([]optim.Slot, 0, len(ts)-n)
	for _, t := range ts[n:] {
		slots = append(slots, optim.Slot{Name: t.Name, Value: t.Value})
	}
	// Check all, then change: each layer's SetRandomState, the optimizer's SetState and
	// Assign check before writing, and what an earlier one wrote is put back when a later
	// one refuses.
	oldRandom := make([][]byte, len(layers))
	for i, l := range layers {
		if oldRandom[i], err = l.RandomState(); err != nil {
			return fmt.Errorf("train: resume %s: random state of layer %d: %w", path, i, err)
		}
	}
	restoreRandom := func(n int) {
		for i := range n {
			_ = layers[i].SetRandomState(oldRandom[i])
		}
	}
	for i, l := range layers {
		if err := l.SetRandomState(states[i]); err != nil {
			restoreRandom(i)
			return fmt.Errorf("train: resume %s: random state of layer %d: %w", path, i, err)
		}
	}
	old := tr.Step.Opt.State()
	if err := tr.Step.Opt.SetState(tr.Step.Params, slots); err != nil {
		restoreRandom(len(layers))
		return fmt.Errorf("train: resume %s: %w", path, err)
	}
	if err := paramfile.Assign(state, ts[:n]); err != nil {
		_ = tr.Step.Opt.SetState(tr.Step.Params, old)
		restoreRandom(len(layers))
		return fmt.Errorf("train: resume %s: %w", path, err)
	}
	if hist.Metrics == nil {
		hist.Metrics = map[string][]float64{}
	}
	tr.History, tr.epoch, tr.iter = hist, epoch, iter
	tr.epochLoss = 0
	if k := len(hist.Loss); iter <= k {
		for _, l := range hist.Loss[k-iter:] {
			tr.epochLoss += l
		}
	}
	return nil
}
