package bench

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/zerograd/zerograd/internal/gemm"
)

// gemmCase is one float32 product C(m x n) = op(A)(m x k) * op(B)(k x n).
type gemmCase struct {
	name           string
	m, n, k        int
	transA, transB bool
}

// gemmCases are tiny products (where the cost per call shows), square
// products, the GEMMs of the book's SimpleConvNet as one product per batch
// (conv 30 filters 5x5 on 1x28x28 MNIST, batch 100, im2col):
//
//	conv_fwd:  out  = col (57600x25) @ W (25x30)
//	affine:    out  = x (100x4320) @ W (4320x100)
//	conv_dW:   dW   = col^T (25x57600) @ dy (57600x30)
//	conv_dcol: dcol = dy (57600x30) @ W^T (30x25)
//
// and the per-image products the convolution kernels now run on each core
// (ops/conv.go), SimpleConvNet's and one of DeepConvNet's (16 filters 3x3
// over 16 channels at 28x28, run pixel-major):
//
//	img_fwd:      y (30x576) = W|b (30x26) @ col|1 (26x576)
//	img_dcol:     col (25x576) = W^T (25x30) @ dy (30x576)
//	img_dW:       dW (30x25) = dy (30x576) @ col^T (576x25)
//	deep_fwd:     y^T (784x16) = col^T (784x145) @ W|b^T (145x16)
//	deep_dW:      dW^T (144x16) = col (144x784) @ dy^T (784x16)
//
// and the small products of TwoLayerNet (batch 100, 784-50-10) and of
// SimpleConvNet's affine layer backward (4320->100, batch 100):
//
//	tl_fwd:    h (100x50) = x (100x784) @ W1 (784x50)
//	tl_dW:     dW1 (784x50) = x^T (784x100) @ gh (100x50)
//	affine_dx: dx (100x4320) = gy (100x100) @ W^T (100x4320)
//	affine_dW: dW (4320x100) = x^T (4320x100) @ gy (100x100)
var gemmCases = []gemmCase{
	{"1x1x1", 1, 1, 1, false, false},
	{"2x3x4", 2, 3, 4, false, false},
	{"100x10x50", 100, 10, 50, false, false},
	{"256", 256, 256, 256, false, false},
	{"1024", 1024, 1024, 1024, false, false},
	{"2048", 2048, 2048, 2048, false, false},
	{"conv_fwd", 57600, 30, 25, false, false},
	{"affine", 100, 100, 4320, false, false},
	{"conv_dW", 25, 30, 57600, true, false},
	{"conv_dcol", 57600, 25, 30, false, true},
	{"img_fwd", 30, 576, 26, false, false},
	{"img_dcol", 25, 576, 30, true, false},
	{"img_dW", 30, 25, 576, false, true},
	{"deep_fwd", 784, 16, 145, true, true},
	{"deep_dW", 144, 16, 784, false, true},
	{"tl_fwd", 100, 50, 784, false, false},
	{"tl_dW", 784, 50, 100, true, false},
	{"affine_dx", 100, 4320, 100, false, true},
	{"affine_dW", 4320, 100, 100, true, false},
}

// operands returns A, B and C of c as stored (a transposed operand is stored
// transposed), with their row strides.
func (c gemmCase) operands() (a []float32, lda int, b []float32, ldb int, out []float32, ldc int) {
	r := rand.New(rand.NewPCG(1, 2))
	rnd := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		return x
	}
	lda, ldb = c.k, c.n
	if c.transA {
		lda = c.m
	}
	if c.transB {
		ldb = c.k
	}
	return rnd(c.m * c.k), lda, rnd(c.k * c.n), ldb, make([]float32, c.m*c.n), c.n
}

func reportGFLOPs(b *testing.B, c gemmCase) {
	flops := 2 * float64(c.m) * float64(c.n) * float64(c.k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGemm measures gemm.Sgemm.
func BenchmarkGemm(b *testing.B) {
	for _, c := range gemmCases {
		b.Run(c.name, func(b *testing.B) {
			a, lda, bm, ldb, out, ldc := c.operands()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				gemm.Sgemm(c.transA, c.transB, c.m, c.n, c.k, 1, a, lda, bm, ldb, 0, out, ldc)
			}
			reportGFLOPs(b, c)
		})
	}
}

// BenchmarkGemmGonum measures the same products with gonum's blas32.Gemm,
// which runs gonum's pure Go implementation.
func BenchmarkGemmGonum(b *testing.B) {
	for _, c := range gemmCases {
		b.Run(c.name, func(b *testing.B) {
			a, lda, bm, ldb, out, ldc := c.operands()
			ar, ac := c.m, c.k
			if c.transA {
				ar, ac = c.k, c.m
			}
			br, bc := c.k, c.n
			if c.transB {
				br, bc = c.n, c.k
			}
			ga := blas32.General{Rows: ar, Cols: ac, Stride: lda, Data: a}
			gb := blas32.General{Rows: br, Cols: bc, Stride: ldb, Data: bm}
			gc := blas32.General{Rows: c.m, Cols: c.n, Stride: ldc, Data: out}
			ta, tb := blas.NoTrans, blas.NoTrans
			if c.transA {
				ta = blas.Trans
			}
			if c.transB {
				tb = blas.Trans
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				blas32.Gemm(ta, tb, 1, ga, gb, 0, gc)
			}
			reportGFLOPs(b, c)
		})
	}
}
