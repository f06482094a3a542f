package nn

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Random is a layer with a random state of its own that training advances (dropout's
// masks). nn.Trainer saves the state of every Random layer of its model in its
// checkpoints and restores it on Resume, so that a resumed run draws what an
// uninterrupted one would. Both methods are called between runs, never while a program
// built from the layer runs.
type Random interface {
	RandomState() ([]byte, error)
	SetRandomState(state []byte) error
}

// Container is a layer or model made of layers. The trainer finds the Random layers of a
// model by walking its containers: Sequential (and so the book's ConvNets and any model
// embedding a Sequential) and Residual are containers; a model of its own type that keeps
// dropout layers in other fields lists them with a Sublayers method.
type Container interface {
	Sublayers() []Layer
}

// Sublayers lists the layers in order.
func (s *Sequential) Sublayers() []Layer { return s.Layers }

// Sublayers lists Body, then Shortcut when there is one.
func (r *Residual) Sublayers() []Layer {
	if r.Shortcut == nil {
		return []Layer{r.Body}
	}
	return []Layer{r.Body, r.Shortcut}
}

// randomLayer is a Random layer found in a model, with its path: the indices of the
// Sublayers leading to it, joined by dots ("16"; "3.0.2" inside nested containers; ""
// for a model that is itself Random).
type randomLayer struct {
	path  string
	layer Random
}

// randomLayers lists the Random layers in v depth first, in the order of Sublayers.
func randomLayers(v any) []randomLayer {
	var out []randomLayer
	var walk func(v any, path string)
	walk = func(v any, path string) {
		if r, ok := v.(Random); ok {
			out = append(out, randomLayer{path, r})
		}
		c, ok := v.(Container)
		if !ok {
			return
		}
		for i, l := range c.Sublayers() {
			if l == nil {
				continue
			}
			p := strconv.Itoa(i)
			if path != "" {
				p = path + "." + p
			}
			walk(l, p)
		}
	}
	walk(v, "")
	return out
}

// Checkpoint metadata: the number of Random layers, and each one's state in hex under
// randomStateKey + its path.
const (
	randomLayersKey = "random_layers"
	randomStateKey  = "random_state."
)

// putRandomStates adds the states of the layers to a checkpoint's metadata.
func putRandomStates(meta map[string]string, layers []randomLayer) error {
	meta[randomLayersKey] = strconv.Itoa(len(layers))
	for _, l := range layers {
		state, err := l.layer.RandomState()
		if err != nil {
			return fmt.Errorf("random state of layer %q: %w", l.path, err)
		}
		meta[randomStateKey+l.path] = hex.EncodeToString(state)
	}
	return nil
}

// setRandomStates restores the layers' states from a checkpoint's metadata: all or,
// on any error, none. A checkpoint without them (written before random states were
// saved) reports ok false and changes nothing.
func setRandomStates(meta map[string]string, layers []randomLayer) (ok bool, err error) {
	count, found := meta[randomLayersKey]
	if !found {
		return false, nil
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 0 {
		return false, fmt.Errorf("bad %s %q", randomLayersKey, count)
	}
	stored := 0
	for k := range meta {
		if strings.HasPrefix(k, randomStateKey) {
			stored++
		}
	}
	if n != len(layers) || stored != n {
		return false, fmt.Errorf("the checkpoint holds the random state of %d layers (dropout), the model has %d", n, len(layers))
	}
	states := make([][]byte, len(layers))
	for i, l := range layers {
		h, found := meta[randomStateKey+l.path]
		if !found {
			return false, fmt.Errorf("no random state for layer %q (the checkpoint's model differs)", l.path)
		}
		if states[i], err = hex.DecodeString(h); err != nil {
			return false, fmt.Errorf("random state of layer %q: %w", l.path, err)
		}
	}
	old := make([][]byte, len(layers))
	for i, l := range layers {
		if old[i], err = l.layer.RandomState(); err != nil {
			return false, fmt.Errorf("random state of layer %q: %w", l.path, err)
		}
	}
	for i, l := range layers {
		if err := l.layer.SetRandomState(states[i]); err != nil {
			for j := range i { // undo: the layers before took their states
				_ = layers[j].layer.SetRandomState(old[j])
			}
			return false, fmt.Errorf("random state of layer %q: %w", l.path, err)
		}
	}
	return true, nil
}
