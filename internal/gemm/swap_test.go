package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSwapBitForBit checks that the products run transposes give exactly what the direct
// path gives, on every kernel, serial and parallel, and that run does transpose them (the
// recurrent products of an LSTM, h W_hh^T and dgates W_hh, among them).
func TestSwapBitForBit(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	cases := []struct {
		m, n, k        int
		transA, transB bool
		alpha, beta    float32
	}{
		{32, 1024, 256, false, true, 1, 0},  // h W_hh^T
		{32, 1024, 256, false, true, 1, 1},  // xW + h W_hh^T
		{32, 256, 1024, false, false, 1, 0}, // dgates W_hh: B's rows 1 KiB apart
		{7, 200, 300, false, true, 1, 0},
		{20, 256, 300, true, false, -0.5, 0},
		{5, 300, 97, true, true, 2, 0},
		{5, 300, 97, false, true, 1, 1},
	}
	for _, cfg := range sgemmConfigs() {
		for _, tc := range cases {
			name := fmt.Sprintf("%s/%dx%dx%d/tA=%v/tB=%v/beta=%v", cfg.name, tc.m, tc.n, tc.k, tc.transA, tc.transB, tc.beta)
			p := call[float32]{transA: tc.transA, transB: tc.transB, m: tc.m, n: tc.n, k: tc.k, alpha: tc.alpha, beta: tc.beta,
				a: randoms(r, tc.m*tc.k), lda: tc.k, b: randoms(r, tc.k*tc.n), ldb: tc.n, c: make([]float32, tc.m*tc.n), ldc: tc.n}
			if tc.transA {
				p.lda = tc.m
			}
			if tc.transB {
				p.ldb = tc.k
			}
			if !cfg.swaps(cfg.forShape(p.m, p.n), &p) {
				// The portable kernel's 4-column tiles make the transposed A, 1 KiB rows
				// apart, too wide to read in place for B^T-free products; the others
				// transpose every case.
				if cfg.name != "generic" || tc.transB {
					t.Errorf("%s: run does not transpose this product", name)
				}
				continue
			}
			c0 := randoms(r, len(p.c))
			if tc.beta == 0 {
				for i := range c0 {
					c0[i] = float32(i) // garbage: C is only written
				}
			}
			for _, serial := range []bool{false, true} {
				want := append([]float32(nil), c0...)
				direct := p
				direct.c = want
				if serial {
					cfg.forShape(p.m, p.n).gemmSerial(&direct)
				} else {
					cfg.forShape(p.m, p.n).gemm(&direct)
				}
				copy(p.c, c0)
				cfg.run(&p, serial)
				for i := range want {
					if p.c[i] != want[i] {
						t.Errorf("%s serial=%v: C[%d] = %v transposed, %v direct", name, serial, i, p.c[i], want[i])
						break
					}
				}
			}
		}
	}
}

// TestSwapDeclines checks the products run leaves alone: beta neither 0 nor 1; beta 1 with
// alpha not 1, or k longer than a block (the transposed path would round differently);
// and a product whose B is not much larger than the rest.
func TestSwapDeclines(t *testing.T) {
	for _, cfg := range sgemmConfigs() {
		beta := call[float32]{transB: true, m: 32, n: 1024, k: 256, alpha: 1, beta: 0.5, lda: 256, ldb: 256, ldc: 1024}
		alpha := call[float32]{transB: true, m: 32, n: 1024, k: 256, alpha: 2, beta: 1, lda: 256, ldb: 256, ldc: 1024}
		long := call[float32]{transB: true, m: 32, n: 1024, k: 1024, alpha: 1, beta: 1, lda: 1024, ldb: 1024, ldc: 1024}
		square := call[float32]{transB: true, m: 256, n: 256, k: 256, alpha: 1, lda: 256, ldb: 256, ldc: 256}
		for name, p := range map[string]*call[float32]{"beta 0.5": &beta, "alpha 2 beta 1": &alpha, "beta 1 long k": &long, "square": &square} {
			if cfg.swaps(cfg.forShape(p.m, p.n), p) {
				t.Errorf("%s: %s is transposed", cfg.name, name)
			}
		}
	}
}

func randoms(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}
