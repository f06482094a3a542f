package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Model is a network: Predict builds its output (class scores) from an input node, and
// Params lists its parameters with the book's names, in the book's order.
type Model interface {
	Predict(x *graph.Node) *graph.Node
	Params() []*graph.Node
}

// InferenceNet is chapter 3's network for MNIST inference: 784-50-100-10 with sigmoid,
// sigmoid and softmax, parameters W1 b1 W2 b2 W3 b3 (the book's sample_weight.pkl).
type InferenceNet struct {
	Sequential
}

// NewInferenceNet adds the chapter 3 network to g, with weights drawn from N(0, 0.01^2)
// until real ones are loaded (LoadPickle of sample_weight.pkl, then Assign).
func NewInferenceNet(g *graph.Graph, dt graph.DType, rng *rand.Rand) *InferenceNet {
	return &InferenceNet{Sequential{Layers: []Layer{
		NewAffine(g, "1", 784, 50, Normal(0.01), dt, rng), Sigmoid,
		NewAffine(g, "2", 50, 100, Normal(0.01), dt, rng), Sigmoid,
		NewAffine(g, "3", 100, 10, Normal(0.01), dt, rng), Softmax,
	}}}
}

// Predict returns class probabilities (the book's predict ends with softmax here).
func (n *InferenceNet) Predict(x *graph.Node) *graph.Node { return n.Forward(x) }

// TwoLayerNet is chapter 4's network: Affine, Sigmoid, Affine, then softmax-cross-entropy
// as the loss; parameters W1 b1 W2 b2. (Chapter 5's version puts a ReLU where this has the
// sigmoid: NewMultiLayerNet with one hidden layer and Activation "relu".)
type TwoLayerNet struct {
	Affine1, Affine2 *Affine
}

// NewTwoLayerNet adds a TwoLayerNet (the book uses 784, 50, 10 and std 0.01).
func NewTwoLayerNet(g *graph.Graph, inputSize, hiddenSize, outputSize int, std float64, dt graph.DType, rng *rand.Rand) *TwoLayerNet {
	return &TwoLayerNet{
		Affine1: NewAffine(g, "1", inputSize, hiddenSize, Normal(std), dt, rng),
		Affine2: NewAffine(g, "2", hiddenSize, outputSize, Normal(std), dt, rng),
	}
}

// Predict returns the class scores (before softmax).
func (n *TwoLayerNet) Predict(x *graph.Node) *graph.Node {
	return n.Affine2.Forward(ops.Sigmoid(n.Affine1.Forward(x)))
}

// Loss is the mean softmax-cross-entropy of Predict(x) against t (labels or one-hot).
func (n *TwoLayerNet) Loss(x, t *graph.Node) *graph.Node {
	return ops.SoftmaxCrossEntropy(n.Predict(x), t)
}

func (n *TwoLayerNet) Params() []*graph.Node {
	return append(n.Affine1.Params(), n.Affine2.Params()...)
}

// MultiLayerConfig describes chapter 6's MultiLayerNet.
type MultiLayerConfig struct {
	InputSize   int
	HiddenSizes []int
	OutputSize  int
	Activation  string  // "relu" (default) or "sigmoid"
	InitStd     float64 // a fixed std; 0 means InitName
	InitName    string  // "he"/"relu" or "xavier"/"sigmoid"; "" follows Activation
	WeightDecay float64 // lambda of the L2 penalty added by Loss
	DType       graph.DType
}

// MultiLayerNet is chapter 6's fully connected network of any depth: (Affine, activation)
// for each hidden size, then a last Affine; parameters W1 b1 ... W(n+1) b(n+1).
type MultiLayerNet struct {
	Affines    []*Affine
	activation Func
	decay      float64
}

func (c MultiLayerConfig) init() (Init, Func, error) {
	act := ReLU
	switch c.Activation {
	case "", "relu":
	case "sigmoid":
		act = Sigmoid
	default:
		return nil, act, fmt.Errorf("nn: activation %q: want relu or sigmoid", c.Activation)
	}
	if c.InitStd > 0 {
		return Normal(c.InitStd), act, nil
	}
	name := c.InitName
	if name == "" {
		name = act.Name
	}
	init, ok := InitByName(name)
	if !ok {
		return nil, act, fmt.Errorf("nn: weight init %q: want a std, he, relu, xavier or sigmoid", name)
	}
	return init, act, nil
}

// NewMultiLayerNet adds the network described by c. It returns an error for an unknown
// activation or initializer name.
func NewMultiLayerNet(g *graph.Graph, c MultiLayerConfig, rng *rand.Rand) (*MultiLayerNet, error) {
	init, act, err := c.init()
	if err != nil {
		return nil, err
	}
	dt := c.DType
	if dt == 0 {
		dt = graph.Float32
	}
	sizes := append(append([]int{c.InputSize}, c.HiddenSizes...), c.OutputSize)
	n := &MultiLayerNet{activation: act, decay: c.WeightDecay}
	for i := 1; i < len(sizes); i++ {
		n.Affines = append(n.Affines, NewAffine(g, fmt.Sprint(i), sizes[i-1], sizes[i], init, dt, rng))
	}
	return n, nil
}

// Predict returns the class scores.
func (n *MultiLayerNet) Predict(x *graph.Node) *graph.Node {
	for i, a := range n.Affines {
		x = a.Forward(x)
		if i < len(n.Affines)-1 {
			x = n.activation.F(x)
		}
	}
	return x
}

// Loss is softmax-cross-entropy plus the L2 weight decay of every W.
func (n *MultiLayerNet) Loss(x, t *graph.Node) *graph.Node {
	loss := ops.SoftmaxCrossEntropy(n.Predict(x), t)
	var ws []*graph.Node
	for _, a := range n.Affines {
		ws = append(ws, a.W)
	}
	if d := WeightDecay(n.decay, ws...); d != nil {
		loss = ops.Add(loss, d)
	}
	return loss
}

func (n *MultiLayerNet) Params() []*graph.Node {
	var ps []*graph.Node
	for _, a := range n.Affines {
		ps = append(ps, a.Params()...)
	}
	return ps
}
