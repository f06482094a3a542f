// Package vmath computes e^x, tanh and the logistic sigmoid over float32 slices, many
// elements at a time: the transcendental functions of the float32 kernels of package ops
// (softmax, cross entropy, tanh, sigmoid, GELU, SiLU, softplus), where calling math.Exp or
// math.Tanh on each element, in float64, costs more than everything else in a training
// step of a transformer or an LSTM.
//
//	Exp(dst, src)              dst[i] = e^src[i]
//	ExpSum(dst, src, shift)    dst[i] = e^(src[i]-shift), returning their sum (softmax)
//	SumExp(src, shift)         the same sum, writing nothing (log-sum-exp)
//	Tanh(dst, src)             dst[i] = tanh(src[i])
//	Sigmoid(dst, src)          dst[i] = 1/(1 + e^-src[i])
//
// dst may alias src. Float64 callers keep package math: these functions are for float32.
//
// # How
//
// e^x: n = round(x log2 e), r = x - n ln 2 (ln 2 split in two, the first product exact),
// e^r = 1 + r + r^2 q(r) with q a degree-5 minimax polynomial on |r| <= ln2/2, times 2^n
// applied in one rounding (so that overflow gives +Inf and results below 2^-126 are
// rounded once). x is first clamped to [-105, 89], which changes no result. tanh: below
// |x| = 0.625 an odd polynomial x + x^3 t(x^2) (so tanh(x) keeps its relative accuracy near
// 0, and is x itself below 2^-12), above it 1 - 2/(e^2|x| + 1) with |x| clamped to 9.1,
// where tanh rounds to 1; the sign is x's. sigmoid: 1/(1 + e^-x).
//
// On amd64 with AVX2 and FMA the kernels are Go assembly over 8 lanes (vmath_amd64.s), and
// with AVX-512F over 16 lanes (the same instructions, with VSCALEFPS for 2^n), which give
// the AVX2 kernels' results bit for bit. The portable Go kernels (generic.go) compute the
// same reductions and polynomials in float64 and round once to float32; they run elsewhere,
// under the purego build tag, and where the CPU lacks AVX2. The choice is made once at run
// time with golang.org/x/sys/cpu; setting ZEROGRAD_VMATH=avx2 or ZEROGRAD_VMATH=generic in
// the environment forces a kernel, for tests and benchmarks. The vector kernels take the
// last few elements of a slice through the same kernel in a padded buffer, so an
// element's result depends on its value alone, not on its place or the slice's length.
//
// # Accuracy
//
// Against float64 math rounded to float32, in units in the last place (ulp) of the
// result, measured over a million inputs (random, a sweep of the float32 bit patterns,
// and every float32 near each threshold) and asserted by the tests with the bounds in
// brackets:
//
//	            vector kernels   Go kernels
//	Exp         0.95 [1.5]       0.51 [1.5]
//	Tanh        1.20 [2]         0.53 [2]
//	Sigmoid     1.97 [2.5]       0.51 [2.5]
//
// Where the true result is below 2^-126 (the smallest normal float32) the bound is
// instead an absolute 2^-126: the vector sigmoid gives 0 below x = -88.72, where e^-x
// overflows. Special values: e^x is +Inf above 88.7228 and for +Inf, 0 below -103.98 and
// for -Inf; tanh(±0) = ±0, tanh(±Inf) = ±1; sigmoid(-Inf) = 0, sigmoid(+Inf) = 1; NaN in
// gives NaN out. ExpSum rounds src[i]-shift to float32 before exponentiating (as PyTorch's
// float32 softmax does), and adds in float32 in an order that depends on the kernel.
//
// # Error handling
//
// A dst shorter than src is a programming error: the functions panic with Go's index out
// of range. Any float32 values are valid input.
package vmath
