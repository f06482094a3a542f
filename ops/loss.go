package ops

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// sceOp is the book's Softmax-with-Loss layer fused: the mean over the batch of the cross
// entropy between softmax(x) and the targets t, computed as log-sum-exp so that it never
// overflows. t is either class labels [N] (integer values stored as floats) or one-hot /
// probability rows [N C].
type sceOp struct{ oneHot bool }

var _ graph.Op = sceOp{}

func (sceOp) Name() string { return "softmax_cross_entropy" }
func (o sceOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	x, t := in[0], in[1]
	if len(x.Shape) != 2 {
		return graph.Type{}, graph.Errorf("scores must be [batch classes], got %v", x.Shape)
	}
	if x.DType != t.DType {
		return graph.Type{}, graph.Errorf("element types %s and %s differ", x.DType, t.DType)
	}
	if o.oneHot && !t.Shape.Equal(x.Shape) {
		return graph.Type{}, graph.Errorf("one-hot targets %v must match scores %v", t.Shape, x.Shape)
	}
	if !o.oneHot && (len(t.Shape) != 1 || t.Shape[0] != x.Shape[0]) {
		return graph.Type{}, graph.Errorf("labels %v must be [%d]", t.Shape, x.Shape[0])
	}
	return graph.Type{Shape: graph.Shape{}, DType: x.DType}, nil
}

func (o sceOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	s := shapeOf(in[0])
	if is32(y) {
		return sceK(y.Float32s(), in[0].Float32s(), in[1].Float32s(), s[0], s[1], o.oneHot)
	}
	return sceK(y.Float64s(), in[0].Float64s(), in[1].Float64s(), s[0], s[1], o.oneHot)
}

func sceK[T float](y, x, t []T, n, c int, oneHot bool) error {
	var loss float64
	for i := 0; i < n; i++ {
		row := x[i*c : (i+1)*c]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(s)
		if oneHot {
			for j, tj := range t[i*c : (i+1)*c] {
				if tj != 0 {
					loss -= float64(tj) * (float64(row[j]) - lse)
				}
			}
			continue
		}
		l, err := label(t[i], i, c)
		if err != nil {
			return err
		}
		loss -= float64(row[l]) - lse
	}
	y[0] = T(loss / float64(n))
	return nil
}

// label reads a class label stored as a float, checking that it is a whole number in range.
func label[T float](v T, i, c int) (int, error) {
	l := int(v)
	if T(l) != v || l < 0 || l >= c {
		return 0, fmt.Errorf("label %v at row %d is not a class index in [0, %d)", v, i, c)
	}
	return l, nil
}

// gx = (softmax(x) - t) gy / N; for one-hot targets also gt = -log_softmax(x) gy / N.
func (o sceOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	scores, t := x[0], x[1]
	n := float64(scores.Shape()[0])
	scale := MulScalar(gy, 1/n)
	target := t
	if !o.oneHot {
		target = OneHot(t, scores.Shape()[1])
	}
	gx := Mul(Sub(Softmax(scores, 1), target), scale)
	if !o.oneHot {
		return []*graph.Node{gx, nil}
	}
	return []*graph.Node{gx, Mul(Neg(LogSoftmax(scores, 1)), scale)}
}

// SoftmaxCrossEntropy is the book's SoftmaxWithLoss: the mean over the batch of the cross
// entropy of softmax(x) against t. x is [N C]; t is class labels [N] (whole numbers as floats)
// or one-hot rows [N C]. A label out of range is a run-time error naming its row.
func SoftmaxCrossEntropy(x, t *graph.Node) *graph.Node {
	oneHot := len(t.Shape()) == 2
	return graph.Apply(sceOp{oneHot: oneHot}, x, t)
}

// ---- one-hot ----

type oneHotOp struct{ classes int }

var _ graph.Op = oneHotOp{}

func (oneHotOp) Name() string { return "one_hot" }
func (o oneHotOp) Shape(in ...graph.Type) (graph.Type, error) {
	if len(in[0].Shape) != 1 {
		return graph.Type{}, graph.Errorf("labels must be 1-D, got %v", in[0].Shape)
	}
	if o.classes <= 0 {
		return graph.Type{}, graph.Errorf("%d classes", o.classes)
	}
	return graph.Type{Shape: graph.Shape{in[0].Shape[0], o.classes}, DType: in[0].DType}, nil
}
func (o oneHotOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	if is32(y) {
		return oneHotK(y.Float32s(), in[0].Float32s(), o.classes)
	}
	return oneHotK(y.Float64s(), in[0].Float64s(), o.classes)
}
func (oneHotOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return []*graph.Node{nil} }

func oneHotK[T float](y, t []T, c int) error {
	clear(y)
	for i, v := range t {
		l, err := label(v, i, c)
		if err != nil {
			return err
		}
		y[i*c+l] = 1
	}
	return nil
}

// OneHot turns class labels [N] into rows [N classes] with a 1 at each label. No gradient.
func OneHot(t *graph.Node, classes int) *graph.Node {
	return graph.Apply(oneHotOp{classes}, t)
}

// MeanSquaredError is the mean over all elements of (x - t)^2. (The book's
// mean_squared_error is 0.5 * sum((y - t)^2): MulScalar(Sum(Square(Sub(y, t))), 0.5).)
func MeanSquaredError(x, t *graph.Node) *graph.Node {
	return Mean(Square(Sub(x, t)))
}
