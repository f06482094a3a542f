package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotNT checks the dot path (dot.go) against a float64 reference: on shapes whose edges
// fall anywhere in a 4x4 tile, k with and without a tail past the last 16, row strides
// longer than k, alpha and beta of every kind, and beta 0 over a C full of NaN (C is not
// read). The bound is a float32 sum's: (k/16 + 6) roundings of the sum of |a b|.
func TestDotNT(t *testing.T) {
	if !hasDot {
		t.Skip("no AVX-512 dot kernel on this CPU")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, m := range []int{1, 3, 4, 5, 16, 30} {
		for _, n := range []int{1, 2, 4, 7, 9, 25} {
			for _, k := range []int{16, 128, 143, 576, 784} {
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2, 0}} {
					alpha, beta := ab[0], ab[1]
					lda, ldb, ldc := k+r.IntN(3), k+r.IntN(20), n+r.IntN(3)
					a, b := randoms(r, m*lda), randoms(r, n*ldb)
					c := randoms(r, m*ldc)
					c0 := append([]float32(nil), c...)
					if beta == 0 {
						for i := range c {
							c[i] = float32(math.NaN())
						}
					}
					p := call[float32]{transB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc}
					sdotNT(&p)
					for i := range m {
						for j := range n {
							var want, abs float64
							for q := range k {
								v := float64(a[i*lda+q]) * float64(b[j*ldb+q])
								want += v
								abs += math.Abs(v)
							}
							want *= float64(alpha)
							bound := 1.2e-7 * float64(k/16+6) * abs * math.Abs(float64(alpha))
							if beta != 0 {
								want += float64(beta) * float64(c0[i*ldc+j])
								bound += 1.2e-7 * 2 * (math.Abs(want) + math.Abs(float64(beta*c0[i*ldc+j])))
							}
							if got := float64(c[i*ldc+j]); !(math.Abs(got-want) <= bound) {
								t.Fatalf("%dx%dx%d alpha %v beta %v: C[%d][%d] = %v, want %v (bound %.3g)", m, n, k, alpha, beta, i, j, got, want, bound)
							}
						}
						for j := n; j < ldc && i*ldc+j < len(c); j++ { // past the row: untouched
							if math.Float32bits(c[i*ldc+j]) != math.Float32bits(c0[i*ldc+j]) && beta != 0 {
								t.Fatalf("%dx%dx%d: C[%d][%d] written past the row", m, n, k, i, j)
							}
						}
					}
				}
			}
		}
	}
}

// TestDotRoute checks which products Sgemm sends to the dot path: the filter gradient of a
// convolution over few patch values, not the products the blocked kernels run better.
func TestDotRoute(t *testing.T) {
	if !hasDot {
		t.Skip("no AVX-512 dot kernel on this CPU")
	}
	for _, s := range []struct {
		transA, transB bool
		m, n, k        int
		want           bool
	}{
		{false, true, 30, 25, 576, true},   // SimpleConvNet's first layer, per image
		{false, true, 16, 9, 784, true},    // DeepConvNet's first layer
		{false, true, 30, 25, 64, false},   // k too short
		{false, true, 100, 25, 576, false}, // C too tall
		{false, false, 30, 25, 576, false}, // B as stored
		{true, true, 30, 25, 576, false},   // A transposed
	} {
		p := call[float32]{transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: 1,
			a: make([]float32, s.m*s.k), lda: max(s.k, s.m), b: make([]float32, s.n*s.k), ldb: max(s.k, s.n),
			c: make([]float32, s.m*s.n), ldc: s.n}
		if s.transA {
			p.lda = s.m
		}
		if !s.transB {
			p.ldb = s.n
		}
		if got := dotNT(&p); got != s.want {
			t.Errorf("%+v: dot path %v, want %v", s, got, s.want)
		}
	}
}

// BenchmarkDotNT times the filter-gradient products of SimpleConvNet's and DeepConvNet's
// first layers (one image) on one core: by dot products, and as the convolution ran them
// before, B transposed into [k x n] and the blocked kernels.
func BenchmarkDotNT(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][3]int{{30, 25, 576}, {16, 9, 784}} {
		m, n, k := s[0], s[1], s[2]
		a, bt, c := randoms(r, m*k), randoms(r, n*k), make([]float32, m*n)
		bn := make([]float32, k*n)
		for _, dot := range []bool{false, true} {
			if dot && !hasDot {
				continue
			}
			b.Run(fmt.Sprintf("%dx%dx%d/dot=%v", m, n, k, dot), func(b *testing.B) {
				for range b.N {
					if dot {
						SgemmSerial(false, true, m, n, k, 1, a, k, bt, k, 1, c, n)
						continue
					}
					for i := range n { // the transpose the convolution made
						for j := range k {
							bn[j*n+i] = bt[i*k+j]
						}
					}
					p := call[float32]{m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: bn, ldb: n, beta: 1, c: c, ldc: n}
					sgemmCfg.forShape(m, n).gemmSerial(&p)
				}
				b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
