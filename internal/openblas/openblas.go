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

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices with OpenBLAS, as
// gemm.Sgemm does. It panics, naming the operand, when a slice is too short for its sizes.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	need := func(name string, rows, cols, ld, have int) {
		if rows > 0 && cols > 0 && (ld < cols || (rows-1)*ld+cols > have) {
			panic(fmt.Sprintf("openblas: Sgemm: %s is %dx%d with stride %d, but holds %d values", name, rows, cols, ld, have))
		}
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	need("A", ar, ac, lda, len(a))
	need("B", br, bc, ldb, len(b))
	need("C", m, n, ldc, len(c))
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
