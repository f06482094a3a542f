//go:build openblas && cgo

package gemm

// With the openblas build tag (and cgo), Sgemm and Dgemm hand the product to
// OpenBLAS. The arguments are checked, and the trivial cases handled, here
// first, so that both builds agree on panics and on never reading C when
// beta is 0; the pure Go machinery stays compiled, for the tests.

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import "math"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices, where op(X) is X or X^T.
// op(A) is m x k, op(B) is k x n, C is m x n; lda, ldb, ldc are row strides.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	p := call[float32]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}
	if m == 0 || n == 0 || k == 0 || alpha == 0 || !fitsCInt(m, n, k, lda, ldb, ldc) {
		sgemmCfg.gemm(&p)
		return
	}
	C.cblas_sgemm(C.CblasRowMajor, cTrans(transA), cTrans(transB), C.int(m), C.int(n), C.int(k),
		C.float(alpha), (*C.float)(&a[0]), C.int(lda), (*C.float)(&b[0]), C.int(ldb),
		C.float(beta), (*C.float)(&c[0]), C.int(ldc))
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices, where op(X) is X or X^T.

// SgemmSerial is Sgemm for callers that spread their own work over the cores.
// OpenBLAS decides its own threading (OPENBLAS_NUM_THREADS); set it to 1 when
// the caller runs several of these at once.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// DgemmSerial is Dgemm for callers that spread their own work over the cores
// (see SgemmSerial).
func DgemmSerial(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	Dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// op(A) is m x k, op(B) is k x n, C is m x n; lda, ldb, ldc are row strides.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	p := call[float64]{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}
	if m == 0 || n == 0 || k == 0 || alpha == 0 || !fitsCInt(m, n, k, lda, ldb, ldc) {
		dgemmCfg.gemm(&p)
		return
	}
	C.cblas_dgemm(C.CblasRowMajor, cTrans(transA), cTrans(transB), C.int(m), C.int(n), C.int(k),
		C.double(alpha), (*C.double)(&a[0]), C.int(lda), (*C.double)(&b[0]), C.int(ldb),
		C.double(beta), (*C.double)(&c[0]), C.int(ldc))
}

func cTrans(t bool) C.enum_CBLAS_TRANSPOSE {
	if t {
		return C.CblasTrans
	}
	return C.CblasNoTrans
}

// fitsCInt reports whether all sizes fit the 32-bit ints of CBLAS; larger
// problems stay in Go.
func fitsCInt(xs ...int) bool {
	for _, x := range xs {
		if x > math.MaxInt32 {
			return false
		}
	}
	return true
}
