//go:build amd64 && !purego && !(openblas && cgo)

package gemm

// The dot kernels of dot_amd64.s. sdotKernelAVX512 keeps a 5x5 tile of zmm
// accumulators (16 values of k per step: 10 loads for 25 FMAs) and uses
// AVX512F instructions only; sdotKernelAVX2 a 3x4 tile of ymm (8 values of
// k per step: 7 loads for 12 FMAs).
//
//go:noescape
func sdotKernelAVX512(a, b *float32, lda, ldb, steps int, out *float32)

//go:noescape
func sdotKernelAVX2(a, b *float32, lda, ldb, steps int, out *float32)

var (
	dotAVX512 = &dotKernel{name: "avx512", mr: 5, nr: 5, width: 16, tile: sdotKernelAVX512}
	dotAVX2   = &dotKernel{name: "avx2", mr: 3, nr: 4, width: 8, tile: sdotKernelAVX2}
)

func init() {
	sgemmAVX512.dot = dotAVX512
	sgemmAVX2.dot = dotAVX2
}

// dotKernels lists the dot kernels this CPU can run, for the tests.
func dotKernels() []*dotKernel {
	var out []*dotKernel
	if hasAVX512 {
		out = append(out, dotAVX512)
	}
	if hasAVX2 {
		out = append(out, dotAVX2)
	}
	return append(out, dotGo)
}
