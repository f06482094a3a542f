package ops

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/vmath"
)

// Causal softmax: the attention weights of a decoder, softmax(scale x + causal mask), in
// one pass per row that reads and exponentiates only the visible keys. For scores x
// [... T S] (S >= T), query i sees keys j <= i + S - T (with S = T: itself and the past);
// the weights above that diagonal are written as zeros. Next to Softmax(MulScalar(x,
// scale) + mask) it skips the scaled copy, the mask add (and its broadcast copy) and the
// exp of the masked half, and its gradient is one fused op instead of four.
//
// The numbers are those of the composition: each visible score is scaled in the element
// type, the row's maximum is subtracted before exponentiating, and the sum and its inverse
// are taken in float64; float32 rows exponentiate with vmath.ExpSum, as softmaxK does.

// causalSoftmaxOp is y = softmax over the visible keys of scale x, 0 above the diagonal.
type causalSoftmaxOp struct{ scale float64 }

var _ graph.Op = causalSoftmaxOp{}

func (causalSoftmaxOp) Name() string { return "causal_softmax" }
func (o causalSoftmaxOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	return in[0], causalShape(in[0].Shape)
}

// causalShape checks that s is [... T S] with S >= T, so every query sees a key.
func causalShape(s graph.Shape) error {
	if len(s) < 2 {
		return graph.Errorf("want scores [... T S], got rank %d", len(s))
	}
	if t, k := s[len(s)-2], s[len(s)-1]; k < t {
		return graph.Errorf("want at least as many keys as queries, got %d queries and %d keys", t, k)
	}
	return nil
}

// causalRows views a [... T S] tensor as rows of S; q is T, the rows of one matrix.
func causalRows(t *tensor.Dense) (rows, q, s int) {
	sh := shapeOf(t)
	q, s = sh[len(sh)-2], sh[len(sh)-1]
	return sh.Size() / s, q, s
}

// visible is the number of keys that row r of a [... q s] tensor sees.
func visible(r, q, s int) int { return r%q + s - q + 1 }

func (o causalSoftmaxOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	rows, q, s := causalRows(in[0])
	work := 2 * rows * (s + 1) // half the entries, about four steps each
	if is32(y) {
		runRows(causalSoftmaxRows[float32]{}, rowArgs[float32]{y: y.Float32s(), x: in[0].Float32s(), d: s, inner: q, eps: o.scale}, rows, work)
	} else {
		runRows(causalSoftmaxRows[float64]{}, rowArgs[float64]{y: y.Float64s(), x: in[0].Float64s(), d: s, inner: q, eps: o.scale}, rows, work)
	}
	return nil
}

// causalSoftmaxRows is causalSoftmaxK as a row kernel (rows_parallel.go), with d the keys
// per row, inner the queries per matrix and eps the scale.
type causalSoftmaxRows[T float] struct{}

func (causalSoftmaxRows[T]) run(a rowArgs[T], lo, hi int) {
	for r := lo; r < hi; r++ {
		causalSoftmaxK(a.y[r*a.d:(r+1)*a.d], a.x[r*a.d:(r+1)*a.d], visible(r, a.inner, a.d), T(a.eps))
	}
}

// causalSoftmaxK writes softmax(scale x[:vis]) to y[:vis] and zeros to the rest of y.
func causalSoftmaxK[T float](y, x []T, vis int, scale T) {
	yv := y[:vis]
	m := math.Inf(-1)
	for j, v := range x[:vis] {
		v *= scale
		yv[j] = v
		if f := float64(v); f > m || f != f { // NaN propagates, as in softmaxK
			m = f
		}
	}
	clear(y[vis:])
	if math.IsInf(m, -1) {
		clear(yv) // every visible key at -Inf: zeros, as softmaxK
		return
	}
	var sum float64
	if y32, ok := any(yv).([]float32); ok {
		sum = float64(vmath.ExpSum(y32, y32, float32(m)))
	} else {
		for j, v := range yv {
			e := math.Exp(float64(v) - m)
			sum += e
			yv[j] = T(e)
		}
	}
	inv := T(1 / sum)
	for j := range yv {
		yv[j] *= inv
	}
}

// The gradient: gx = scale y (gy - sum(gy y)) over the visible keys, 0 above them.
func (o causalSoftmaxOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{causalSoftmaxGrad(y, gy, o.scale)}
}

// CausalSoftmax is the attention weights of a causal (decoder) self-attention from scores
// x [... T S] with S >= T: Softmax(MulScalar(x, scale) + mask, -1), where the mask hides
// from query i the keys j > i + S - T (with S = T, the future), as nn.CausalMask does. It
// runs in one pass per row over the visible keys only, writes zeros above the diagonal
// (exactly what the composition gives), and subtracts each row's maximum, so large
// scores cannot overflow.
func CausalSoftmax(x *graph.Node, scale float64) *graph.Node {
	if err := causalShape(x.Shape()); err != nil {
		panic(&graph.ShapeError{Op: "causal_softmax", Inputs: []string{x.Label()}, Shapes: []graph.Shape{x.Shape()}, Reason: err.Error()})
	}
	return graph.Apply(causalSoftmaxOp{scale: scale}, x)
}

// ---- its gradient, fused: gx = scale y (gy - sum(gy y)) ----

// causalSoftmaxGradOp takes (y, gy) and gives the gradient of the scores.
type causalSoftmaxGradOp struct{ scale float64 }

var _ graph.Op = causalSoftmaxGradOp{}

func (causalSoftmaxGradOp) Name() string { return "causal_softmax_grad" }
func (o causalSoftmaxGradOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	t, err := sameType(in...)
	if err != nil {
		return graph.Type{}, err
	}
	return t, causalShape(t.Shape)
}

func (o causalSoftmaxGradOp) Forward(gx *tensor.Dense, in ...*tensor.Dense) error {
	rows, q, s := causalRows(in[0])
	work := 2 * rows * (s + 1)
	if is32(gx) {
		runRows(causalGradRows[float32]{}, rowArgs[float32]{y: gx.Float32s(), a: in[0].Float32s(), b: in[1].Float32s(), d: s, inner: q, eps: o.scale}, rows, work)
	} else {
		runRows(causalGradRows[float64]{}, rowArgs[float64]{y: gx.Float64s(), a: in[0].Float64s(), b: in[1].Float64s(), d: s, inner: q, eps: o.scale}, rows, work)
	}
	return nil
}

// causalGradRows is causalSoftmaxGradK as a row kernel: y is gx, a the softmax output and
// b its gradient.
type causalGradRows[T float] struct{}

func (causalGradRows[T]) run(a rowArgs[T], lo, hi int) {
	for r := lo; r < hi; r++ {
		i, j := r*a.d, (r+1)*a.d
		causalSoftmaxGradK(a.y[i:j], a.a[i:j], a.b[i:j], visible(r, a.inner, a.d), a.eps)
	}
}

// causalSoftmaxGradK writes scale y (gy - sum(gy y)) over the first vis entries of gx and
// zeros to the rest.
func causalSoftmaxGradK[T float](gx, y, gy []T, vis int, scale float64) {
	yv, gyv := y[:vis], gy[:vis]
	dot := dotK(gyv, yv)
	for j := range gx[:vis] {
		gx[j] = T(scale * float64(yv[j]) * (float64(gyv[j]) - dot))
	}
	clear(gx[vis:])
}

// The gradient of gx = scale y (gy - s), s = sum(gy y), against upstream g:
//
//	in gy: scale y (g - sum(g y)), this op again;
//	in y:  scale (g (gy - s) - gy sum(g y)).
//
// Above the diagonal y is the constant 0, so what reaches it there is dropped again by
// the causal softmax's own gradient.
func (o causalSoftmaxGradOp) Grad(x []*graph.Node, _, g *graph.Node) []*graph.Node {
	y, gy := x[0], x[1]
	s := SumKeep(Mul(gy, y), -1)
	gyy := Sub(Mul(g, Sub(gy, s)), Mul(gy, SumKeep(Mul(g, y), -1)))
	return []*graph.Node{MulScalar(gyy, o.scale), causalSoftmaxGrad(y, g, o.scale)}
}

func causalSoftmaxGrad(y, gy *graph.Node, scale float64) *graph.Node {
	return graph.Apply(causalSoftmaxGradOp{scale: scale}, y, gy)
}

// dotK is the dot product of a and b in float64: for float32 in four partial sums (four
// additions in flight instead of a chain waiting on each), for float64 in one running sum.
func dotK[T float](a, b []T) float64 {
	b = b[:len(a)]
	if _, ok := any(a).([]float32); !ok {
		var s float64
		for i, v := range a {
			s += float64(v) * float64(b[i])
		}
		return s
	}
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += float64(a[i]) * float64(b[i])
		s1 += float64(a[i+1]) * float64(b[i+1])
		s2 += float64(a[i+2]) * float64(b[i+2])
		s3 += float64(a[i+3]) * float64(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += float64(a[i]) * float64(b[i])
	}
	return s0 + s1 + s2 + s3
}
