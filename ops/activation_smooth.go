package ops

import (
	"math"
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/vmath"
)

// The smooth activations of transformers and recurrent nets: GELU (exact, with erf, and
// its tanh approximation), SiLU (swish) and softplus, each as PyTorch defines it. Each is
// an op whose kernel runs on all cores (elementwise_parallel.go), with a gradient op that
// computes gy * f'(x) in one pass; the gradient op's own gradient is written with ops
// (f''(x) from Sigmoid, Tanh, Exp), so any order of derivative works.

type smoothKind uint8

const (
	geluErf smoothKind = iota
	geluTanh
	silu
	softplus
)

// smoothKernels are each kind's name, f and gy * f' kernels, by element type.
var smoothKernels = [...]struct {
	name     string
	f32, g32 ewKernel[float32]
	f64, g64 ewKernel[float64]
}{
	geluErf:  {"gelu", geluErfK[float32], geluErfGradK[float32], geluErfK[float64], geluErfGradK[float64]},
	geluTanh: {"gelu_tanh", geluTanhK[float32], geluTanhGradK[float32], geluTanhK[float64], geluTanhGradK[float64]},
	silu:     {"silu", siluK[float32], siluGradK[float32], siluK[float64], siluGradK[float64]},
	softplus: {"softplus", softplusK[float32], softplusGradK[float32], softplusK[float64], softplusGradK[float64]},
}

type smoothOp struct{ kind smoothKind }

var _ graph.Op = smoothOp{}

func (o smoothOp) Name() string                             { return smoothKernels[o.kind].name }
func (smoothOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (o smoothOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	k := &smoothKernels[o.kind]
	elementwise(y, in[0], nil, 0, k.f32, k.f64)
	return nil
}
func (o smoothOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(smoothGradOp(o), gy, x[0])}
}

// GELU is x Φ(x) with Φ the standard normal distribution function: PyTorch's gelu.
func GELU(x *graph.Node) *graph.Node { return graph.Apply(smoothOp{geluErf}, x) }

// GELUTanh is GELU's tanh approximation 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x^3))):
// PyTorch's gelu(x, approximate="tanh"), GPT-2's.
func GELUTanh(x *graph.Node) *graph.Node { return graph.Apply(smoothOp{geluTanh}, x) }

// SiLU is x sigmoid(x) (swish): PyTorch's silu.
func SiLU(x *graph.Node) *graph.Node { return graph.Apply(smoothOp{silu}, x) }

// Softplus is log(1 + e^x), computed without overflow: PyTorch's softplus (beta 1).
func Softplus(x *graph.Node) *graph.Node { return graph.Apply(smoothOp{softplus}, x) }

// smoothGradOp is gy * f'(x) for inputs (gy, x): linear in gy (its own gradient there),
// and gy * f”(x) in x, written with ops.
type smoothGradOp struct{ kind smoothKind }

var _ graph.Op = smoothGradOp{}

func (o smoothGradOp) Name() string                             { return smoothKernels[o.kind].name + "_grad" }
func (smoothGradOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (o smoothGradOp) Forward(out *tensor.Dense, in ...*tensor.Dense) error {
	k := &smoothKernels[o.kind]
	elementwise(out, in[0], in[1], 0, k.g32, k.g64)
	return nil
}
func (o smoothGradOp) Grad(x []*graph.Node, out, g *graph.Node) []*graph.Node {
	gy, xv := x[0], x[1]
	return []*graph.Node{graph.Apply(o, g, xv), Mul(Mul(g, gy), o.second(xv))}
}

// second is f”(x) written with ops.
func (o smoothGradOp) second(x *graph.Node) *graph.Node {
	one := func(v float64) *graph.Node { return scalarOf(x, v) }
	switch o.kind {
	case geluErf: // phi(x) (2 - x^2)
		phi := MulScalar(Exp(MulScalar(Square(x), -0.5)), 1/math.Sqrt(2*math.Pi))
		return Mul(phi, Sub(one(2), Square(x)))
	case geluTanh: // (1-t^2) (u' + x/2 (u'' - 2 t u'^2)), u = c (x + a x^3)
		const a = 0.044715
		c := math.Sqrt(2 / math.Pi)
		t := Tanh(MulScalar(Add(x, MulScalar(Pow(x, 3), a)), c))
		du := AddScalar(MulScalar(Square(x), 3*a*c), c)
		d2u := MulScalar(x, 6*a*c)
		inner := Add(du, Mul(MulScalar(x, 0.5), Sub(d2u, Mul(MulScalar(t, 2), Square(du)))))
		return Mul(Sub(one(1), Square(t)), inner)
	case silu: // s (1-s) (2 + x (1 - 2s))
		s := Sigmoid(x)
		return Mul(Mul(s, Sub(one(1), s)), AddScalar(Mul(x, Sub(one(1), MulScalar(s, 2))), 2))
	default: // softplus: s (1-s)
		s := Sigmoid(x)
		return Mul(s, Sub(one(1), s))
	}
}

// ---- kernels, in float64 arithmetic for float64 (float32: the *32 functions below);
// elementwise kernels run on all cores ----

const geluTanhA = 0.044715

var sqrt2OverPi = math.Sqrt(2 / math.Pi)

func geluErfK[T float](y, x, _ []T, _ T) {
	y = y[:len(x)]
	for i, v := range x {
		f := float64(v)
		y[i] = T(0.5 * f * (1 + math.Erf(f/math.Sqrt2)))
	}
}

// d/dx x Φ(x) = Φ(x) + x φ(x).
func geluErfGradK[T float](out, gy, x []T, _ T) {
	x, out = x[:len(gy)], out[:len(gy)]
	for i, g := range gy {
		f := float64(x[i])
		cdf := 0.5 * (1 + math.Erf(f/math.Sqrt2))
		pdf := math.Exp(-0.5*f*f) / math.Sqrt(2*math.Pi)
		out[i] = T(float64(g) * (cdf + f*pdf))
	}
}

func geluTanhK[T float](y, x, _ []T, _ T) {
	if is32T[T]() {
		geluTanh32(f32s(y), f32s(x))
		return
	}
	y = y[:len(x)]
	for i, v := range x {
		f := float64(v)
		y[i] = T(0.5 * f * (1 + math.Tanh(sqrt2OverPi*(f+geluTanhA*f*f*f))))
	}
}

// d/dx x (1 + t)/2 = (1 + t)/2 + x (1 - t^2) u'/2.
func geluTanhGradK[T float](out, gy, x []T, _ T) {
	if is32T[T]() {
		geluTanhGrad32(f32s(out), f32s(gy), f32s(x))
		return
	}
	x, out = x[:len(gy)], out[:len(gy)]
	for i, g := range gy {
		f := float64(x[i])
		t := math.Tanh(sqrt2OverPi * (f + geluTanhA*f*f*f))
		du := sqrt2OverPi * (1 + 3*geluTanhA*f*f)
		out[i] = T(float64(g) * (0.5*(1+t) + 0.5*f*(1-t*t)*du))
	}
}

func siluK[T float](y, x, _ []T, _ T) {
	if is32T[T]() {
		silu32(f32s(y), f32s(x))
		return
	}
	y = y[:len(x)]
	for i, v := range x {
		f := float64(v)
		y[i] = T(f / (1 + math.Exp(-f)))
	}
}

// d/dx x s(x) = s (1 + x (1 - s)).
func siluGradK[T float](out, gy, x []T, _ T) {
	if is32T[T]() {
		siluGrad32(f32s(out), f32s(gy), f32s(x))
		return
	}
	x, out = x[:len(gy)], out[:len(gy)]
	for i, g := range gy {
		f := float64(x[i])
		s := 1 / (1 + math.Exp(-f))
		out[i] = T(float64(g) * s * (1 + f*(1-s)))
	}
}

// softplus(x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x|.
func softplusK[T float](y, x, _ []T, _ T) {
	if is32T[T]() {
		softplus32(f32s(y), f32s(x))
		return
	}
	y = y[:len(x)]
	for i, v := range x {
		f := float64(v)
		y[i] = T(math.Max(f, 0) + math.Log1p(math.Exp(-math.Abs(f))))
	}
}

// d/dx softplus(x) = sigmoid(x).
func softplusGradK[T float](out, gy, x []T, _ T) {
	if is32T[T]() {
		softplusGrad32(f32s(out), f32s(gy), f32s(x))
		return
	}
	x, out = x[:len(gy)], out[:len(gy)]
	for i, g := range gy {
		out[i] = T(float64(g) / (1 + math.Exp(-float64(x[i]))))
	}
}

// ---- float32 kernels: float32 arithmetic around internal/vmath's sigmoid and exp, a
// chunk at a time through a buffer on the stack ----

// is32T reports whether T is float32.
func is32T[T float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// smoothChunk is the length of the stack buffer the float32 kernels work through.
const smoothChunk = 256

// geluTanh32 computes 0.5 x (1 + tanh(u)) as x sigmoid(2u), u = c (x + a x^3): the same
// value, without the cancellation of 1 + tanh(u) for negative x.
func geluTanh32(y, x []float32) {
	y = y[:len(x)]
	var buf [smoothChunk]float32
	const c2, ca2 = float32(2 * 0.7978845608028654), float32(2 * 0.7978845608028654 * geluTanhA)
	for len(x) > 0 {
		s := buf[:min(len(x), smoothChunk)]
		for i, v := range x[:len(s)] {
			s[i] = v * (c2 + ca2*v*v)
		}
		vmath.Sigmoid(s, s)
		for i, v := range x[:len(s)] {
			y[i] = v * s[i]
		}
		x, y = x[len(s):], y[len(s):]
	}
}

// geluTanhGrad32 computes gy s (1 + 2x (1-s) u'), s = sigmoid(2u): with t = tanh(u) =
// 2s - 1, that is gy ((1 + t)/2 + x (1 - t^2) u'/2).
func geluTanhGrad32(out, gy, x []float32) {
	x, out = x[:len(gy)], out[:len(gy)]
	var buf [smoothChunk]float32
	const c, c2, ca2 = float32(0.7978845608028654), float32(2 * 0.7978845608028654), float32(2 * 0.7978845608028654 * geluTanhA)
	const c3a = float32(3 * 0.7978845608028654 * geluTanhA)
	for len(x) > 0 {
		s := buf[:min(len(x), smoothChunk)]
		for i, v := range x[:len(s)] {
			s[i] = v * (c2 + ca2*v*v)
		}
		vmath.Sigmoid(s, s)
		for i, v := range x[:len(s)] {
			// Beyond |x| = 10 the second term is 0 (s = 1) or below 1e-36 (s < 1e-38);
			// clamping x there keeps x^3 from overflowing into 0 * Inf.
			w := max(min(v, 10), -10)
			du := c + c3a*w*w
			out[i] = gy[i] * s[i] * (1 + 2*w*(1-s[i])*du)
		}
		x, gy, out = x[len(s):], gy[len(s):], out[len(s):]
	}
}

func silu32(y, x []float32) {
	y = y[:len(x)]
	var buf [smoothChunk]float32
	for len(x) > 0 {
		s := buf[:min(len(x), smoothChunk)]
		vmath.Sigmoid(s, x[:len(s)])
		for i, v := range x[:len(s)] {
			y[i] = v * s[i]
		}
		x, y = x[len(s):], y[len(s):]
	}
}

func siluGrad32(out, gy, x []float32) {
	x, out = x[:len(gy)], out[:len(gy)]
	var buf [smoothChunk]float32
	for len(x) > 0 {
		s := buf[:min(len(x), smoothChunk)]
		vmath.Sigmoid(s, x[:len(s)])
		for i, v := range x[:len(s)] {
			out[i] = gy[i] * s[i] * (1 + v*(1-s[i]))
		}
		x, gy, out = x[len(s):], gy[len(s):], out[len(s):]
	}
}

// softplus32 computes max(x, 0) + log1p(e^-|x|), the exponential through vmath.
func softplus32(y, x []float32) {
	y = y[:len(x)]
	var buf [smoothChunk]float32
	for len(x) > 0 {
		e := buf[:min(len(x), smoothChunk)]
		for i, v := range x[:len(e)] {
			e[i] = -abs32(v)
		}
		vmath.Exp(e, e)
		for i, v := range x[:len(e)] {
			y[i] = max(v, 0) + float32(math.Log1p(float64(e[i])))
		}
		x, y = x[len(e):], y[len(e):]
	}
}

func softplusGrad32(out, gy, x []float32) {
	x, out = x[:len(gy)], out[:len(gy)]
	var buf [smoothChunk]float32
	for len(x) > 0 {
		s := buf[:min(len(x), smoothChunk)]
		vmath.Sigmoid(s, x[:len(s)])
		for i, g := range gy[:len(s)] {
			out[i] = g * s[i]
		}
		x, gy, out = x[len(s):], gy[len(s):], out[len(s):]
	}
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }
