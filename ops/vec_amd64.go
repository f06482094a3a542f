//go:build amd64 && !purego

package ops

import "golang.org/x/sys/cpu"

// vecAVX2 says whether the vector kernels of vec_amd64.s run.
var vecAVX2 = cpu.X86.HasAVX2

// addToAVX2 sets dst[i] += src[i] for i < len(dst); len(src) >= len(dst).
//
//go:noescape
func addToAVX2(dst, src []float32)

// addTo32 sets dst[i] += src[i] over dst, 32 lanes a step where AVX2 is.
func addTo32(dst, src []float32) {
	src = src[:len(dst)]
	if vecAVX2 && len(dst) >= 16 {
		n := len(dst) &^ 7
		addToAVX2(dst[:n], src[:n])
		dst, src = dst[n:], src[n:]
	}
	for i, v := range src {
		dst[i] += v
	}
}
