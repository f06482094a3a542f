package gemm

import (
	"fmt"
	"testing"
)

// BenchmarkDot compares, on one goroutine, the dot path (dotNT) with the
// blocked path that ran these products before it (the config's serial run
// with the dot path switched off), for C = A B^T with k contiguous in both:
// the filter gradients of SimpleConvNet (30 x 25 x 576) and DeepConvNet's
// first convolution (16 x 9 x 784) per image, and shapes around the
// routing limits (dotUse).
func BenchmarkDot(b *testing.B) {
	shapes := [][3]int{{30, 25, 576}, {16, 9, 784}, {30, 25, 128}, {30, 25, 256}, {16, 9, 128}, {16, 9, 256}, {64, 64, 576}, {64, 64, 256}, {64, 64, 128}, {100, 100, 576}, {30, 25, 64}}
	for _, cfg := range sgemmConfigs() {
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			a, bb, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
			for i := range a {
				a[i] = float32(i%7) - 3
			}
			for i := range bb {
				bb[i] = float32(i%5) - 2
			}
			p := call[float32]{false, true, m, n, k, 1, a, k, bb, k, 1, c, n}
			acc := make([]float32, 64)
			flops := 2 * float64(m*n*k)
			b.Run(fmt.Sprintf("%s/%dx%dx%d/blocked", cfg.name, m, n, k), func(b *testing.B) {
				saved := cfg.dot
				cfg.dot = nil
				defer func() { cfg.dot = saved }()
				for range b.N {
					cfg.run(&p, true)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			d := cfg.dot
			if d == nil {
				d = dotGo // not routed: measured here to show why
			}
			if m < d.mr || n < d.nr {
				continue
			}
			b.Run(fmt.Sprintf("%s/%dx%dx%d/dot", cfg.name, m, n, k), func(b *testing.B) {
				for range b.N {
					dotNT(d, &p, acc)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
