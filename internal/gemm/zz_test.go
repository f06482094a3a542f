package gemm

import (
	"fmt"
	"testing"
)

func BenchmarkZZShapes(b *testing.B) {
	for _, sz := range [][5]int{{100, 100, 4320, 0, 0}, {100, 4320, 100, 0, 1}, {4320, 100, 100, 1, 0}} {
		m, n, k := sz[0], sz[1], sz[2]
		ta, tb := sz[3] == 1, sz[4] == 1
		a, bb, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		lda, ldb := k, n
		if ta {
			lda = m
		}
		if tb {
			ldb = k
		}
		for _, mode := range []string{"auto", "serial", "grid", "ksplit", "rows"} {
			b.Run(fmt.Sprintf("%dx%dx%d_%v%v/%s", m, n, k, ta, tb, mode), func(b *testing.B) {
				p := call[float32]{ta, tb, m, n, k, 1, a, lda, bb, ldb, 0, c, n}
				cfg := sgemmCfg.forShape(m, n)
				for range b.N {
					q := p
					switch mode {
					case "auto":
						sgemmCfg.run(&q, false)
					case "serial":
						cfg.serial(&q)
					case "grid":
						s := &parallelGemm[float32]{cfg: cfg, p: q}
						s.grid(2)
					case "ksplit":
						s := &parallelGemm[float32]{cfg: cfg, p: q}
						s.kSplit(2)
					case "rows":
						cfg.rows(&q, 2)
					}
				}
				b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
