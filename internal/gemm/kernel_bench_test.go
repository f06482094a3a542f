package gemm

import (
	"fmt"
	"testing"
)

// BenchmarkKernel measures the micro-kernels alone, on packed panels that
// sit in L1: the ceiling for everything else.
func BenchmarkKernel(b *testing.B) {
	for _, cfg := range sgemmConfigs() {
		for _, k := range []int{25, 256} {
			b.Run(fmt.Sprintf("s%s/k=%d", cfg.name, k), func(b *testing.B) {
				a, bb, c := make([]float32, cfg.mr*k), make([]float32, cfg.nr*k), make([]float32, cfg.mr*64)
				for range b.N {
					cfg.kernel(k, a, 1, cfg.mr, 0, bb, cfg.nr, c, 64, 1, 1, 1, cfg.mr, cfg.nr)
				}
				b.ReportMetric(2*float64(cfg.mr*cfg.nr*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
	for _, cfg := range dgemmConfigs() {
		k := 256
		b.Run(fmt.Sprintf("d%s/k=%d", cfg.name, k), func(b *testing.B) {
			a, bb, c := make([]float64, cfg.mr*k), make([]float64, cfg.nr*k), make([]float64, cfg.mr*64)
			for range b.N {
				cfg.kernel(k, a, 1, cfg.mr, 0, bb, cfg.nr, c, 64, 1, 1, 1, cfg.mr, cfg.nr)
			}
			b.ReportMetric(2*float64(cfg.mr*cfg.nr*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkPack measures packing speed in elements per nanosecond.
func BenchmarkPack(b *testing.B) {
	const m, n, k = 144, 256, 256
	src := make([]float32, 1024*1024)
	dst := make([]float32, 256*256)
	for _, trans := range []bool{false, true} {
		p := call[float32]{transA: trans, transB: trans, m: m, n: n, k: k, a: src, lda: 1000, b: src, ldb: 1000}
		b.Run(fmt.Sprintf("A/trans=%v", trans), func(b *testing.B) {
			for range b.N {
				packA(6, dst, &p, 0, m, 0, k)
			}
			b.ReportMetric(float64(m*k)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
		})
		b.Run(fmt.Sprintf("B/trans=%v", trans), func(b *testing.B) {
			for range b.N {
				packB(16, dst, &p, 0, k, 0, n)
			}
			b.ReportMetric(float64(n*k)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
		})
	}
}
