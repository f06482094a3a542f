//go:build amd64 && !purego

package vmath

import (
	"os"

	"golang.org/x/sys/cpu"
)

// The kernels of vmath_amd64.s, over len(src) a multiple of 8 (AVX2) or 16 (AVX-512).
// expSum* store into dst only when store is true, and return the sum of the values.
//
//go:noescape
func expSumAVX2(dst, src []float32, shift float32, store bool) float32

//go:noescape
func tanhAVX2(dst, src []float32)

//go:noescape
func sigmoidAVX2(dst, src []float32)

//go:noescape
func expSumAVX512(dst, src []float32, shift float32, store bool) float32

//go:noescape
func tanhAVX512(dst, src []float32)

//go:noescape
func sigmoidAVX512(dst, src []float32)

var (
	hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	// The AVX-512 kernels use AVX512F instructions only; cpu reports AVX512F only where
	// the operating system saves the zmm and mask registers.
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F
)

// level is the kernel level in use.
var level = chooseLevel(os.Getenv(EnvKernel))

func chooseLevel(force string) int {
	switch {
	case hasAVX512 && force != "avx2" && force != "generic":
		return levelAVX512
	case hasAVX2 && force != "generic":
		return levelAVX2
	}
	return levelGeneric
}

// levels lists the kernels this CPU can run, fastest first, for tests and benchmarks.
func levels() []int {
	l := []int{levelGeneric}
	if hasAVX2 {
		l = append([]int{levelAVX2}, l...)
	}
	if hasAVX512 {
		l = append([]int{levelAVX512}, l...)
	}
	return l
}

// expSum runs the kernel of the level in use. The vector kernels take whole vectors; the
// last few elements go through the same kernel in a zero-padded buffer on the stack, so
// that every element's result depends on its value alone, not on where it sits.
func expSum(dst, src []float32, shift float32, store bool) float32 {
	if level == levelGeneric {
		return expSumGo(dst, src, shift, store)
	}
	if store {
		dst = dst[:len(src)]
	}
	lanes := 8
	if level == levelAVX512 {
		lanes = 16
	}
	n := len(src) &^ (lanes - 1)
	var s float32
	if n > 0 {
		d := src[:n] // not written when store is false
		if store {
			d = dst[:n]
		}
		s = expSumVec(d, src[:n], shift, store)
	}
	if n < len(src) {
		var buf [16]float32
		m := copy(buf[:], src[n:])
		expSumVec(buf[:lanes], buf[:lanes], shift, true)
		for _, v := range buf[:m] {
			s += v
		}
		if store {
			copy(dst[n:], buf[:m])
		}
	}
	return s
}

func expSumVec(dst, src []float32, shift float32, store bool) float32 {
	if level == levelAVX512 {
		return expSumAVX512(dst, src, shift, store)
	}
	return expSumAVX2(dst, src, shift, store)
}

// unaryK runs op's kernel of the level in use, the tail as expSum does it.
func unaryK(dst, src []float32, op int) {
	if level == levelGeneric {
		unaryGo(dst, src, op)
		return
	}
	dst = dst[:len(src)]
	lanes := 8
	if level == levelAVX512 {
		lanes = 16
	}
	n := len(src) &^ (lanes - 1)
	if n > 0 {
		unaryVec(dst[:n], src[:n], op)
	}
	if n < len(src) {
		var buf [16]float32
		m := copy(buf[:], src[n:])
		unaryVec(buf[:lanes], buf[:lanes], op)
		copy(dst[n:], buf[:m])
	}
}

func unaryVec(dst, src []float32, op int) {
	switch {
	case level == levelAVX512 && op == opTanh:
		tanhAVX512(dst, src)
	case level == levelAVX512:
		sigmoidAVX512(dst, src)
	case op == opTanh:
		tanhAVX2(dst, src)
	default:
		sigmoidAVX2(dst, src)
	}
}
