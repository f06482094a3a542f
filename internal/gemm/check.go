package gemm

import "fmt"

// checkArgs panics when the dimensions, strides or slice lengths of a gemm
// call do not describe valid matrices. The rules are those of the reference
// CBLAS for row-major storage (and of gonum's blas64).
func checkArgs(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
	// Stored shapes: A is m x k, or k x m when transposed; B is k x n, or n x k.
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	if m >= 0 && n >= 0 && k >= 0 && matrixOK(ar, ac, lenA, lda) && matrixOK(br, bc, lenB, ldb) && matrixOK(m, n, lenC, ldc) {
		return
	}
	// Something is wrong: say what.
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	checkMatrix("a", ar, ac, lenA, lda)
	checkMatrix("b", br, bc, lenB, ldb)
	checkMatrix("c", m, n, lenC, ldc)
}

// CheckArgs is checkArgs for code outside the package that hands a product to another
// implementation (the OpenBLAS peer of the benchmarks), so that both reject bad arguments
// alike.
func CheckArgs(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
	checkArgs(transA, transB, m, n, k, lenA, lda, lenB, ldb, lenC, ldc)
}

// matrixOK reports whether a slice of length n holds a row-major r x c
// matrix with row stride ld.
func matrixOK(r, c, n, ld int) bool {
	return ld >= max(1, c) && (r == 0 || c == 0 || n >= (r-1)*ld+c)
}

// checkMatrix checks one row-major r x c matrix stored with row stride ld in
// a slice of length n.
func checkMatrix(name string, r, c, n, ld int) {
	if ld < max(1, c) {
		panic(fmt.Sprintf("gemm: ld%s=%d less than the %d columns of %s", name, ld, c, name))
	}
	if r > 0 && c > 0 && n < (r-1)*ld+c {
		panic(fmt.Sprintf("gemm: len(%s)=%d too short for %dx%d with ld%s=%d (need %d)", name, n, r, c, name, ld, (r-1)*ld+c))
	}
}
