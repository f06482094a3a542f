package main

import "math"

// float16 bits: 1 sign, 5 exponent (bias 15), 10 mantissa. float32 bits: 1, 8 (bias 127), 23.

// toFloat16 rounds f to the nearest IEEE 754 half-precision value, ties to even, and
// returns its bits. Values beyond the largest half (65504) round to infinity, values
// below the smallest normal half (2^-14) to subnormals or zero; NaN stays NaN.
func toFloat16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff { // infinity or NaN
		if mant == 0 {
			return sign | 0x7c00
		}
		return sign | 0x7e00 | uint16(mant>>13) // a quiet NaN, keeping the top payload bits
	}
	e := exp - 127 + 15 // the half's biased exponent
	if e >= 0x1f {
		return sign | 0x7c00 // too large: infinity
	}
	shift := 13 // mantissa bits dropped
	if e <= 0 {
		// A subnormal half m*2^-24: the float32's significand, with its leading 1, shifted
		// further right by 1-e; below half the smallest subnormal it is all rounded off.
		if e < -10 {
			return sign
		}
		mant |= 0x800000
		shift = 14 - e
		e = 0
	}
	h := uint32(e)<<10 | mant>>shift
	rest, halfway := mant&(1<<shift-1), uint32(1)<<(shift-1)
	if rest > halfway || rest == halfway && h&1 == 1 {
		h++ // may carry into the exponent: the next binade, or infinity; both encode right
	}
	return sign | uint16(h)
}

// fromFloat16 returns the float32 whose value is the half-precision bits h (exactly).
func fromFloat16(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0: // zero or subnormal: mant * 2^-24
		v := float32(mant) * (1.0 / (1 << 24))
		return math.Float32frombits(sign | math.Float32bits(v))
	}
	return math.Float32frombits(sign | (exp-15+127)<<23 | mant<<13)
}

// roundFloat16 rounds every value of v to half precision in place (float32 -> float16 ->
// float32): what NumPy's astype(np.float16) keeps of each number.
func roundFloat16(v []float32) {
	for i, x := range v {
		v[i] = fromFloat16(toFloat16(x))
	}
}
