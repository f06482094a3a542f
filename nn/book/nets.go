package book

import (
	"fmt"
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/nn"
	"github.com/zerograd/zerograd/ops"
)

// Net is one of the book's networks: layers ending in class scores, trained with
// softmax-cross-entropy plus an optional L2 weight decay of its W parameters. Its
// parameters are those of its scope, with the book's names (W1 b1 W2 b2 ...).
type Net struct {
	nn.Sequential
	Scope graph.Scope
	Decay float64 // L2 weight decay lambda over the W parameters
}

// Predict returns the class scores (probabilities for InferenceNet, which ends in softmax).
func (n *Net) Predict(x *graph.Node) *graph.Node { return n.Forward(x) }

// Loss is the mean softmax-cross-entropy of the scores against t (class labels or one-hot
// rows), plus the weight decay.
func (n *Net) Loss(x, t *graph.Node) *graph.Node {
	loss := ops.SoftmaxCrossEntropy(n.Predict(x), t)
	if d := nn.WeightDecay(n.Decay, nn.Weights(n.Scope)...); d != nil {
		loss = ops.Add(loss, d)
	}
	return loss
}

// Params are the network's parameters in the book's order.
func (n *Net) Params() []*graph.Node { return n.Scope.Params() }

// affine makes an Affine layer with the book's names W<i> and b<i>.
func affine(s graph.Scope, i, in, out int, init nn.Init, dt graph.DType, rng *rand.Rand) *nn.Affine {
	return &nn.Affine{
		W: s.Param(fmt.Sprint("W", i), nn.RandomTensor(rng, dt, init(in), in, out)),
		B: s.Param(fmt.Sprint("b", i), graph.NewTensor(dt, out)),
	}
}

// conv makes a Conv2D layer of fn square filters with the book's names W<i> and b<i>.
func conv(s graph.Scope, i, fn, c, size, stride, pad int, init nn.Init, dt graph.DType, rng *rand.Rand) *nn.Conv2D {
	return &nn.Conv2D{Stride: stride, Pad: pad,
		W: s.Param(fmt.Sprint("W", i), nn.RandomTensor(rng, dt, init(c*size*size), fn, c, size, size)),
		B: s.Param(fmt.Sprint("b", i), graph.NewTensor(dt, fn)),
	}
}

// fill sets the defaults every config shares: Float32 and the graph's random source.
func fill(s graph.Scope, dt graph.DType, rng *rand.Rand) (graph.DType, *rand.Rand) {
	if dt == 0 {
		dt = graph.Float32
	}
	if rng == nil {
		rng = s.Graph().Rand()
	}
	return dt, rng
}

// Options are what every network's config shares.
type Options struct {
	DType graph.DType // default Float32
	Rand  *rand.Rand  // initial weights; default the graph's
}

// NewInferenceNet adds chapter 3's network for MNIST inference: 784-50-100-10 with sigmoid,
// sigmoid and softmax, parameters W1 b1 W2 b2 W3 b3 (the book's sample_weight.pkl), with
// weights drawn from N(0, 0.01^2) until real ones are loaded (nn.LoadBookPickle).
func NewInferenceNet(s graph.Scope, o Options) *Net {
	dt, rng := fill(s, o.DType, o.Rand)
	std := nn.Normal(0.01)
	return &Net{Scope: s, Sequential: nn.Sequential{Layers: []nn.Layer{
		affine(s, 1, 784, 50, std, dt, rng), nn.Sigmoid,
		affine(s, 2, 50, 100, std, dt, rng), nn.Sigmoid,
		affine(s, 3, 100, 10, std, dt, rng), nn.Softmax,
	}}}
}

// TwoLayerConfig is the book's TwoLayerNet arguments; zero fields take the book's
// defaults: 784, 50, 10 and std 0.01.
type TwoLayerConfig struct {
	InputSize, HiddenSize, OutputSize int
	InitStd                           float64
	Options
}

// NewTwoLayerNet adds chapter 4's network: Affine, Sigmoid, Affine, then
// softmax-cross-entropy as the loss; parameters W1 b1 W2 b2. (Chapter 5's version puts a
// ReLU where this has the sigmoid: NewMultiLayerNet with one hidden layer.)
func NewTwoLayerNet(s graph.Scope, c TwoLayerConfig) *Net {
	def(&c.InputSize, 784)
	def(&c.HiddenSize, 50)
	def(&c.OutputSize, 10)
	if c.InitStd == 0 {
		c.InitStd = 0.01
	}
	dt, rng := fill(s, c.DType, c.Rand)
	std := nn.Normal(c.InitStd)
	return &Net{Scope: s, Sequential: nn.Sequential{Layers: []nn.Layer{
		affine(s, 1, c.InputSize, c.HiddenSize, std, dt, rng), nn.Sigmoid,
		affine(s, 2, c.HiddenSize, c.OutputSize, std, dt, rng),
	}}}
}

func def(v *int, d int) {
	if *v == 0 {
		*v = d
	}
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
	Options
}

func (c MultiLayerConfig) init() (nn.Init, nn.Func, error) {
	act := nn.ReLU
	switch c.Activation {
	case "", "relu":
	case "sigmoid":
		act = nn.Sigmoid
	default:
		return nil, act, fmt.Errorf("book: activation %q: want relu or sigmoid", c.Activation)
	}
	if c.InitStd > 0 {
		return nn.Normal(c.InitStd), act, nil
	}
	name := c.InitName
	if name == "" {
		name = act.Name
	}
	init, ok := nn.InitByName(name)
	if !ok {
		return nil, act, fmt.Errorf("book: weight init %q: want a std, he, relu, xavier or sigmoid", name)
	}
	return init, act, nil
}

// NewMultiLayerNet adds chapter 6's fully connected network of any depth: (Affine,
// activation) for each hidden size, then a last Affine; parameters W1 b1 ... W(n+1) b(n+1).
// It returns an error for an unknown activation or initializer name.
func NewMultiLayerNet(s graph.Scope, c MultiLayerConfig) (*Net, error) {
	return NewMultiLayerNetExtend(s, ExtendConfig{MultiLayerConfig: c})
}

// ExtendConfig adds chapter 6's MultiLayerNetExtend options to MultiLayerConfig.
type ExtendConfig struct {
	MultiLayerConfig
	BatchNorm    bool
	Dropout      bool
	DropoutRatio float64 // default 0.5
}

// NewMultiLayerNetExtend adds MultiLayerNetExtend: each hidden Affine is followed by batch
// norm (gamma1, beta1, running_mean1, running_var1, ...) when asked, the activation, and
// dropout when asked (the book's scaling).
func NewMultiLayerNetExtend(s graph.Scope, c ExtendConfig) (*Net, error) {
	init, act, err := c.init()
	if err != nil {
		return nil, err
	}
	dt, rng := fill(s, c.DType, c.Rand)
	sizes := append(append([]int{c.InputSize}, c.HiddenSizes...), c.OutputSize)
	var layers []nn.Layer
	for i := 1; i < len(sizes); i++ {
		layers = append(layers, affine(s, i, sizes[i-1], sizes[i], init, dt, rng))
		if i == len(sizes)-1 {
			break
		}
		if c.BatchNorm {
			n := fmt.Sprint(i)
			layers = append(layers, nn.NewBatchNorm(s, nn.BatchNormOpts{C: sizes[i], DType: dt,
				Gamma: "gamma" + n, Beta: "beta" + n, Mean: "running_mean" + n, Var: "running_var" + n}))
		}
		layers = append(layers, act)
		if c.Dropout {
			layers = append(layers, nn.NewDropout(s.Graph(), nn.DropoutOpts{Ratio: c.DropoutRatio, Rand: rng}))
		}
	}
	return &Net{Scope: s, Decay: c.WeightDecay, Sequential: nn.Sequential{Layers: layers}}, nil
}

// SimpleConvNetConfig is the book's SimpleConvNet arguments; zero fields take the book's
// defaults: input 1x28x28, 30 filters 5x5 stride 1 pad 0, hidden 100, output 10, std 0.01.
type SimpleConvNetConfig struct {
	InputDim                           [3]int // C, H, W
	FilterNum, FilterSize, Pad, Stride int
	HiddenSize, OutputSize             int
	InitStd                            float64
	Options
}

// NewSimpleConvNet adds chapter 7's SimpleConvNet: conv (30 filters 5x5 stride 1 pad 0 by
// default), ReLU, max pool 2x2 stride 2, Affine (4320-100), ReLU, Affine (100-10); weights
// from N(0, 0.01^2); parameters W1 (30,1,5,5) b1, W2 (4320,100) b2, W3 (100,10) b3.
func NewSimpleConvNet(s graph.Scope, c SimpleConvNetConfig) *Net {
	if c.InputDim == [3]int{} {
		c.InputDim = [3]int{1, 28, 28}
	}
	def(&c.FilterNum, 30)
	def(&c.FilterSize, 5)
	def(&c.Stride, 1)
	def(&c.HiddenSize, 100)
	def(&c.OutputSize, 10)
	if c.InitStd == 0 {
		c.InitStd = 0.01
	}
	dt, rng := fill(s, c.DType, c.Rand)
	std := nn.Normal(c.InitStd)
	ch, h, w := c.InputDim[0], c.InputDim[1], c.InputDim[2]
	oh := (h+2*c.Pad-c.FilterSize)/c.Stride + 1
	ow := (w+2*c.Pad-c.FilterSize)/c.Stride + 1
	flat := c.FilterNum * (oh / 2) * (ow / 2)
	return &Net{Scope: s, Sequential: nn.Sequential{Layers: []nn.Layer{
		conv(s, 1, c.FilterNum, ch, c.FilterSize, c.Stride, c.Pad, std, dt, rng), nn.ReLU, nn.MaxPool2D(nn.PoolOpts{Size: 2}),
		affine(s, 2, flat, c.HiddenSize, std, dt, rng), nn.ReLU,
		affine(s, 3, c.HiddenSize, c.OutputSize, std, dt, rng),
	}}}
}

// DeepConvNetConfig is the book's DeepConvNet arguments; zero fields take the book's
// defaults: input 1x28x28, filters 16 16 32 32 64 64, hidden 50, output 10.
type DeepConvNetConfig struct {
	InputDim           [3]int
	Filters            [6]int
	HiddenSize, Output int
	Options
}

// NewDeepConvNet adds chapter 8's DeepConvNet: conv 3x3 16 pad 1, ReLU, conv 3x3 16 pad 1,
// ReLU, pool 2; conv 3x3 32 pad 1, ReLU, conv 3x3 32 pad 2, ReLU, pool 2; conv 3x3 64 pad 1,
// ReLU, conv 3x3 64 pad 1, ReLU, pool 2; Affine 1024-50, ReLU, dropout 0.5; Affine 50-10,
// dropout 0.5 (the book's scaling). He initialization (fan-in C*3*3 for convs);
// parameters W1..W6 (filters), W7 (1024,50), W8 (50,10), b1..b8.
func NewDeepConvNet(s graph.Scope, c DeepConvNetConfig) *Net {
	if c.InputDim == [3]int{} {
		c.InputDim = [3]int{1, 28, 28}
	}
	if c.Filters == [6]int{} {
		c.Filters = [6]int{16, 16, 32, 32, 64, 64}
	}
	def(&c.HiddenSize, 50)
	def(&c.Output, 10)
	dt, rng := fill(s, c.DType, c.Rand)
	he := nn.He()
	f := c.Filters
	cv := func(i, ch, pad int) nn.Layer { return conv(s, i, f[i-1], ch, 3, 1, pad, he, dt, rng) }
	pool := func() nn.Layer { return nn.MaxPool2D(nn.PoolOpts{Size: 2}) }
	drop := func() nn.Layer { return nn.NewDropout(s.Graph(), nn.DropoutOpts{Ratio: 0.5, Rand: rng}) }
	h, w := c.InputDim[1], c.InputDim[2]
	h, w = (h/2+2)/2/2, (w/2+2)/2/2 // pool, pad-2 conv (+2), pool, pool
	return &Net{Scope: s, Sequential: nn.Sequential{Layers: []nn.Layer{
		cv(1, c.InputDim[0], 1), nn.ReLU, cv(2, f[0], 1), nn.ReLU, pool(),
		cv(3, f[1], 1), nn.ReLU, cv(4, f[2], 2), nn.ReLU, pool(),
		cv(5, f[3], 1), nn.ReLU, cv(6, f[4], 1), nn.ReLU, pool(),
		affine(s, 7, f[5]*h*w, c.HiddenSize, he, dt, rng), nn.ReLU, drop(),
		affine(s, 8, c.HiddenSize, c.Output, he, dt, rng), drop(),
	}}}
}
