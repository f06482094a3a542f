package vmath

import "math"

// The portable kernels compute in float64 from the float32 inputs with the same range
// reduction and polynomials as the assembly, so their only sizable error is the final
// rounding to float32. They call nothing from package math but bit conversions.

// The polynomial coefficients, fitted minimax (Lawson's iteration) and rounded to float32:
// e^r = 1 + r + r^2 (e0 + e1 r + ... + e5 r^5) on |r| <= ln2/2, relative error 5e-11 before
// rounding; tanh(a) = a + a^3 (t0 + t1 z + ... + t5 z^5), z = a^2, on 0 <= a <= tanhSmall,
// relative error 2e-10 before rounding.
const (
	e0 = float32(0.5)
	e1 = float32(0.1666666567325592)
	e2 = float32(0.04166629537940025)
	e3 = float32(0.008333496749401093)
	e4 = float32(0.0013944648671895266)
	e5 = float32(0.00019790352962445468)

	t0 = float32(-0.3333333134651184)
	t1 = float32(0.1333320587873459)
	t2 = float32(-0.053946759551763535)
	t3 = float32(0.021700693294405937)
	t4 = float32(-0.008177373558282852)
	t5 = float32(0.0021429380867630243)

	// tanhSmall is where tanh switches from its polynomial to 1 - 2/(e^2a + 1), which
	// loses relative accuracy below about tanh(a) = 1/2.
	tanhSmall = 0.625
	// tanhBig bounds the argument of e^2a: tanh(a) rounds to 1 in float32 beyond it.
	tanhBig = float32(9.1)

	// expHi and expLo clamp the argument of exp: e^89 overflows float32 and e^-105
	// rounds to 0, so clamping changes no result and keeps 2^n finite.
	expHi = 89
	expLo = -105

	log2e = 1.4426950408889634
	ln2Hi = 6.93147180369123816490e-01 // fdlibm's split of ln 2: n*ln2Hi is exact
	ln2Lo = 1.90821492927058770002e-10
	round = 0x1.8p52 // adding it rounds a float64 of magnitude below 2^51 to an integer
)

// goChunk is how many elements expSumGo and sigmoidGo put through exp64s at a time, in a
// buffer on the stack: the exponentials in a loop of their own, apart from the arithmetic
// around them, measured twice as fast for sigmoid (7 against 22 ns an element) as one loop
// doing both.
const goChunk = 256

// exp64 is e^x for x in [expLo, -expLo] or NaN, with relative error about 1e-10.
func exp64(x float64) float64 {
	t := x*log2e + round
	n := t - round
	k := int64(math.Float64bits(t)) - int64(math.Float64bits(round))
	r := x - n*ln2Hi - n*ln2Lo
	q := float64(e0) + r*(float64(e1)+r*(float64(e2)+r*(float64(e3)+r*(float64(e4)+r*float64(e5)))))
	p := 1 + (r + r*r*q)
	return p * math.Float64frombits(uint64(k+1023)<<52)
}

// exp64s sets xs[i] = exp64(xs[i]).
func exp64s(xs []float64) {
	for i, x := range xs {
		xs[i] = exp64(x)
	}
}

// expSumGo sets dst[i] = e^(src[i]-shift) (the difference rounded to float32, as the
// vector kernels compute it) when store is true, and returns the sum of those values.
func expSumGo(dst, src []float32, shift float32, store bool) float32 {
	if store {
		dst = dst[:len(src)]
	}
	var buf [goChunk]float64
	var s float64
	for len(src) > 0 {
		e := buf[:min(len(src), goChunk)]
		for i, v := range src[:len(e)] {
			e[i] = max(min(float64(v-shift), expHi), expLo)
		}
		exp64s(e)
		for i, v := range e {
			y := float32(v)
			if store {
				dst[i] = y
			}
			s += float64(y)
		}
		src = src[len(e):]
		if store {
			dst = dst[len(e):]
		}
	}
	return float32(s)
}

// tanhGo sets dst[i] = tanh(src[i]).
func tanhGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		x := float64(v)
		a := math.Abs(x)
		var t float64
		if a < tanhSmall {
			z := a * a
			p := float64(t0) + z*(float64(t1)+z*(float64(t2)+z*(float64(t3)+z*(float64(t4)+z*float64(t5)))))
			t = a + a*z*p
		} else {
			t = 1 - 2/(exp64(2*min(a, float64(tanhBig)))+1)
		}
		dst[i] = float32(math.Copysign(t, x))
	}
}

// sigmoidGo sets dst[i] = 1/(1 + e^-src[i]). In float64, e^105 is finite: results below
// float32's smallest normal come out as accurately as the rest.
func sigmoidGo(dst, src []float32) {
	dst = dst[:len(src)]
	var buf [goChunk]float64
	for len(src) > 0 {
		e := buf[:min(len(src), goChunk)]
		for i, v := range src[:len(e)] {
			e[i] = max(min(-float64(v), -expLo), expLo)
		}
		exp64s(e)
		for i, v := range e {
			dst[i] = float32(1 / (1 + v))
		}
		src, dst = src[len(e):], dst[len(e):]
	}
}
