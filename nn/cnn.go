package nn

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Conv2D is the book's Convolution layer: filters W [FN C FH FW] and bias b [FN] over NCHW input.
type Conv2D struct {
	W, B        *graph.Node
	Stride, Pad int
}

// NewConv2D adds the parameters W<name> and b<name> of a convolution with fn filters of
// c x fh x fw, W drawn from init with fanIn = c*fh*fw, b zero.
func NewConv2D(g *graph.Graph, name string, fn, c, fh, fw, stride, pad int, init Init, dt graph.DType, rng *rand.Rand) *Conv2D {
	return &Conv2D{
		W:      g.Param("W"+name, RandomTensor(rng, dt, init(c*fh*fw), fn, c, fh, fw)),
		B:      g.Param("b"+name, graph.NewTensor(dt, fn)),
		Stride: stride, Pad: pad,
	}
}

func (l *Conv2D) Forward(x *graph.Node) *graph.Node {
	return ops.Conv2DBias(x, l.W, l.B, l.Stride, l.Pad)
}

func (l *Conv2D) Params() []*graph.Node { return []*graph.Node{l.W, l.B} }

// Pool2D is the book's Pooling layer (max by default, or average).
type Pool2D struct {
	H, W, Stride, Pad int
	Average           bool
}

// MaxPool2D is a max-pooling layer with an h x w window.
func MaxPool2D(h, w, stride, pad int) *Pool2D { return &Pool2D{H: h, W: w, Stride: stride, Pad: pad} }

// AvgPool2D is an average-pooling layer with an h x w window.
func AvgPool2D(h, w, stride, pad int) *Pool2D {
	return &Pool2D{H: h, W: w, Stride: stride, Pad: pad, Average: true}
}

func (l *Pool2D) Forward(x *graph.Node) *graph.Node {
	if l.Average {
		return ops.AvgPool2D(x, l.H, l.W, l.Stride, l.Pad)
	}
	return ops.MaxPool2D(x, l.H, l.W, l.Stride, l.Pad)
}

func (*Pool2D) Params() []*graph.Node { return nil }

// BatchNorm is the book's BatchNormalization layer: learnable gamma<name> (ones) and
// beta<name> (zeros), and running statistics saved with the parameters as
// running_mean<name> and running_var<name>.
type BatchNorm struct {
	Gamma, Beta *graph.Node
	Stats       *ops.BatchNormStats
	name        string
	mode        *ops.Mode
}

// NewBatchNorm adds a batch normalization of c features (or channels) switched by mode.
func NewBatchNorm(g *graph.Graph, name string, c int, mode *ops.Mode, dt graph.DType) *BatchNorm {
	ones := make([]float64, c)
	for i := range ones {
		ones[i] = 1
	}
	return &BatchNorm{
		Gamma: g.Param("gamma"+name, graph.FromFloat64s(dt, []int{c}, ones)),
		Beta:  g.Param("beta"+name, graph.NewTensor(dt, c)),
		Stats: ops.NewBatchNormStats(dt, c),
		name:  name,
		mode:  mode,
	}
}

func (l *BatchNorm) Forward(x *graph.Node) *graph.Node {
	return ops.BatchNorm(x, l.Gamma, l.Beta, l.Stats, l.mode)
}

func (l *BatchNorm) Params() []*graph.Node { return []*graph.Node{l.Gamma, l.Beta} }

// Buffers are the running statistics, saved beside the parameters.
func (l *BatchNorm) Buffers() []NamedTensor {
	return []NamedTensor{{Name: "running_mean" + l.name, Value: l.Stats.Mean}, {Name: "running_var" + l.name, Value: l.Stats.Var}}
}

// Dropout is the book's Dropout layer. With Inverted false (the book's scaling) training
// zeros a random fraction Ratio of the units and inference multiplies by 1 - Ratio; with
// Inverted true training scales kept units by 1/(1 - Ratio) and inference is the identity.
//
// Each graph built from the layer (each Forward) draws its masks from a random stream of
// its own, a PCG seeded by two draws from the layer's rng when the graph is built. The
// streams' states are the layer's random state (RandomState), which nn.Trainer saves in
// its checkpoints, so that a resumed run draws the masks an uninterrupted one would.
type Dropout struct {
	Ratio    float64
	Inverted bool
	rng      *rand.Rand
	mode     *ops.Mode
	streams  []*rand.PCG // one per Forward, in the order the graphs were built
}

var _ Random = (*Dropout)(nil)

// NewDropout makes a dropout layer drawing its masks from rng, switched by mode.
func NewDropout(ratio float64, inverted bool, rng *rand.Rand, mode *ops.Mode) *Dropout {
	return &Dropout{Ratio: ratio, Inverted: inverted, rng: rng, mode: mode}
}

func (l *Dropout) Forward(x *graph.Node) *graph.Node {
	// Each use gets its own random stream, split from the layer's, so that two graphs built
	// from one layer (training and evaluation) do not share a source: the op locks its
	// stream while it draws, and no other op touches it.
	src := rand.NewPCG(l.rng.Uint64(), l.rng.Uint64())
	l.streams = append(l.streams, src)
	rng := rand.New(src)
	if l.Inverted {
		return ops.InvertedDropout(x, l.Ratio, rng, l.mode)
	}
	return ops.Dropout(x, l.Ratio, rng, l.mode)
}

// pcgStateSize is the length of a PCG's MarshalBinary: "pcg:" and two 64-bit words.
const pcgStateSize = 20

// RandomState returns the states of the layer's streams, one per graph built from it, in
// the order the graphs were built (20 bytes each, PCG's MarshalBinary). Call it between
// runs, not while a program built from the layer runs.
func (l *Dropout) RandomState() ([]byte, error) {
	state := make([]byte, 0, pcgStateSize*len(l.streams))
	for _, s := range l.streams {
		b, err := s.MarshalBinary()
		if err != nil {
			return nil, err
		}
		state = append(state, b...)
	}
	return state, nil
}

// SetRandomState restores states returned by RandomState into the layer's streams. The
// layer must have been used by as many graphs as when the state was taken (build the
// same graphs first); on any mismatch it returns an error and changes nothing. Call it
// between runs.
func (l *Dropout) SetRandomState(state []byte) error {
	if len(state)%pcgStateSize != 0 {
		return fmt.Errorf("nn: dropout: a random state of %d bytes is not a whole number of %d-byte streams", len(state), pcgStateSize)
	}
	if n := len(state) / pcgStateSize; n != len(l.streams) {
		return fmt.Errorf("nn: dropout: the random state holds %d streams, the layer has %d (one per graph built from it)", n, len(l.streams))
	}
	srcs := make([]rand.PCG, len(l.streams))
	for i := range srcs {
		if err := srcs[i].UnmarshalBinary(state[i*pcgStateSize : (i+1)*pcgStateSize]); err != nil {
			return fmt.Errorf("nn: dropout: stream %d: %w", i, err)
		}
	}
	for i, s := range l.streams {
		*s = srcs[i]
	}
	return nil
}

func (*Dropout) Params() []*graph.Node { return nil }

// Buffered is a layer or model with tensors to save beside its parameters (batch norm's
// running statistics).
type Buffered interface {
	Buffers() []NamedTensor
}

// Moded is a model whose layers differ between training and inference.
type Moded interface {
	Mode() *ops.Mode
}

// State lists what a model's file holds: its parameters, then its buffers.
func State(m Model) []NamedTensor {
	ts := Named(m.Params())
	if b, ok := m.(Buffered); ok {
		ts = append(ts, b.Buffers()...)
	}
	return ts
}

func buffersOf(layers []Layer) []NamedTensor {
	var ts []NamedTensor
	for _, l := range layers {
		if b, ok := l.(Buffered); ok {
			ts = append(ts, b.Buffers()...)
		}
	}
	return ts
}

// ConvNet is a network of layers ending in class scores, trained with
// softmax-cross-entropy (plus an optional L2 weight decay of the W parameters): the book's
// SimpleConvNet, DeepConvNet and MultiLayerNetExtend.
type ConvNet struct {
	Sequential
	mode  *ops.Mode
	decay float64 // L2 weight decay lambda over the W parameters
}

// Predict returns the class scores.
func (n *ConvNet) Predict(x *graph.Node) *graph.Node { return n.Forward(x) }

// Loss is the mean softmax-cross-entropy of the scores against t.
func (n *ConvNet) Loss(x, t *graph.Node) *graph.Node {
	loss := ops.SoftmaxCrossEntropy(n.Predict(x), t)
	var ws []*graph.Node
	for _, p := range n.Params() {
		if strings.HasPrefix(p.Name(), "W") {
			ws = append(ws, p)
		}
	}
	if d := WeightDecay(n.decay, ws...); d != nil {
		loss = ops.Add(loss, d)
	}
	return loss
}

// Mode switches dropout (and batch norm) between training and inference.
func (n *ConvNet) Mode() *ops.Mode { return n.mode }

// Buffers of the layers that have some.
func (n *ConvNet) Buffers() []NamedTensor { return buffersOf(n.Layers) }

// SimpleConvNetConfig is the book's SimpleConvNet arguments; zero fields take the book's
// defaults: input 1x28x28, 30 filters 5x5 stride 1 pad 0, hidden 100, output 10, std 0.01.
type SimpleConvNetConfig struct {
	InputDim                           [3]int // C, H, W
	FilterNum, FilterSize, Pad, Stride int
	HiddenSize, OutputSize             int
	InitStd                            float64
}

func (c SimpleConvNetConfig) withDefaults() SimpleConvNetConfig {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
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
	return c
}

// NewSimpleConvNet adds chapter 7's SimpleConvNet: conv (30 filters 5x5 stride 1 pad 0 by
// default), ReLU, max pool 2x2 stride 2, Affine (4320-100), ReLU, Affine (100-10); weights
// from N(0, 0.01^2); parameters W1 (30,1,5,5) b1, W2 (4320,100) b2, W3 (100,10) b3.
func NewSimpleConvNet(g *graph.Graph, c SimpleConvNetConfig, dt graph.DType, rng *rand.Rand) *ConvNet {
	c = c.withDefaults()
	std := Normal(c.InitStd)
	ch, h, w := c.InputDim[0], c.InputDim[1], c.InputDim[2]
	oh := (h+2*c.Pad-c.FilterSize)/c.Stride + 1
	ow := (w+2*c.Pad-c.FilterSize)/c.Stride + 1
	flat := c.FilterNum * (oh / 2) * (ow / 2)
	return &ConvNet{mode: ops.NewMode(false), Sequential: Sequential{Layers: []Layer{
		NewConv2D(g, "1", c.FilterNum, ch, c.FilterSize, c.FilterSize, c.Stride, c.Pad, std, dt, rng), ReLU, MaxPool2D(2, 2, 2, 0),
		NewAffine(g, "2", flat, c.HiddenSize, std, dt, rng), ReLU,
		NewAffine(g, "3", c.HiddenSize, c.OutputSize, std, dt, rng),
	}}}
}

// DeepConvNetConfig is the book's DeepConvNet arguments; zero fields take the book's
// defaults: input 1x28x28, filters 16 16 32 32 64 64, hidden 50, output 10.
type DeepConvNetConfig struct {
	InputDim           [3]int
	Filters            [6]int
	HiddenSize, Output int
}

// NewDeepConvNet adds chapter 8's DeepConvNet: conv 3x3 16 pad 1, ReLU, conv 3x3 16 pad 1,
// ReLU, pool 2; conv 3x3 32 pad 1, ReLU, conv 3x3 32 pad 2, ReLU, pool 2; conv 3x3 64 pad 1,
// ReLU, conv 3x3 64 pad 1, ReLU, pool 2; Affine 1024-50, ReLU, dropout 0.5; Affine 50-10,
// dropout 0.5 (the book's scaling). He initialization (fan-in C*3*3 for convs);
// parameters W1..W6 (filters), W7 (1024,50), W8 (50,10), b1..b8.
func NewDeepConvNet(g *graph.Graph, c DeepConvNetConfig, dt graph.DType, rng *rand.Rand) *ConvNet {
	if c.InputDim == [3]int{} {
		c.InputDim = [3]int{1, 28, 28}
	}
	if c.Filters == [6]int{} {
		c.Filters = [6]int{16, 16, 32, 32, 64, 64}
	}
	if c.HiddenSize == 0 {
		c.HiddenSize = 50
	}
	if c.Output == 0 {
		c.Output = 10
	}
	he := He()
	mode := ops.NewMode(false)
	f := c.Filters
	conv := func(i, c, pad int) Layer { return NewConv2D(g, fmt.Sprint(i), f[i-1], c, 3, 3, 1, pad, he, dt, rng) }
	pool := func() Layer { return MaxPool2D(2, 2, 2, 0) }
	h, w := c.InputDim[1], c.InputDim[2]
	h, w = (h/2+2)/2/2, (w/2+2)/2/2 // pool, pad-2 conv (+2), pool, pool
	return &ConvNet{mode: mode, Sequential: Sequential{Layers: []Layer{
		conv(1, c.InputDim[0], 1), ReLU, conv(2, f[0], 1), ReLU, pool(),
		conv(3, f[1], 1), ReLU, conv(4, f[2], 2), ReLU, pool(),
		conv(5, f[3], 1), ReLU, conv(6, f[4], 1), ReLU, pool(),
		NewAffine(g, "7", f[5]*h*w, c.HiddenSize, he, dt, rng), ReLU, NewDropout(0.5, false, rng, mode),
		NewAffine(g, "8", c.HiddenSize, c.Output, he, dt, rng), NewDropout(0.5, false, rng, mode),
	}}}
}

// ExtendConfig adds chapter 6's MultiLayerNetExtend options to MultiLayerConfig.
type ExtendConfig struct {
	MultiLayerConfig
	BatchNorm    bool
	Dropout      bool
	DropoutRatio float64 // default 0.5
}

// NewMultiLayerNetExtend adds MultiLayerNetExtend: each hidden Affine is followed by batch
// norm (gamma1, beta1, ...) when asked, the activation, and dropout when asked.
func NewMultiLayerNetExtend(g *graph.Graph, c ExtendConfig, rng *rand.Rand) (*ConvNet, error) {
	init, act, err := c.init()
	if err != nil {
		return nil, err
	}
	dt := c.DType
	if dt == 0 {
		dt = graph.Float32
	}
	ratio := c.DropoutRatio
	if ratio == 0 {
		ratio = 0.5
	}
	mode := ops.NewMode(false)
	sizes := append(append([]int{c.InputSize}, c.HiddenSizes...), c.OutputSize)
	var layers []Layer
	for i := 1; i < len(sizes); i++ {
		name := fmt.Sprint(i)
		layers = append(layers, NewAffine(g, name, sizes[i-1], sizes[i], init, dt, rng))
		if i == len(sizes)-1 {
			break
		}
		if c.BatchNorm {
			layers = append(layers, NewBatchNorm(g, name, sizes[i], mode, dt))
		}
		layers = append(layers, act)
		if c.Dropout {
			layers = append(layers, NewDropout(ratio, false, rng, mode))
		}
	}
	return &ConvNet{mode: mode, decay: c.WeightDecay, Sequential: Sequential{Layers: layers}}, nil
}
