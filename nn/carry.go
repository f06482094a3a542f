package nn

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Carry is the book's stateful RNN (TimeRNN with stateful=True) across batches: truncated
// backpropagation through time. The initial states are graph inputs; after each run the
// final states are copied out and fed as the next run's initial states, so the state flows
// from batch to batch as a value while the gradient stops at the batch's first step.
//
//	h0 := g.Input("h0", graph.Float32, N, H)
//	seq := lstm.Run(x, h0, c0)
//	step := optim.NewStep(loss, opt).Keep(seq.H, seq.C)
//	carry := nn.NewCarry([]*graph.Node{h0, c0}, []*graph.Node{seq.H, seq.C})
//	for feeds := range batches {
//		carry.Feed(feeds)
//		step.MustRun(feeds)
//		carry.Update(step.Value)
//	}
type Carry struct {
	In, Out []*graph.Node // Out[i]'s value becomes In[i]'s next feed
	vals    []*tensor.Dense
}

// NewCarry pairs each initial-state input with the final-state node that feeds it next.
// It panics with a *graph.ShapeError when a pair differs in shape or element type, or an
// In is not an input.
func NewCarry(in, out []*graph.Node) *Carry {
	if len(in) != len(out) {
		panic(&graph.ShapeError{Op: "carry", Reason: fmt.Sprintf("%d inputs, %d outputs", len(in), len(out))})
	}
	for i := range in {
		if in[i].Kind() != graph.KindInput || !in[i].Shape().Equal(out[i].Shape()) || in[i].DType() != out[i].DType() {
			panic(&graph.ShapeError{Op: "carry", Inputs: []string{in[i].Label(), out[i].Label()},
				Shapes: []graph.Shape{in[i].Shape(), out[i].Shape()},
				Reason: "each state input must be an input of the same shape and element type as the node that feeds it"})
		}
	}
	c := &Carry{In: in, Out: out}
	c.Reset()
	return c
}

// Reset sets the states to zeros (the start of a new sequence).
func (c *Carry) Reset() {
	c.vals = make([]*tensor.Dense, len(c.In))
	for i, n := range c.In {
		c.vals[i] = graph.NewTensor(n.DType(), n.Shape()...)
	}
}

// Feed puts the current states into feeds.
func (c *Carry) Feed(feeds graph.Feeds) {
	for i, n := range c.In {
		feeds[n] = c.vals[i]
	}
}

// Update copies the final states of the last run, read with value (optim.Step.Value,
// graph.Program.Value), into the states fed next. It returns an error when one is missing
// (the program did not keep it: see optim.Step.Keep).
func (c *Carry) Update(value func(*graph.Node) *tensor.Dense) error {
	for i, n := range c.Out {
		v := value(n)
		if v == nil {
			return fmt.Errorf("nn: carry: no value for %s: keep it in the program (optim.Step.Keep)", n.Label())
		}
		if err := copyInto(c.vals[i], v); err != nil {
			return fmt.Errorf("nn: carry: %s: %w", n.Label(), err)
		}
	}
	return nil
}

// State is the current value of state input n (nil for another node).
func (c *Carry) State(n *graph.Node) *tensor.Dense {
	for i, m := range c.In {
		if m == n {
			return c.vals[i]
		}
	}
	return nil
}

func copyInto(dst, src *tensor.Dense) error {
	switch d := dst.Data().(type) {
	case []float32:
		s, ok := src.Data().([]float32)
		if !ok || len(s) != len(d) {
			return fmt.Errorf("value of type %T, want %d float32s", src.Data(), len(d))
		}
		copy(d, s)
	case []float64:
		s, ok := src.Data().([]float64)
		if !ok || len(s) != len(d) {
			return fmt.Errorf("value of type %T, want %d float64s", src.Data(), len(d))
		}
		copy(d, s)
	default:
		return fmt.Errorf("state of type %T", d)
	}
	return nil
}
