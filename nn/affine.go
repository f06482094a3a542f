package nn

import (
	"math/rand/v2"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// Affine is the book's fully connected layer: x W + b, with W [In Out] (PyTorch's Linear
// stores the transpose). An input of more than two axes is flattened first (row-major over
// C, H, W).
type Affine struct {
	W, B *graph.Node // B is nil with NoBias
}

// AffineOpts configures an Affine layer; zero fields take the defaults.
type AffineOpts struct {
	In, Out int         // input and output features (required)
	Init    Init        // W ~ N(0, Init(In)^2); default He (the book's MultiLayerNet default)
	NoBias  bool        // leave out b
	DType   graph.DType // default Float32
	Rand    *rand.Rand  // default the graph's (graph.Graph.Rand)
}

// NewAffine adds an affine layer's parameters in s: s.Name("W") from Init, s.Name("b") zero.
//
//	fc := nn.NewAffine(g.In("fc1"), nn.AffineOpts{In: 784, Out: 100}) // fc1.W, fc1.b
func NewAffine(s graph.Scope, o AffineOpts) *Affine {
	if o.In <= 0 || o.Out <= 0 {
		panic(&graph.ShapeError{Op: "affine", Inputs: []string{s.Path()}, Reason: "AffineOpts needs In and Out > 0"})
	}
	dt, rng, init := defaults(s, o.DType, o.Rand, o.Init)
	l := &Affine{W: s.Param("W", RandomTensor(rng, dt, init(o.In), o.In, o.Out))}
	if !o.NoBias {
		l.B = s.Param("b", graph.NewTensor(dt, o.Out))
	}
	return l
}

func (l *Affine) Forward(x *graph.Node) *graph.Node {
	if len(x.Shape()) > 2 {
		x = ops.Flatten(x)
	}
	y := ops.MatMul(x, l.W)
	if l.B == nil {
		return y
	}
	return ops.Add(y, l.B)
}

// defaults fills in a layer's element type (Float32), random source (the graph's) and
// initializer (He).
func defaults(s graph.Scope, dt graph.DType, rng *rand.Rand, init Init) (graph.DType, *rand.Rand, Init) {
	if dt == 0 {
		dt = graph.Float32
	}
	if rng == nil {
		rng = s.Graph().Rand()
	}
	if init == nil {
		init = He()
	}
	return dt, rng, init
}

// Conv2D is the book's Convolution layer: filters W [Out In KH KW] and bias b [Out] over
// NCHW input.
type Conv2D struct {
	W, B        *graph.Node // B is nil with NoBias
	Stride, Pad int
}

// Conv2DOpts configures a Conv2D layer; zero fields take the book's defaults.
type Conv2DOpts struct {
	In, Out     int         // input channels and filters (required)
	Size        int         // square filter side (required unless KH and KW are set)
	KH, KW      int         // filter height and width when not square
	Stride, Pad int         // default 1 and 0
	Init        Init        // W ~ N(0, Init(In*KH*KW)^2); default He
	NoBias      bool        // leave out b
	DType       graph.DType // default Float32
	Rand        *rand.Rand  // default the graph's
}

// NewConv2D adds a convolution's parameters in s: s.Name("W") from Init, s.Name("b") zero.
//
//	conv := nn.NewConv2D(g.In("conv1"), nn.Conv2DOpts{In: 1, Out: 30, Size: 5})
func NewConv2D(s graph.Scope, o Conv2DOpts) *Conv2D {
	if o.KH == 0 {
		o.KH = o.Size
	}
	if o.KW == 0 {
		o.KW = o.Size
	}
	if o.Stride == 0 {
		o.Stride = 1
	}
	if o.In <= 0 || o.Out <= 0 || o.KH <= 0 || o.KW <= 0 {
		panic(&graph.ShapeError{Op: "conv2d", Inputs: []string{s.Path()}, Reason: "Conv2DOpts needs In, Out and Size (or KH and KW) > 0"})
	}
	dt, rng, init := defaults(s, o.DType, o.Rand, o.Init)
	l := &Conv2D{Stride: o.Stride, Pad: o.Pad,
		W: s.Param("W", RandomTensor(rng, dt, init(o.In*o.KH*o.KW), o.Out, o.In, o.KH, o.KW))}
	if !o.NoBias {
		l.B = s.Param("b", graph.NewTensor(dt, o.Out))
	}
	return l
}

func (l *Conv2D) Forward(x *graph.Node) *graph.Node {
	if l.B == nil {
		return ops.Conv2D(x, l.W, l.Stride, l.Pad)
	}
	return ops.Conv2DBias(x, l.W, l.B, l.Stride, l.Pad)
}

// Pool2D is the book's Pooling layer (max by default, or average).
type Pool2D struct {
	PoolOpts
	Average bool
}

// PoolOpts configures a pooling window; zero fields take the defaults.
type PoolOpts struct {
	Size   int // square window side (required unless H and W are set)
	H, W   int // window height and width when not square
	Stride int // default: the window's side, so windows do not overlap
	Pad    int
}

func (o PoolOpts) filled() PoolOpts {
	if o.H == 0 {
		o.H = o.Size
	}
	if o.W == 0 {
		o.W = o.Size
	}
	if o.Stride == 0 {
		o.Stride = o.H
	}
	return o
}

// MaxPool2D is a max-pooling layer: nn.MaxPool2D(nn.PoolOpts{Size: 2}) is the book's 2x2,
// stride 2.
func MaxPool2D(o PoolOpts) *Pool2D { return &Pool2D{PoolOpts: o.filled()} }

// AvgPool2D is an average-pooling layer.
func AvgPool2D(o PoolOpts) *Pool2D { return &Pool2D{PoolOpts: o.filled(), Average: true} }

func (l *Pool2D) Forward(x *graph.Node) *graph.Node {
	if l.Average {
		return ops.AvgPool2D(x, l.H, l.W, l.Stride, l.Pad)
	}
	return ops.MaxPool2D(x, l.H, l.W, l.Stride, l.Pad)
}
