//go:build openblaspeer && cgo

package openblas_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/zerograd/zerograd/internal/gemm"
	"github.com/zerograd/zerograd/internal/openblas"
)

// TestSgemmMatchesGemm: OpenBLAS and zerograd's GEMM agree on every transpose, within
// float32 rounding, so the benchmark compares the same products.
func TestSgemmMatchesGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{1, 1, 1}, {7, 17, 9}, {30, 576, 26}, {100, 100, 300}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			a, b := make([]float32, m*k), make([]float32, k*n)
			for i := range a {
				a[i] = float32(r.NormFloat64())
			}
			for i := range b {
				b[i] = float32(r.NormFloat64())
			}
			lda, ldb := k, n
			if tr[0] {
				lda = m
			}
			if tr[1] {
				ldb = k
			}
			want, got := make([]float32, m*n), make([]float32, m*n)
			gemm.Sgemm(tr[0], tr[1], m, n, k, 1.5, a, lda, b, ldb, 0, want, n)
			openblas.Sgemm(tr[0], tr[1], m, n, k, 1.5, a, lda, b, ldb, 0, got, n)
			for i := range got {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*math.Sqrt(float64(k))*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("%v trans %v: C[%d] = %v, gemm %v", sz, tr, i, got[i], want[i])
				}
			}
		}
	}
}

func TestSgemmShortSlicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a short B")
		}
	}()
	openblas.Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 3), 2, 0, make([]float32, 4), 2)
}
