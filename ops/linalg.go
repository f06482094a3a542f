package ops

import (
	"gorgonia.org/tensor"

	"github.com/zerograd/zerograd/graph"
)

// matMulOp multiplies op(A) op(B), where op transposes when the flag is set; with 3-D
// inputs it multiplies each matrix of the batch. Transposes are read in place, never copied.
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

// dims returns batch, m, k, n of op(A) (m x k) times op(B) (k x n).
func (o matMulOp) dims(a, b graph.Shape) (batch, m, k, n, kb int) {
	r := len(a)
	m, k = a[r-2], a[r-1]
	if o.transA {
		m, k = k, m
	}
	kb, n = b[r-2], b[r-1]
	if o.transB {
		kb, n = n, kb
	}
	batch = 1
	if r == 3 {
		batch = a[0]
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
	if len(a) != len(b) || (len(a) != 2 && len(a) != 3) {
		return graph.Type{}, graph.Errorf("want two 2-D matrices or two 3-D batches, got ranks %d and %d", len(a), len(b))
	}
	if len(a) == 3 && a[0] != b[0] {
		return graph.Type{}, graph.Errorf("batch sizes %d and %d differ", a[0], b[0])
	}
	batch, m, k, n, kb := o.dims(a, b)
	if k != kb {
		return graph.Type{}, graph.Errorf("inner dimensions %d and %d differ", k, kb)
	}
	out := graph.Shape{m, n}
	if len(a) == 3 {
		out = graph.Shape{batch, m, n}
	}
	return graph.Type{Shape: out, DType: in[0].DType}, nil
}

func (o matMulOp) Forward(y *tensor.Dense, in ...*tensor.Dense) error {
	as, bs := shapeOf(in[0]), shapeOf(in[1])
	batch, m, k, n, _ := o.dims(as, bs)
	r := len(as)
	lda, ldb := as[r-1], bs[r-1]
	sa, sb, sy := as[r-2]*as[r-1], bs[r-2]*bs[r-1], m*n
	if is32(y) {
		a, b, c := in[0].Float32s(), in[1].Float32s(), y.Float32s()
		for i := 0; i < batch; i++ {
			sgemm(o.transA, o.transB, m, n, k, 1, a[i*sa:], lda, b[i*sb:], ldb, 0, c[i*sy:], n)
		}
		return nil
	}
	a, b, c := in[0].Float64s(), in[1].Float64s(), y.Float64s()
	for i := 0; i < batch; i++ {
		dgemm(o.transA, o.transB, m, n, k, 1, a[i*sa:], lda, b[i*sb:], ldb, 0, c[i*sy:], n)
	}
	return nil
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
	if o.transB {
		gb = matMulT(gy, a, true, o.transA)
	} else {
		gb = matMulT(a, gy, !o.transA, false)
	}
	return []*graph.Node{ga, gb}
}

func matMulT(a, b *graph.Node, transA, transB bool) *graph.Node {
	return graph.Apply(matMulOp{transA, transB}, a, b)
}

// MatMul returns the matrix product a b of two 2-D matrices, or of each pair in two 3-D batches.
func MatMul(a, b *graph.Node) *graph.Node { return matMulT(a, b, false, false) }

// MatMulT is MatMul with either operand transposed in place: op(a) op(b).
func MatMulT(a, b *graph.Node, transA, transB bool) *graph.Node { return matMulT(a, b, transA, transB) }
