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

//go:noescape
func sum8AVX2(v []float32, s *[8]float32)

// sum8Vec adds the leading multiple of 8 values of v into the eight partial sums s, lane i
// taking v[i], v[8+i], ... in order (sumK's order), and returns how many it added: none
// without AVX2.
func sum8Vec(v []float32, s *[8]float32) int {
	n := len(v) &^ 7
	if !vecAVX2 || n < 32 {
		return 0
	}
	sum8AVX2(v[:n], s)
	return n
}

//go:noescape
func copyRowsAVX2(dst, src []float32, rows, n, ds, ss int)

// copyRows32 copies rows runs of n values, src's rows ss values apart into dst's ds apart,
// and says whether it did: not when the runs are shorter than 8 or there is no AVX2. For
// im2col, whose runs (a few dozen values) cost more to hand to memmove than to copy.
func copyRows32(dst, src []float32, rows, n, ds, ss int) bool {
	if !vecAVX2 || n < 8 || rows == 0 {
		return false
	}
	dst, src = dst[:(rows-1)*ds+n], src[:(rows-1)*ss+n] // the kernel's reach, checked here
	copyRowsAVX2(dst, src, rows, n, ds, ss)
	return true
}

//go:noescape
func reluAVX2(y, x []float32)

//go:noescape
func reluGradAVX2(out, gy, x []float32, slope float32)

// relu32Vec sets y = max(x, 0) over as many leading elements as the AVX2 kernel takes (a
// multiple of 8; none without AVX2) and returns how many.
func relu32Vec(y, x []float32) int {
	n := len(y) &^ 7
	if !vecAVX2 || n == 0 {
		return 0
	}
	reluAVX2(y[:n], x[:n])
	return n
}

// reluGrad32Vec is reluGrad32's kernel over as many leading elements as AVX2 takes.
func reluGrad32Vec(out, gy, x []float32, slope float32) int {
	n := len(out) &^ 7
	if !vecAVX2 || n == 0 {
		return 0
	}
	reluGradAVX2(out[:n], gy[:n], x[:n], slope)
	return n
}

// The binary kernels of vec_amd64.s: y = a + b, a - b, a * b over len(y), a multiple of 8.
//
//go:noescape
func addAVX2(y, a, b []float32)

//go:noescape
func subAVX2(y, a, b []float32)

//go:noescape
func mulAVX2(y, a, b []float32)

// binary32Vec runs the vector kernel of op ('+', '-' or '*') over the first len(y)&^7
// elements and returns how many it did: none without AVX2. The caller does the rest.
func binary32Vec(op byte, y, a, b []float32) int {
	n := len(y) &^ 7
	if !vecAVX2 || n == 0 {
		return 0
	}
	y, a, b = y[:n], a[:n], b[:n] // the kernel's reach, checked here
	switch op {
	case '+':
		addAVX2(y, a, b)
	case '-':
		subAVX2(y, a, b)
	case '*':
		mulAVX2(y, a, b)
	default:
		return 0
	}
	return n
}
