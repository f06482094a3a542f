package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// checkedDot returns d with a tile function that first checks that the
// windows it will read lie inside a and b: the assembly kernels trust dotNT
// on this, and an overrun there would not panic.
func checkedDot(d *dotKernel, a, b []float32) *dotKernel {
	tile := d.tile
	in := func(name string, p *float32, s []float32, ld, rows, steps int) {
		off := (uintptr(unsafe.Pointer(p)) - uintptr(unsafe.Pointer(&s[0]))) / 4
		if last := int(off) + (rows-1)*ld + steps*d.width; off >= uintptr(len(s)) || last > len(s) {
			panic(fmt.Sprintf("dot %s: %s window ends at %d, len %d", d.name, name, last, len(s)))
		}
	}
	return &dotKernel{name: d.name, mr: d.mr, nr: d.nr, width: d.width,
		tile: func(pa, pb *float32, lda, ldb, steps int, out *float32) {
			in("A", pa, a, lda, d.mr, steps)
			in("B", pb, b, ldb, d.nr, steps)
			tile(pa, pb, lda, ldb, steps, out)
		}}
}

// dotShapes are the dot path's test cases for a tile of mr x nr: C a multiple
// of the tile and not (the last tile overlaps its neighbour), k below one
// vector, a multiple of it and with every tail length, leading dimensions
// longer than k, and the scalars.
func dotShapes(mr, nr int) []shape {
	var out []shape
	sizes := [][2]int{{mr, nr}, {mr + 1, nr + 3}, {2*mr - 1, nr}, {30, 25}, {16, 9}, {3*mr + 2, 2*nr + 1}}
	ks := []int{1, 7, 15, 16, 17, 31, 64, 100, 576, 784}
	for i, mn := range sizes {
		for j, k := range ks {
			for _, sc := range [][2]float64{{1, 0}, {1, 1}, {-0.5, 2}, {2, 0}} {
				out = append(out, shape{m: mn[0], n: mn[1], k: k, transB: true, alpha: sc[0], beta: sc[1], pad: (i + j) % 3 * 5})
			}
		}
	}
	return out
}

// TestDotNT checks each dot kernel this CPU has, the portable one included,
// against the float64 definition within the bound of the blocked kernels'
// test, (k+2) * 2e-7 * sum |terms| per element (the order of the sums
// differs from theirs, so the results are not bit for bit the same), and
// the assembly kernels against the portable one within twice that. With
// beta 0, C holds NaN on entry, which must not reach the result.
func TestDotNT(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, d := range dotKernels() {
		for _, s := range dotShapes(d.mr, d.nr) {
			a, lda, b, ldb, c, ldc := operands(s, r)
			at, bt, c0 := convert[float32](a), convert[float32](b), convert[float32](c)
			a, b, c = convert[float64](at), convert[float64](bt), convert[float64](c0)
			if s.beta == 0 {
				for i := range c0 {
					if i%ldc < s.n {
						c0[i] = float32(math.NaN())
					}
				}
			}
			want, scale := refGemm(false, true, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, c, ldc)
			got := append([]float32(nil), c0...)
			dotNT(checkedDot(d, at, bt), &call[float32]{false, true, s.m, s.n, s.k, float32(s.alpha), at, lda, bt, ldb, float32(s.beta), got, ldc}, make([]float32, 64))
			tol := 2e-7 * float64(s.k+2)
			checkResult(t, "dot/"+d.name, s, convert[float64](got), ldc, want, scale, tol)
			if d != dotGo && s.m >= dotGo.mr && s.n >= dotGo.nr {
				ref := append([]float32(nil), c0...)
				dotNT(dotGo, &call[float32]{false, true, s.m, s.n, s.k, float32(s.alpha), at, lda, bt, ldb, float32(s.beta), ref, ldc}, make([]float32, 64))
				for i := range s.m {
					for j := range s.n {
						x, y := float64(got[i*ldc+j]), float64(ref[i*ldc+j])
						if diff := math.Abs(x - y); !(diff <= 2*tol*(scale[i*s.n+j]+1e-30)) {
							t.Errorf("dot/%s %v: C[%d][%d] = %v, the Go kernel's %v", d.name, s, i, j, x, y)
						}
					}
				}
			}
			if t.Failed() {
				return
			}
		}
	}
}

// TestDotRoute checks which products Sgemm's dispatch sends to the dot path
// (dotUse), and that the public Sgemm gets them right.
func TestDotRoute(t *testing.T) {
	d := sgemmCfg.dot
	for _, tc := range []struct {
		m, n, k        int
		transA, transB bool
		want           bool
	}{
		{30, 25, 576, false, true, true}, {16, 9, 784, false, true, true}, {30, 25, 256, false, true, true},
		{30, 25, 128, false, true, false}, {64, 64, 576, false, true, true}, {64, 64, 256, false, true, false},
		{65, 64, 576, false, true, false}, {30, 25, 576, false, false, false}, {30, 25, 576, true, true, false},
		{2, 25, 576, false, true, false},
	} {
		p := call[float32]{transA: tc.transA, transB: tc.transB, m: tc.m, n: tc.n, k: tc.k, alpha: 1}
		if got := dotUse(d, &p); got != tc.want {
			t.Errorf("dotUse(%s, %dx%dx%d tA=%v tB=%v) = %v, want %v", d.name, tc.m, tc.n, tc.k, tc.transA, tc.transB, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, s := range []shape{{m: 30, n: 25, k: 576, transB: true, alpha: 1, beta: 1, pad: 3}, {m: 16, n: 9, k: 784, transB: true, alpha: 1, beta: 0}} {
		a, lda, b, ldb, c, ldc := operands(s, r)
		at, bt, ct := convert[float32](a), convert[float32](b), convert[float32](c)
		a, b, c = convert[float64](at), convert[float64](bt), convert[float64](ct)
		want, scale := refGemm(false, true, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, c, ldc)
		Sgemm(false, true, s.m, s.n, s.k, float32(s.alpha), at, lda, bt, ldb, float32(s.beta), ct, ldc)
		checkResult(t, "Sgemm", s, convert[float64](ct), ldc, want, scale, 2e-7*float64(s.k+2))
		ct = convert[float32](c)
		SgemmSerial(false, true, s.m, s.n, s.k, float32(s.alpha), at, lda, bt, ldb, float32(s.beta), ct, ldc)
		checkResult(t, "SgemmSerial", s, convert[float64](ct), ldc, want, scale, 2e-7*float64(s.k+2))
	}
}
