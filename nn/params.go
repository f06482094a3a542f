package nn

import (
	"fmt"

	"github.com/zerograd/zerograd/graph"
)

// Named lists parameters as named tensors sharing their values (not copies): what Save writes
// and Assign fills.
func Named(params []*graph.Node) []NamedTensor {
	out := make([]NamedTensor, len(params))
	for i, p := range params {
		out[i] = NamedTensor{Name: p.Name(), Value: p.Value()}
	}
	return out
}

// Save writes a model's parameters and buffers (batch-norm running statistics) to a
// safetensors file, atomically: a crash leaves the old file.
func Save(path string, m Model) error {
	ts := State(m)
	for _, t := range ts {
		if t.Name == "" {
			return fmt.Errorf("nn: save %s: a parameter has no name", path)
		}
	}
	return SaveSafetensors(path, ts, map[string]string{"format": "zerograd"})
}

// Load reads a file written by Save into the model, checking every name, dtype and shape
// first: on any mismatch nothing is changed and the error lists each one.
func Load(path string, m Model) error {
	src, _, err := LoadSafetensors(path)
	if err != nil {
		return err
	}
	if err := Assign(State(m), src); err != nil {
		return fmt.Errorf("nn: load %s: %w", path, err)
	}
	return nil
}

// LoadBookPickle reads one of the book's pickled parameter files (sample_weight.pkl,
// params.pkl, deep_convnet_params.pkl) into the parameters of a network built with the
// book's names, converting float64 to the model's element type.
func LoadBookPickle(path string, m Model) error {
	src, err := LoadPickle(path)
	if err != nil {
		return err
	}
	if err := Assign(Named(m.Params()), src, ConvertDtype()); err != nil {
		return fmt.Errorf("nn: load %s: %w", path, err)
	}
	return nil
}
