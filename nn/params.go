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

// Save writes the parameters (and any extra tensors, such as batch-norm running statistics
// or optimizer state) to a safetensors file, atomically: a crash leaves the old file.
func Save(path string, params []*graph.Node, extra ...NamedTensor) error {
	ts := append(Named(params), extra...)
	for _, t := range ts {
		if t.Name == "" {
			return fmt.Errorf("nn: save %s: a parameter has no name", path)
		}
	}
	return SaveSafetensors(path, ts, map[string]string{"format": "zerograd"})
}

// Load reads a safetensors file written by Save into the parameters (and extra tensors),
// checking every name, dtype and shape first: on any mismatch nothing is changed and the
// error lists each one.
func Load(path string, params []*graph.Node, extra ...NamedTensor) error {
	src, _, err := LoadSafetensors(path)
	if err != nil {
		return err
	}
	if err := Assign(append(Named(params), extra...), src); err != nil {
		return fmt.Errorf("nn: load %s: %w", path, err)
	}
	return nil
}

// LoadBookPickle reads one of the book's pickled parameter files (sample_weight.pkl,
// params.pkl, deep_convnet_params.pkl) into the parameters of a network built with the
// book's names, converting float64 to the model's element type.
func LoadBookPickle(path string, params []*graph.Node, extra ...NamedTensor) error {
	src, err := LoadPickle(path)
	if err != nil {
		return err
	}
	if err := Assign(append(Named(params), extra...), src, ConvertDtype()); err != nil {
		return fmt.Errorf("nn: load %s: %w", path, err)
	}
	return nil
}
