package optim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSGDVecMatchesLoop checks the SGD vector kernels (where the CPU has them) against the
// plain loop, bit for bit, on every length up to 100, both dtypes, with the kernel's
// leading part and the loop's tail as Step runs them.
func TestSGDVecMatchesLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for n := 0; n <= 100; n++ {
		x32, g32 := make([]float32, n), make([]float32, n)
		x64, g64 := make([]float64, n), make([]float64, n)
		for i := range x32 {
			x64[i], g64[i] = r.NormFloat64(), r.NormFloat64()*1e3
			x32[i], g32[i] = float32(x64[i]), float32(g64[i])
		}
		w32, w64 := append([]float32(nil), x32...), append([]float64(nil), x64...)
		lr32, lr64 := float32(0.0123), 0.0123
		k := sgdVec32(x32, g32, lr32)
		sgd(x32[k:], g32[k:], lr32)
		k = sgdVec64(x64, g64, lr64)
		sgd(x64[k:], g64[k:], lr64)
		for i := range w32 {
			w32[i] = w32[i] - float32(lr32*g32[i])
			w64[i] = w64[i] - float64(lr64*g64[i])
			if math.Float32bits(x32[i]) != math.Float32bits(w32[i]) {
				t.Fatalf("float32 n %d: element %d is %v, the loop gives %v", n, i, x32[i], w32[i])
			}
			if math.Float64bits(x64[i]) != math.Float64bits(w64[i]) {
				t.Fatalf("float64 n %d: element %d is %v, the loop gives %v", n, i, x64[i], w64[i])
			}
		}
	}
}
