package ops

import (
	"math"
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/vmath"
)

// ---- tanh ----

type tanhOp struct{}

var _ graph.Op = tanhOp{}

func (tanhOp) Name() string                               { return "tanh" }
func (tanhOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (tanhOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(y, in[0], nil, 0, tanhK[float32], tanhK[float64])
	return nil
}

// tanhK is an elementwise kernel (elementwise_parallel.go): it runs on all cores, float32
// through internal/vmath.
func tanhK[T float](y, x, _ []T, _ T) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		vmath.Tanh(f32s(y), f32s(x))
		return
	}
	mapK(y, x, math.Tanh)
}

// d/dx tanh(x) = 1 - y^2.
func (tanhOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(tanhGradOp{}, gy, y)}
}

// Tanh returns the hyperbolic tangent of x.
func Tanh(x *graph.Node) *graph.Node { return graph.Apply(tanhOp{}, x) }

// tanhGradOp computes gy * (1 - y^2) in one pass; it is differentiable again.
type tanhGradOp struct{}

var _ graph.Op = tanhGradOp{}

func (tanhGradOp) Name() string                               { return "tanh_grad" }
func (tanhGradOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (tanhGradOp) Forward(out *tensor.Dense, in ...*tensor.Dense) error {
	binary(out, in[0], in[1], tanhGradK[float32], tanhGradK[float64])
	return nil
}
func (tanhGradOp) Grad(x []*graph.Node, out, g *graph.Node) []*graph.Node {
	gy, y := x[0], x[1]
	return []*graph.Node{
		graph.Apply(tanhGradOp{}, g, y),
		Mul(Mul(g, gy), MulScalar(y, -2)), // d/dy gy(1-y^2) = -2 y gy
	}
}

func tanhGradK[T float](out, gy, y []T) {
	y = y[:len(gy)]
	out = out[:len(gy)]
	for i, g := range gy {
		out[i] = g * (1 - y[i]*y[i])
	}
}

// ---- sigmoid ----

type sigmoidOp struct{}

var _ graph.Op = sigmoidOp{}

func (sigmoidOp) Name() string                               { return "sigmoid" }
func (sigmoidOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (sigmoidOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(y, in[0], nil, 0, sigmoidK[float32], sigmoidK[float64])
	return nil
}

// The book's sigmoid node: gx = gy * y * (1 - y).
func (sigmoidOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(sigmoidGradOp{}, gy, y)}
}

// sigmoidK is an elementwise kernel (elementwise_parallel.go): it runs on all cores, float32
// through internal/vmath.
func sigmoidK[T float](y, x, _ []T, _ T) {
	var z T
	if unsafe.Sizeof(z) == 4 {
		vmath.Sigmoid(f32s(y), f32s(x))
		return
	}
	y = y[:len(x)]
	for i, v := range x {
		y[i] = T(1 / (1 + math.Exp(-float64(v))))
	}
}

// Sigmoid returns 1 / (1 + e^-x).
func Sigmoid(x *graph.Node) *graph.Node { return graph.Apply(sigmoidOp{}, x) }

// sigmoidGradOp computes gy * y * (1 - y) in one pass; it is differentiable again.
type sigmoidGradOp struct{}

var _ graph.Op = sigmoidGradOp{}

func (sigmoidGradOp) Name() string                               { return "sigmoid_grad" }
func (sigmoidGradOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (sigmoidGradOp) Forward(out *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(out, in[0], in[1], 0, sigmoidGradK[float32], sigmoidGradK[float64])
	return nil
}
func (sigmoidGradOp) Grad(x []*graph.Node, out, g *graph.Node) []*graph.Node {
	gy, y := x[0], x[1]
	one := scalarOf(y, 1)
	return []*graph.Node{
		graph.Apply(sigmoidGradOp{}, g, y),
		Mul(Mul(g, gy), Sub(one, MulScalar(y, 2))), // d/dy gy y(1-y) = gy (1 - 2y)
	}
}

// sigmoidGradK is an elementwise kernel (elementwise_parallel.go): it runs on all cores.
func sigmoidGradK[T float](out, gy, y []T, _ T) {
	y = y[:len(gy)]
	out = out[:len(gy)]
	for i, g := range gy {
		out[i] = g * y[i] * (1 - y[i])
	}
}

// ---- relu, leaky relu, step ----

type leakyReLUOp struct{ slope float64 }

var _ graph.Op = leakyReLUOp{}

func (o leakyReLUOp) Name() string {
	if o.slope == 0 {
		return "relu"
	}
	return "leaky_relu"
}
func (leakyReLUOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (o leakyReLUOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(y, in[0], nil, o.slope, leakyEW[float32], leakyEW[float64])
	return nil
}

// The book's ReLU node: the gradient passes where x > 0 and is stopped (or scaled by the slope) elsewhere.
// With a slope of at least 0, y > 0 exactly where x > 0 (y is x there, and 0, -0 or
// slope*x <= 0 elsewhere), so the mask is read from the output, as the book's mask is kept
// by the layer: then the ReLU is its input's only reader, and a convolution fuses it into
// its kernel in training too (fuse.go), not only in inference.
func (o leakyReLUOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	if o.slope >= 0 {
		return []*graph.Node{graph.Apply(reluGradOp{o.slope}, gy, y)}
	}
	return []*graph.Node{graph.Apply(reluGradOp{o.slope}, gy, x[0])}
}

// ReLU returns max(0, x).
func ReLU(x *graph.Node) *graph.Node { return graph.Apply(leakyReLUOp{}, x) }

// LeakyReLU returns x where x > 0 and slope * x elsewhere.
func LeakyReLU(x *graph.Node, slope float64) *graph.Node {
	return graph.Apply(leakyReLUOp{slope}, x)
}

// reluGradOp passes gy where x > 0 and slope * gy elsewhere. It is linear in gy (its own
// gradient) and piecewise constant in x (no gradient).
type reluGradOp struct{ slope float64 }

var _ graph.Op = reluGradOp{}

func (reluGradOp) Name() string                               { return "relu_grad" }
func (reluGradOp) Shape(in ...graph.Type) (graph.Type, error) { return sameType(in...) }
func (o reluGradOp) Forward(out *tensor.Dense, in ...*tensor.Dense) error {
	elementwise(out, in[0], in[1], o.slope, reluGradK[float32], reluGradK[float64])
	return nil
}
func (o reluGradOp) Grad(x []*graph.Node, out, g *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(reluGradOp{o.slope}, g, x[1]), nil}
}

// leakyEW is leakyK as an elementwise kernel (elementwise_parallel.go): it runs on all cores.
func leakyEW[T float](y, x, _ []T, slope T) { leakyK(y, x, slope) }

// leakyK is branch-free: max and min compile to vector-friendly code, where a data-dependent
// branch on random signs mispredicts half the time.
func leakyK[T float](y, x []T, slope T) {
	y = y[:len(x)]
	if slope == 0 {
		var z T
		if unsafe.Sizeof(z) == 4 { // AVX2 where there is (vec_amd64.s)
			n := relu32Vec(f32s(y), f32s(x))
			y, x = y[n:], x[n:]
		}
		for i, v := range x {
			y[i] = max(v, 0)
		}
		return
	}
	for i, v := range x {
		y[i] = max(v, 0) + slope*min(v, 0)
	}
}

// reluGradK passes gy where x > 0 and slope*gy elsewhere, selecting by the sign bits of x
// rather than by a branch. It is an elementwise kernel (elementwise_parallel.go): it runs on
// all cores.
func reluGradK[T float](out, gy, x []T, slope T) {
	x = x[:len(gy)]
	out = out[:len(gy)]
	var z T
	if unsafe.Sizeof(z) == 4 {
		reluGrad32(f32s(out), f32s(gy), f32s(x), float32(slope))
		return
	}
	reluGrad64(f64s(out), f64s(gy), f64s(x), float64(slope))
}

func reluGrad32(out, gy, x []float32, slope float32) {
	x = x[:len(gy)]
	out = out[:len(gy)]
	n := reluGrad32Vec(out, gy, x, slope) // AVX2 where there is (vec_amd64.s)
	out, gy, x = out[n:], gy[n:], x[n:]
	for i, g := range gy {
		b := math.Float32bits(x[i])
		m := uint32(int32(b-1)>>31) | uint32(int32(b)>>31) // all ones where x <= 0 (or -0)
		out[i] = math.Float32frombits(math.Float32bits(g)&^m | math.Float32bits(slope*g)&m)
	}
}

func reluGrad64(out, gy, x []float64, slope float64) {
	x = x[:len(gy)]
	out = out[:len(gy)]
	for i, g := range gy {
		b := math.Float64bits(x[i])
		m := uint64(int64(b-1)>>63) | uint64(int64(b)>>63)
		out[i] = math.Float64frombits(math.Float64bits(g)&^m | math.Float64bits(slope*g)&m)
	}
}

type stepOp struct{}

var _ graph.Op = stepOp{}

func (stepOp) Name() string                               { return "step" }
func (stepOp) Shape(in ...graph.Type) (graph.Type, error) { return in[0], arity(in, 1) }
func (stepOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	unary(y, in[0], stepK[float32], stepK[float64])
	return nil
}

// The step function is flat almost everywhere: no gradient flows (the book's reason to leave it).
func (stepOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return []*graph.Node{nil} }

func stepK[T float](y, x []T) {
	y = y[:len(x)]
	for i, v := range x {
		if v > 0 {
			y[i] = 1
		} else {
			y[i] = 0
		}
	}
}

// Step returns 1 where x > 0 and 0 elsewhere (the perceptron's activation). It has no gradient.
func Step(x *graph.Node) *graph.Node { return graph.Apply(stepOp{}, x) }

// ---- softmax and log-softmax on an axis ----

type softmaxOp struct {
	axis int
	log  bool
}

var _ graph.Op = softmaxOp{}

func (o softmaxOp) Name() string {
	if o.log {
		return "log_softmax"
	}
	return "softmax"
}
func (o softmaxOp) Shape(in ...graph.Type) (graph.Type, error) {
	_, err := normAxis(o.axis, len(in[0].Shape))
	return in[0], err
}
func (o softmaxOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	outer, n, inner := splitAxis(shapeOf(in[0]), o.axis)
	if is32(y) {
		runRows(softmaxRows[float32]{}, rowArgs[float32]{y: y.Float32s(), x: in[0].Float32s(), d: n, inner: inner, flag: o.log}, outer, 4*outer*n*inner)
	} else {
		runRows(softmaxRows[float64]{}, rowArgs[float64]{y: y.Float64s(), x: in[0].Float64s(), d: n, inner: inner, flag: o.log}, outer, 4*outer*n*inner)
	}
	return nil
}

// softmaxRows is softmaxK over the outer index, as a row kernel (rows_parallel.go): it
// runs on all cores.
type softmaxRows[T float] struct{}

func (softmaxRows[T]) run(a rowArgs[T], lo, hi int) {
	w := a.d * a.inner
	softmaxK(a.y[lo*w:hi*w], a.x[lo*w:hi*w], hi-lo, a.d, a.inner, a.flag)
}

// softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy).
func (o softmaxOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	if o.log {
		return []*graph.Node{Sub(gy, Mul(Exp(y), SumKeep(gy, o.axis)))}
	}
	return []*graph.Node{Mul(y, Sub(gy, SumKeep(Mul(gy, y), o.axis)))}
}

// softmaxK subtracts the maximum before exponentiating, so large inputs cannot overflow.
func softmaxK[T float](y, x []T, outer, n, inner int, log bool) {
	for o := 0; o < outer; o++ {
		base := o * n * inner
		for in := 0; in < inner; in++ {
			m := math.Inf(-1)
			for k := 0; k < n; k++ {
				if v := float64(x[base+k*inner+in]); v > m || v != v { // not math.Max: a call per element
					m = v
				}
			}
			if math.IsInf(m, -1) {
				// Every entry masked with -Inf: probabilities 0 (log -Inf) rather than NaN,
				// and the gradients stay finite.
				v := T(0)
				if log {
					v = T(math.Inf(-1))
				}
				for k := 0; k < n; k++ {
					y[base+k*inner+in] = v
				}
				continue
			}
			var s float64
			k := 0
			if z := T(0); inner == 1 && unsafe.Sizeof(z) == 4 { // a float32 row: internal/vmath
				s, k = expRow32(f32s(y[base:base+n]), f32s(x[base:base+n]), float32(m), log), n
			}
			for ; k < n; k++ {
				i := base + k*inner + in
				e := math.Exp(float64(x[i]) - m)
				s += e
				if !log {
					y[i] = T(e)
				}
			}
			if log {
				ls := m + math.Log(s)
				for k := 0; k < n; k++ {
					i := base + k*inner + in
					y[i] = T(float64(x[i]) - ls)
				}
				continue
			}
			inv := 1 / s
			for k := 0; k < n; k++ {
				y[base+k*inner+in] *= T(inv)
			}
		}
	}
}

// expRow32 is softmaxK's sum of e^(x-m) over a float32 row, written to y unless log.
func expRow32(y, x []float32, m float32, log bool) float64 {
	if log {
		return float64(vmath.SumExp(x, m))
	}
	return float64(vmath.ExpSum(y, x, m))
}

// Softmax normalizes x along axis (negative counts from the end) to probabilities. Entries
// of -Inf (masked, e.g. by MaskedFill) get probability 0 and finite gradients; a slice
// that is all -Inf gets all zeros (PyTorch gives NaN there), and gradients of zero.
func Softmax(x *graph.Node, axis int) *graph.Node {
	return graph.Apply(softmaxOp{axis: mustAxis("softmax", x, axis)}, x)
}

// LogSoftmax returns log(Softmax(x, axis)), computed stably. Masked entries (-Inf) give
// -Inf and a gradient of zero; a slice that is all -Inf gives all -Inf, with the output's
// gradient passed through unchanged (PyTorch gives NaN there).
func LogSoftmax(x *graph.Node, axis int) *graph.Node {
	return graph.Apply(softmaxOp{axis: mustAxis("log_softmax", x, axis), log: true}, x)
}

func mustAxis(op string, x *graph.Node, axis int) int {
	a, err := normAxis(axis, len(x.Shape()))
	if err != nil {
		panic(&graph.ShapeError{Op: op, Inputs: []string{x.Label()}, Shapes: []graph.Shape{x.Shape()}, Reason: err.Error()})
	}
	return a
}
