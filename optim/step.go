package optim

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Step is one training step bound together: the loss, the parameters it trains, their
// gradient nodes, the compiled program that computes loss and gradients in one run, and
// the optimizer that applies them. Nothing is matched by position:
//
//	step := optim.NewStep(loss, NewAdam(0.001))
//	for ... {
//		l, err := step.Run(graph.Feeds{x: xb, t: tb})
//	}
type Step struct {
	Loss   *graph.Node
	Params []*graph.Node // what the optimizer updates, in the order of Grads
	Grads  []*graph.Node // Grads[i] is the gradient node of Params[i]
	Opt    Optimizer

	prog *graph.Program
	mode *ops.Mode
	kept []*graph.Node // extra outputs asked for with Keep
}

// NewStep differentiates loss with respect to params (when none are given: every
// parameter loss depends on, in creation order), compiles loss and gradients into one
// program and binds them to opt. It panics with a *graph.ShapeError when loss is not a
// scalar or a param is not a parameter, as building any node does.
func NewStep(loss *graph.Node, opt Optimizer, params ...*graph.Node) *Step {
	if len(params) == 0 {
		for _, n := range graph.Topo(loss) {
			if n.Kind() == graph.KindParam {
				params = append(params, n)
			}
		}
	}
	for _, p := range params {
		if p.Kind() != graph.KindParam {
			panic(&graph.ShapeError{Op: "step", Inputs: []string{p.Label()}, Shapes: []graph.Shape{p.Shape()},
				Reason: fmt.Sprintf("%s is %s, not a parameter: only parameters are trained", p.Label(), p.Kind())})
		}
	}
	if opt == nil {
		opt = DefaultSGD()
	}
	grads := autodiff.Grad(loss, params...)
	prog, err := graph.Compile(append([]*graph.Node{loss}, grads...)...)
	if err != nil {
		panic(err)
	}
	return &Step{Loss: loss, Params: params, Grads: grads, Opt: opt, prog: prog, mode: ops.ModeOf(loss.Graph())}
}

// Run computes the loss and the gradients for one batch, with the graph's dropout and
// batch norm layers training (ops.ModeOf), updates the parameters with the optimizer, and
// returns the loss. On error nothing is updated.
func (s *Step) Run(feeds graph.Feeds) (float64, error) {
	was := s.mode.Train()
	s.mode.SetTrain(true)
	out, err := s.prog.Run(feeds)
	s.mode.SetTrain(was)
	if err != nil {
		return 0, err
	}
	if err := s.Opt.Step(s.Params, out[1:1+len(s.Grads)]); err != nil {
		return 0, err
	}
	return graph.Item(out[0]), nil
}

// MustRun is Run for feeds known to fit (a script, an example): it panics on error.
func (s *Step) MustRun(feeds graph.Feeds) float64 {
	loss, err := s.Run(feeds)
	if err != nil {
		panic(err)
	}
	return loss
}

// Grad returns the gradient of parameter p computed by the last Run (nil for a parameter
// the step does not train). It is the program's buffer, overwritten by the next Run.
func (s *Step) Grad(p *graph.Node) *tensor.Dense {
	for i, q := range s.Params {
		if q == p {
			return s.prog.Value(s.Grads[i])
		}
	}
	return nil
}

// Keep adds nodes to the step's program as outputs of their own, so that their values
// survive each Run (an intermediate value's buffer is reused within the run): read them
// with Value. The book's stateful RNN keeps its final hidden state this way to feed it to
// the next batch (nn.Carry). It recompiles the program and returns s.
func (s *Step) Keep(nodes ...*graph.Node) *Step {
	s.kept = append(s.kept, nodes...)
	outs := append(append([]*graph.Node{s.Loss}, s.Grads...), s.kept...)
	prog, err := graph.Compile(outs...)
	if err != nil {
		panic(err)
	}
	s.prog = prog
	return s
}

// Value returns the value of node n computed by the last Run (the program's buffer,
// overwritten by the next Run): a node given to Keep, the loss or a gradient; nil for a
// node whose buffer the run reused.
func (s *Step) Value(n *graph.Node) *tensor.Dense { return s.prog.Value(n) }

// Program is the compiled program Run runs (for Trace, SetDebug and pictures).
func (s *Step) Program() *graph.Program { return s.prog }
