package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestFloat16KnownValues(t *testing.T) {
	for _, c := range []struct {
		in   float32
		bits uint16
		out  float32
	}{
		{1, 0x3c00, 1},
		{-2, 0xc000, -2},
		{0, 0x0000, 0},
		{float32(math.Copysign(0, -1)), 0x8000, float32(math.Copysign(0, -1))},
		{65504, 0x7bff, 65504},                     // the largest half
		{65519, 0x7bff, 65504},                     // below the midpoint to 65536
		{65520, 0x7c00, float32(math.Inf(1))},      // the midpoint: ties to even, which is infinity
		{1e6, 0x7c00, float32(math.Inf(1))},        // overflow
		{0.1, 0x2e66, 0.0999755859375},             // the book's example of lost digits
		{6.1e-5, 0x03ff, 1023.0 / (1 << 24)},       // just under 2^-14: the largest subnormal
		{1.0 / (1 << 14), 0x0400, 1.0 / (1 << 14)}, // the smallest normal
		{1.0 / (1 << 24), 0x0001, 1.0 / (1 << 24)}, // the smallest subnormal
		{1.0 / (1 << 25), 0x0000, 0},               // half of it: ties to even, zero
		{1.5 / (1 << 25), 0x0001, 1.0 / (1 << 24)}, // above half: up
		{1e-10, 0x0000, 0},
		{1 + 1.0/(1<<11), 0x3c00, 1},                             // tie between 1 and 1+2^-10: even is 1
		{1 + 3.0/(1<<11), 0x3c02, 1 + 2.0/(1<<10)},               // tie between odd 1 and even 2
		{1 + 1.0/(1<<11) + 1.0/(1<<20), 0x3c01, 1 + 1.0/(1<<10)}, // above the tie
		{2047.0 / (1 << 25), 0x0400, 1.0 / (1 << 14)},            // 1023.5 * 2^-24: a tie, up to the even 1024, the first normal
		{float32(math.Inf(-1)), 0xfc00, float32(math.Inf(-1))},
	} {
		if got := toFloat16(c.in); got != c.bits {
			t.Errorf("toFloat16(%g) = %#04x, want %#04x", c.in, got, c.bits)
		}
		if got := fromFloat16(c.bits); math.Float32bits(got) != math.Float32bits(c.out) {
			t.Errorf("fromFloat16(%#04x) = %g, want %g", c.bits, got, c.out)
		}
	}
	if h := toFloat16(float32(math.NaN())); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("toFloat16(NaN) = %#04x, not a NaN", h)
	}
	if f := fromFloat16(0x7e00); !math.IsNaN(float64(f)) {
		t.Errorf("fromFloat16(0x7e00) = %g, not NaN", f)
	}
}

// Every half converts to float32 and back to itself, and the halves are in order.
func TestFloat16RoundTrip(t *testing.T) {
	for h := range uint32(1 << 16) {
		if h&0x7c00 == 0x7c00 && h&0x3ff != 0 {
			continue // NaN
		}
		if got := toFloat16(fromFloat16(uint16(h))); got != uint16(h) {
			t.Fatalf("%#04x -> %g -> %#04x", h, fromFloat16(uint16(h)), got)
		}
	}
}

// Against the definition: for random float32s of every magnitude the result is a nearest
// half (ties to the even one), found by searching all positive halves in order.
func TestFloat16Nearest(t *testing.T) {
	var halves []float64 // 0x0000 .. 0x7c00 (infinity last), increasing
	for h := range uint16(0x7c01) {
		halves = append(halves, float64(fromFloat16(h)))
	}
	if !slices.IsSorted(halves) {
		t.Fatal("halves not increasing")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		x := float32(math.Ldexp(rng.Float64()+0.5, rng.IntN(50)-30))
		i, _ := slices.BinarySearch(halves, float64(x)) // halves[i-1] < x <= halves[i]
		want := uint16(i)
		if i > 0 && float64(x) != halves[i] {
			lo, hi := halves[i-1], halves[i]
			if math.IsInf(hi, 1) {
				hi = 65536 // rounding treats infinity as the next binade's first value
			}
			switch d := (float64(x) - lo) - (hi - float64(x)); {
			case d < 0, d == 0 && (i-1)%2 == 0:
				want = uint16(i - 1)
			}
		}
		for _, s := range []float32{1, -1} {
			if got := toFloat16(s * x); got != want|uint16(0x8000*(1-s)/2) {
				t.Fatalf("toFloat16(%g) = %#04x, want %#04x", s*x, got, want|uint16(0x8000*(1-s)/2))
			}
		}
	}
}

func TestRoundFloat16(t *testing.T) {
	v := []float32{0.1, 1, 3.14159265}
	roundFloat16(v)
	if want := []float32{0.0999755859375, 1, 3.140625}; !slices.Equal(v, want) {
		t.Fatalf("rounded %v, want %v", v, want)
	}
}
