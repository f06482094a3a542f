//go:build !amd64 || purego || (openblas && cgo)

package gemm

// Without the AVX-512 kernel there is no dot path: the blocked kernels take every product.
const hasDot = false

func dot4x4(k int, a0, a1, a2, a3, b0, b1, b2, b3 *float32, out *[16]float32) {
	panic("gemm: no dot kernel")
}
