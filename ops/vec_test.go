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
