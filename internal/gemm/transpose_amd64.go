//go:build amd64 && !purego && !(openblas && cgo)

package gemm

//go:noescape
func transpose8AVX2(dst, src []float32, rows, cols, ldd, lds int)

// hasTranspose says whether Transpose32's AVX2 kernel runs.
var hasTranspose = hasAVX2

func transpose8(dst, src []float32, rows, cols, ldd, lds int) {
	transpose8AVX2(dst, src, rows, cols, ldd, lds)
}
