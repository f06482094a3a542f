package optim

import (
	"fmt"
	"math"
	"strings"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// A Hook changes the gradients before an optimizer uses them: WeightDecay and ClipNorm
// are hooks. It is given the parameters and the gradients, already checked to match, and
// changes the gradients in place. Under WithHooks the gradients a hook sees are the
// wrapper's own copies, never the caller's tensors.
type Hook func(params []*graph.Node, grads []*tensor.Dense) error

// WithHooks returns an optimizer that, at each Step, copies the gradients into buffers of
// its own, runs the hooks on the copies in order, and gives the copies to opt.Step. The
// caller's gradient tensors are never modified. (They often belong to a compiled program,
// which may return one tensor for several outputs, or a constant's value for a parameter
// the loss does not depend on: changing them in place would change the graph.)
//
// State and SetState are opt's: hooks keep no state.
func WithHooks(opt Optimizer, hooks ...Hook) Optimizer {
	return &hooked{opt: opt, hooks: hooks, rule: ruleOf(opt) + " with hooks"}
}

type hooked struct {
	opt   Optimizer
	hooks []Hook
	bufs  []*tensor.Dense // the gradient copies, reused from step to step
	rule  string          // "adam with hooks", for errors
}

func (h *hooked) Step(params []*graph.Node, grads []*tensor.Dense) error {
	if err := checkArgs(h.rule, params, grads); err != nil {
		return err
	}
	if len(h.bufs) < len(grads) {
		h.bufs = append(h.bufs, make([]*tensor.Dense, len(grads)-len(h.bufs))...)
	}
	bufs := h.bufs[:len(grads)]
	for i, g := range grads {
		b := bufs[i]
		if b == nil || b.Dtype() != g.Dtype() || !sameShape(b, params[i].Shape()) {
			b = graph.NewTensor(params[i].DType(), params[i].Shape()...)
			bufs[i] = b
		}
		if g.Dtype() == tensor.Float32 {
			copy(b.Float32s(), g.Float32s())
		} else {
			copy(b.Float64s(), g.Float64s())
		}
	}
	for _, hook := range h.hooks {
		if err := hook(params, bufs); err != nil {
			return err
		}
	}
	return h.opt.Step(params, bufs)
}

// ruleOf names an optimizer in errors: "adam", or "optimizer" for one defined elsewhere.
func ruleOf(opt Optimizer) string {
	switch opt.(type) {
	case *SGD:
		return "sgd"
	case *Momentum:
		return "momentum"
	case *Nesterov:
		return "nesterov"
	case *AdaGrad:
		return "adagrad"
	case *RMSprop:
		return "rmsprop"
	case *Adam:
		return "adam"
	}
	return "optimizer"
}

func (h *hooked) State() []Slot { return h.opt.State() }

func (h *hooked) SetState(params []*graph.Node, state []Slot) error {
	return h.opt.SetState(params, state)
}

// WeightDecay returns a hook that adds lambda*W to the gradient of each parameter W that
// decay selects (all of them when decay is nil): the gradient of the book's L2 penalty
// 0.5*lambda*sum(W*W) added to the loss (chapter 6, weight decay). The book decays the
// weights, not the biases: pass NamePrefix("W").
func WeightDecay(lambda float64, decay func(param *graph.Node) bool) Hook {
	return func(params []*graph.Node, grads []*tensor.Dense) error {
		if math.IsNaN(lambda) || math.IsInf(lambda, 0) || lambda < 0 {
			return fmt.Errorf("optim: WeightDecay: lambda = %g, want a finite value >= 0", lambda)
		}
		for i, p := range params {
			if decay != nil && !decay(p) {
				continue
			}
			if x := p.Value(); x.Dtype() == tensor.Float32 {
				addScaled(grads[i].Float32s(), x.Float32s(), float32(lambda))
			} else {
				addScaled(grads[i].Float64s(), x.Float64s(), lambda)
			}
		}
		return nil
	}
}

// addScaled computes g += lambda*x.
func addScaled[T float](g, x []T, lambda T) {
	x = x[:len(g)]
	for i := range g {
		g[i] += lambda * x[i]
	}
}

// NamePrefix selects the parameters whose names start with prefix, such as the book's
// weights W1, W2, ... with NamePrefix("W").
func NamePrefix(prefix string) func(param *graph.Node) bool {
	return func(p *graph.Node) bool { return strings.HasPrefix(p.Name(), prefix) }
}

// ClipNorm returns a hook that scales all gradients together when their global L2 norm,
// the root of the sum of every element squared, exceeds maxNorm, as the book's
// clip_grads does (volume 2, common/util.py):
//
//	rate = maxNorm / (norm + 1e-6)
//	if rate < 1 { g *= rate } // for every gradient
//
// The norm is summed in float64 for float32 gradients too.
func ClipNorm(maxNorm float64) Hook {
	return func(params []*graph.Node, grads []*tensor.Dense) error {
		if !(maxNorm > 0) || math.IsInf(maxNorm, 0) {
			return fmt.Errorf("optim: ClipNorm: maxNorm = %g, want a finite value > 0", maxNorm)
		}
		var sum float64
		for _, g := range grads {
			if g.Dtype() == tensor.Float32 {
				sum += sumSquares(g.Float32s())
			} else {
				sum += sumSquares(g.Float64s())
			}
		}
		rate := maxNorm / (math.Sqrt(sum) + 1e-6)
		if !(rate < 1) {
			return nil
		}
		for _, g := range grads {
			if g.Dtype() == tensor.Float32 {
				scale(g.Float32s(), float32(rate))
			} else {
				scale(g.Float64s(), rate)
			}
		}
		return nil
	}
}

func sumSquares[T float](g []T) float64 {
	var s float64
	for _, v := range g {
		s += float64(v) * float64(v)
	}
	return s
}

func scale[T float](g []T, c T) {
	for i := range g {
		g[i] *= c
	}
}
