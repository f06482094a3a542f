package ops

import "github.com/zerograd/zerograd/internal/gemm"

// sgemm and dgemm compute C = alpha op(A) op(B) + beta C for row-major matrices with
// zerograd's own blocked, two-core GEMM (AVX2/FMA kernels where the CPU has them).
func sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func dgemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
