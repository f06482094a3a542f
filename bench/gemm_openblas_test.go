//go:build openblaspeer && cgo

package bench

import (
	"testing"

	"github.com/zerograd/zerograd/internal/openblas"
)

// BenchmarkGemmOpenBLAS measures the same products as BenchmarkGemm with the system's
// OpenBLAS (cblas_sgemm), in the same run when built with the openblaspeer tag:
//
//	go test -tags openblaspeer ./bench -run '^$' -bench 'Gemm' -count 5
//
// OpenBLAS picks its own threads: set OPENBLAS_NUM_THREADS to the cores zerograd uses.
func BenchmarkGemmOpenBLAS(b *testing.B) {
	for _, c := range gemmCases {
		b.Run(c.name, func(b *testing.B) {
			a, lda, bm, ldb, out, ldc := c.operands()
			b.ResetTimer()
			for range b.N {
				openblas.Sgemm(c.transA, c.transB, c.m, c.n, c.k, 1, a, lda, bm, ldb, 0, out, ldc)
			}
			reportGFLOPs(b, c)
		})
	}
}
