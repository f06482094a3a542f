//go:build !(openblas && cgo)

package gemm

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices, where op(X) is X or X^T.
// op(A) is m x k, op(B) is k x n, C is m x n; lda, ldb, ldc are row strides.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	sgemmCfg.run(&call[float32]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}, false)
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices, where op(X) is X or X^T.
// op(A) is m x k, op(B) is k x n, C is m x n; lda, ldb, ldc are row strides.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	dgemmCfg.run(&call[float64]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}, false)
}

// SgemmSerial is Sgemm run on the calling goroutine only, never split over
// workers: for callers that already spread their own work over the cores
// (a convolution running one group of images per core) and want no nested
// fan-out.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	sgemmCfg.run(&call[float32]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}, true)
}

// DgemmSerial is Dgemm run on the calling goroutine only (see SgemmSerial).
func DgemmSerial(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	dgemmCfg.run(&call[float64]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}, true)
}
