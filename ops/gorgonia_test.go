package ops_test

// Cross-checks against gorgonia (gorgonia.org/gorgonia v0.9.18) as an independent oracle.
//
// Each row builds the same function in zerograd and in gorgonia on the same random inputs,
// reduces it to a scalar the same way, Sum(y * R) with a fixed random R of y's shape (so a
// transposed or permuted gradient cannot pass), and runs forward and backward in both:
// zerograd with autodiff.Grad and one compiled Program, gorgonia with G.Grad and a
// TapeMachine. The forward value y and the gradient of every input must agree within 1e-9
// relative to max(1, |a|, |b|) in float64, and within 1e-4 in float32 (every row runs in
// both element types: zerograd kernels are generic, gorgonia's are generated per type).
//
// Ops with a gorgonia twin (adaptations noted at each row):
//
//	add sub mul div (Add, Sub, HadamardProd, HadamardDiv; broadcasting rows use
//	BroadcastAdd/BroadcastSub/BroadcastHadamardDiv), neg exp log sqrt square abs tanh
//	sigmoid relu (Rectify) leaky relu (LeakyRelu), pow with a constant exponent (Pow with a
//	constant node), matmul 2-D (Mul) and batched 3-D (BatchedMatMul), MatMulT (Mul of
//	Transpose, BatchedMatMul's trans flags), transpose with a permutation, reshape, flatten,
//	broadcast-to (G.Broadcast), sum-to (Sum then Reshape), sum / mean / max over axes
//	(keep variants via Reshape), softmax and log-softmax on an axis (SoftMax, LogSoftMax),
//	slice (Slice with G.S), concat, AddScalar and MulScalar (Add/HadamardProd with a
//	constant), Sign (forward only, as x * sign(x)).
//
// Composite twins (gorgonia has no single op; the row builds the textbook formula):
//
//	SoftmaxCrossEntropy: -Sum(t * LogSoftMax(x)) / N, with one-hot or probability rows t
//	(labels are turned into a one-hot constant on the gorgonia side);
//	MeanSquaredError: Mean(Square(a - b)).
//
// No gorgonia twin: Step (gorgonia has no Heaviside op; its comparison ops are not
// differentiable either), OneHot (no graph op in gorgonia), and the internal gradient-only
// ops (tanh_grad, sigmoid_grad, relu_grad, equal, embed). Those are covered by the
// numerical gradient checks in gradcheck_test.go and, through their parent ops, here.
// Ops added later (im2col, convolution, pooling) have twins (G.Im2Col, G.Conv2d,
// G.MaxPool2D) but no rows yet.
//
// gorgonia quirks met on the way (zerograd agrees with central differences in each case):
//
//   - gorgonia.org/tensor v0.9.24's Dense.Sum along axis 2 of a 4-D tensor is wrong: on a
//     [2 3 5 4] tensor holding i%7 at flat index i it returns [12 17 15 13 17 15 ...] where
//     the sums are [12 17 15 13 14 12 ...] (the 2-D and 3-D sums of the rows below are
//     right). gorgonia's Sum, and the gradient of its repeat (broadcast) op, use it, so the
//     broadcast rows here stay at 3-D.
//   - Slice with G.S(i, i+1) drops the axis, like an index; the row reshapes it back.
//   - Reshape(Mean(x, axes)): the value of the mean read after a TapeMachine run is divided
//     by the count a second time (the loss and gradients are right), and for a mean over
//     all axes the run fails ("Type Mismatch: Tensor-0 float64 != float64"); the mean-keep
//     rows reshape the sum and divide last.
//   - Two input nodes of the same type and shape with no names are one node (hash-consing):
//     every node built here is named.
//   - gorgonia is no oracle for second derivatives: differentiating Sum(dL/dx * R2) again,
//     with L = Sum(exp(x) * R), its TapeMachine returns exp(x) * R, ignoring R2, and G.Grad
//     of a gradient fails ("Non Differentiable WRTs") through Sum, Mean, Transpose, Concat
//     and broadcasts. Second order stays with the numerical checks of gradcheck_test.go.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/autodiff"
	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/ops"
)

// gInput describes one input of a cross-check row.
type gInput struct {
	shape  []int
	lo, hi float64 // magnitudes drawn in [lo, hi]
	pos    bool    // positive only (otherwise random sign, away from 0)
	rows   bool    // each row normalized to sum to 1 (probability targets)
}

// gIn is an input of the given shape with magnitudes in [lo, hi] and random signs.
func gIn(lo, hi float64, shape ...int) gInput { return gInput{shape: shape, lo: lo, hi: hi} }

type gorgoniaCase struct {
	name   string
	inputs []gInput
	zg     func(xs []*graph.Node) *graph.Node
	gg     func(xs []*G.Node) (*G.Node, error)
}

// gUnary is a row for a unary op on a [3 4] input and on a [2 3 4] one.
func gUnary(name string, lo, hi float64, pos bool, zg func(*graph.Node) *graph.Node, gg func(*G.Node) (*G.Node, error)) []gorgoniaCase {
	var cs []gorgoniaCase
	for _, s := range [][]int{{3, 4}, {2, 3, 4}} {
		cs = append(cs, gorgoniaCase{
			name:   fmt.Sprintf("%s %v", name, s),
			inputs: []gInput{{shape: s, lo: lo, hi: hi, pos: pos}},
			zg:     func(xs []*graph.Node) *graph.Node { return zg(xs[0]) },
			gg:     func(xs []*G.Node) (*G.Node, error) { return gg(xs[0]) },
		})
	}
	return cs
}

// gBinary is a row for a binary op on inputs in [0.5, 2] of random sign.
func gBinary(name string, sa, sb []int, zg func(a, b *graph.Node) *graph.Node, gg func(a, b *G.Node) (*G.Node, error)) gorgoniaCase {
	return gorgoniaCase{
		name:   name,
		inputs: []gInput{{shape: sa, lo: 0.5, hi: 2}, {shape: sb, lo: 0.5, hi: 2}},
		zg:     func(xs []*graph.Node) *graph.Node { return zg(xs[0], xs[1]) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return gg(xs[0], xs[1]) },
	}
}

// gConst makes a gorgonia scalar constant of x's element type.
func gConst(x *G.Node, v float64) *G.Node {
	if x.Dtype() == tensor.Float32 {
		return G.NewConstant(float32(v))
	}
	return G.NewConstant(v)
}

// gReshape is G.Reshape with a plain []int.
func gReshape(x *G.Node, shape ...int) (*G.Node, error) { return G.Reshape(x, tensor.Shape(shape)) }

func gorgoniaCases() []gorgoniaCase {
	var cs []gorgoniaCase
	add := func(c ...gorgoniaCase) { cs = append(cs, c...) }

	// ---- arithmetic ----
	add(
		gBinary("add", []int{3, 4}, []int{3, 4}, ops.Add, G.Add),
		gBinary("add 3-D", []int{2, 3, 4}, []int{2, 3, 4}, ops.Add, G.Add),
		// gorgonia broadcasts explicitly: the pattern names the axes of the other operand
		// along which an operand is repeated; a lower-rank operand is padded with 1s there.
		gBinary("add broadcast row", []int{3, 4}, []int{4}, ops.Add,
			func(a, b *G.Node) (*G.Node, error) { return G.BroadcastAdd(a, b, nil, []byte{0}) }),
		gBinary("add broadcast both", []int{3, 1}, []int{1, 4}, ops.Add,
			func(a, b *G.Node) (*G.Node, error) { return G.BroadcastAdd(a, b, []byte{1}, []byte{0}) }),
		gBinary("sub", []int{3, 4}, []int{3, 4}, ops.Sub, G.Sub),
		// NumPy aligns [3 1] with the trailing axes of [2 3 4]; gorgonia needs it as [1 3 1].
		gBinary("sub broadcast 3-D", []int{2, 3, 4}, []int{3, 1}, ops.Sub,
			func(a, b *G.Node) (*G.Node, error) {
				b, err := gReshape(b, 1, 3, 1)
				if err != nil {
					return nil, err
				}
				return G.BroadcastSub(a, b, nil, []byte{0, 2})
			}),
		gBinary("mul", []int{3, 4}, []int{3, 4}, ops.Mul, G.HadamardProd),
		gBinary("mul scalar", []int{3, 4}, nil, ops.Mul, G.HadamardProd),
		gBinary("mul broadcast column", []int{3, 4}, []int{3, 1}, ops.Mul,
			func(a, b *G.Node) (*G.Node, error) { return G.BroadcastHadamardProd(a, b, nil, []byte{1}) }),
		gBinary("div", []int{3, 4}, []int{3, 4}, ops.Div, G.HadamardDiv),
		gBinary("div 3-D", []int{2, 3, 4}, []int{2, 3, 4}, ops.Div, G.HadamardDiv),
		gBinary("div broadcast", []int{4}, []int{3, 4}, ops.Div,
			func(a, b *G.Node) (*G.Node, error) { return G.BroadcastHadamardDiv(a, b, []byte{0}, nil) }),
		gBinary("div by scalar", []int{3, 4}, nil, ops.Div, G.HadamardDiv),
	)
	add(gUnary("add scalar", 0.1, 2, false,
		func(x *graph.Node) *graph.Node { return ops.AddScalar(x, 2.5) },
		func(x *G.Node) (*G.Node, error) { return G.Add(x, gConst(x, 2.5)) })...)
	add(gUnary("mul scalar const", 0.1, 2, false,
		func(x *graph.Node) *graph.Node { return ops.MulScalar(x, -1.75) },
		func(x *G.Node) (*G.Node, error) { return G.HadamardProd(x, gConst(x, -1.75)) })...)
	add(gUnary("neg", 0.1, 1, false, ops.Neg, G.Neg)...)
	add(gUnary("pow 3", 0.1, 2, false,
		func(x *graph.Node) *graph.Node { return ops.Pow(x, 3) },
		func(x *G.Node) (*G.Node, error) { return G.Pow(x, gConst(x, 3)) })...)
	// A fractional exponent needs positive x (gorgonia's pow also differentiates with respect
	// to the exponent, through log(x), though the constant's gradient is never read).
	add(gUnary("pow -1.5", 0.5, 2, true,
		func(x *graph.Node) *graph.Node { return ops.Pow(x, -1.5) },
		func(x *G.Node) (*G.Node, error) { return G.Pow(x, gConst(x, -1.5)) })...)
	add(gUnary("pow 0.5", 0.5, 2, true,
		func(x *graph.Node) *graph.Node { return ops.Pow(x, 0.5) },
		func(x *G.Node) (*G.Node, error) { return G.Pow(x, gConst(x, 0.5)) })...)

	// ---- elementwise ----
	add(gUnary("exp", 0.1, 1, false, ops.Exp, G.Exp)...)
	add(gUnary("log", 0.5, 2, true, ops.Log, G.Log)...)
	add(gUnary("sqrt", 0.5, 2, true, ops.Sqrt, G.Sqrt)...)
	add(gUnary("square", 0.1, 2, false, ops.Square, G.Square)...)
	add(gUnary("abs", 0.1, 2, false, ops.Abs, G.Abs)...)
	// Sign has no gradient in zerograd; x * sign(x) = |x| checks its forward values and that
	// both frameworks let no gradient through sign itself.
	add(gUnary("x*sign(x)", 0.1, 2, false,
		func(x *graph.Node) *graph.Node { return ops.Mul(x, ops.Sign(x)) },
		func(x *G.Node) (*G.Node, error) { return then(G.Sign(x)).andMul(x) })...)

	// ---- activations ----
	add(gUnary("tanh", 0.1, 2, false, ops.Tanh, G.Tanh)...)
	add(gUnary("sigmoid", 0.1, 3, false, ops.Sigmoid, G.Sigmoid)...)
	add(gUnary("relu", 0.1, 2, false, ops.ReLU, G.Rectify)...)
	add(gUnary("leaky relu 0.1", 0.1, 2, false,
		func(x *graph.Node) *graph.Node { return ops.LeakyReLU(x, 0.1) },
		func(x *G.Node) (*G.Node, error) { return G.LeakyRelu(x, 0.1) })...)
	// gorgonia's SoftMax defaults to the last axis (axis 0 for column vectors); give it explicitly.
	for _, axis := range []int{0, 1} {
		add(gorgoniaCase{
			name:   fmt.Sprintf("softmax [3 4] axis %d", axis),
			inputs: []gInput{gIn(0.1, 3, 3, 4)},
			zg:     func(xs []*graph.Node) *graph.Node { return ops.Softmax(xs[0], axis) },
			gg:     func(xs []*G.Node) (*G.Node, error) { return G.SoftMax(xs[0], axis) },
		}, gorgoniaCase{
			name:   fmt.Sprintf("log-softmax [3 4] axis %d", axis),
			inputs: []gInput{gIn(0.1, 3, 3, 4)},
			zg:     func(xs []*graph.Node) *graph.Node { return ops.LogSoftmax(xs[0], axis) },
			gg:     func(xs []*G.Node) (*G.Node, error) { return G.LogSoftMax(xs[0], axis) },
		})
	}
	for _, axis := range []int{0, 1, 2} {
		add(gorgoniaCase{
			name:   fmt.Sprintf("softmax [2 3 4] axis %d", axis),
			inputs: []gInput{gIn(0.1, 3, 2, 3, 4)},
			zg:     func(xs []*graph.Node) *graph.Node { return ops.Softmax(xs[0], axis) },
			gg:     func(xs []*G.Node) (*G.Node, error) { return G.SoftMax(xs[0], axis) },
		}, gorgoniaCase{
			name:   fmt.Sprintf("log-softmax [2 3 4] axis %d", axis),
			inputs: []gInput{gIn(0.1, 3, 2, 3, 4)},
			zg:     func(xs []*graph.Node) *graph.Node { return ops.LogSoftmax(xs[0], axis) },
			gg:     func(xs []*G.Node) (*G.Node, error) { return G.LogSoftMax(xs[0], axis) },
		})
	}
	add(gorgoniaCase{
		name:   "softmax last axis (-1)",
		inputs: []gInput{gIn(0.1, 3, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.Softmax(xs[0], -1) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return G.SoftMax(xs[0]) },
	})

	// ---- linear algebra ----
	add(
		gBinary("matmul", []int{3, 4}, []int{4, 5}, ops.MatMul, G.Mul),
		gBinary("matmul A^T", []int{4, 3}, []int{4, 5},
			func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, true, false) },
			func(a, b *G.Node) (*G.Node, error) { return then(G.Transpose(a)).andMatMul(b) }),
		gBinary("matmul B^T", []int{3, 4}, []int{5, 4},
			func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, false, true) },
			func(a, b *G.Node) (*G.Node, error) {
				bt, err := G.Transpose(b)
				if err != nil {
					return nil, err
				}
				return G.Mul(a, bt)
			}),
		gBinary("matmul A^T B^T", []int{4, 3}, []int{5, 4},
			func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, true, true) },
			func(a, b *G.Node) (*G.Node, error) {
				bt, err := G.Transpose(b)
				if err != nil {
					return nil, err
				}
				return then(G.Transpose(a)).andMatMul(bt)
			}),
		gBinary("matmul batched", []int{2, 3, 4}, []int{2, 4, 5}, ops.MatMul,
			func(a, b *G.Node) (*G.Node, error) { return G.BatchedMatMul(a, b) }),
		gBinary("matmul batched A^T B^T", []int{2, 4, 3}, []int{2, 5, 4},
			func(a, b *graph.Node) *graph.Node { return ops.MatMulT(a, b, true, true) },
			func(a, b *G.Node) (*G.Node, error) { return G.BatchedMatMul(a, b, true, true) }),
	)

	// ---- shapes ----
	add(gorgoniaCase{
		name:   "reshape [3 4] to [2 6]",
		inputs: []gInput{gIn(0.1, 1, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.Reshape(xs[0], 2, -1) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return gReshape(xs[0], 2, 6) },
	}, gorgoniaCase{
		name:   "flatten [2 3 4]",
		inputs: []gInput{gIn(0.1, 1, 2, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.Flatten(xs[0]) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return gReshape(xs[0], 2, 12) },
	}, gorgoniaCase{
		// G.Broadcast against a zero tensor of the target shape returns the repeated operand.
		// Kept to 3-D: gorgonia's gradient of a repeat is a tensor Sum, and tensor v0.9.24's
		// Dense.Sum along axis 2 of a 4-D tensor is wrong (see the note at the top), so the
		// book-sized [3 1 4] -> [2 3 5 4] row of gradcheck_test.go has no trustworthy twin.
		name:   "broadcast-to [3 1] to [2 3 5]",
		inputs: []gInput{gIn(0.1, 1, 3, 1)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.BroadcastTo(xs[0], 2, 3, 5) },
		gg: func(xs []*G.Node) (*G.Node, error) {
			x, err := gReshape(xs[0], 1, 3, 1)
			if err != nil {
				return nil, err
			}
			zeros := G.NewTensor(xs[0].Graph(), xs[0].Dtype(), 3, G.WithShape(2, 3, 5), G.WithInit(G.Zeroes()), G.WithName("zeros"))
			_, y, err := G.Broadcast(zeros, x, G.NewBroadcastPattern(nil, []byte{0, 2}))
			return y, err
		},
	}, gorgoniaCase{
		name:   "broadcast-to [4] to [3 4]",
		inputs: []gInput{gIn(0.1, 1, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.BroadcastTo(xs[0], 3, 4) },
		gg: func(xs []*G.Node) (*G.Node, error) {
			zeros := G.NewTensor(xs[0].Graph(), xs[0].Dtype(), 2, G.WithShape(3, 4), G.WithInit(G.Zeroes()), G.WithName("zeros"))
			_, y, err := G.Broadcast(zeros, xs[0], G.NewBroadcastPattern(nil, []byte{0}))
			return y, err
		},
	}, gorgoniaCase{
		// gorgonia's Sum drops the reduced axes; SumTo keeps them as 1.
		name:   "sum-to [2 3 4] to [3 1]",
		inputs: []gInput{gIn(0.1, 1, 2, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.SumTo(xs[0], 3, 1) },
		gg: func(xs []*G.Node) (*G.Node, error) {
			return then(G.Sum(xs[0], 0, 2)).and(func(y *G.Node) (*G.Node, error) { return gReshape(y, 3, 1) })
		},
	}, gorgoniaCase{
		name:   "transpose 2-D",
		inputs: []gInput{gIn(0.1, 1, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.Transpose(xs[0]) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return G.Transpose(xs[0]) },
	})
	for _, perm := range [][]int{{2, 0, 1}, {1, 2, 0}, {0, 2, 1}, {2, 1, 0}} {
		add(gorgoniaCase{
			name:   fmt.Sprintf("transpose %v", perm),
			inputs: []gInput{gIn(0.1, 1, 2, 3, 4)},
			zg:     func(xs []*graph.Node) *graph.Node { return ops.Transpose(xs[0], perm...) },
			gg:     func(xs []*G.Node) (*G.Node, error) { return G.Transpose(xs[0], perm...) },
		})
	}
	add(gorgoniaCase{
		name:   "slice rows [1,3)",
		inputs: []gInput{gIn(0.1, 1, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.SliceRows(xs[0], 1, 3) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return G.Slice(xs[0], G.S(1, 3)) },
	}, gorgoniaCase{
		name:   "slice axis 1 [1,4)",
		inputs: []gInput{gIn(0.1, 1, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.Slice(xs[0], 1, 1, 4) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return G.Slice(xs[0], nil, G.S(1, 4)) },
	}, gorgoniaCase{
		name:   "slice [2 3 4] axis 2 [0,2)",
		inputs: []gInput{gIn(0.1, 1, 2, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.Slice(xs[0], -1, 0, 2) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return G.Slice(xs[0], nil, nil, G.S(0, 2)) },
	}, gorgoniaCase{
		name:   "slice [2 3 4] axis 1 [1,2)",
		inputs: []gInput{gIn(0.1, 1, 2, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.Slice(xs[0], 1, 1, 2) },
		// gorgonia drops an axis sliced to width 1 (G.S(1, 2) acts like an index); reshape it back.
		gg: func(xs []*G.Node) (*G.Node, error) {
			return then(G.Slice(xs[0], nil, G.S(1, 2))).and(func(y *G.Node) (*G.Node, error) { return gReshape(y, 2, 1, 4) })
		},
	},
		gBinary("concat axis 0", []int{2, 4}, []int{3, 4},
			func(a, b *graph.Node) *graph.Node { return ops.Concat(0, a, b) },
			func(a, b *G.Node) (*G.Node, error) { return G.Concat(0, a, b) }),
		gBinary("concat axis 1 (a, b, a)", []int{3, 2}, []int{3, 4},
			func(a, b *graph.Node) *graph.Node { return ops.Concat(1, a, b, a) },
			func(a, b *G.Node) (*G.Node, error) { return G.Concat(1, a, b, a) }),
		gBinary("concat 3-D axis 2", []int{2, 3, 1}, []int{2, 3, 4},
			func(a, b *graph.Node) *graph.Node { return ops.Concat(-1, a, b) },
			func(a, b *G.Node) (*G.Node, error) { return G.Concat(2, a, b) }),
	)

	// ---- reductions ----
	type red struct {
		name string
		z    func(*graph.Node, ...int) *graph.Node
		g    func(*G.Node, ...int) (*G.Node, error)
		keep bool
	}
	// gorgonia quirk: a division followed by a Reshape (Reshape(Mean(x, axes))) makes the
	// TapeMachine report the mean divided twice when its value is read after the backward
	// pass, though the loss and the gradients are right; and reshaping the mean over all axes
	// to [1 1] fails at run time ("Type Mismatch: Tensor-0 float64 != float64"). The mean
	// keep rows therefore reshape the sum first and divide last.
	meanKeep := func(x *G.Node, kept []int, axes ...int) (*G.Node, error) {
		count := x.Shape().TotalSize() / graph.Shape(kept).Size()
		return then(G.Sum(x, axes...)).and(
			func(s *G.Node) (*G.Node, error) { return gReshape(s, kept...) },
			func(s *G.Node) (*G.Node, error) { return G.HadamardDiv(s, gConst(s, float64(count))) })
	}
	reds := []red{
		{"sum", ops.Sum, G.Sum, false}, {"mean", ops.Mean, G.Mean, false}, {"max", ops.Max, G.Max, false},
		{"sum keep", ops.SumKeep, G.Sum, true}, {"mean keep", ops.MeanKeep, nil, true}, {"max keep", ops.MaxKeep, G.Max, true},
	}
	axesOf := []struct {
		shape []int
		axes  []int
	}{
		{[]int{3, 4}, nil}, {[]int{3, 4}, []int{0}}, {[]int{3, 4}, []int{1}},
		{[]int{2, 3, 4}, nil}, {[]int{2, 3, 4}, []int{1}}, {[]int{2, 3, 4}, []int{0, 2}}, {[]int{2, 3, 4}, []int{2, 0}},
	}
	for _, r := range reds {
		for _, a := range axesOf {
			add(gorgoniaCase{
				name:   fmt.Sprintf("%s %v axes %v", r.name, a.shape, a.axes),
				inputs: []gInput{gIn(0.1, 2, a.shape...)},
				zg:     func(xs []*graph.Node) *graph.Node { return r.z(xs[0], a.axes...) },
				gg: func(xs []*G.Node) (*G.Node, error) {
					if !r.keep {
						return r.g(xs[0], a.axes...)
					}
					// gorgonia has no keepdims: reshape to the kept shape.
					kept := append([]int(nil), a.shape...)
					for i := range kept {
						if len(a.axes) == 0 || containsInt(a.axes, i) {
							kept[i] = 1
						}
					}
					if r.g == nil {
						return meanKeep(xs[0], kept, a.axes...)
					}
					return then(r.g(xs[0], a.axes...)).and(func(y *G.Node) (*G.Node, error) { return gReshape(y, kept...) })
				},
			})
		}
	}

	// ---- losses (composite twins) ----
	add(gorgoniaCase{
		name:   "mean squared error",
		inputs: []gInput{gIn(0.5, 2, 3, 4), gIn(0.5, 2, 3, 4)},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.MeanSquaredError(xs[0], xs[1]) },
		gg: func(xs []*G.Node) (*G.Node, error) {
			return then(G.Sub(xs[0], xs[1])).and(G.Square, func(y *G.Node) (*G.Node, error) { return G.Mean(y) })
		},
	}, gorgoniaCase{
		// zerograd's gradient with respect to x is (softmax(x) - t) / N, which holds for
		// targets whose rows sum to 1: the targets here are probability rows.
		name:   "softmax cross entropy, probability rows",
		inputs: []gInput{gIn(0.1, 3, 5, 4), {shape: []int{5, 4}, lo: 0.1, hi: 1, pos: true, rows: true}},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.SoftmaxCrossEntropy(xs[0], xs[1]) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return gCrossEntropy(xs[0], xs[1]) },
	})
	return cs
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// gCrossEntropy is -Sum(t * LogSoftMax(x, 1)) / N.
func gCrossEntropy(x, t *G.Node) (*G.Node, error) {
	n := float64(x.Shape()[0])
	return then(G.LogSoftMax(x, 1)).and(
		func(ls *G.Node) (*G.Node, error) { return G.HadamardProd(t, ls) },
		func(y *G.Node) (*G.Node, error) { return G.Sum(y) },
		G.Neg,
		func(y *G.Node) (*G.Node, error) { return G.HadamardDiv(y, gConst(y, n)) },
	)
}

// chain is a small builder so that gorgonia's (node, error) results compose without
// a line of error plumbing per op.
type chain struct {
	x   *G.Node
	err error
}

func then(x *G.Node, err error) chain { return chain{x, err} }

func (c chain) and(fs ...func(*G.Node) (*G.Node, error)) (*G.Node, error) {
	for _, f := range fs {
		if c.err != nil {
			return nil, c.err
		}
		c.x, c.err = f(c.x)
	}
	return c.x, c.err
}

func (c chain) andMul(y *G.Node) (*G.Node, error) {
	return c.and(func(x *G.Node) (*G.Node, error) { return G.HadamardProd(y, x) })
}

func (c chain) andMatMul(y *G.Node) (*G.Node, error) {
	return c.and(func(x *G.Node) (*G.Node, error) { return G.Mul(x, y) })
}

// gValues draws the inputs of a row.
func gValues(rng *rand.Rand, ins []gInput) [][]float64 {
	vals := make([][]float64, len(ins))
	for i, s := range ins {
		v := make([]float64, graph.Shape(s.shape).Size())
		for j := range v {
			v[j] = s.lo + (s.hi-s.lo)*rng.Float64()
			if !s.pos && rng.IntN(2) == 0 {
				v[j] = -v[j]
			}
		}
		if s.rows {
			c := s.shape[len(s.shape)-1]
			for r := 0; r < len(v); r += c {
				var sum float64
				for _, x := range v[r : r+c] {
					sum += x
				}
				for j := r; j < r+c; j++ {
					v[j] /= sum
				}
			}
		}
		vals[i] = v
	}
	return vals
}

// crossResult is what one framework computed for one row: y, then the gradient of each input.
type crossResult struct {
	shape []int
	loss  float64 // Sum(y * R)
	vals  [][]float64
}

// runZerograd builds and runs a row in zerograd: its inputs are parameters, or the nodes xs
// makes when it is not nil (fed from feeds); the gradients are those of every parameter.
func runZerograd(c gorgoniaCase, dt graph.DType, inputs [][]float64, r []float64, feeds graph.Feeds, xs func(g *graph.Graph) []*graph.Node) (crossResult, error) {
	g := graph.New()
	var nodes []*graph.Node
	if xs != nil {
		nodes = xs(g)
	} else {
		for i, s := range c.inputs {
			nodes = append(nodes, g.Param(fmt.Sprintf("x%d", i), graph.FromFloat64s(dt, s.shape, inputs[i])))
		}
	}
	y := c.zg(nodes)
	rn := g.Const("R", graph.FromFloat64s(dt, y.Shape(), r[:y.Shape().Size()]))
	loss := ops.Sum(ops.Mul(y, rn))
	var wrt []*graph.Node
	for _, n := range nodes {
		if n.Kind() == graph.KindParam {
			wrt = append(wrt, n)
		}
	}
	grads := autodiff.Grad(loss, wrt...)
	prog, err := graph.Compile(append([]*graph.Node{loss, y}, grads...)...)
	if err != nil {
		return crossResult{}, err
	}
	outs, err := prog.Run(feeds)
	if err != nil {
		return crossResult{}, err
	}
	res := crossResult{shape: y.Shape(), loss: graph.Float64s(outs[0])[0]}
	for _, o := range outs[1:] {
		res.vals = append(res.vals, graph.Float64s(o))
	}
	return res, nil
}

// runGorgonia builds and runs a row in gorgonia. Inputs whose index is in consts get no gradient.
func runGorgonia(c gorgoniaCase, dt graph.DType, inputs [][]float64, r []float64, consts map[int]bool) (res crossResult, err error) {
	g := G.NewGraph()
	var xs, wrt G.Nodes
	for i, s := range c.inputs {
		v := graph.FromFloat64s(dt, s.shape, inputs[i])
		var n *G.Node
		if len(s.shape) == 0 {
			n = G.NewScalar(g, dt.Tensor(), G.WithName(fmt.Sprintf("x%d", i)), G.WithValue(v.Data()))
		} else {
			n = G.NewTensor(g, dt.Tensor(), len(s.shape), G.WithShape(s.shape...), G.WithName(fmt.Sprintf("x%d", i)), G.WithValue(v))
		}
		xs = append(xs, n)
		if !consts[i] {
			wrt = append(wrt, n)
		}
	}
	y, err := c.gg(xs)
	if err != nil {
		return res, fmt.Errorf("gorgonia build: %w", err)
	}
	ys := []int(y.Shape())
	if y.IsScalar() {
		ys = nil
	}
	size := graph.Shape(ys).Size()
	var rn *G.Node
	if len(ys) == 0 {
		rv := graph.FromFloat64s(dt, nil, r[:1])
		rn = G.NewScalar(g, dt.Tensor(), G.WithName("R"), G.WithValue(rv.Data()))
	} else {
		rn = G.NewTensor(g, dt.Tensor(), len(ys), G.WithShape(ys...), G.WithName("R"), G.WithValue(graph.FromFloat64s(dt, ys, r[:size])))
	}
	loss, err := then(G.HadamardProd(y, rn)).and(func(p *G.Node) (*G.Node, error) { return G.Sum(p) })
	if err != nil {
		return res, fmt.Errorf("gorgonia loss: %w", err)
	}
	grads, err := G.Grad(loss, wrt...)
	if err != nil {
		return res, fmt.Errorf("gorgonia grad: %w", err)
	}
	var yv, lv G.Value
	G.Read(y, &yv)
	G.Read(loss, &lv)
	gvs := make([]G.Value, len(grads))
	for i, gn := range grads {
		G.Read(gn, &gvs[i])
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return res, fmt.Errorf("gorgonia run: %w", err)
	}
	res.shape = ys
	res.loss = gValueFloats(lv)[0]
	for _, v := range append([]G.Value{yv}, gvs...) {
		res.vals = append(res.vals, gValueFloats(v))
	}
	return res, nil
}

// gValueFloats reads a gorgonia value (a tensor or a scalar) as float64s.
func gValueFloats(v G.Value) []float64 {
	switch d := v.Data().(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case float64:
		return []float64{d}
	case float32:
		return []float64{float64(d)}
	}
	panic(fmt.Sprintf("gorgonia value of type %T", v.Data()))
}

// closeTo reports the worst error relative to max(1, |a|, |b|) and where it is.
func closeTo(a, b []float64) (worst float64, at int) {
	for i := range a {
		e := math.Abs(a[i]-b[i]) / math.Max(1, math.Max(math.Abs(a[i]), math.Abs(b[i])))
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		if e > worst {
			worst, at = e, i
		}
	}
	return worst, at
}

func compareCross(t *testing.T, z, g crossResult, tol float64, names []string) {
	t.Helper()
	if !graph.Shape(z.shape).Equal(g.shape) {
		t.Fatalf("output shape: zerograd %v, gorgonia %v", graph.Shape(z.shape), graph.Shape(g.shape))
	}
	if w, _ := closeTo([]float64{z.loss}, []float64{g.loss}); w > tol {
		t.Errorf("Sum(y*R): zerograd %.17g, gorgonia %.17g", z.loss, g.loss)
	}
	if len(z.vals) != len(g.vals) {
		t.Fatalf("zerograd gave %d outputs, gorgonia %d", len(z.vals), len(g.vals))
	}
	for i := range z.vals {
		what := "y"
		if i > 0 {
			what = "d/d" + names[i-1]
		}
		if len(z.vals[i]) != len(g.vals[i]) {
			t.Errorf("%s: zerograd has %d values, gorgonia %d", what, len(z.vals[i]), len(g.vals[i]))
			continue
		}
		if w, at := closeTo(z.vals[i], g.vals[i]); w > tol {
			t.Errorf("%s: worst relative error %.3g at %d: zerograd %.17g, gorgonia %.17g", what, w, at, z.vals[i][at], g.vals[i][at])
		}
	}
}

// TestGorgoniaCrossCheck builds every row in both frameworks, in float64 and float32, and
// compares the forward values and the gradient of every input.
func TestGorgoniaCrossCheck(t *testing.T) {
	for i, c := range gorgoniaCases() {
		for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
			tol := 1e-9
			if dt == graph.Float32 {
				tol = 1e-4
			}
			t.Run(fmt.Sprintf("%s/%s", c.name, dt), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(i), 11))
				inputs := gValues(rng, c.inputs)
				r := make([]float64, 1024)
				for j := range r {
					r[j] = rng.NormFloat64()
				}
				zr, err := runZerograd(c, dt, inputs, r, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				gr, err := runGorgonia(c, dt, inputs, r, nil)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for j := range c.inputs {
					names = append(names, fmt.Sprintf("x%d", j))
				}
				compareCross(t, zr, gr, tol, names)
			})
		}
	}
}

// TestGorgoniaCrossEntropyLabels checks SoftmaxCrossEntropy with class labels against
// gorgonia's cross entropy with the same labels as a one-hot constant.
func TestGorgoniaCrossEntropyLabels(t *testing.T) {
	labels := []float64{2, 0, 3, 3, 1}
	rng := rand.New(rand.NewPCG(99, 11))
	xin := gIn(0.1, 3, 5, 4)
	inputs := gValues(rng, []gInput{xin})
	oneHot := make([]float64, 5*4)
	for i, l := range labels {
		oneHot[i*4+int(l)] = 1
	}
	inputs = append(inputs, oneHot)
	r := []float64{rng.NormFloat64()}
	c := gorgoniaCase{
		name:   "softmax cross entropy labels",
		inputs: []gInput{xin, {shape: []int{5, 4}}},
		zg:     func(xs []*graph.Node) *graph.Node { return ops.SoftmaxCrossEntropy(xs[0], xs[1]) },
		gg:     func(xs []*G.Node) (*G.Node, error) { return gCrossEntropy(xs[0], xs[1]) },
	}
	for _, dt := range []graph.DType{graph.Float64, graph.Float32} {
		tol := 1e-9
		if dt == graph.Float32 {
			tol = 1e-5
		}
		zr, err := runZerograd(c, dt, inputs, r, graph.Feeds{"t": graph.FromFloat64s(dt, []int{5}, labels)},
			func(g *graph.Graph) []*graph.Node {
				return []*graph.Node{g.Param("x0", graph.FromFloat64s(dt, []int{5, 4}, inputs[0])), g.Input("t", dt, 5)}
			})
		if err != nil {
			t.Fatal(err)
		}
		gr, err := runGorgonia(c, dt, inputs, r, map[int]bool{1: true})
		if err != nil {
			t.Fatal(err)
		}
		compareCross(t, zr, gr, tol, []string{"x0"})
	}
}
