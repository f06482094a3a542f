package ops

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
	"github.com/zerograd/zerograd/internal/parallel"
)

// matMulOp multiplies op(A) op(B), where op transposes the last two axes when the flag is
// set. Leading axes are batch axes that broadcast with NumPy's rules, as torch.matmul's:
// each matrix of the batch is multiplied by the matching one of the other operand.
// Transposes are read in place, never copied.
type matMulOp struct{ transA, transB bool }

var _ graph.Op = matMulOp{}

func (o matMulOp) Name() string {
	switch {
	case o.transA && o.transB:
		return "matmul_tt"
	case o.transA:
		return "matmul_tn"
	case o.transB:
		return "matmul_nt"
	}
	return "matmul"
}

// dims returns m, k, n of op(A) (m x k) times op(B) (kb x n).
func (o matMulOp) dims(a, b graph.Shape) (m, k, n, kb int) {
	ra, rb := len(a), len(b)
	m, k = a[ra-2], a[ra-1]
	if o.transA {
		m, k = k, m
	}
	kb, n = b[rb-2], b[rb-1]
	if o.transB {
		kb, n = n, kb
	}
	return
}

func (o matMulOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	a, b := in[0].Shape, in[1].Shape
	if in[0].DType != in[1].DType {
		return graph.Type{}, graph.Errorf("element types %s and %s differ", in[0].DType, in[1].DType)
	}
	if len(a) < 2 || len(b) < 2 {
		return graph.Type{}, graph.Errorf("want matrices or batches of them (rank 2 or more), got ranks %d and %d", len(a), len(b))
	}
	batch, err := broadcastShapes(a[:len(a)-2], b[:len(b)-2])
	if err != nil {
		return graph.Type{}, graph.Errorf("batch axes %v and %v do not broadcast", a[:len(a)-2], b[:len(b)-2])
	}
	m, k, n, kb := o.dims(a, b)
	if k != kb {
		return graph.Type{}, graph.Errorf("inner dimensions %d and %d differ", k, kb)
	}
	return graph.Type{Shape: append(batch.Clone(), m, n), DType: in[0].DType}, nil
}

func (o matMulOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	if is32(y) {
		matMulRun(o, sgemm, y.Float32s(), in[0].Float32s(), in[1].Float32s(), shapeOf(y), shapeOf(in[0]), shapeOf(in[1]))
	} else {
		matMulRun(o, dgemm, y.Float64s(), in[0].Float64s(), in[1].Float64s(), shapeOf(y), shapeOf(in[0]), shapeOf(in[1]))
	}
	return nil
}

// matMulRun multiplies each matrix of the batch with one GEMM call. When B is one matrix
// and A is not transposed, A's batch is stacked into one tall matrix: a single GEMM. A
// batch of at least two matrices per core (attention's heads: [N*Heads T T] products of a
// few hundred thousand steps each, too small to split well inside one GEMM) is split over
// the cores instead, each running its share of the GEMMs on its own.
func matMulRun[T float](o matMulOp, gemm gemmFunc[T], c, a, b []T, ys, as, bs graph.Shape) {
	m, k, n, _ := o.dims(as, bs)
	batch := len(c) / (m * n)
	if batch == 1 || (len(b) == k*n && !o.transA) {
		lda, ldb := as[len(as)-1], bs[len(bs)-1]
		gemm(o.transA, o.transB, batch*m, n, k, 1, a, lda, b, ldb, 0, c, n)
		return
	}
	t := matBatch[T]{o: o, gemm: gemm, c: c, a: a, b: b, ys: ys, as: as, bs: bs}
	s := slotFor[matBatch[T]](&matBatchSlots)
	if batch < 2*parallel.Cores() || !s.mu.TryLock() {
		t.Run(0, batch)
		return
	}
	defer s.mu.Unlock()
	t.gemm = serialGemm[T]()
	s.t = t
	parallel.For(batch, batch*m*n*k, &s.t)
	s.t = matBatch[T]{} // drop the caller's slices
}

// matBatch multiplies the matrices [lo, hi) of a batched matmul, one GEMM each.
type matBatch[T float] struct {
	o          matMulOp
	gemm       gemmFunc[T]
	c, a, b    []T
	ys, as, bs graph.Shape
}

// matBatchSlots hold the task of a batch split over the cores (taskSlot).
var matBatchSlots typeSlots[matBatch[float32], matBatch[float64]]

func (t *matBatch[T]) Run(lo, hi int) {
	as, bs, ys := t.as, t.bs, t.ys
	m, k, n, _ := t.o.dims(as, bs)
	ra, rb, ry := len(as), len(bs), len(ys)
	lda, ldb := as[ra-1], bs[rb-1]
	sa, sb := as[ra-2]*as[ra-1], bs[rb-2]*bs[rb-1]
	for i := lo; i < hi; i++ {
		// The matrix of A and of B for batch index i, by broadcasting.
		ia, ib, rest := 0, 0, i
		wa, wb := 1, 1 // the number of matrices in A and B below axis d
		for d := ry - 3; d >= 0; d-- {
			j := rest % ys[d]
			rest /= ys[d]
			if da := d - (ry - ra); da >= 0 {
				if as[da] != 1 {
					ia += j * wa
				}
				wa *= as[da]
			}
			if db := d - (ry - rb); db >= 0 {
				if bs[db] != 1 {
					ib += j * wb
				}
				wb *= bs[db]
			}
		}
		t.gemm(t.o.transA, t.o.transB, m, n, k, 1, t.a[ia*sa:], lda, t.b[ib*sb:], ldb, 0, t.c[i*m*n:], n)
	}
}

// For C = op(A) op(B): dA = gy op(B)^T (transposed back when A was), dB = op(A)^T gy likewise.
// Each is one matmul with the right flags, so the book's affine backward
// (dx = dout W^T, dW = x^T dout) needs no transpose copies.
func (o matMulOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	a, b := x[0], x[1]
	var ga, gb *graph.Node
	if o.transA {
		ga = matMulT(b, gy, o.transB, true)
	} else {
		ga = matMulT(gy, b, false, !o.transB)
	}
	switch {
	case len(b.Shape()) == 2 && len(a.Shape()) > 2 && !o.transA:
		// One matrix B under a batch of A: B's gradient sums over the batch, which is one
		// GEMM over A and gy stacked into tall matrices.
		if o.transB {
			gb = rowsTN(gy, a)
		} else {
			gb = rowsTN(a, gy)
		}
	case o.transB:
		gb = matMulT(gy, a, true, o.transA)
	default:
		gb = matMulT(a, gy, !o.transA, false)
	}
	// Where an operand was broadcast over the batch, its gradient sums over it.
	return []*graph.Node{SumTo(ga, a.Shape()...), SumTo(gb, b.Shape()...)}
}

func matMulT(a, b *graph.Node, transA, transB bool) *graph.Node {
	return graph.Apply(matMulOp{transA, transB}, a, b)
}

// MatMul returns the matrix product a b of two matrices, or of the matrices of two batches
// [... m k] and [... k n] whose leading axes broadcast with NumPy's rules, as torch.matmul
// for rank 2 and up: [B T D] times [D E] is [B T E], [B H T D] times [B H D S] is [B H T S].
func MatMul(a, b *graph.Node) *graph.Node { return matMulT(a, b, false, false) }

// MatMulT is MatMul with either operand transposed in place: op(a) op(b).
func MatMulT(a, b *graph.Node, transA, transB bool) *graph.Node { return matMulT(a, b, transA, transB) }

// matMulAddOp is c + op(A) op(B) for matrices, PyTorch's addmm: one GEMM that accumulates
// onto a copy of c (beta = 1) instead of a product and then an addition over its output.
// Its inputs are A, B, c, in the order of ONNX's Gemm, which it exports as.
type matMulAddOp struct{ transA, transB bool }

var _ graph.Op = matMulAddOp{}

func (o matMulAddOp) Name() string { return matMulOp(o).Name() + "_add" }

func (o matMulAddOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 3); err != nil {
		return graph.Type{}, err
	}
	if len(in[0].Shape) != 2 || len(in[1].Shape) != 2 {
		return graph.Type{}, graph.Errorf("want matrices, got ranks %d and %d", len(in[0].Shape), len(in[1].Shape))
	}
	t, err := matMulOp(o).Shape(in[0], in[1])
	if err != nil {
		return graph.Type{}, err
	}
	if !in[2].Shape.Equal(t.Shape) || in[2].DType != t.DType {
		return graph.Type{}, graph.Errorf("the addend is %v %s, the product %v %s", in[2].Shape, in[2].DType, t.Shape, t.DType)
	}
	return t, nil
}

func (o matMulAddOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	as, bs := shapeOf(in[0]), shapeOf(in[1])
	m, k, n, _ := matMulOp(o).dims(as, bs)
	if is32(y) {
		c := y.Float32s()
		copy(c, in[2].Float32s())
		sgemm(o.transA, o.transB, m, n, k, 1, in[0].Float32s(), as[1], in[1].Float32s(), bs[1], 1, c, n)
	} else {
		c := y.Float64s()
		copy(c, in[2].Float64s())
		dgemm(o.transA, o.transB, m, n, k, 1, in[0].Float64s(), as[1], in[1].Float64s(), bs[1], 1, c, n)
	}
	return nil
}

// The gradients of A and B are those of the product; c's is gy.
func (o matMulAddOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	g := matMulOp(o).Grad(x[:2], y, gy)
	return []*graph.Node{g[0], g[1], gy}
}

// AddMatMul returns c + op(a) op(b) for matrices a and b and c of the product's shape
// (PyTorch's addmm, ONNX's Gemm), op transposing where the flag is set: the input
// projection plus the recurrent product of an RNN step, in one GEMM.
func AddMatMul(c, a, b *graph.Node, transA, transB bool) *graph.Node {
	return graph.Apply(matMulAddOp{transA, transB}, a, b, c)
}

// ---- linear: x w^T + b, the bias folded into the GEMM ----

// linearOp is PyTorch's F.linear, y = x w^T + b for x [... In], w [Out In] and b [Out]:
// each row of y starts as b and the GEMM adds the product to it, so the bias costs no
// broadcast copy and no extra pass.
type linearOp struct{}

var _ graph.Op = linearOp{}

func (linearOp) Name() string { return "linear" }
func (linearOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 3); err != nil {
		return graph.Type{}, err
	}
	x, w, b := in[0], in[1], in[2]
	if x.DType != w.DType || x.DType != b.DType {
		return graph.Type{}, graph.Errorf("element types %s, %s and %s differ", x.DType, w.DType, b.DType)
	}
	if len(x.Shape) < 2 || len(w.Shape) != 2 || len(b.Shape) != 1 {
		return graph.Type{}, graph.Errorf("want x [... In] of rank 2 or more, w [Out In] and b [Out], got ranks %d, %d and %d", len(x.Shape), len(w.Shape), len(b.Shape))
	}
	if in, out := w.Shape[1], w.Shape[0]; x.Shape[len(x.Shape)-1] != in || b.Shape[0] != out {
		return graph.Type{}, graph.Errorf("x's last axis %d must be w's %d, and b's %d w's %d", x.Shape[len(x.Shape)-1], in, b.Shape[0], out)
	}
	return graph.Type{Shape: append(x.Shape[:len(x.Shape)-1].Clone(), w.Shape[0]), DType: x.DType}, nil
}
func (linearOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	ws := shapeOf(in[1])
	out, k := ws[0], ws[1]
	if is32(y) {
		linearK(sgemm, y.Float32s(), in[0].Float32s(), in[1].Float32s(), in[2].Float32s(), out, k)
	} else {
		linearK(dgemm, y.Float64s(), in[0].Float64s(), in[1].Float64s(), in[2].Float64s(), out, k)
	}
	return nil
}

// linearK fills each row of y with b, then adds x w^T to it in one GEMM.
func linearK[T float](gemm gemmFunc[T], y, x, w, b []T, out, k int) {
	rows := len(y) / out
	for r := range rows {
		copy(y[r*out:(r+1)*out], b)
	}
	gemm(false, true, rows, out, k, 1, x, k, w, k, 1, y, out)
}

// gx = gy w, gw = gy^T x over the stacked rows, gb = gy summed over the rows.
func (linearOp) Grad(x []*graph.Node, y, gy *graph.Node) []*graph.Node {
	return []*graph.Node{matMulT(gy, x[1], false, false), rowsTN(gy, x[0]), SumTo(gy, x[2].Shape()...)}
}

// Linear returns x w^T + b for x [... In] (rank 2 or more), w [Out In] and b [Out]:
// PyTorch's F.linear, with the bias added inside the matrix product.
func Linear(x, w, b *graph.Node) *graph.Node { return graph.Apply(linearOp{}, x, w, b) }

// ---- the product of stacked rows: P^T Q over the leading axes ----

// rowsTNOp is P^T Q for p [... M] and q [... N] with the same leading axes, each viewed as
// one matrix of stacked rows [R M] and [R N]: the weight gradient of a batch times one
// matrix (matmul's and linear's), one GEMM with no reshape copies of its operands.
type rowsTNOp struct{}

var _ graph.Op = rowsTNOp{}

func (rowsTNOp) Name() string { return "matmul_rows_tn" }
func (rowsTNOp) Shape(in ...graph.Type) (graph.Type, error) {
	if err := arity(in, 2); err != nil {
		return graph.Type{}, err
	}
	p, q := in[0], in[1]
	if p.DType != q.DType {
		return graph.Type{}, graph.Errorf("element types %s and %s differ", p.DType, q.DType)
	}
	if len(p.Shape) < 2 || len(q.Shape) != len(p.Shape) || !p.Shape[:len(p.Shape)-1].Equal(q.Shape[:len(q.Shape)-1]) {
		return graph.Type{}, graph.Errorf("want [... M] and [... N] with the same leading axes, got %v and %v", p.Shape, q.Shape)
	}
	return graph.Type{Shape: graph.Shape{p.Shape[len(p.Shape)-1], q.Shape[len(q.Shape)-1]}, DType: p.DType}, nil
}
func (rowsTNOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	ys := shapeOf(y)
	m, n := ys[0], ys[1]
	rows := shapeOf(in[0]).Size() / m
	if is32(y) {
		sgemm(true, false, m, n, rows, 1, in[0].Float32s(), m, in[1].Float32s(), n, 0, y.Float32s(), n)
	} else {
		dgemm(true, false, m, n, rows, 1, in[0].Float64s(), m, in[1].Float64s(), n, 0, y.Float64s(), n)
	}
	return nil
}

// For C = P^T Q: dP = Q g^T and dQ = P g, each a batch times one matrix.
func (rowsTNOp) Grad(x []*graph.Node, y, g *graph.Node) []*graph.Node {
	return []*graph.Node{matMulT(x[1], g, false, true), matMulT(x[0], g, false, false)}
}

// rowsTN is P^T Q over stacked rows (see rowsTNOp).
func rowsTN(p, q *graph.Node) *graph.Node { return graph.Apply(rowsTNOp{}, p, q) }
