package viz

import (
	"errors"
	"fmt"
	"slices"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
)

// model is what the pictures are drawn from: the forward graph of some outputs, the nodes
// autodiff added for it, and who is the gradient of whom. It reads the graph only.
type model struct {
	g       *graph.Graph
	outputs []*graph.Node
	nodes   []*graph.Node // forward and backward, in id order
	fwd     []*graph.Node // graph.Topo(outputs)
	isFwd   map[*graph.Node]bool
	isOut   map[*graph.Node]bool
	level   map[*graph.Node]int // 0: forward; k: a node of the k-th order backward pass
	maxLvl  int
	// targets[gx]: the nodes gx is recorded as the gradient of (autodiff.Gradient or
	// autodiff.Primal).
	targets map[*graph.Node][]*graph.Node
	// users[x]: the nodes that read x, forward and backward, in id order.
	users map[*graph.Node][]*graph.Node
	width int // digits in node ids
}

func newModel(outputs []*graph.Node) (*model, error) {
	if len(outputs) == 0 {
		return nil, errors.New("viz: no outputs to draw")
	}
	for i, o := range outputs {
		if o == nil {
			return nil, fmt.Errorf("viz: output %d is nil", i)
		}
		if o.Graph() != outputs[0].Graph() {
			return nil, fmt.Errorf("viz: output %s belongs to another graph than %s", o.Label(), outputs[0].Label())
		}
	}
	g := outputs[0].Graph()
	all := g.Nodes()
	m := &model{
		g:       g,
		outputs: outputs,
		isFwd:   map[*graph.Node]bool{},
		isOut:   map[*graph.Node]bool{},
		level:   map[*graph.Node]int{},
		targets: map[*graph.Node][]*graph.Node{},
		users:   map[*graph.Node][]*graph.Node{},
		width:   max(4, len(fmt.Sprint(len(all)))),
	}
	for _, o := range outputs {
		m.isOut[o] = true
	}
	m.fwd = graph.Topo(outputs...)
	in := map[*graph.Node]bool{}
	for _, n := range m.fwd {
		m.isFwd[n] = true
		in[n] = true
	}
	// The backward graph: the gradients recorded for nodes already in, and what they need,
	// until nothing is added (gradients of gradients are higher-order derivatives).
	for {
		var roots []*graph.Node
		for _, n := range all {
			if in[n] {
				if gx := autodiff.Gradient(n); gx != nil && !in[gx] {
					roots = append(roots, gx)
				}
			} else if x := autodiff.Primal(n); x != nil && in[x] {
				roots = append(roots, n)
			}
		}
		if len(roots) == 0 {
			break
		}
		for _, n := range graph.Topo(roots...) {
			in[n] = true
		}
	}
	for _, n := range all {
		if !in[n] {
			continue
		}
		m.nodes = append(m.nodes, n)
		for _, x := range n.Inputs() {
			m.users[x] = append(m.users[x], n)
		}
		if gx := autodiff.Gradient(n); gx != nil {
			m.targets[gx] = append(m.targets[gx], n)
		}
	}
	for _, n := range m.nodes {
		if x := autodiff.Primal(n); x != nil && in[x] && !slices.Contains(m.targets[n], x) {
			m.targets[n] = append(m.targets[n], x)
		}
		slices.SortFunc(m.targets[n], byID)
	}
	m.levels()
	return m, nil
}

func byID(a, b *graph.Node) int { return a.ID() - b.ID() }

// levels numbers the backward passes: a gradient is one order above what it is the gradient
// of, and a node computed from gradients is of the highest order among its inputs. Nodes
// that read only forward values (constants, recomputations inside gradient rules) take
// the order of the nodes that read them.
func (m *model) levels() {
	var pending []*graph.Node
	for _, n := range m.nodes {
		if m.isFwd[n] {
			m.level[n] = 0
			continue
		}
		l := 0
		for _, x := range n.Inputs() {
			l = max(l, m.level[x])
		}
		for _, t := range m.targets[n] {
			l = max(l, m.level[t]+1)
		}
		if l == 0 {
			pending = append(pending, n)
		}
		m.level[n] = l
	}
	for i := len(pending) - 1; i >= 0; i-- {
		n := pending[i]
		l := 0
		for _, u := range m.users[n] {
			if lu := m.level[u]; lu > 0 && (l == 0 || lu < l) {
				l = lu
			}
		}
		m.level[n] = max(l, 1)
	}
	for _, l := range m.level {
		m.maxLvl = max(m.maxLvl, l)
	}
}

// gradient returns the gradient of x one order above it (the red number under x's edges in
// the book's figures), or nil. autodiff.Gradient(x) is only the latest gradient recorded,
// which a later, higher-order Grad call may have replaced; the nodes whose autodiff.Primal
// is x remain.
func (m *model) gradient(x *graph.Node) *graph.Node {
	want := m.level[x] + 1
	latest := autodiff.Gradient(x)
	if latest != nil && m.level[latest] == want && slices.Contains(m.targets[latest], x) {
		return latest
	}
	var best *graph.Node
	for _, n := range m.nodes {
		if m.level[n] == want && slices.Contains(m.targets[n], x) {
			best = n // the latest: branch sums come after their parts
		}
	}
	return best
}

// forwardUsers are the forward nodes that read x.
func (m *model) forwardUsers(x *graph.Node) []*graph.Node {
	var out []*graph.Node
	for _, u := range m.users[x] {
		if m.isFwd[u] {
			out = append(out, u)
		}
	}
	return out
}

// id formats a node's id with a fixed number of digits, so that sorting names sorts ids.
func (m *model) id(n *graph.Node) string { return fmt.Sprintf("%0*d", m.width, n.ID()) }

// carriers are the ids of the edges that carry n's value in view p of the forward graph:
// into every op that reads it, and out of its op when it is an output.
func (m *model) carriers(p string, n *graph.Node) []string {
	var ids []string
	for _, u := range m.forwardUsers(n) {
		for k, x := range u.Inputs() {
			if x == n {
				id := fmt.Sprintf("%s_e%s_%d", p, m.id(u), k)
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
	}
	if m.isOut[n] && n.Kind() == graph.KindOp {
		ids = append(ids, p+"_y"+m.id(n))
	}
	return ids
}

// gradTitle names an unnamed gradient after the node it is the gradient of: "grad apple".
// A gradient shared by several nodes (an add passes its gradient through) is named after
// the last of them, the add's output, where it is computed. It is "" for other nodes.
func (m *model) gradTitle(n *graph.Node) string {
	ts := m.targets[n]
	if len(ts) == 0 {
		return ""
	}
	return "grad " + ts[len(ts)-1].Label()
}
