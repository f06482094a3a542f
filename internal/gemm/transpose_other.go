//go:build !amd64 || purego || (openblas && cgo)

package gemm

// Without the assembly kernel Transpose32 does nothing and its callers transpose every
// element themselves.
const hasTranspose = false

func transpose8(dst, src []float32, rows, cols, ldd, lds int) {
	panic("gemm: no transpose kernel")
}
