package graph

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"gorgonia.org/tensor"
)

// Feeds maps input nodes to the values fed for one run:
//
//	prog.Run(graph.Feeds{x: images, t: labels})
//
// Where only names are at hand (a file, a command line), Graph.FeedsByName makes Feeds.
type Feeds map[*Node]*tensor.Dense

// FeedsByName makes Feeds from values keyed by the inputs' names. A name that is not an
// input of g is an error listing the inputs there are.
func (g *Graph) FeedsByName(named map[string]*tensor.Dense) (Feeds, error) {
	f := make(Feeds, len(named))
	for name, v := range named {
		n := g.InputNode(name)
		if n == nil {
			return nil, fmt.Errorf("graph: feed %q: the graph has no input of that name (inputs: %s)", name, inputNames(g))
		}
		f[n] = v
	}
	return f, nil
}

// Program is a compiled plan that evaluates some outputs of a graph: only the nodes those
// outputs need, in topological order, writing into buffers planned at compile time and
// reused once a value's last reader has run. A reshape (any Viewer) of an op's value
// shares that value's buffer instead of copying it. After its first run a Program
// allocates nothing.
//
// # Concurrency
//
// A Program is safe for use by several goroutines: runs are serialized by a lock, so two
// goroutines never run it at once. The tensors Run returns are the program's own buffers,
// valid until the next Run; goroutines that share a program use RunCopy, which returns
// copies made before the lock is released. Parameters are shared by every program of a
// graph: update them (optimizer steps) from one goroutine at a time.
type Program struct {
	mu      sync.Mutex
	outputs []*Node
	nodes   []*Node // the plan: every needed node, topological order
	slot    map[*Node]int
	inputs  []int // slots of the inputs to feed
	params  []int // slots of params (value read at each run)
	steps   []step
	vals    []*tensor.Dense // current value per slot
	reused  []bool          // the slot's buffer is overwritten by a later node in the same run
	outs    []*tensor.Dense // returned by Run
	debug   bool
}

type step struct {
	node   *Node
	kernel Kernel  // node's op, or the fused kernel of chain
	chain  []*Node // the nodes a fused step computes, in order, node last; nil when not fused
	out    int
	in     []int
	args   []*tensor.Dense // reused argument slice
	view   bool            // the node shares its input's buffer (Viewer): nothing to compute
}

// Compile plans the evaluation of outputs. All outputs must belong to the same graph.
//
// It fuses a node into the op that reads it where the node's kernel can apply that op
// itself (see Fuser): in a network's forward pass, a convolution runs its ReLU and max
// pooling image group by image group, while each group's output is in cache, and the
// values in between are never written out. Trace still visits every node; CompileUnfused
// plans without fusing.
func Compile(outputs ...*Node) (*Program, error) { return compile(true, outputs) }

// CompileUnfused is Compile without fusion: every node runs its own op's kernel, in its own
// step, and Value can return each one's value after Run (unless its buffer was reused). It
// is there to debug a fused kernel and to measure what fusion saves.
func CompileUnfused(outputs ...*Node) (*Program, error) { return compile(false, outputs) }

func compile(fusing bool, outputs []*Node) (*Program, error) {
	if len(outputs) == 0 {
		return nil, errors.New("graph: Compile needs at least one output")
	}
	for i, o := range outputs {
		if o == nil {
			return nil, fmt.Errorf("graph: Compile: output %d is nil", i)
		}
		if o.g != outputs[0].g {
			return nil, fmt.Errorf("graph: Compile: output %s belongs to another graph than %s", o.Label(), outputs[0].Label())
		}
	}
	pl := plan(fusing, outputs)
	pl.allocate()
	return pl.emit(), nil
}

// planner holds what compile decides, step by step: plan fills the program's nodes and
// slots, the fusion and the liveness; allocate assigns buffers; emit builds the steps and
// the values over the buffers.
type planner struct {
	p       *Program
	f       fusion
	lastUse []int       // by slot: the last step that reads it; -1 unread, math.MaxInt an output
	bufs    []bufferKey // by buffer id: what the buffer holds
	bufOf   []int       // by slot: the buffer id of each op step's value
	viewOf  []int       // by slot: the slot whose buffer a view node shares, or -1
}

// bufferKey is what a buffer holds; buffers with the same key are interchangeable.
type bufferKey struct {
	dt   DType
	size int
}

// plan decides what runs and in which order: the nodes the outputs need, in topological
// order, one slot each; which nodes fuse into their reader's step; and, by slot, the last
// step that reads each value (its liveness).
func plan(fusing bool, outputs []*Node) *planner {
	p := &Program{outputs: append([]*Node(nil), outputs...), slot: map[*Node]int{}}
	p.nodes = Topo(outputs...)
	for i, n := range p.nodes {
		p.slot[n] = i
	}
	p.vals = make([]*tensor.Dense, len(p.nodes))
	readers, output := make([]int, len(p.nodes)), make([]bool, len(p.nodes))
	for _, n := range p.nodes {
		for _, x := range n.inputs {
			readers[p.slot[x]]++
		}
	}
	for _, o := range outputs {
		output[p.slot[o]] = true
	}
	pl := &planner{p: p, f: fuse(p.nodes, p.slot, readers, output, fusing)}
	// Liveness: the last step that reads each slot. A fused step reads the inputs of its
	// chain's first node.
	pl.lastUse = make([]int, len(p.nodes))
	for i := range pl.lastUse {
		pl.lastUse[i] = -1
	}
	for i := range p.nodes {
		if pl.f.gone[i] {
			continue
		}
		for _, x := range pl.f.in[i] {
			pl.lastUse[p.slot[x]] = i
		}
	}
	for _, o := range outputs {
		pl.lastUse[p.slot[o]] = math.MaxInt // outputs live until the run returns
	}
	return pl
}

// allocate decides which buffer holds each op step's value: buffers are backing slices
// shared by op nodes whose lifetimes do not overlap, reused by (dtype, size) once the last
// reader of their value has run. It marks the slots whose buffer a later node overwrites
// (p.reused) and, by step, the buffers released once it has run.
func (pl *planner) allocate() {
	p := pl.p
	pl.findViews()
	free := map[bufferKey][]int{} // free buffer ids by (dtype, size)
	pl.bufOf = make([]int, len(p.nodes))
	holders := map[int][]int{} // buffer id -> slots that used it so far
	p.reused = make([]bool, len(p.nodes))
	release := map[int][]int{} // step index -> buffer ids freed after it
	for i, n := range p.nodes {
		switch n.kind {
		case KindInput, KindParam, KindConst:
			continue // fed, read or fixed: no buffer of the program's own
		}
		if pl.f.gone[i] { // computed inside its reader's fused step: no buffer, no step
			p.reused[i] = true
			continue
		}
		if src := pl.viewOf[i]; src >= 0 {
			// Its source's buffer, whose release findViews moved past the view's last reader.
			pl.bufOf[i] = pl.bufOf[src]
			holders[pl.bufOf[i]] = append(holders[pl.bufOf[i]], i)
		} else {
			pl.newBuffer(i, free, holders, release)
		}
		// Values whose last reader is an input/param/const step never happen: readers are op steps.
		for _, rid := range release[i] {
			b := pl.bufs[rid]
			free[b] = append(free[b], rid)
		}
		delete(release, i)
	}
}

// newBuffer gives op step i a buffer, a free one of its size and type if any (marking the
// slots that held it as reused), and schedules the buffer's release after i's last reader.
func (pl *planner) newBuffer(i int, free map[bufferKey][]int, holders, release map[int][]int) {
	p := pl.p
	n := p.nodes[i]
	key := bufferKey{n.typ.DType, n.typ.Shape.Size()}
	var id int
	if ids := free[key]; len(ids) > 0 {
		id = ids[len(ids)-1]
		free[key] = ids[:len(ids)-1]
		for _, s := range holders[id] {
			p.reused[s] = true
		}
	} else {
		id = len(pl.bufs)
		pl.bufs = append(pl.bufs, key)
	}
	pl.bufOf[i] = id
	holders[id] = append(holders[id], i)
	// An unread, non-output value is dead at once; otherwise it dies after its last reader.
	end := pl.lastUse[i]
	if end == -1 {
		end = i
	}
	if end != math.MaxInt {
		release[end] = append(release[end], id)
	}
}

// findViews marks the view nodes (see Viewer) that share their input's buffer: those whose
// input is an op step's value (not fed, a parameter, a constant or fused away) and which
// run as a step of their own. The source's liveness then extends to the view's last reader,
// along chains of views too (latest first).
func (pl *planner) findViews() {
	p := pl.p
	pl.viewOf = make([]int, len(p.nodes))
	for i, n := range p.nodes {
		pl.viewOf[i] = -1
		v, ok := n.op.(Viewer)
		if n.kind != KindOp || !ok || !v.View() || len(n.inputs) != 1 ||
			pl.f.gone[i] || pl.f.chain[i] != nil {
			continue
		}
		src := p.slot[n.inputs[0]]
		if x := p.nodes[src]; x.kind == KindOp && !pl.f.gone[src] {
			pl.viewOf[i] = src
		}
	}
	for i := len(p.nodes) - 1; i >= 0; i-- {
		if src := pl.viewOf[i]; src >= 0 {
			pl.lastUse[src] = max(pl.lastUse[src], pl.lastUse[i])
		}
	}
}

// emit builds the program the plan and the buffers describe: the slots to feed and the
// params to read, the constants' values, one step per op node not fused away (with its
// argument slice, so Run allocates nothing), and each step's value as a tensor over its
// buffer's backing slice.
func (pl *planner) emit() *Program {
	p := pl.p
	for i, n := range p.nodes {
		switch n.kind {
		case KindInput:
			p.inputs = append(p.inputs, i)
		case KindParam:
			p.params = append(p.params, i)
		case KindConst:
			p.vals[i] = n.value
		default:
			if pl.f.gone[i] {
				continue
			}
			in := pl.f.in[i]
			st := step{node: n, kernel: pl.f.kernel[i], chain: pl.f.chain[i], out: i,
				in: make([]int, len(in)), args: make([]*tensor.Dense, len(in)), view: pl.viewOf[i] >= 0}
			for j, x := range in {
				st.in[j] = p.slot[x]
			}
			p.steps = append(p.steps, st)
		}
	}
	backing := make([]any, len(pl.bufs))
	for id, b := range pl.bufs {
		if b.dt == Float32 {
			backing[id] = make([]float32, b.size)
		} else {
			backing[id] = make([]float64, b.size)
		}
	}
	for _, st := range p.steps {
		n := st.node
		p.vals[st.out] = tensor.New(tensor.WithShape(n.typ.Shape...), tensor.WithBacking(backing[pl.bufOf[st.out]]))
	}
	p.outs = make([]*tensor.Dense, len(p.outputs))
	return p
}

// MustCompile is Compile for programs that are known to be well formed; it panics on error.
func MustCompile(outputs ...*Node) *Program {
	p, err := Compile(outputs...)
	if err != nil {
		panic(err)
	}
	return p
}

// SetDebug turns on (or off) a check of every value after each node for NaN or Inf.
// With it on, Run returns an error naming the first node that produced one, its op and
// the ranges of its inputs.
func (p *Program) SetDebug(on bool) {
	p.mu.Lock()
	p.debug = on
	p.mu.Unlock()
}

// Outputs are the nodes the program evaluates, in the order Run returns their values.
func (p *Program) Outputs() []*Node { return p.outputs }

// Nodes returns the nodes the program evaluates, in the order it evaluates them.
func (p *Program) Nodes() []*Node { return append([]*Node(nil), p.nodes...) }

// Fused returns the chains of nodes that run as one kernel (see Fuser), each in evaluation
// order, its last node the one whose value the kernel writes; nil when nothing was fused.
func (p *Program) Fused() [][]*Node {
	var out [][]*Node
	for _, st := range p.steps {
		if st.chain != nil {
			out = append(out, append([]*Node(nil), st.chain...))
		}
	}
	return out
}

// Inputs returns the input nodes the program needs fed.
func (p *Program) Inputs() []*Node {
	out := make([]*Node, len(p.inputs))
	for i, s := range p.inputs {
		out[i] = p.nodes[s]
	}
	return out
}

// Run evaluates the outputs given the feeds and returns their values in the order of
// Outputs (Value(n) finds one by its node). Every needed input must be fed with its exact
// shape and element type; a feed that is not an input of the graph is an error. The
// returned tensors (gorgonia.org/tensor's *tensor.Dense; graph.Item reads a scalar,
// graph.Float64s any) belong to the program and are overwritten by the next Run.
func (p *Program) Run(feeds Feeds) ([]*tensor.Dense, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.run(feeds, nil)
}

// RunCopy is Run returning copies of the outputs, safe to keep and to use from other goroutines.
func (p *Program) RunCopy(feeds Feeds) ([]*tensor.Dense, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	outs, err := p.run(feeds, nil)
	if err != nil {
		return nil, err
	}
	cp := make([]*tensor.Dense, len(outs))
	for i, o := range outs {
		cp[i] = o.Clone().(*tensor.Dense)
	}
	return cp, nil
}

// Value returns the value of a node computed by the last Run: nil when the node is not
// part of the program, when its buffer was reused by a later node of the same run, or when
// it was fused into the kernel of the node that reads it (use Trace to see every value).
// It is for inspection and debugging; call it from the goroutine that ran the program.
func (p *Program) Value(n *Node) *tensor.Dense {
	i, ok := p.slot[n]
	if !ok || p.reused[i] {
		return nil
	}
	return p.vals[i]
}

// Trace runs the program like Run and calls visit after each node is computed with the
// node and its value, in evaluation order (inputs, parameters and constants first visited
// when first read). Values are only valid during the call. The step-through page uses it.
// A fused step runs its ops one by one here, so that every node is visited with its value.
func (p *Program) Trace(feeds Feeds, visit func(n *Node, v *tensor.Dense)) ([]*tensor.Dense, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.run(feeds, visit)
}

func (p *Program) run(feeds Feeds, visit func(*Node, *tensor.Dense)) ([]*tensor.Dense, error) {
	if err := p.bind(feeds); err != nil {
		return nil, err
	}
	if visit != nil {
		for i, n := range p.nodes {
			if n.kind != KindOp {
				visit(n, p.vals[i])
			}
		}
	}
	for k := range p.steps {
		st := &p.steps[k]
		out := p.vals[st.out]
		if visit != nil && st.chain != nil {
			if err := p.traceChain(st, visit); err != nil {
				return nil, err
			}
			continue
		}
		if st.view { // its value is its input's buffer under its own shape
			if visit != nil {
				visit(st.node, out)
			}
			continue
		}
		for j, s := range st.in {
			st.args[j] = p.vals[s]
		}
		if err := st.kernel.Forward(out, st.args...); err != nil {
			return nil, fmt.Errorf("graph: run %s (%s): %w", st.node.Label(), st.kernel.Name(), err)
		}
		if p.debug {
			in := make([]*Node, len(st.in))
			for j, s := range st.in {
				in[j] = p.nodes[s]
			}
			var fused Kernel
			if st.chain != nil {
				fused = st.kernel
			}
			if err := p.checkFinite(st.node, out, in, fused); err != nil {
				return nil, err
			}
		}
		if visit != nil {
			visit(st.node, out)
		}
	}
	for i, o := range p.outputs {
		p.outs[i] = p.vals[p.slot[o]]
	}
	return p.outs, nil
}

// traceChain runs a fused step's ops one by one, as an unfused program would, so that
// Trace visits every node: the values in between get buffers of their own, made on the
// first Trace (Run never needs them).
func (p *Program) traceChain(st *step, visit func(*Node, *tensor.Dense)) error {
	for _, n := range st.chain {
		s := p.slot[n]
		if p.vals[s] == nil {
			p.vals[s] = NewTensor(n.typ.DType, n.typ.Shape...)
		}
		args := make([]*tensor.Dense, len(n.inputs))
		for j, x := range n.inputs {
			args[j] = p.vals[p.slot[x]]
		}
		if err := n.op.Forward(p.vals[s], args...); err != nil {
			return fmt.Errorf("graph: run %s (%s): %w", n.Label(), n.op.Name(), err)
		}
		if p.debug {
			if err := p.checkFinite(n, p.vals[s], n.inputs, nil); err != nil {
				return err
			}
		}
		visit(n, p.vals[s])
	}
	return nil
}

// bind checks the feeds and points input and parameter slots at their values.
func (p *Program) bind(feeds Feeds) error {
	g := p.nodes[0].g
	for n := range feeds {
		if n == nil || n.g != g || n.kind != KindInput {
			what := "nil"
			if n != nil {
				what = fmt.Sprintf("%s %s is not an input of this graph", n.Label(), n.typ)
			}
			return fmt.Errorf("graph: feed %s (inputs: %s)", what, inputNames(g))
		}
	}
	var missing []string
	for _, s := range p.inputs {
		n := p.nodes[s]
		v, ok := feeds[n]
		if !ok {
			missing = append(missing, fmt.Sprintf("%s %s", n.name, n.typ))
			continue
		}
		if err := checkValue(n, v); err != nil {
			return fmt.Errorf("graph: feed %q: %w", n.name, err)
		}
		p.vals[s] = v
	}
	if len(missing) > 0 {
		return fmt.Errorf("graph: missing feeds: %s", strings.Join(missing, ", "))
	}
	for _, s := range p.params {
		n := p.nodes[s]
		p.vals[s] = n.Value()
	}
	return nil
}

// inputNames lists g's inputs with their types, sorted: "t int32[100], x float32[100 784]".
func inputNames(g *Graph) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	names := make([]string, 0, len(g.inputs))
	for name, n := range g.inputs {
		names = append(names, name+" "+n.typ.String())
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// checkFinite reports the first NaN or Inf in the value v of node n, with the ranges of the
// values it was computed from: n's inputs, or a fused chain's.
// fused is the kernel of a fused step, or nil.
func (p *Program) checkFinite(n *Node, v *tensor.Dense, in []*Node, fused Kernel) error {
	vals := Float64s(v)
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			var b strings.Builder
			fmt.Fprintf(&b, "graph: node %s (op %s) produced %v at index %d of %v", n.Label(), n.op.Name(), v, i, n.typ.Shape)
			if fused != nil {
				fmt.Fprintf(&b, " (fused: %s, computed from the inputs below)", fused.Name())
			}
			for j, x := range in {
				lo, hi, bad := valueRange(Float64s(p.vals[p.slot[x]]))
				fmt.Fprintf(&b, "; input %d %s%v in [%g, %g]", j, x.Label(), x.typ.Shape, lo, hi)
				if bad > 0 {
					fmt.Fprintf(&b, " with %d non-finite", bad)
				}
			}
			return errors.New(b.String())
		}
	}
	return nil
}

func valueRange(v []float64) (lo, hi float64, nonFinite int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			nonFinite++
			continue
		}
		lo = math.Min(lo, x)
		hi = math.Max(hi, x)
	}
	return lo, hi, nonFinite
}

// Eval compiles n alone, runs it once with feeds and returns a copy of its value: for a
// value wanted once (an accuracy after training, a check), where a Program would be
// compiled for one run anyway.
func Eval(n *Node, feeds Feeds) (*tensor.Dense, error) {
	p, err := Compile(n)
	if err != nil {
		return nil, err
	}
	out, err := p.RunCopy(feeds)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// MustEval is Eval for values known to be computable; it panics on error.
func MustEval(n *Node, feeds Feeds) *tensor.Dense {
	v, err := Eval(n, feeds)
	if err != nil {
		panic(err)
	}
	return v
}
