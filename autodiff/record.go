package autodiff

import (
	"slices"
	"sync"

	"github.com/zerograd/zerograd/graph"
)

// record maps forward nodes to their gradient nodes and back, for one graph. It is attached
// to the graph (graph.Graph.Attached), so a graph that is dropped takes it along.
type record struct {
	mu     sync.Mutex
	grads  map[*graph.Node][]*graph.Node // forward node -> its gradient nodes, in the order Grad made them
	primal map[*graph.Node]*graph.Node   // gradient node -> the first forward node it was recorded for
	// tangents: forward node -> its tangent nodes, in the order JVP made them
	tangents map[*graph.Node][]*graph.Node
}

type recordKey struct{}

func recordOf(g *graph.Graph) *record {
	return g.Attached(recordKey{}, func() any {
		return &record{grads: map[*graph.Node][]*graph.Node{}, primal: map[*graph.Node]*graph.Node{},
			tangents: map[*graph.Node][]*graph.Node{}}
	}).(*record)
}

// set records that gx is the gradient of x; the caller holds mu.
func (r *record) set(x, gx *graph.Node) {
	if !slices.Contains(r.grads[x], gx) {
		r.grads[x] = append(r.grads[x], gx)
	}
	if _, ok := r.primal[gx]; !ok {
		r.primal[gx] = x
	}
}

// Gradient returns the latest gradient node Grad made for x, or nil when none was.
func Gradient(x *graph.Node) *graph.Node {
	if gs := Gradients(x); len(gs) > 0 {
		return gs[len(gs)-1]
	}
	return nil
}

// Gradients returns every gradient node Grad made for x, in the order they were made: with
// higher-order derivatives, one per call of Grad that reached x.
func Gradients(x *graph.Node) []*graph.Node {
	r := recordOf(x.Graph())
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.grads[x])
}

// Primal returns the forward node that gx is the gradient of, or nil when gx is not a
// gradient node.
func Primal(gx *graph.Node) *graph.Node {
	r := recordOf(gx.Graph())
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.primal[gx]
}
