package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAddTo32 checks the vector add against the plain loop, bit for bit, on every length up
// to 100 and at unaligned offsets.
func TestAddTo32(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := 0; n <= 100; n++ {
		for off := range 3 {
			dst, src := make([]float32, n+off), make([]float32, n+off)
			for i := range dst {
				dst[i], src[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
			}
			want := make([]float32, n)
			for i := range want {
				want[i] = dst[off+i] + src[off+i]
			}
			pre := slices.Clone(dst[:off])
			addTo32(dst[off:], src[off:])
			for i, v := range want {
				if math.Float32bits(dst[off+i]) != math.Float32bits(v) {
					t.Fatalf("n %d off %d: dst[%d] = %v, want %v", n, off, i, dst[off+i], v)
				}
			}
			if !slices.Equal(pre, dst[:off]) {
				t.Fatalf("n %d off %d: wrote before the slice", n, off)
			}
		}
	}
}

// TestSumK checks the interleaved sum against a float64 running sum on every length up to
// 100, within float32's rounding.
func TestSumK(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for n := 0; n <= 100; n++ {
		v := make([]float32, n)
		var want, abs float64
		for i := range v {
			v[i] = float32(r.NormFloat64())
			want += float64(v[i])
			abs += math.Abs(float64(v[i]))
		}
		if got := float64(sumK(v)); math.Abs(got-want) > 1e-6*abs+1e-30 {
			t.Errorf("n %d: sum %v, want %v", n, got, want)
		}
	}
	if got := sumK([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}); got != 66 {
		t.Errorf("sum of 1..11 = %v", got)
	}
}
