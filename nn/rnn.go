package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// The recurrent layers of the book's second volume (chapters 5 and 6): RNN (tanh), LSTM and
// GRU, with PyTorch's equations, gate order and parameter names, so that PyTorch's
// weights load and give PyTorch's outputs. Sequences are batch-first, as in the book's
// TimeRNN: x is [N T In] (PyTorch's batch_first=True). The whole sequence is unrolled into
// the graph: step t's hidden state is a node named after the layer's scope, "rnn.h1",
// "rnn.h2", ..., so that pictures of backpropagation through time read like the book's.
//
// Truncated backpropagation through time: give Run the initial state as graph inputs (h0,
// c0), and feed each batch the final state (Unrolled.H, Unrolled.C) of the one before as a value (see
// Carry). The gradient stops at the inputs; the state flows on.

// RNNOpts configures an RNN layer; zero fields take the defaults. LSTMOpts and GRUOpts
// have the same fields.
type RNNOpts struct {
	In, Hidden int         // input and hidden features (required)
	NoBias     bool        // leave out bias_ih_l0 and bias_hh_l0
	DType      graph.DType // default Float32
	// Rand draws the initial weights, as PyTorch does: every weight and bias uniform in
	// [-1/sqrt(Hidden), 1/sqrt(Hidden)]. Default the graph's (graph.Graph.Rand).
	Rand *rand.Rand
}

// LSTMOpts configures an LSTM layer (the fields of RNNOpts).
type LSTMOpts RNNOpts

// GRUOpts configures a GRU layer (the fields of RNNOpts).
type GRUOpts RNNOpts

// Recurrent holds the parameters every recurrent layer has, in PyTorch's layout and under
// PyTorch's names in the layer's scope: weight_ih_l0 [G*Hidden In], weight_hh_l0
// [G*Hidden Hidden], bias_ih_l0 and bias_hh_l0 [G*Hidden], where G is the number of gates
// (1 for RNN, 4 for LSTM: i f g o, 3 for GRU: r z n).
type Recurrent struct {
	WeightIH, WeightHH *graph.Node
	BiasIH, BiasHH     *graph.Node // nil with NoBias
	In, Hidden         int
	Scope              graph.Scope

	gates int
	bias  *graph.Node // BiasIH + BiasHH, made once (RNN, LSTM)
}

// Unrolled is a recurrent layer unrolled over a sequence.
type Unrolled struct {
	Out *graph.Node   // [N T Hidden]: the hidden state of every step (PyTorch's output)
	Hs  []*graph.Node // h1 ... hT, each [N Hidden]
	Cs  []*graph.Node // c1 ... cT, each [N Hidden] (LSTM only)
	H   *graph.Node   // the final hidden state hT [N Hidden] (PyTorch's h_n)
	C   *graph.Node   // the final cell state cT [N Hidden] (LSTM only; PyTorch's c_n)
}

// RNN is the book's TimeRNN with PyTorch's nn.RNN equations:
//
//	h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)
type RNN struct{ Recurrent }

// LSTM is PyTorch's nn.LSTM (one layer), gates in PyTorch's order i, f, g, o:
//
//	i = σ(x W_ii^T + b_ii + h W_hi^T + b_hi)     f = σ(... f rows ...)
//	g = tanh(... g rows ...)                     o = σ(... o rows ...)
//	c' = f*c + i*g                               h' = o*tanh(c')
//
// (The book's LSTM orders its gates f, g, i, o; the rows differ, the cell does not.)
type LSTM struct{ Recurrent }

// GRU is PyTorch's nn.GRU (one layer), gates r, z, n:
//
//	r = σ(x W_ir^T + b_ir + h W_hr^T + b_hr)     z = σ(... z rows ...)
//	n = tanh(x W_in^T + b_in + r*(h W_hn^T + b_hn))
//	h' = (1-z)*n + z*h
type GRU struct{ Recurrent }

// NewRNN adds a tanh RNN's parameters in s.
//
//	rnn := nn.NewRNN(g.In("rnn"), nn.RNNOpts{In: 16, Hidden: 32}) // rnn.weight_ih_l0, ...
func NewRNN(s graph.Scope, o RNNOpts) *RNN { return &RNN{newRecurrent(s, "rnn", 1, o)} }

// NewLSTM adds an LSTM's parameters in s.
//
//	lstm := nn.NewLSTM(g.In("lstm"), nn.LSTMOpts{In: 28, Hidden: 128})
func NewLSTM(s graph.Scope, o LSTMOpts) *LSTM { return &LSTM{newRecurrent(s, "lstm", 4, RNNOpts(o))} }

// NewGRU adds a GRU's parameters in s.
func NewGRU(s graph.Scope, o GRUOpts) *GRU { return &GRU{newRecurrent(s, "gru", 3, RNNOpts(o))} }

func newRecurrent(s graph.Scope, kind string, gates int, o RNNOpts) Recurrent {
	if o.In <= 0 || o.Hidden <= 0 {
		panic(&graph.ShapeError{Op: kind, Inputs: []string{s.Path()}, Reason: kind + " options need In and Hidden > 0"})
	}
	dt, rng, _ := defaults(s, o.DType, o.Rand, nil)
	k := 1 / math.Sqrt(float64(o.Hidden))
	gh := gates * o.Hidden
	r := Recurrent{In: o.In, Hidden: o.Hidden, Scope: s, gates: gates}
	r.WeightIH = s.Param("weight_ih_l0", uniform(rng, dt, k, gh, o.In))
	r.WeightHH = s.Param("weight_hh_l0", uniform(rng, dt, k, gh, o.Hidden))
	if !o.NoBias {
		r.BiasIH = s.Param("bias_ih_l0", uniform(rng, dt, k, gh))
		r.BiasHH = s.Param("bias_hh_l0", uniform(rng, dt, k, gh))
	}
	return r
}

// uniform draws a tensor uniform in [-k, k].
func uniform(rng *rand.Rand, dt graph.DType, k float64, shape ...int) *tensor.Dense {
	v := make([]float64, graph.Shape(shape).Size())
	for i := range v {
		v[i] = (2*rng.Float64() - 1) * k
	}
	return graph.FromFloat64s(dt, shape, v)
}

// Forward runs the RNN over x [N T In] from a zero state and returns every step's hidden
// state [N T Hidden] (an nn.Layer).
func (l *RNN) Forward(x *graph.Node) *graph.Node { return l.Run(x, nil).Out }

// Forward runs the LSTM over x [N T In] from a zero state and returns every step's hidden
// state [N T Hidden] (an nn.Layer).
func (l *LSTM) Forward(x *graph.Node) *graph.Node { return l.Run(x, nil, nil).Out }

// Forward runs the GRU over x [N T In] from a zero state and returns every step's hidden
// state [N T Hidden] (an nn.Layer).
func (l *GRU) Forward(x *graph.Node) *graph.Node { return l.Run(x, nil).Out }

// Run unrolls the RNN over x [N T In] from h0 [N Hidden] (nil: zeros).
func (l *RNN) Run(x, h0 *graph.Node) *Unrolled {
	xs := l.inputs(x, true)
	h := l.initial(x, h0, "h0")
	seq := &Unrolled{}
	for t, a := range xs {
		h = l.step(a, h)
		seq.Hs = append(seq.Hs, h.SetName(l.name("h", t+1)))
	}
	return seq.finish()
}

// Step is one step of the RNN: x [N In], h [N Hidden] -> h' [N Hidden].
func (l *RNN) Step(x, h *graph.Node) *graph.Node { return l.step(l.project(x, true), h) }

// step is tanh(a + h W_hh^T).
func (l *RNN) step(a, h *graph.Node) *graph.Node {
	return ops.Tanh(l.recur(a, h))
}

// recur is a + h W_hh^T, one GEMM accumulating onto a copy of a.
func (r *Recurrent) recur(a, h *graph.Node) *graph.Node {
	return ops.AddMatMul(a, h, r.WeightHH, false, true)
}

// Run unrolls the LSTM over x [N T In] from h0 and c0 [N Hidden] (nil: zeros).
func (l *LSTM) Run(x, h0, c0 *graph.Node) *Unrolled {
	xs := l.inputs(x, true)
	h, c := l.initial(x, h0, "h0"), l.initial(x, c0, "c0")
	seq := &Unrolled{}
	for t, a := range xs {
		h, c = l.step(a, h, c, t+1)
		seq.Hs = append(seq.Hs, h)
		seq.Cs = append(seq.Cs, c)
	}
	return seq.finish()
}

// Step is one step of the LSTM: x [N In], h and c [N Hidden] -> h', c' [N Hidden]. Its
// nodes are named i, f, g, o, c and h (in the layer's scope) for pictures of the cell.
func (l *LSTM) Step(x, h, c *graph.Node) (hNext, cNext *graph.Node) {
	return l.step(l.project(x, true), h, c, 0)
}

// step computes the cell from a = x W_ih^T + b_ih + b_hh; t > 0 numbers its nodes.
func (l *LSTM) step(a, h, c *graph.Node, t int) (*graph.Node, *graph.Node) {
	a = l.recur(a, h)
	gate := func(k int, f func(*graph.Node) *graph.Node, name string) *graph.Node {
		return f(ops.Slice(a, 1, k*l.Hidden, (k+1)*l.Hidden)).SetName(l.name(name, t))
	}
	i := gate(0, ops.Sigmoid, "i")
	f := gate(1, ops.Sigmoid, "f")
	g := gate(2, ops.Tanh, "g")
	o := gate(3, ops.Sigmoid, "o")
	c = ops.Add(ops.Mul(f, c), ops.Mul(i, g)).SetName(l.name("c", t))
	h = ops.Mul(o, ops.Tanh(c)).SetName(l.name("h", t))
	return h, c
}

// Run unrolls the GRU over x [N T In] from h0 [N Hidden] (nil: zeros).
func (l *GRU) Run(x, h0 *graph.Node) *Unrolled {
	xs := l.inputs(x, false)
	h := l.initial(x, h0, "h0")
	seq := &Unrolled{}
	for t, a := range xs {
		h = l.step(a, h, t+1)
		seq.Hs = append(seq.Hs, h)
	}
	return seq.finish()
}

// Step is one step of the GRU: x [N In], h [N Hidden] -> h' [N Hidden]. Its nodes are
// named r, z, n and h for pictures of the cell.
func (l *GRU) Step(x, h *graph.Node) *graph.Node { return l.step(l.project(x, false), h, 0) }

// step computes the cell from a = x W_ih^T + b_ih.
func (l *GRU) step(a, h *graph.Node, t int) *graph.Node {
	b := ops.MatMulT(h, l.WeightHH, false, true)
	if l.BiasHH != nil {
		b = ops.Add(b, l.BiasHH)
	}
	part := func(x *graph.Node, k int) *graph.Node { return ops.Slice(x, 1, k*l.Hidden, (k+1)*l.Hidden) }
	r := ops.Sigmoid(ops.Add(part(a, 0), part(b, 0))).SetName(l.name("r", t))
	z := ops.Sigmoid(ops.Add(part(a, 1), part(b, 1))).SetName(l.name("z", t))
	n := ops.Tanh(ops.Add(part(a, 2), ops.Mul(r, part(b, 2)))).SetName(l.name("n", t))
	// (1-z)*n + z*h, written n + z*(h-n)
	return ops.Add(n, ops.Mul(z, ops.Sub(h, n))).SetName(l.name("h", t))
}

// name is a node's name in the layer's scope: "lstm.h3" for step 3, "lstm.h" for Step.
func (r *Recurrent) name(what string, t int) string {
	if t > 0 {
		what = fmt.Sprint(what, t)
	}
	return r.Scope.Name(what)
}

// inputs projects every step's input at once and returns the projection of each step
// [N G*Hidden], named "xW1", "xW2", .... The bias is b_ih + b_hh when both biases add (hh),
// else b_ih. The sequence is first put time-major, x [N T In] -> [T*N In], a copy of the
// narrow input, so that the projection [T*N G*Hidden] W_ih^T + bias holds each step's rows
// together: a step's slice is one contiguous block, and the gradients of the steps join
// back into the projection's gradient the same way (ops.AddN), with no reshape of the
// wide projection either way.
func (r *Recurrent) inputs(x *graph.Node, hh bool) []*graph.Node {
	s := x.Shape()
	if len(s) != 3 || s[2] != r.In || s[1] < 1 {
		panic(&graph.ShapeError{Op: "recurrent", Inputs: []string{x.Label()}, Shapes: []graph.Shape{s},
			Reason: fmt.Sprintf("%s wants a sequence [N T %d] (batch first)", r.Scope.Path(), r.In)})
	}
	n, steps := s[0], s[1]
	a := r.project(ops.Reshape(ops.Transpose(x, 1, 0, 2), steps*n, r.In), hh)
	xs := make([]*graph.Node, steps)
	for t := range xs {
		xs[t] = ops.SliceRows(a, t*n, (t+1)*n).SetName(r.name("xW", t+1))
	}
	return xs
}

// project is x W_ih^T plus b_ih (+ b_hh when hh) for x [M In].
func (r *Recurrent) project(x *graph.Node, hh bool) *graph.Node {
	a := ops.MatMulT(x, r.WeightIH, false, true)
	if r.BiasIH == nil {
		return a
	}
	if !hh {
		return ops.Add(a, r.BiasIH)
	}
	if r.bias == nil {
		r.bias = ops.Add(r.BiasIH, r.BiasHH).SetName(r.Scope.Name("b"))
	}
	return ops.Add(a, r.bias)
}

// initial is the given state, or a zero constant [N Hidden] named like it.
func (r *Recurrent) initial(x, state *graph.Node, name string) *graph.Node {
	n := x.Shape()[0]
	if state == nil {
		return x.Graph().Const(r.Scope.Name(name), graph.NewTensor(x.DType(), n, r.Hidden))
	}
	if s := state.Shape(); len(s) != 2 || s[0] != n || s[1] != r.Hidden {
		panic(&graph.ShapeError{Op: "recurrent", Inputs: []string{x.Label(), state.Label()}, Shapes: []graph.Shape{x.Shape(), s},
			Reason: fmt.Sprintf("%s's initial state must be [%d %d]", r.Scope.Path(), n, r.Hidden)})
	}
	return state
}

// finish fills in the final states and the stacked output [N T Hidden].
func (s *Unrolled) finish() *Unrolled {
	s.H = s.Hs[len(s.Hs)-1]
	if len(s.Cs) > 0 {
		s.C = s.Cs[len(s.Cs)-1]
	}
	n, hidden := s.H.Shape()[0], s.H.Shape()[1]
	cols := make([]*graph.Node, len(s.Hs))
	for t, h := range s.Hs {
		cols[t] = ops.Reshape(h, n, 1, hidden)
	}
	if len(cols) == 1 {
		s.Out = cols[0]
	} else {
		s.Out = ops.Concat(1, cols...)
	}
	return s
}
