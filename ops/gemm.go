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

// sgemm1 and dgemm1 are sgemm and dgemm on the calling goroutine only, for kernels that
// spread their own work over the cores.
func sgemm1(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm.SgemmSerial(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func dgemm1(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm.DgemmSerial(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// serialGemm returns sgemm1 or dgemm1, by T.
func serialGemm[T float]() gemmFunc[T] {
	if f, ok := any(sgemm1).(func(bool, bool, int, int, int, T, []T, int, []T, int, T, []T, int)); ok {
		return f
	}
	return any(dgemm1).(func(bool, bool, int, int, int, T, []T, int, []T, int, T, []T, int))
}
