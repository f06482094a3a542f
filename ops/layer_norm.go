package ops

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Layer normalization standardizes each sample over its last axes (the features of a
// token), with the same computation at training and inference: no running statistics, no
// mode. The forward pass is one fused kernel (statistics, normalization and the affine
// part per row, accumulated in float64); the gradients are written with ops over two
// helper ops, the normalized input and its inverse standard deviation, so that they can be
// differentiated again.

// lnDims views x as rows of d elements, d the product of the last n axes.
func lnDims(s graph.Shape, n int) (rows, d int) {
	d = 1
	for _, v := range s[len(s)-n:] {
		d *= v
	}
	return s.Size() / d, d
}

// lnAxes are the last n axes of a rank-r shape.
func lnAxes(r, n int) []int {
	axes := make([]int, n)
	for i := range axes {
		axes[i] = r - n + i
	}
	return axes
}

// rowStats returns the mean and 1/sqrt(biased variance + eps) of a row.
func rowStats[T float](row []T, eps float64) (mean, rstd float64) {
	if r, ok := any(row).([]float32); ok {
		return rowStats32(r, eps)
	}
	for _, v := range row {
		mean += float64(v)
	}
	mean /= float64(len(row))
	var s float64
	for _, v := range row {
		d := float64(v) - mean
		s += d * d
	}
	return mean, 1 / math.Sqrt(s/float64(len(row))+eps)
}

// rowStats32 is rowStats for float32 rows with four float64 partial sums per pass instead
// of one running sum: four additions in flight rather than a chain that waits on each
// (layer norm runs it three times per row and step). Float64 rows keep the running sum.
func rowStats32(row []float32, eps float64) (mean, rstd float64) {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(row); i += 4 {
		s0 += float64(row[i])
		s1 += float64(row[i+1])
		s2 += float64(row[i+2])
		s3 += float64(row[i+3])
	}
	for ; i < len(row); i++ {
		s0 += float64(row[i])
	}
	n := float64(len(row))
	mean = (s0 + s1 + s2 + s3) / n
	s0, s1, s2, s3 = 0, 0, 0, 0
	i = 0
	for ; i+4 <= len(row); i += 4 {
		d0, d1 := float64(row[i])-mean, float64(row[i+1])-mean
		d2, d3 := float64(row[i+2])-mean, float64(row[i+3])-mean
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(row); i++ {
		d := float64(row[i]) - mean
		s0 += d * d
	}
	return mean, 1 / math.Sqrt((s0+s1+s2+s3)/n+eps)
}

// ---- layer norm: y = (x - mean) rstd gamma + beta ----

// layerNormOp takes (x), (x, gamma) or (x, gamma, beta), gamma and beta of the shape of x's
// last n axes.
type layerNormOp struct {
	n   int
	eps float64
}

var _ graph.Op = layerNormOp{}

func (layerNormOp) Name() string { return "layer_norm" }
func (o layerNormOp) Shape(in ...graph.Type) (graph.Type, error) {
	if len(in) < 1 || len(in) > 3 {
		return graph.Type{}, graph.Errorf("takes x, gamma and beta, got %d inputs", len(in))
	}
	x := in[0]
	if o.n < 1 || o.n > len(x.Shape) {
		return graph.Type{}, graph.Errorf("cannot normalize over the last %d axes of %v", o.n, x.Shape)
	}
	for _, p := range in[1:] {
		if p.DType != x.DType {
			return graph.Type{}, graph.Errorf("element types %s and %s differ", x.DType, p.DType)
		}
		if !p.Shape.Equal(x.Shape[len(x.Shape)-o.n:]) {
			return graph.Type{}, graph.Errorf("gamma and beta must be %v, the last %d axes of %v, got %v", x.Shape[len(x.Shape)-o.n:], o.n, x.Shape, p.Shape)
		}
	}
	return x, nil
}
func (o layerNormOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	rows, d := lnDims(shapeOf(in[0]), o.n)
	if is32(y) {
		runRows(layerNormRows[float32]{}, rowArgs[float32]{y: y.Float32s(), x: in[0].Float32s(), a: param32(in, 1), b: param32(in, 2), d: d, eps: o.eps}, rows, 4*rows*d)
	} else {
		runRows(layerNormRows[float64]{}, rowArgs[float64]{y: y.Float64s(), x: in[0].Float64s(), a: param64(in, 1), b: param64(in, 2), d: d, eps: o.eps}, rows, 4*rows*d)
	}
	return nil
}

// layerNormRows is layerNormK as a row kernel (rows_parallel.go): it runs on all cores.
type layerNormRows[T float] struct{}

func (layerNormRows[T]) run(a rowArgs[T], lo, hi int) {
	layerNormK(a.y[lo*a.d:hi*a.d], a.x[lo*a.d:hi*a.d], a.a, a.b, hi-lo, a.d, a.eps)
}

func param32(in []*tensor.Dense, i int) []float32 {
	if i < len(in) {
		return in[i].Float32s()
	}
	return nil
}

func param64(in []*tensor.Dense, i int) []float64 {
	if i < len(in) {
		return in[i].Float64s()
	}
	return nil
}

// layerNormK normalizes each row of d elements; gamma and beta may be nil.
func layerNormK[T float](y, x, gamma, beta []T, rows, d int, eps float64) {
	for r := range rows {
		xr, yr := x[r*d:(r+1)*d], y[r*d:(r+1)*d]
		mean, rstd := rowStats(xr, eps)
		switch {
		case beta != nil:
			for i, v := range xr {
				yr[i] = T((float64(v)-mean)*rstd)*gamma[i] + beta[i]
			}
		case gamma != nil:
			for i, v := range xr {
				yr[i] = T((float64(v)-mean)*rstd) * gamma[i]
			}
		default:
			for i, v := range xr {
				yr[i] = T((float64(v) - mean) * rstd)
			}
		}
	}
}

// With xhat = (x - mean) rstd and means over the normalized axes:
//
//	gxhat  = gy gamma
//	gx     = rstd (gxhat - mean(gxhat) - xhat mean(gxhat xhat))   (one fused op, lnGradOp)
//	ggamma = sum of gy xhat over the other axes   (one fused op, lnGammaGradOp)
//	gbeta  = sum of gy
func (o layerNormOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	xn := x[0]
	gx := graph.Apply(lnGradOp(o), append([]*graph.Node{gy}, x[:min(len(x), 2)]...)...)
	out := []*graph.Node{gx}
	if len(x) > 1 {
		out = append(out, graph.Apply(lnGammaGradOp(o), gy, xn))
	}
	if len(x) > 2 {
		out = append(out, SumTo(gy, x[2].Shape()...))
	}
	return out
}

// LayerNorm normalizes x over its last axes, those of gamma's shape, to mean 0 and
// variance 1 (biased, plus eps), then scales by gamma and shifts by beta: PyTorch's
// layer_norm with normalized_shape gamma's shape, in one pass over x. beta may be nil
// (no shift). Transformers use it with gamma and beta [D] on [B T D].
func LayerNorm(x, gamma, beta *graph.Node, eps float64) *graph.Node {
	if gamma == nil {
		panic(&graph.ShapeError{Op: "layer_norm", Inputs: []string{x.Label()}, Shapes: []graph.Shape{x.Shape()},
			Reason: "gamma is nil: use Normalize for the normalization alone"})
	}
	in := []*graph.Node{x, gamma}
	if beta != nil {
		in = append(in, beta)
	}
	return graph.Apply(layerNormOp{len(gamma.Shape()), eps}, in...)
}

// Normalize is LayerNorm without the affine part: x standardized over its last n axes.
func Normalize(x *graph.Node, n int, eps float64) *graph.Node {
	return graph.Apply(layerNormOp{n, eps}, x)
}

// ---- 1/sqrt(var + eps) per row, keeping the normalized axes as size 1 ----

type lnRstdOp layerNormOp

var _ graph.Op = lnRstdOp{}

func (lnRstdOp) Name() string { return "layer_norm_rstd" }
func (o lnRstdOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 1); err != nil {
		return graph.Type{}, err
	}
	t, err := layerNormOp(o).Shape(in...)
	s := t.Shape.Clone()
	for _, a := range lnAxes(len(s), o.n) {
		s[a] = 1
	}
	return graph.Type{Shape: s, DType: t.DType}, err
}
func (o lnRstdOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	rows, d := lnDims(shapeOf(in[0]), o.n)
	if is32(y) {
		rstdK(y.Float32s(), in[0].Float32s(), rows, d, o.eps)
	} else {
		rstdK(y.Float64s(), in[0].Float64s(), rows, d, o.eps)
	}
	return nil
}

func rstdK[T float](y, x []T, rows, d int, eps float64) {
	for r := range rows {
		_, rstd := rowStats(x[r*d:(r+1)*d], eps)
		y[r] = T(rstd)
	}
}

// d rstd / dx_i = -rstd^3 (x_i - mean) / d = -rstd^2 xhat_i / d (the mean's own
// dependence on x cancels).
func (o lnRstdOp) Grad(x []*graph.Node, y, g *graph.Node) []*graph.Node {
	_, d := lnDims(x[0].Shape(), o.n)
	return []*graph.Node{Mul(MulScalar(Mul(g, Square(y)), -1/float64(d)), Normalize(x[0], o.n, o.eps))}
}

// ---- the input gradient of layer norm, fused ----

// lnGradOp is layer norm's input gradient for inputs (gy, x) or (gy, x, gamma): with
// v = gy gamma, gx = rstd P(v), where P(v) = v - mean(v) - xhat mean(v xhat) per row, in
// one pass over each row.
type lnGradOp layerNormOp

var _ graph.Op = lnGradOp{}

func (lnGradOp) Name() string { return "layer_norm_grad" }
func (o lnGradOp) Shape(in ...graph.Type) (graph.Type, error) {
	if len(in) < 2 || len(in) > 3 {
		return graph.Type{}, graph.Errorf("takes gy, x and gamma, got %d inputs", len(in))
	}
	if _, err := sameType(in[0], in[1]); err != nil {
		return graph.Type{}, err
	}
	return layerNormOp(o).Shape(in[1:]...)
}
func (o lnGradOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	rows, d := lnDims(shapeOf(in[1]), o.n)
	if is32(y) {
		runRows(lnGradRows[float32]{}, rowArgs[float32]{y: y.Float32s(), a: in[0].Float32s(), x: in[1].Float32s(), b: param32(in, 2), d: d, eps: o.eps}, rows, 5*rows*d)
	} else {
		runRows(lnGradRows[float64]{}, rowArgs[float64]{y: y.Float64s(), a: in[0].Float64s(), x: in[1].Float64s(), b: param64(in, 2), d: d, eps: o.eps}, rows, 5*rows*d)
	}
	return nil
}

// lnGradRows is lnGradK as a row kernel (rows_parallel.go): it runs on all cores.
type lnGradRows[T float] struct{}

func (lnGradRows[T]) run(a rowArgs[T], lo, hi int) {
	r := a.d
	lnGradK(a.y[lo*r:hi*r], a.a[lo*r:hi*r], a.x[lo*r:hi*r], a.b, hi-lo, r, a.eps)
}

func lnGradK[T float](gx, gy, x, gamma []T, rows, d int, eps float64) {
	for r := range rows {
		xr, gr, outr := x[r*d:(r+1)*d], gy[r*d:(r+1)*d], gx[r*d:(r+1)*d]
		mean, rstd := rowStats(xr, eps)
		var m1, m2 float64
		for i, v := range gr {
			g := float64(v)
			if gamma != nil {
				g *= float64(gamma[i])
			}
			m1 += g
			m2 += g * (float64(xr[i]) - mean) * rstd
		}
		m1 /= float64(d)
		m2 /= float64(d)
		for i, v := range gr {
			g := float64(v)
			if gamma != nil {
				g *= float64(gamma[i])
			}
			h := (float64(xr[i]) - mean) * rstd
			outr[i] = T(rstd * (g - m1 - h*m2))
		}
	}
}

// For the cotangent g of gx = rstd P(v), with h = xhat and means over each row:
//
//	in v:  rstd P(g) (P is symmetric), so gy gets it times gamma and gamma its sum with gy
//	in x:  -rstd (mean(g gx) h + mean(v h) rstd P(g) + mean(g h) gx)
func (o lnGradOp) Grad(x []*graph.Node, gx, g *graph.Node) []*graph.Node {
	gy, xn := x[0], x[1]
	axes := lnAxes(len(xn.Shape()), o.n)
	pg := graph.Apply(o, g, xn) // rstd P(g)
	v, ggy := gy, pg
	var ggamma *graph.Node
	if len(x) > 2 {
		v, ggy = Mul(gy, x[2]), Mul(pg, x[2])
		ggamma = SumTo(Mul(pg, gy), x[2].Shape()...)
	}
	h := Normalize(xn, o.n, o.eps)
	rstd := graph.Apply(lnRstdOp(o), xn)
	sum := Add(Add(Mul(MeanKeep(Mul(g, gx), axes...), h), Mul(MeanKeep(Mul(v, h), axes...), pg)), Mul(MeanKeep(Mul(g, h), axes...), gx))
	out := []*graph.Node{ggy, Neg(Mul(rstd, sum))}
	if len(x) > 2 {
		out = append(out, ggamma)
	}
	return out
}

// ---- gamma's gradient, fused ----

// lnGammaGradOp is layer norm's gamma gradient for inputs (gy, x): the sum over the rows of
// gy xhat, in one pass that recomputes each row's statistics instead of writing xhat out.
type lnGammaGradOp layerNormOp

var _ graph.Op = lnGammaGradOp{}

func (lnGammaGradOp) Name() string { return "layer_norm_gamma_grad" }
func (o lnGammaGradOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	t, err := sameType(in...)
	if err != nil {
		return graph.Type{}, err
	}
	if _, err := layerNormOp(o).Shape(t); err != nil {
		return graph.Type{}, err
	}
	return graph.Type{Shape: t.Shape[len(t.Shape)-o.n:].Clone(), DType: t.DType}, nil
}
func (o lnGammaGradOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	rows, d := lnDims(shapeOf(in[1]), o.n)
	if is32(y) {
		lnGammaGradK(y.Float32s(), in[0].Float32s(), in[1].Float32s(), rows, d, o.eps)
	} else {
		lnGammaGradK(y.Float64s(), in[0].Float64s(), in[1].Float64s(), rows, d, o.eps)
	}
	return nil
}

// lnGammaGradK adds gy xhat over the rows into ggamma, each product rounded to T as the
// product of Normalize's output and gy would be.
func lnGammaGradK[T float](ggamma, gy, x []T, rows, d int, eps float64) {
	clear(ggamma)
	for r := range rows {
		xr, gr := x[r*d:(r+1)*d], gy[r*d:(r+1)*d]
		mean, rstd := rowStats(xr, eps)
		for i, v := range xr {
			ggamma[i] += gr[i] * T((float64(v)-mean)*rstd)
		}
	}
}

// For the cotangent g (gamma's shape) of sum(gy xhat): in gy, xhat g; in x, Normalize's
// gradient of gy g, which is layer norm's input gradient without gamma.
func (o lnGammaGradOp) Grad(x []*graph.Node, _, g *graph.Node) []*graph.Node {
	gy, xn := x[0], x[1]
	return []*graph.Node{Mul(Normalize(xn, o.n, o.eps), g), graph.Apply(lnGradOp(o), Mul(gy, g), xn)}
}
