package ops

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaxPool2x2RowsMatchesGo checks the vector kernel of the book's pooling (AVX2 where the
// CPU has it) against Go's max, bit for bit, on rows of every length up to 40 drawn from
// special values (NaN, ±0, ±Inf, denormals) and random ones.
func TestMaxPool2x2RowsMatchesGo(t *testing.T) {
	special := []float32{float32(math.NaN()), 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)),
		float32(math.Inf(-1)), 1e-40, -1e-40, 1, -1, 3.5}
	r := rand.New(rand.NewPCG(7, 8))
	draw := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			if r.IntN(3) == 0 {
				v[i] = special[r.IntN(len(special))]
			} else {
				v[i] = float32(r.NormFloat64())
			}
		}
		return v
	}
	for ow := 0; ow <= 40; ow++ {
		for range 20 {
			r0, r1 := draw(2*ow+r.IntN(3)), draw(2*ow+r.IntN(3)) // rows may be longer
			y := make([]float32, ow)
			done := maxPool2x2Rows32(y, r0, r1)
			if done > ow || done%8 != 0 || (poolAVX2 && done != ow&^7) {
				t.Fatalf("ow %d: the kernel did %d outputs", ow, done)
			}
			for i := range done {
				want := max(max(r0[2*i], r0[2*i+1]), max(r1[2*i], r1[2*i+1]))
				got := y[i]
				if want != want && got != got {
					continue // both NaN
				}
				if math.Float32bits(got) != math.Float32bits(want) {
					t.Fatalf("ow %d, window %d of %v %v %v %v: got %v (%#x), want %v (%#x)", ow, i,
						r0[2*i], r0[2*i+1], r1[2*i], r1[2*i+1], got, math.Float32bits(got), want, math.Float32bits(want))
				}
			}
		}
	}
}
