package ops

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// crossEntropyOp is the mean over the positions of logits x [... C] of -log_softmax(x)[t],
// with t [...] class labels; positions whose label is *ignore count for nothing, neither
// in the sum nor in the number it is divided by (PyTorch's cross_entropy with
// ignore_index, classes on the last axis).
type crossEntropyOp struct{ ignore *int }

var _ graph.Op = crossEntropyOp{}

func (crossEntropyOp) Name() string        { return "cross_entropy" }
func (crossEntropyOp) IntInput(i int) bool { return i == 1 }
func (o crossEntropyOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	x, t := in[0], in[1]
	if len(x.Shape) < 1 || !t.Shape.Equal(x.Shape[:len(x.Shape)-1]) {
		return graph.Type{}, graph.Errorf("labels %v must have the shape of the logits %v without their last (class) axis", t.Shape, x.Shape)
	}
	if t.DType.IsFloat() && t.DType != x.DType {
		return graph.Type{}, graph.Errorf("element types %s and %s differ", x.DType, t.DType)
	}
	return graph.Type{Shape: graph.Shape{}, DType: x.DType}, nil
}
func (o crossEntropyOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	c := shapeOf(in[0])[len(shapeOf(in[0]))-1]
	if is32(y) {
		return crossEntropyK(y.Float32s(), in[0].Float32s(), in[1], c, o.ignore)
	}
	return crossEntropyK(y.Float64s(), in[0].Float64s(), in[1], c, o.ignore)
}

func crossEntropyK[T float](y, x []T, t *tensor.Dense, c int, ignore *int) error {
	var loss float64
	count := 0
	for i := range len(x) / c {
		if ignore != nil && isLabel(t, i, *ignore) {
			continue
		}
		l, err := labelAt(t, i, c)
		if err != nil {
			return err
		}
		row := x[i*c : (i+1)*c]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v) - m)
		}
		loss += m + math.Log(s) - float64(row[l])
		count++
	}
	y[0] = 0
	if count > 0 {
		y[0] = T(loss / float64(count))
	}
	return nil
}

// gx = (softmax(x) - onehot(t)) gy / count at the counted positions, 0 at the ignored
// ones: one fused op (cross_entropy_grad), whose own gradient is written with ops.
func (o crossEntropyOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{graph.Apply(ceGradOp(o), x[0], x[1], gy), nil}
}

// CrossEntropy is the mean over the positions of logits x [... C] (classes on the last
// axis: [N C], [N T C]) of the cross entropy of softmax(x) against the class labels t
// [...] (int32 or int64, or whole numbers as floats): PyTorch's cross_entropy on
// x.reshape(-1, C) and t.reshape(-1). A label outside [0, C) is a run-time error.
func CrossEntropy(x, t *graph.Node) *graph.Node {
	return graph.Apply(crossEntropyOp{}, x, t)
}

// CrossEntropyIgnore is CrossEntropy where the positions labeled ignore (padding, e.g. -100
// as PyTorch's default ignore_index) count for nothing: the mean is over the other
// positions only, and their gradient is zero. When every position is ignored the loss is
// 0 with zero gradients (PyTorch gives NaN).
func CrossEntropyIgnore(x, t *graph.Node, ignore int) *graph.Node {
	return graph.Apply(crossEntropyOp{&ignore}, x, t)
}

// ceWeightsOp is, for labels t [...], the weights [... 1] of cross entropy's mean: 1/count
// where the label counts, 0 where it is ignored. No gradient.
type ceWeightsOp struct {
	ignore *int
	dt     graph.DType
}

var _ graph.Op = ceWeightsOp{}

func (ceWeightsOp) Name() string      { return "cross_entropy_weights" }
func (ceWeightsOp) IntInput(int) bool { return true }
func (o ceWeightsOp) Shape(in ...graph.Type) (graph.Type, error) {
	return graph.Type{Shape: append(in[0].Shape.Clone(), 1), DType: o.dt}, arity(in, 1)
}
func (o ceWeightsOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	if is32(y) {
		ceWeightsK(y.Float32s(), in[0], o.ignore)
	} else {
		ceWeightsK(y.Float64s(), in[0], o.ignore)
	}
	return nil
}
func (ceWeightsOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return []*graph.Node{nil} }

func ceWeightsK[T float](w []T, t *tensor.Dense, ignore *int) {
	count := 0
	for i := range w {
		w[i] = 1
		if ignore != nil && isLabel(t, i, *ignore) {
			w[i] = 0
			continue
		}
		count++
	}
	if count == 0 {
		return
	}
	inv := 1 / T(count)
	for i := range w {
		w[i] *= inv
	}
}

// ceGradOp is cross entropy's gradient in the logits for inputs (x, t, gy): each counted
// row's softmax minus its one-hot label, times gy / count, in one pass over each row.
type ceGradOp crossEntropyOp

var _ graph.Op = ceGradOp{}

func (ceGradOp) Name() string        { return "cross_entropy_grad" }
func (ceGradOp) IntInput(i int) bool { return i == 1 }
func (o ceGradOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 3); err != nil {
		return graph.Type{}, err
	}
	if in[2].Shape.Size() != 1 || in[2].DType != in[0].DType {
		return graph.Type{}, graph.Errorf("the loss's gradient must be one %s, got %s%v", in[0].DType, in[2].DType, in[2].Shape)
	}
	_, err := crossEntropyOp(o).Shape(in[:2]...)
	return in[0], err
}
func (o ceGradOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	c := shapeOf(in[0])[len(shapeOf(in[0]))-1]
	rows := shapeOf(in[0]).Size() / c
	count, err := countLabels(in[1], rows, c, o.ignore)
	if err != nil {
		return err
	}
	if is32(y) {
		scale := float64(in[2].Float32s()[0]) / float64(max(count, 1))
		runRows(ceGradRows[float32]{}, rowArgs[float32]{y: y.Float32s(), x: in[0].Float32s(), t: in[1], ignore: o.ignore, d: c, eps: scale}, rows, 3*rows*c)
	} else {
		scale := in[2].Float64s()[0] / float64(max(count, 1))
		runRows(ceGradRows[float64]{}, rowArgs[float64]{y: y.Float64s(), x: in[0].Float64s(), t: in[1], ignore: o.ignore, d: c, eps: scale}, rows, 3*rows*c)
	}
	return nil
}

// countLabels checks every label that is not ignored and returns how many there are.
func countLabels(t *tensor.Dense, rows, c int, ignore *int) (int, error) {
	count := 0
	for i := range rows {
		if ignore != nil && isLabel(t, i, *ignore) {
			continue
		}
		if _, err := labelAt(t, i, c); err != nil {
			return 0, err
		}
		count++
	}
	return count, nil
}

// ceGradRows writes the gradient rows [lo, hi) (rows_parallel.go: it runs on all cores);
// a.eps is the scale gy / count. The labels were checked by countLabels.
type ceGradRows[T float] struct{}

func (ceGradRows[T]) run(a rowArgs[T], lo, hi int) {
	c, scale := a.d, a.eps
	for i := lo; i < hi; i++ {
		out := a.y[i*c : (i+1)*c]
		if a.ignore != nil && isLabel(a.t, i, *a.ignore) {
			clear(out)
			continue
		}
		l, _ := labelAt(a.t, i, c)
		row := a.x[i*c : (i+1)*c]
		m := math.Inf(-1)
		for _, v := range row {
			if f := float64(v); f > m || f != f { // not math.Max: a call per element
				m = f
			}
		}
		var s float64
		for j, v := range row {
			e := math.Exp(float64(v) - m)
			s += e
			out[j] = T(e)
		}
		k := scale / s
		for j := range out {
			out[j] = T(float64(out[j]) * k)
		}
		out[l] -= T(scale)
	}
}

// With p = softmax(x), w = 1/count at counted positions (0 at ignored ones) and the
// cotangent g of gx = (p - onehot) w gy:
//
//	in x:  p (u - sum(u p)) per row, u = g w gy (softmax's gradient)
//	in gy: sum(g (p - onehot) w)
func (o ceGradOp) Grad(x []*graph.Node, gx, g *graph.Node) []*graph.Node {
	xs := x[0].Shape()
	p := Softmax(x[0], -1)
	w := graph.Apply(ceWeightsOp{o.ignore, x[0].DType()}, x[1])
	target := graph.Apply(oneHotOp{classes: xs[len(xs)-1], dt: x[0].DType(), ignore: o.ignore}, x[1])
	u := Mul(g, Mul(w, x[2]))
	ggy := Reshape(Sum(Mul(g, Mul(Sub(p, target), w))), x[2].Shape()...)
	return []*graph.Node{Mul(p, Sub(u, SumKeep(Mul(u, p), -1))), nil, ggy}
}
