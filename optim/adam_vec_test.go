package optim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdam32MatchesLoop checks the float32 Adam update (the AVX2 kernel where the CPU has
// it) against the plain loop, bit for bit, on every length up to 70 and several steps.
func TestAdam32MatchesLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for n := 0; n <= 70; n++ {
		x, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		x2, m2, v2 := append([]float32(nil), x...), make([]float32, n), make([]float32, n)
		for step := range 3 {
			for i := range g {
				g[i] = float32(r.NormFloat64())
				if i%7 == 0 {
					g[i] = 0
				}
			}
			lrt, c1, c2 := 0.001*float32(step+1), float32(0.1), float32(0.001)
			adam32(x, g, m, v, lrt, c1, c2)
			adam(x2, g, m2, v2, lrt, c1, c2)
			for i := range x {
				if math.Float32bits(x[i]) != math.Float32bits(x2[i]) || m[i] != m2[i] || v[i] != v2[i] {
					t.Fatalf("n %d step %d: element %d: x %v m %v v %v, the loop gives %v %v %v",
						n, step, i, x[i], m[i], v[i], x2[i], m2[i], v2[i])
				}
			}
		}
	}
}

// TestAdamTaskMatchesLoop checks the update of a large float32 parameter, cut into blocks
// that run on all cores (adamTask), against the plain loop over the whole of it, bit for bit,
// on lengths around the block size and past the size that splits.
func TestAdamTaskMatchesLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{adamBlock - 1, 4*adamBlock + 5, 100003} {
		x, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], g[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
		}
		x2, m2, v2 := append([]float32(nil), x...), make([]float32, n), make([]float32, n)
		for step := range 2 {
			task := adamTask{x, g, m, v, 0.001 * float32(step+1), 0.1, 0.001}
			task.run()
			adam(x2, g, m2, v2, 0.001*float32(step+1), 0.1, 0.001)
			for i := range x {
				if math.Float32bits(x[i]) != math.Float32bits(x2[i]) || m[i] != m2[i] || v[i] != v2[i] {
					t.Fatalf("n %d step %d: element %d: x %v, the loop gives %v", n, step, i, x[i], x2[i])
				}
			}
		}
	}
}
