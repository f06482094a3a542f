//go:build amd64 && !purego && !(openblas && cgo)

package gemm

import (
	"os"

	"golang.org/x/sys/cpu"
)

// sdot4x4AVX512 (dot_amd64.s) sets out[4i+j] to the dot product of a_i and b_j over their
// first k values, k a positive multiple of 16.
//
//go:noescape
func sdot4x4AVX512(k int, a0, a1, a2, a3, b0, b1, b2, b3 *float32, out *[16]float32)

// hasDot says whether the dot kernel runs: AVX-512F, with VL for its ymm and xmm
// instructions on the upper registers, and the AVX-512 GEMM not turned off by EnvKernel.
var hasDot = hasAVX512 && cpu.X86.HasAVX512VL && os.Getenv(EnvKernel) != "avx2" && os.Getenv(EnvKernel) != "generic"

// dot4x4 is the kernel of the dot products, called only where hasDot.
func dot4x4(k int, a0, a1, a2, a3, b0, b1, b2, b3 *float32, out *[16]float32) {
	sdot4x4AVX512(k, a0, a1, a2, a3, b0, b1, b2, b3, out)
}
