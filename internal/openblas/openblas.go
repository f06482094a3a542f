//go:build openblaspeer && cgo

// Package openblas calls the system's OpenBLAS (cblas_sgemm) for the GEMM benchmarks, so
// that one run of bench measures zerograd's pure Go GEMM, gonum's and OpenBLAS's side by
// side. It builds only with the openblaspeer tag (and cgo, and Debian's libopenblas-dev):
//
//	go test -tags openblaspeer ./bench -run '^$' -bench 'Gemm'
//
// It is a peer to measure against, not a code path of zerograd: the openblas tag of
// internal/gemm is the one that routes zerograd's own products to OpenBLAS.
package openblas

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import "github.com/zerograd/zerograd/internal/gemm"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices with OpenBLAS, as
// gemm.Sgemm does, and panics on the same bad arguments (gemm.CheckArgs).
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm.CheckArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 || k == 0 {
		return
	}
	C.cblas_sgemm(C.CblasRowMajor, trans(transA), trans(transB), C.int(m), C.int(n), C.int(k),
		C.float(alpha), (*C.float)(&a[0]), C.int(lda), (*C.float)(&b[0]), C.int(ldb),
		C.float(beta), (*C.float)(&c[0]), C.int(ldc))
}

func trans(t bool) C.enum_CBLAS_TRANSPOSE {
	if t {
		return C.CblasTrans
	}
	return C.CblasNoTrans
}
