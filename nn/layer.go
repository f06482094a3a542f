package nn

import (
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Layer builds nodes from an input node. Layers that hold parameters list them with Params,
// explicitly, in a fixed order.
type Layer interface {
	Forward(x *graph.Node) *graph.Node
	Params() []*graph.Node
}

// Affine is the book's fully connected layer: x W + b, with W in x out. An input of
// more than two axes is flattened first (row-major over C, H, W).
type Affine struct {
	W, B *graph.Node
}

// NewAffine adds the parameters of an in x out affine layer named W<name> and b<name>
// (e.g. "W1", "b1"), W drawn from init with fanIn = in, b zero.
func NewAffine(g *graph.Graph, name string, in, out int, init Init, dt graph.DType, rng *rand.Rand) *Affine {
	return &Affine{
		W: g.Param("W"+name, RandomTensor(rng, dt, init(in), in, out)),
		B: g.Param("b"+name, graph.NewTensor(dt, out)),
	}
}

func (l *Affine) Forward(x *graph.Node) *graph.Node {
	if len(x.Shape()) > 2 {
		x = ops.Flatten(x)
	}
	return ops.Add(ops.MatMul(x, l.W), l.B)
}

func (l *Affine) Params() []*graph.Node { return []*graph.Node{l.W, l.B} }

// Func is a layer without parameters made from a function (ReLU, Sigmoid, ...).
type Func struct {
	Name string
	F    func(*graph.Node) *graph.Node
}

func (l Func) Forward(x *graph.Node) *graph.Node { return l.F(x) }
func (Func) Params() []*graph.Node               { return nil }

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

func (s *Sequential) Forward(x *graph.Node) *graph.Node {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

func (s *Sequential) Params() []*graph.Node {
	var ps []*graph.Node
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
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

func (r *Residual) Params() []*graph.Node {
	ps := r.Body.Params()
	if r.Shortcut != nil {
		ps = append(ps, r.Shortcut.Params()...)
	}
	return ps
}

// SoftmaxCrossEntropy is the book's SoftmaxWithLoss: t is class labels [N] or one-hot [N C].
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
