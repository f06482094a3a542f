package ops

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/parallel"
)

// sceOp is the book's Softmax-with-Loss layer fused: the mean over the batch of the cross
// entropy between softmax(x) and the targets t, computed as log-sum-exp so that it never
// overflows. t is either class labels [N] (int32, int64, or whole numbers stored as
// floats) or target rows [N C] (one-hot, probabilities, or any weights).
type sceOp struct{ oneHot bool }

// IntInput: the labels may be integers.
func (o sceOp) IntInput(i int) bool { return i == 1 && !o.oneHot }

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
	if x.DType != t.DType && !t.DType.IsInt() {
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
		var t []float32
		if o.oneHot {
			t = in[1].Float32s()
		}
		return sceK(y.Float32s(), in[0].Float32s(), t, in[1], s[0], s[1], o.oneHot)
	}
	var t []float64
	if o.oneHot {
		t = in[1].Float64s()
	}
	return sceK(y.Float64s(), in[0].Float64s(), t, in[1], s[0], s[1], o.oneHot)
}

// sceK computes the loss from one-hot rows t, or from the class labels in targets (read
// with labelAt, any element type) when oneHot is false. The labels are checked first; then
// the rows are summed in sceParts fixed parts, on all cores, whose sums are added in order:
// the same bits however many cores run them.
func sceK[T float](y, x, t []T, targets *tensor.Dense, n, c int, oneHot bool) error {
	if !oneHot {
		if _, err := countLabels(targets, n, c, nil); err != nil {
			return err
		}
	}
	k := sceTask[T]{x: x, t: t, targets: targets, n: n, c: c, parts: min(n, sceParts), oneHot: oneHot}
	s := slotFor[sceTask[T]](&sceSlots)
	var sum [sceParts]float64
	if s.mu.TryLock() {
		s.t = k
		parallel.For(k.parts, 4*n*c, &s.t)
		sum = s.t.sum
		s.t = sceTask[T]{} // drop the caller's slices
		s.mu.Unlock()
	} else {
		k.Run(0, k.parts)
		sum = k.sum
	}
	var loss float64
	for _, v := range sum[:k.parts] {
		loss += v
	}
	y[0] = T(loss / float64(n))
	return nil
}

// sceParts is the number of parts sceK sums the rows in.
const sceParts = 8

// sceTask sums the losses of the rows of parts [lo, hi) into sum.
type sceTask[T float] struct {
	x, t        []T
	targets     *tensor.Dense
	n, c, parts int
	oneHot      bool
	sum         [sceParts]float64
}

// sceSlots hold the task of a parallel loss sum (taskSlot).
var sceSlots typeSlots[sceTask[float32], sceTask[float64]]

func (k *sceTask[T]) Run(lo, hi int) {
	c := k.c
	for p := lo; p < hi; p++ {
		var loss float64
		for i := p * k.n / k.parts; i < (p+1)*k.n/k.parts; i++ {
			row := k.x[i*c : (i+1)*c]
			m := rowMax(row)
			lse := m + math.Log(sumExp(row, m))
			if !k.oneHot {
				l, _ := labelAt(k.targets, i, c) // checked by sceK
				loss -= float64(row[l]) - lse
				continue
			}
			for j, tj := range k.t[i*c : (i+1)*c] {
				if tj != 0 {
					loss -= float64(tj) * (float64(row[j]) - lse)
				}
			}
		}
		k.sum[p] = loss
	}
}

// labelAt reads the class label at row i of t (int32, int64, or a whole number stored as a
// float), checking that it is in [0, c).
func labelAt(t *tensor.Dense, i, c int) (int, error) {
	var v float64
	switch t.Dtype() {
	case tensor.Int32:
		v = float64(t.Int32s()[i])
	case tensor.Int64:
		v = float64(t.Int64s()[i])
	case tensor.Float32:
		v = float64(t.Float32s()[i])
	default:
		v = t.Float64s()[i]
	}
	l := int(v)
	if float64(l) != v || l < 0 || l >= c {
		return 0, fmt.Errorf("label %v at row %d is not a class index in [0, %d)", v, i, c)
	}
	return l, nil
}

// With targets t [N C], the loss is -sum_ij t_ij log_softmax(x)_ij / N, so
// gx = (softmax(x) * sum_j t_j - t) gy / N (PyTorch's definition: the rows of t need not sum
// to 1) and gt = -log_softmax(x) gy / N. With labels, the one-hot rows sum to 1:
// gx = (softmax(x) - onehot(t)) gy / N, and no gradient flows to the labels: cross
// entropy's fused gradient op, whose own gradient is written with ops. The gradients of
// target rows are written with ops, so that they can be differentiated again (in x and t).
func (o sceOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	scores, t := x[0], x[1]
	n := float64(scores.Shape()[0])
	scale := MulScalar(gy, 1/n)
	if !o.oneHot {
		// Cross entropy's fused gradient op (cross_entropy.go): with no label ignored it is
		// this one, in one pass over each row.
		return []*graph.Node{graph.Apply(ceGradOp{}, scores, t, gy), nil}
	}
	gx := Mul(Sub(Mul(Softmax(scores, 1), SumKeep(t, 1)), t), scale)
	return []*graph.Node{gx, Mul(Neg(LogSoftmax(scores, 1)), scale)}
}

// SoftmaxCrossEntropy is the book's SoftmaxWithLoss: the mean over the batch of the cross
// entropy of softmax(x) against t. x is [N C]; t is class labels [N] (int32 or int64, or whole
// numbers as floats) or target rows [N C]: one-hot, probabilities, or any weights, for which
// the loss is -sum_j t_j log_softmax(x)_j averaged over the rows, as PyTorch's cross_entropy
// with probability targets (differentiable in t too). A label out of range is a run-time
// error naming its row.
func SoftmaxCrossEntropy(x, t *graph.Node) *graph.Node {
	oneHot := len(t.Shape()) == 2
	return graph.Apply(sceOp{oneHot: oneHot}, x, t)
}

// ---- one-hot ----

type oneHotOp struct {
	classes int
	dt      graph.DType // the output's element type: the labels' when they are floats
	ignore  *int        // labels equal to *ignore get a row of zeros (nil: none)
}

var _ graph.Op = oneHotOp{}

func (oneHotOp) Name() string      { return "one_hot" }
func (oneHotOp) IntInput(int) bool { return true }
func (o oneHotOp) Shape(in ...graph.Type) (graph.Type, error) {
	if o.classes <= 0 {
		return graph.Type{}, graph.Errorf("%d classes", o.classes)
	}
	return graph.Type{Shape: append(in[0].Shape.Clone(), o.classes), DType: o.dt}, nil
}
func (o oneHotOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	if is32(y) {
		return oneHotK(y.Float32s(), in[0], o.classes, o.ignore)
	}
	return oneHotK(y.Float64s(), in[0], o.classes, o.ignore)
}
func (oneHotOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node { return []*graph.Node{nil} }

func oneHotK[T float](y []T, t *tensor.Dense, c int, ignore *int) error {
	clear(y)
	for i := range len(y) / c {
		if ignore != nil && isLabel(t, i, *ignore) {
			continue
		}
		l, err := labelAt(t, i, c)
		if err != nil {
			return err
		}
		y[i*c+l] = 1
	}
	return nil
}

// isLabel reports whether the label at flat index i of t is v.
func isLabel(t *tensor.Dense, i, v int) bool {
	switch t.Dtype() {
	case tensor.Int32:
		return int64(t.Int32s()[i]) == int64(v)
	case tensor.Int64:
		return t.Int64s()[i] == int64(v)
	case tensor.Float32:
		return t.Float32s()[i] == float32(v)
	}
	return t.Float64s()[i] == float64(v)
}

// OneHot turns class labels of any shape [...] into rows [... classes] with a 1 at each
// label: of the labels' element type when they are floats, float32 when they are integers.
// No gradient.
func OneHot(t *graph.Node, classes int) *graph.Node {
	dt := t.DType()
	if !dt.IsFloat() {
		dt = graph.Float32
	}
	return graph.Apply(oneHotOp{classes: classes, dt: dt}, t)
}

// OneHotAs is OneHot with rows of the float element type dt, to mix with float64 or float32
// nodes whatever the labels' type.
func OneHotAs(t *graph.Node, classes int, dt graph.DType) *graph.Node {
	if !dt.IsFloat() {
		panic(&graph.ShapeError{Op: "one_hot", Inputs: []string{t.Label()}, Shapes: []graph.Shape{t.Shape()},
			Reason: fmt.Sprintf("rows of %s: want float32 or float64", dt)})
	}
	return graph.Apply(oneHotOp{classes: classes, dt: dt}, t)
}

// ---- accuracy ----

// accuracyOp is the fraction of rows of x whose largest score is at the row's label: a
// metric, with no gradient.
type accuracyOp struct{}

var _ graph.Op = accuracyOp{}

func (accuracyOp) Name() string        { return "accuracy" }
func (accuracyOp) IntInput(i int) bool { return i == 1 }
func (accuracyOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	x, t := in[0], in[1]
	if len(x.Shape) != 2 || len(t.Shape) != 1 || t.Shape[0] != x.Shape[0] {
		return graph.Type{}, graph.Errorf("want scores [N C] and labels [N], got %v and %v", x.Shape, t.Shape)
	}
	return graph.Type{Shape: graph.Shape{}, DType: x.DType}, nil
}
func (accuracyOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	s := shapeOf(in[0])
	if is32(y) {
		return accuracyK(y.Float32s(), in[0].Float32s(), in[1], s[0], s[1])
	}
	return accuracyK(y.Float64s(), in[0].Float64s(), in[1], s[0], s[1])
}
func (accuracyOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{nil, nil}
}

func accuracyK[T float](y, x []T, t *tensor.Dense, n, c int) error {
	right := 0
	for i := range n {
		l, err := labelAt(t, i, c)
		if err != nil {
			return err
		}
		row, best := x[i*c:(i+1)*c], 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == l {
			right++
		}
	}
	y[0] = T(float64(right) / float64(n))
	return nil
}

// Accuracy is the fraction of the rows of scores [N C] whose largest score is at the row's
// class label t [N] (integers, or whole numbers as floats): a metric for training logs
// (see package nn/train), with no gradient.
func Accuracy(scores, t *graph.Node) *graph.Node { return graph.Apply(accuracyOp{}, scores, t) }

// MeanSquaredError is the mean over all elements of (x - t)^2. (The book's
// mean_squared_error is 0.5 * sum((y - t)^2): MulScalar(Sum(Square(Sub(y, t))), 0.5).)
func MeanSquaredError(x, t *graph.Node) *graph.Node {
	return Mean(Square(Sub(x, t)))
}
