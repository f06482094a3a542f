package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSwap times the LSTM's recurrent products (batch 32, hidden 256) run directly and
// transposed (swap.go), serial and over the cores.
func BenchmarkSwap(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range []struct {
		name           string
		m, n, k        int
		transA, transB bool
	}{{"hWT", 32, 1024, 256, false, true}, {"gW", 32, 256, 1024, false, false}} {
		ldb := s.n
		if s.transB {
			ldb = s.k
		}
		p := call[float32]{transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: 1,
			a: randoms(r, s.m*s.k), lda: s.k, b: randoms(r, s.k*s.n), ldb: ldb, c: make([]float32, s.m*s.n), ldc: s.n}
		for _, serial := range []bool{true, false} {
			for _, swap := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/serial=%v/swap=%v", s.name, serial, swap), func(b *testing.B) {
					for range b.N {
						switch {
						case swap:
							sgemmCfg.run(&p, serial)
						case serial:
							sgemmCfg.forShape(p.m, p.n).gemmSerial(&p)
						default:
							sgemmCfg.forShape(p.m, p.n).gemm(&p)
						}
					}
					b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}
