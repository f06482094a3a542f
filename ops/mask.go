package ops

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// Selecting by a mask: Where picks between two inputs, MaskedFill overwrites where the
// mask is set (an attention's -Inf over future or padded positions). The mask is any
// element type, int32, int64 or float, set where it is not zero, and broadcasts to the
// output with NumPy's rules inside the kernel (no broadcast copy of it is made). No
// gradient flows into the mask; the gradient of a selection is the same selection of the
// gradient, with zeros where the input was not picked.

// maskElem is the element type of masks.
type maskElem interface {
	~int32 | ~int64 | ~float32 | ~float64
}

// maskShape checks that mask broadcasts to out, and returns mask's walk against it.
func maskWalk(out, mask graph.Shape) (walk, error) {
	s, err := broadcastShapes(out, mask)
	if err != nil || !s.Equal(out) {
		return walk{}, graph.Errorf("mask %v does not broadcast to %v", mask, out)
	}
	return newWalk(out, padLeft(mask, len(out))), nil
}

// ---- masked fill ----

// maskedFillOp is y = value where the mask is set (unset when invert), x elsewhere.
type maskedFillOp struct {
	value  float64
	invert bool
	w      walk
}

var _ graph.Op = maskedFillOp{}

func (maskedFillOp) Name() string        { return "masked_fill" }
func (maskedFillOp) IntInput(i int) bool { return i == 1 }
func (o maskedFillOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	_, err := maskWalk(in[0].Shape, in[1].Shape)
	return in[0], err
}
func (o maskedFillOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	if is32(y) {
		maskRun(in[1], func(m []float32) { fillK(o, y.Float32s(), in[0].Float32s(), m) }, func(m []float64) { fillK(o, y.Float32s(), in[0].Float32s(), m) },
			func(m []int32) { fillK(o, y.Float32s(), in[0].Float32s(), m) }, func(m []int64) { fillK(o, y.Float32s(), in[0].Float32s(), m) })
		return nil
	}
	maskRun(in[1], func(m []float32) { fillK(o, y.Float64s(), in[0].Float64s(), m) }, func(m []float64) { fillK(o, y.Float64s(), in[0].Float64s(), m) },
		func(m []int32) { fillK(o, y.Float64s(), in[0].Float64s(), m) }, func(m []int64) { fillK(o, y.Float64s(), in[0].Float64s(), m) })
	return nil
}

// maskRun calls the function for the mask's element type.
func maskRun(m *tensor.Dense, f32 func([]float32), f64 func([]float64), i32 func([]int32), i64 func([]int64)) {
	switch m.Dtype() {
	case tensor.Float32:
		f32(m.Float32s())
	case tensor.Float64:
		f64(m.Float64s())
	case tensor.Int32:
		i32(m.Int32s())
	default:
		i64(m.Int64s())
	}
}

func fillK[T float, M maskElem](o maskedFillOp, y, x []T, m []M) {
	v := T(o.value)
	o.w.runs(func(bi, si, n, step int) {
		yr, xr := y[bi:bi+n], x[bi:bi+n]
		if step == 0 {
			if (m[si] != 0) != o.invert {
				for i := range yr {
					yr[i] = v
				}
			} else {
				copy(yr, xr)
			}
			return
		}
		for i, mv := range m[si : si+n] {
			if (mv != 0) != o.invert {
				yr[i] = v
			} else {
				yr[i] = xr[i]
			}
		}
	})
}

// The gradient passes where x was kept and is zero where the value was written.
func (o maskedFillOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{maskedFill(gy, x[1], 0, o.invert), nil}
}

func maskedFill(x, mask *graph.Node, value float64, invert bool) *graph.Node {
	w, err := maskWalk(x.Shape(), mask.Shape())
	if err != nil {
		w = walk{} // the shape rule reports it
	}
	return graph.Apply(maskedFillOp{value: value, invert: invert, w: w}, x, mask)
}

// MaskedFill returns x with value written where mask is set (not zero): PyTorch's
// masked_fill. mask (int32, int64 or float) broadcasts to x's shape; value may be
// math.Inf(-1), to mask scores before a softmax. The gradient flows only where x was kept.
func MaskedFill(x, mask *graph.Node, value float64) *graph.Node {
	return maskedFill(x, mask, value, false)
}

// ---- where ----

// whereOp is y = a where the mask is set, b elsewhere; a and b have y's shape.
type whereOp struct{ w walk }

var _ graph.Op = whereOp{}

func (whereOp) Name() string        { return "where" }
func (whereOp) IntInput(i int) bool { return i == 0 }
func (o whereOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 3); err != nil {
		return graph.Type{}, err
	}
	t, err := sameType(in[1:]...)
	if err != nil {
		return graph.Type{}, err
	}
	_, err = maskWalk(t.Shape, in[0].Shape)
	return t, err
}
func (o whereOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	if is32(y) {
		y, a, b := y.Float32s(), in[1].Float32s(), in[2].Float32s()
		maskRun(in[0], func(m []float32) { whereK(o.w, y, a, b, m) }, func(m []float64) { whereK(o.w, y, a, b, m) },
			func(m []int32) { whereK(o.w, y, a, b, m) }, func(m []int64) { whereK(o.w, y, a, b, m) })
		return nil
	}
	y64, a, b := y.Float64s(), in[1].Float64s(), in[2].Float64s()
	maskRun(in[0], func(m []float32) { whereK(o.w, y64, a, b, m) }, func(m []float64) { whereK(o.w, y64, a, b, m) },
		func(m []int32) { whereK(o.w, y64, a, b, m) }, func(m []int64) { whereK(o.w, y64, a, b, m) })
	return nil
}

func whereK[T float, M maskElem](w walk, y, a, b []T, m []M) {
	w.runs(func(bi, si, n, step int) {
		yr, ar, br := y[bi:bi+n], a[bi:bi+n], b[bi:bi+n]
		if step == 0 {
			if m[si] != 0 {
				copy(yr, ar)
			} else {
				copy(yr, br)
			}
			return
		}
		for i, mv := range m[si : si+n] {
			if mv != 0 {
				yr[i] = ar[i]
			} else {
				yr[i] = br[i]
			}
		}
	})
}

// a's gradient is gy where the mask is set, b's where it is not.
func (o whereOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{nil, maskedFill(gy, x[0], 0, true), maskedFill(gy, x[0], 0, false)}
}

// Where returns a where mask is set (not zero) and b elsewhere: PyTorch's where. mask
// (int32, int64 or float), a and b broadcast together with NumPy's rules. The gradient of
// a is the output's gradient where the mask is set, zero elsewhere; b's the other way.
func Where(mask, a, b *graph.Node) *graph.Node {
	s, err := broadcastShapes(a.Shape(), b.Shape())
	if err == nil {
		s, err = broadcastShapes(s, mask.Shape())
	}
	if err != nil {
		panic(&graph.ShapeError{Op: "where", Inputs: []string{mask.Label(), a.Label(), b.Label()},
			Shapes: []graph.Shape{mask.Shape(), a.Shape(), b.Shape()}, Reason: err.Error()})
	}
	w, _ := maskWalk(s, mask.Shape())
	return graph.Apply(whereOp{w}, mask, BroadcastTo(a, s...), BroadcastTo(b, s...))
}
