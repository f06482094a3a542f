package nn

import (
	"fmt"
	"sync"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn/paramfile"
)

// registry is what nn keeps about a graph, attached to it: the buffers saved beside its
// parameters, and its random layers.
type registry struct {
	mu      sync.Mutex
	buffers []paramfile.NamedTensor
	random  []Random
}

type registryKey struct{}

func registryOf(g *graph.Graph) *registry {
	return g.Attached(registryKey{}, func() any { return &registry{} }).(*registry)
}

// Random is a layer with a random state of its own that training advances (dropout's
// masks). The trainer saves the state of every Random layer of a graph in its checkpoints
// and restores it on resume, so that a resumed run draws what an uninterrupted one would.
// Both methods are called between runs, never while a program built from the layer runs.
type Random interface {
	RandomState() ([]byte, error)
	SetRandomState(state []byte) error
}

// RandomLayers returns the Random layers built in g, in the order they were made.
func RandomLayers(g *graph.Graph) []Random {
	r := registryOf(g)
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Random(nil), r.random...)
}

func addRandom(g *graph.Graph, l Random) {
	r := registryOf(g)
	r.mu.Lock()
	r.random = append(r.random, l)
	r.mu.Unlock()
}

// addBuffer records a tensor saved beside the parameters (batch norm's running statistics)
// under s.Name(name).
func addBuffer(s graph.Scope, name string, v paramfile.NamedTensor) {
	r := registryOf(s.Graph())
	r.mu.Lock()
	r.buffers = append(r.buffers, paramfile.NamedTensor{Name: s.Name(name), Value: v.Value})
	r.mu.Unlock()
}

// Buffers returns the buffers of the layers built in s and the scopes inside it (batch
// norm's running statistics), sharing their values, in creation order.
func Buffers(s graph.Scope) []paramfile.NamedTensor {
	r := registryOf(s.Graph())
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []paramfile.NamedTensor
	for _, b := range r.buffers {
		if s.Holds(b.Name) {
			out = append(out, b)
		}
	}
	return out
}

// Named lists parameters as named tensors sharing their values (not copies).
func Named(params []*graph.Node) []paramfile.NamedTensor {
	out := make([]paramfile.NamedTensor, len(params))
	for i, p := range params {
		out[i] = paramfile.NamedTensor{Name: p.Name(), Value: p.Value()}
	}
	return out
}

// State lists what a model's file holds: the parameters of scope s, then its buffers, by
// their full names, sharing their values.
func State(s graph.Scope) []paramfile.NamedTensor {
	return append(Named(s.Params()), Buffers(s)...)
}

// Save writes the parameters and buffers of the model built in s to a safetensors file,
// atomically: a crash leaves the old file.
func Save(path string, s graph.Scope) error {
	return paramfile.SaveSafetensors(path, State(s), map[string]string{"format": "zerograd"})
}

// Load reads a file written by Save into the model built in s, checking every name, dtype
// and shape first: on any mismatch nothing is changed and the error lists each one.
func Load(path string, s graph.Scope) error {
	src, _, err := paramfile.LoadSafetensors(path)
	if err != nil {
		return err
	}
	if err := paramfile.Assign(State(s), src); err != nil {
		return fmt.Errorf("nn: load %s: %w", path, err)
	}
	return nil
}

// LoadBookPickle reads one of the book's pickled parameter files (sample_weight.pkl,
// params.pkl, deep_convnet_params.pkl) into the parameters of a network built in s with the
// book's names (package book), converting float64 to the model's element type.
func LoadBookPickle(path string, s graph.Scope) error {
	src, err := paramfile.LoadPickle(path)
	if err != nil {
		return err
	}
	if err := paramfile.Assign(Named(s.Params()), src, paramfile.ConvertDtype()); err != nil {
		return fmt.Errorf("nn: load %s: %w", path, err)
	}
	return nil
}

// LoadWeights reads a parameter file of either kind: a safetensors file written by Save, or
// one of the book's pickles. A file that is neither is an error that says so.
func LoadWeights(path string, s graph.Scope) error {
	kind, err := paramfile.Sniff(path)
	if err != nil {
		return err
	}
	if kind == paramfile.Pickle {
		return LoadBookPickle(path, s)
	}
	return Load(path, s)
}
