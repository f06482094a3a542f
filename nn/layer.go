package nn

import (
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Layer builds nodes from an input node. Its parameters are not listed by the layer: they
// live in the scope it was built in (graph.Scope.Params).
type Layer interface {
	Forward(x *graph.Node) *graph.Node
}

// Func is a layer without parameters made from a function (ReLU, Sigmoid, ...).
type Func struct {
	Name string
	F    func(*graph.Node) *graph.Node
}

func (l Func) Forward(x *graph.Node) *graph.Node { return l.F(x) }

// The parameterless layers of the book.
var (
	ReLU    = Func{"relu", ops.ReLU}
	Sigmoid = Func{"sigmoid", ops.Sigmoid}
	Tanh    = Func{"tanh", ops.Tanh}
	Flatten = Func{"flatten", ops.Flatten}
	// Softmax normalizes the last axis (the book's output layer at inference).
	Softmax = Func{"softmax", func(x *graph.Node) *graph.Node { return ops.Softmax(x, -1) }}
)

// LeakyReLU is a layer passing slope*x for negative x.
func LeakyReLU(slope float64) Func {
	return Func{"leaky_relu", func(x *graph.Node) *graph.Node { return ops.LeakyReLU(x, slope) }}
}

// Sequential applies its layers in order.
type Sequential struct {
	Layers []Layer
}

// Seq is a Sequential of the given layers.
func Seq(layers ...Layer) *Sequential { return &Sequential{Layers: layers} }

func (s *Sequential) Forward(x *graph.Node) *graph.Node {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// Residual is a ResNet block: Body(x) + x, or Body(x) + Shortcut(x) when the shapes differ.
type Residual struct {
	Body     Layer
	Shortcut Layer // nil: identity
}

func (r *Residual) Forward(x *graph.Node) *graph.Node {
	skip := x
	if r.Shortcut != nil {
		skip = r.Shortcut.Forward(x)
	}
	return ops.Add(r.Body.Forward(x), skip)
}

// SoftmaxCrossEntropy is the book's SoftmaxWithLoss: t is class labels [N] (int32, int64 or
// whole floats) or one-hot rows [N C].
func SoftmaxCrossEntropy(scores, t *graph.Node) *graph.Node {
	return ops.SoftmaxCrossEntropy(scores, t)
}

// MeanSquaredError is the mean of (y - t)^2 over all elements.
func MeanSquaredError(y, t *graph.Node) *graph.Node { return ops.MeanSquaredError(y, t) }

// WeightDecay is the book's L2 penalty lambda/2 * sum of W^2 over the given weights
// (pass weights, not biases). It returns nil when lambda is 0 or there are no weights.
func WeightDecay(lambda float64, weights ...*graph.Node) *graph.Node {
	if lambda == 0 || len(weights) == 0 {
		return nil
	}
	var sum *graph.Node
	for _, w := range weights {
		s := ops.Sum(ops.Square(w))
		if sum == nil {
			sum = s
		} else {
			sum = ops.Add(sum, s)
		}
	}
	return ops.MulScalar(sum, lambda/2)
}

// Weights are the parameters of s whose own name (after the last dot) starts with "W": the
// weights an L2 penalty decays, biases and batch norm's gamma and beta left out.
func Weights(s graph.Scope) []*graph.Node {
	var ws []*graph.Node
	for _, p := range s.Params() {
		name := p.Name()
		for i := len(name) - 1; i >= 0; i-- {
			if name[i] == '.' {
				name = name[i+1:]
				break
			}
		}
		if len(name) > 0 && name[0] == 'W' {
			ws = append(ws, p)
		}
	}
	return ws
}
