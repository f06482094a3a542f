//go:build amd64 && !purego && !(openblas && cgo)

package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The AVX-512 kernels compute each element with the same operations in the
// same order as the AVX2 kernels, so the two must agree bit for bit: on
// single kernel calls over every tile size, stride mode and alpha/beta, and
// on whole products through every path of the driver (with the AVX2 kc, the
// one blocking choice that changes the order of the sums).

func TestAVX512KernelMatchesAVX2(t *testing.T) {
	if !hasAVX512 {
		t.Skip("CPU without AVX-512F")
	}
	kernelMatch(t, sgemmAVX512, sgemmAVX2)
	kernelMatch(t, dgemmAVX512, dgemmAVX2)
}

// kernelMatch runs both kernels on one tile column, for k around the
// unrolling and mr, nr over the whole tile of the wide kernel. The narrow
// kernel's tile is covered by running it over several column offsets and
// row tiles, so each of its stores is compared with the wide kernel's.
func kernelMatch[T scalar](t *testing.T, wide, narrow *config[T]) {
	t.Helper()
	r := rand.New(rand.NewPCG(9, 10))
	MR, NR := wide.mr, wide.nr
	// Room past every window: the narrow kernel's last tile reads rows past
	// the wide tile's, which the assembly would not catch.
	rnd := func(n int) []T {
		x := make([]T, n+16*(4*MR+NR+70))
		for i := range x {
			x[i] = T(2*r.Float64() - 1)
		}
		return x
	}
	for _, k := range []int{1, 2, 3, 4, 5, 7, 8, 9, 17, 64, 67} {
		for _, mode := range []string{"packed", "contiguous", "rows", "cols"} {
			for _, ab := range [][2]T{{1, 0}, {-0.5, 1}, {2.5, 0.75}} {
				for _, tiles := range []int{1, 2} {
					for mrLast := 1; mrLast <= MR; mrLast++ {
						for nr := 1; nr <= NR; nr++ {
							if mrLast != 1 && mrLast != MR && mrLast%5 != 0 && nr%7 != 0 && nr != NR {
								continue // keep the run short: every mrLast or nr still meets the others
							}
							// A: tiles*MR rows of op(A) stored as the mode says, with room.
							rows := tiles * MR
							var rsa, csa, sa int
							var a []T
							switch mode {
							case "packed":
								rsa, csa, sa = 1, MR, MR*k
								a = rnd(rows * k)
							case "contiguous": // A^T in place: rows contiguous, k steps ld apart
								rsa, csa, sa = 1, rows+3, MR
								a = rnd(k * (rows + 3))
							case "rows": // A in place: rows ld apart
								rsa, csa, sa = k+2, 1, MR*(k+2)
								a = rnd(rows * (k + 2))
							case "cols": // odd strides both ways
								rsa, csa, sa = 2, 2*rows+1, 2*MR
								a = rnd(k * (2*rows + 1))
							}
							rsb := NR
							if mode != "packed" {
								rsb = NR + 5
							}
							b := rnd(k * rsb)
							ldc := NR + 3
							c0 := rnd(rows * ldc)
							if ab[1] == 0 {
								for i := range c0 {
									c0[i] = T(math.NaN())
								}
							}
							want := append([]T(nil), c0...)
							got := append([]T(nil), c0...)
							// The narrow kernel, in tiles of its own size.
							for t0 := 0; t0 < tiles; t0++ {
								m := MR
								if t0 == tiles-1 {
									m = mrLast
								}
								for i0 := 0; i0 < m; i0 += narrow.mr {
									for j0 := 0; j0 < nr; j0 += narrow.nr {
										ao := t0*sa + i0*rsa
										narrow.kernel(k, a[ao:], rsa, csa, 0, b[j0:], rsb, want[(t0*MR+i0)*ldc+j0:], ldc, ab[0], ab[1], 1, min(narrow.mr, m-i0), min(narrow.nr, nr-j0))
									}
								}
							}
							wide.kernel(k, a, rsa, csa, sa, b, rsb, got, ldc, ab[0], ab[1], tiles, mrLast, nr)
							for i := range got {
								if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) && !(got[i] != got[i] && want[i] != want[i]) {
									t.Fatalf("%s k=%d %s alpha,beta=%v tiles=%d mrLast=%d nr=%d: c[%d][%d] = %v, want %v", wide.name, k, mode, ab, tiles, mrLast, nr, i/ldc, i%ldc, got[i], want[i])
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestAVX512GemmMatchesAVX2(t *testing.T) {
	if !hasAVX512 {
		t.Skip("CPU without AVX-512F")
	}
	gemmMatch(t, sgemmAVX512, sgemmAVX2)
	gemmMatch(t, dgemmAVX512, dgemmAVX2)
}

func gemmMatch[T scalar](t *testing.T, fast, ref *config[T]) {
	t.Helper()
	cfg := &config[T]{name: fast.name, mr: fast.mr, nr: fast.nr, mc: fast.mc, kc: ref.kc, nc: fast.nc, kernel: fast.kernel}
	// The blocked path of ref only: its dot path sums in another order.
	ref = &config[T]{name: ref.name, mr: ref.mr, nr: ref.nr, mc: ref.mc, kc: ref.kc, nc: ref.nc, kernel: ref.kernel}
	r := rand.New(rand.NewPCG(11, 12))
	for _, rn := range runners(checked(cfg)) {
		rr := runners(ref)
		var refRun runner[T]
		for _, x := range rr {
			if x.name[len(ref.name):] == rn.name[len(cfg.name)+len("-checked"):] {
				refRun = x
			}
		}
		for _, s := range shapes(testing.Short()) {
			a, lda, b, ldb, c, ldc := operands(s, r)
			at, bt, c0 := convert[T](a), convert[T](b), convert[T](c)
			got, want := append([]T(nil), c0...), append([]T(nil), c0...)
			rn.run(rn.cfg, call[T]{s.transA, s.transB, s.m, s.n, s.k, T(s.alpha), at, lda, bt, ldb, T(s.beta), got, ldc})
			refRun.run(refRun.cfg, call[T]{s.transA, s.transB, s.m, s.n, s.k, T(s.alpha), at, lda, bt, ldb, T(s.beta), want, ldc})
			for i := range got {
				if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) && !(got[i] != got[i] && want[i] != want[i]) {
					t.Fatalf("%s vs %s %v: c[%d] = %v, want %v", rn.name, refRun.name, s, i, got[i], want[i])
				}
			}
		}
	}
}

// TestChooseConfigs checks that the environment variable forces a kernel
// and never picks one the CPU lacks.
func TestChooseConfigs(t *testing.T) {
	for _, tc := range []struct{ force, s, d string }{
		{"", "avx512", "avx512"}, {"avx512", "avx512", "avx512"}, {"avx2", "avx2", "avx2"}, {"generic", "generic", "generic"},
	} {
		s, d := chooseConfigs(tc.force)
		ws, wd := tc.s, tc.d
		if ws == "avx512" && !hasAVX512 {
			ws, wd = "avx2", "avx2"
		}
		if ws == "avx2" && !hasAVX2 {
			ws, wd = "generic", "generic"
		}
		if s.name != ws || d.name != wd {
			t.Errorf("%s=%q: got %s, %s; want %s, %s", EnvKernel, tc.force, s.name, d.name, ws, wd)
		}
	}
}

// TestForShape checks which kernel runs the products of the networks: the
// AVX2 one where its 6-row tiles cover C with clearly less padding than the
// 14-row ones of AVX-512 (5% less, or 10% where C is wider than half a
// 32-column tile).
func TestForShape(t *testing.T) {
	for _, tc := range []struct {
		m, n int
		want string
	}{
		{57600, 30, "avx512"}, {100, 100, "avx512"}, {100, 50, "avx512"}, {100, 10, "avx2"}, {25, 30, "avx512"}, {57600, 25, "avx512"},
		{30, 576, "avx2"}, {25, 576, "avx512"}, {30, 25, "avx2"}, {784, 16, "avx512"}, {144, 16, "avx2"},
		{14, 32, "avx512"}, {6, 16, "avx2"}, {28, 8, "avx512"}, {1024, 1024, "avx512"},
	} {
		if got := sgemmAVX512.forShape(tc.m, tc.n).name; got != tc.want {
			t.Errorf("float32 %dx%d: %s, want %s", tc.m, tc.n, got, tc.want)
		}
	}
	if got := dgemmAVX512.forShape(28, 8).name; got != "avx512" {
		t.Errorf("float64 28x8: %s, want avx512", got)
	}
	if got := dgemmAVX512.forShape(30, 8).name; got != "avx2" {
		t.Errorf("float64 30x8: %s, want avx2", got)
	}
	if got := sgemmAVX2.forShape(30, 576).name; got != "avx2" {
		t.Errorf("avx2 config: %s, want itself", got)
	}
}
