package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// refGemm is the definition, in float64: C = alpha*op(A)*op(B) + beta*C. It
// also returns, for each element, the scale of the terms summed into it
// (sum |alpha*a*b| + |beta*c|), for a relative error bound.
func refGemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) (want, scale []float64) {
	want, scale = make([]float64, m*n), make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, abs float64
			for p := range k {
				ia, ib := i*lda+p, p*ldb+j
				if transA {
					ia = p*lda + i
				}
				if transB {
					ib = j*ldb + p
				}
				av, bv := a[ia], b[ib]
				s += av * bv
				abs += math.Abs(av * bv)
			}
			want[i*n+j] = alpha * s
			scale[i*n+j] = math.Abs(alpha) * abs
			if beta != 0 {
				want[i*n+j] += beta * c[i*ldc+j]
				scale[i*n+j] += math.Abs(beta * c[i*ldc+j])
			}
		}
	}
	return want, scale
}

// shape is one test case.
type shape struct {
	m, n, k        int
	transA, transB bool
	alpha, beta    float64
	pad            int // extra elements per row of A, B and C beyond the width
}

func (s shape) String() string {
	return fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/alpha=%g/beta=%g/pad=%d", s.m, s.n, s.k, s.transA, s.transB, s.alpha, s.beta, s.pad)
}

// shapes returns the test cases: every combination of transposes, scalars
// and padding over a set of sizes chosen around the tile edges, plus random
// sizes, plus shapes that take the k-split path.
func shapes(short bool) []shape {
	sizes := [][3]int{
		{0, 0, 0}, {0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 1}, {2, 3, 4}, {1, 17, 1}, {17, 1, 3},
		{6, 16, 1}, {6, 16, 5}, {5, 15, 7}, {7, 17, 9}, {12, 32, 8}, {13, 33, 257},
		{100, 10, 50}, {31, 29, 70}, {64, 64, 64}, {65, 63, 61}, {150, 70, 300}, {290, 37, 16},
		{7, 200, 300}, {5, 7, 300}, {25, 30, 1100}, {20, 300, 40}, {30, 577, 26}, {31, 290, 9},
		{20, 256, 300}, // B's rows 1 KiB apart: run transposes the product (swap.go)
	}
	if short {
		sizes = [][3]int{{0, 3, 4}, {1, 1, 1}, {2, 3, 4}, {7, 17, 9}, {65, 63, 61}, {25, 30, 1100}, {150, 70, 300}}
	}
	r := rand.New(rand.NewPCG(1, 2))
	nrand := 30
	if short {
		nrand = 4
	}
	for range nrand {
		sizes = append(sizes, [3]int{r.IntN(80), r.IntN(80), r.IntN(80)})
	}
	var out []shape
	for _, sz := range sizes {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {2.5, 0.75}, {0, 0.5}} {
				for _, pad := range []int{0, 3} {
					out = append(out, shape{sz[0], sz[1], sz[2], tr[0], tr[1], ab[0], ab[1], pad})
				}
			}
		}
	}
	return out
}

// operands makes random A, B, C for s in float64, with padding filled with
// a sentinel. C holds NaN where beta is 0, since it must not be read.
func operands(s shape, r *rand.Rand) (a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	ar, ac := s.m, s.k
	if s.transA {
		ar, ac = s.k, s.m
	}
	br, bc := s.k, s.n
	if s.transB {
		br, bc = s.n, s.k
	}
	fill := func(r0, c0, pad int, v func() float64) ([]float64, int) {
		ld := max(1, c0+pad)
		x := make([]float64, max(0, r0*ld))
		for i := range x {
			if i%ld < c0 {
				x[i] = v()
			} else {
				x[i] = sentinel
			}
		}
		return x, ld
	}
	uniform := func() float64 { return 2*r.Float64() - 1 }
	a, lda = fill(ar, ac, s.pad, uniform)
	b, ldb = fill(br, bc, s.pad, uniform)
	cv := uniform
	if s.beta == 0 {
		cv = func() float64 { return math.NaN() }
	}
	c, ldc = fill(s.m, s.n, s.pad, cv)
	return
}

const sentinel = 12345

// checkResult compares c with want, and checks that the padding of c, which
// gemm must not touch, still holds the sentinel.
func checkResult(t *testing.T, name string, s shape, c []float64, ldc int, want, scale []float64, tol float64) {
	t.Helper()
	bad := 0
	for i := range c {
		row, col := i/ldc, i%ldc
		if col >= s.n {
			if c[i] != sentinel {
				t.Errorf("%s %v: padding c[%d] = %v was overwritten", name, s, i, c[i])
				return
			}
			continue
		}
		w, sc := want[row*s.n+col], scale[row*s.n+col]
		if d := math.Abs(c[i] - w); !(d <= tol*(sc+1e-30)) {
			if bad++; bad <= 3 {
				t.Errorf("%s %v: C[%d][%d] = %v, want %v (diff %g, scale %g)", name, s, row, col, c[i], w, d, sc)
			}
		}
	}
}

// runner computes one gemm through some path of the package.
type runner[T scalar] struct {
	name string
	cfg  *config[T]
	run  func(cfg *config[T], p call[T])
}

// runners exercises every path of cfg: the public dispatch, the serial
// blocked path, the row bands with 3 workers, and the parallel one with 2 and 3 workers (whatever
// GOMAXPROCS is), so that small shapes also meet the kernels and the
// splitting code.
func runners[T scalar](cfgs ...*config[T]) []runner[T] {
	var out []runner[T]
	for _, cfg := range cfgs {
		out = append(out,
			runner[T]{cfg.name + "/auto", cfg, func(cfg *config[T], p call[T]) { cfg.gemm(&p) }},
			runner[T]{cfg.name + "/serial", cfg, func(cfg *config[T], p call[T]) {
				if p.m == 0 || p.n == 0 || p.k == 0 || p.alpha == 0 {
					cfg.gemm(&p) // serial assumes a non-trivial product
					return
				}
				cfg.serial(&p)
			}},
			runner[T]{cfg.name + "/parallel2", cfg, func(cfg *config[T], p call[T]) {
				if p.m == 0 || p.n == 0 || p.k == 0 || p.alpha == 0 {
					cfg.gemm(&p)
					return
				}
				cfg.parallel(&p, 2)
			}},
			runner[T]{cfg.name + "/rows3", cfg, func(cfg *config[T], p call[T]) {
				if p.m == 0 || p.n == 0 || p.k == 0 || p.alpha == 0 {
					cfg.gemm(&p)
					return
				}
				cfg.rows(&p, 3)
			}},
			runner[T]{cfg.name + "/run", cfg, func(cfg *config[T], p call[T]) { cfg.run(&p, false) }},
			runner[T]{cfg.name + "/run-serial", cfg, func(cfg *config[T], p call[T]) { cfg.run(&p, true) }},
			runner[T]{cfg.name + "/parallel3", cfg, func(cfg *config[T], p call[T]) {
				if p.m == 0 || p.n == 0 || p.k == 0 || p.alpha == 0 {
					cfg.gemm(&p)
					return
				}
				cfg.parallel(&p, 3)
			}},
		)
	}
	return out
}

func checkedAll[T scalar](cfgs []*config[T]) []*config[T] {
	out := make([]*config[T], len(cfgs))
	for i, cfg := range cfgs {
		out[i] = checked(cfg)
	}
	return out
}

// checked returns a copy of cfg whose kernel first checks that every window
// it will read or write lies inside its slices: the assembly kernels trust
// the driver on this, and an overrun there would not panic.
func checked[T scalar](cfg *config[T]) *config[T] {
	MR, NR, kernel := cfg.mr, cfg.nr, cfg.kernel
	return &config[T]{
		name: cfg.name + "-checked", mr: MR, nr: NR, mc: cfg.mc, kc: cfg.kc, nc: cfg.nc,
		kernel: func(k int, a []T, rsa, csa, sa int, b []T, rsb int, c []T, ldc int, alpha, beta T, tiles, mrLast, nr int) {
			if k < 1 || tiles < 1 || mrLast < 1 || mrLast > MR || nr < 1 || nr > NR {
				panic(fmt.Sprintf("kernel: bad sizes k=%d tiles=%d mrLast=%d nr=%d", k, tiles, mrLast, nr))
			}
			if last := (tiles-1)*sa + (MR-1)*rsa + (k-1)*csa; last >= len(a) {
				panic(fmt.Sprintf("kernel: A window ends at %d, len(a)=%d", last, len(a)))
			}
			if last := (k-1)*rsb + NR - 1; last >= len(b) {
				panic(fmt.Sprintf("kernel: B window ends at %d, len(b)=%d", last, len(b)))
			}
			if last := ((tiles-1)*MR+mrLast-1)*ldc + nr - 1; last >= len(c) {
				panic(fmt.Sprintf("kernel: C tile ends at %d, len(c)=%d", last, len(c)))
			}
			kernel(k, a, rsa, csa, sa, b, rsb, c, ldc, alpha, beta, tiles, mrLast, nr)
		},
	}
}

func convert[T, S scalar](x []S) []T {
	y := make([]T, len(x))
	for i, v := range x {
		y[i] = T(v)
	}
	return y
}

func testGemm[T scalar](t *testing.T, tol float64, rs []runner[T]) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range shapes(testing.Short()) {
		a, lda, b, ldb, c, ldc := operands(s, r)
		// Round the operands to T first, so that the reference sees the
		// same inputs.
		at, bt, c0 := convert[T](a), convert[T](b), convert[T](c)
		a, b, c = convert[float64](at), convert[float64](bt), convert[float64](c0)
		want, scale := refGemm(s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, c, ldc)
		for _, rn := range rs {
			ct := append([]T(nil), c0...)
			rn.run(rn.cfg, call[T]{s.transA, s.transB, s.m, s.n, s.k, T(s.alpha), at, lda, bt, ldb, T(s.beta), ct, ldc})
			checkResult(t, rn.name, s, convert[float64](ct), ldc, want, scale, tol*float64(s.k+2))
			if t.Failed() {
				return
			}
		}
	}
}

// TestSgemm and TestDgemm run every kernel this CPU has (sgemmConfigs: AVX-512,
// AVX2 and the portable one on a machine with all three) through every path.
func TestSgemm(t *testing.T) {
	testGemm(t, 2e-7, runners(checkedAll(sgemmConfigs())...))
}

func TestDgemm(t *testing.T) {
	testGemm(t, 4e-16, runners(checkedAll(dgemmConfigs())...))
}

// TestPublic runs the exported functions on a few shapes, through whatever
// they route to (including OpenBLAS under the openblas tag).
func TestPublic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range shapes(true) {
		a, lda, b, ldb, c, ldc := operands(s, r)
		a32, b32, c32 := convert[float32](a), convert[float32](b), convert[float32](c)
		a, b, c = convert[float64](a32), convert[float64](b32), convert[float64](c32)
		want, scale := refGemm(s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, c, ldc)
		Sgemm(s.transA, s.transB, s.m, s.n, s.k, float32(s.alpha), a32, lda, b32, ldb, float32(s.beta), c32, ldc)
		checkResult(t, "Sgemm", s, convert[float64](c32), ldc, want, scale, 2e-7*float64(s.k+2))
		c64 := append([]float64(nil), c...)
		Dgemm(s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, c64, ldc)
		checkResult(t, "Dgemm", s, c64, ldc, want, scale, 4e-16*float64(s.k+2))
		c32 = convert[float32](c)
		SgemmSerial(s.transA, s.transB, s.m, s.n, s.k, float32(s.alpha), a32, lda, b32, ldb, float32(s.beta), c32, ldc)
		checkResult(t, "SgemmSerial", s, convert[float64](c32), ldc, want, scale, 2e-7*float64(s.k+2))
		c64 = append(c64[:0], c...)
		DgemmSerial(s.transA, s.transB, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, c64, ldc)
		checkResult(t, "DgemmSerial", s, c64, ldc, want, scale, 4e-16*float64(s.k+2))
	}
}

// TestConcurrent calls Sgemm from several goroutines at once, big enough to
// go parallel, so that the helper pool serves overlapping calls.
func TestConcurrent(t *testing.T) {
	const m, n, k = 96, 80, 70
	r := rand.New(rand.NewPCG(7, 8))
	a, b := make([]float32, m*k), make([]float32, k*n)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	for i := range b {
		b[i] = float32(r.NormFloat64())
	}
	want := make([]float32, m*n)
	naive(&call[float32]{false, false, m, n, k, 1, a, k, b, n, 0, want, n})
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			c := make([]float32, m*n)
			for range 20 {
				Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				for i := range c {
					if d := math.Abs(float64(c[i] - want[i])); d > 1e-4 {
						errs <- fmt.Errorf("goroutine %d: c[%d] = %v, want %v", g, i, c[i], want[i])
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestAllocs checks that steady-state calls allocate nothing, on the tiny,
// serial, parallel and k-split paths.
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	for _, sz := range [][3]int{{2, 3, 4}, {100, 10, 50}, {200, 200, 200}, {25, 30, 5000}} {
		m, n, k := sz[0], sz[1], sz[2]
		a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		f := func() { Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n) }
		f()
		if got := testing.AllocsPerRun(20, f); got > 0 {
			t.Errorf("Sgemm %dx%dx%d: %v allocations per call, want 0", m, n, k, got)
		}
		a64, b64, c64 := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
		g := func() { Dgemm(true, false, m, n, k, 1, a64, m, b64, n, 0, c64, n) }
		g()
		if got := testing.AllocsPerRun(20, g); got > 0 {
			t.Errorf("Dgemm %dx%dx%d: %v allocations per call, want 0", m, n, k, got)
		}
	}
}

// TestAllocsManyProcs: with more Ps than the machine has cores (or a machine of many
// cores), the parallel paths come to make no new buffers, and keep the ones they have
// across garbage collections, which empty a sync.Pool. Until the most workers that will
// ever run at once have each taken a buffer, a batch may still make some, so the test
// waits for a quiet batch.
func TestAllocsManyProcs(t *testing.T) {
	if viaOpenBLAS {
		t.Skip("Sgemm and Dgemm call OpenBLAS in this build; the plain build tests the driver")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(16))
	const runs, batches = 40, 15
	for _, sz := range [][3]int{{300, 300, 300}, {100, 50, 784}, {25, 30, 50000}} {
		m, n, k := sz[0], sz[1], sz[2]
		a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		a64, b64, c64 := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
		batch := func() int64 { // the buffers made by runs calls of Sgemm and Dgemm
			before := freshBufs.Load()
			for range runs {
				Sgemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
				Dgemm(true, false, m, n, k, 1, a64, m, b64, n, 0, c64, n)
			}
			return freshBufs.Load() - before
		}
		var got []int64
		for range batches {
			if got = append(got, batch()); got[len(got)-1] == 0 {
				break
			}
		}
		if last := got[len(got)-1]; last > 0 {
			t.Errorf("%dx%dx%d: buffers made in each batch of %d calls of Sgemm and Dgemm: %v", m, n, k, runs, got)
			continue
		}
		kept := func() int {
			return stashed(&sgemmCfg.aBufs, &sgemmCfg.bBufs) + stashed(&dgemmCfg.aBufs, &dgemmCfg.bBufs)
		}
		before := kept()
		runtime.GC()
		runtime.GC()
		if after := kept(); after < before || before == 0 {
			t.Errorf("%dx%dx%d: %d buffers kept before two garbage collections, %d after", m, n, k, before, after)
		}
	}
}

// stashed returns how many values the stashes hold.
func stashed[V any](sts ...*stash[V]) int {
	count := 0
	for _, st := range sts {
		st.mu.Lock()
		count += len(st.items)
		st.mu.Unlock()
	}
	return count
}

// TestPanics proves each documented panic.
func TestPanics(t *testing.T) {
	x := make([]float32, 100)
	cases := []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, x, 2, x, 2, 0, x, 2) }},
		{"negative n", func() { Sgemm(false, false, 2, -1, 2, 1, x, 2, x, 2, 0, x, 2) }},
		{"negative k", func() { Sgemm(false, false, 2, 2, -1, 1, x, 2, x, 2, 0, x, 2) }},
		{"lda < k", func() { Sgemm(false, false, 2, 2, 3, 1, x, 2, x, 2, 0, x, 2) }},
		{"lda < m for A^T", func() { Sgemm(true, false, 3, 2, 2, 1, x, 2, x, 2, 0, x, 2) }},
		{"ldb < n", func() { Sgemm(false, false, 2, 3, 2, 1, x, 2, x, 2, 0, x, 3) }},
		{"ldb < k for B^T", func() { Sgemm(false, true, 2, 2, 3, 1, x, 3, x, 2, 0, x, 2) }},
		{"ldc < n", func() { Sgemm(false, false, 2, 3, 2, 1, x, 2, x, 3, 0, x, 2) }},
		{"lda 0", func() { Sgemm(false, false, 0, 0, 0, 1, x, 0, x, 1, 0, x, 1) }},
		{"short a", func() { Sgemm(false, false, 4, 2, 3, 1, x[:11], 3, x, 2, 0, x, 2) }},
		{"short b", func() { Sgemm(false, false, 2, 4, 3, 1, x, 3, x[:11], 4, 0, x, 4) }},
		{"short c", func() { Sgemm(false, false, 3, 4, 2, 1, x, 2, x, 4, 0, x[:13], 5) }},
		{"short c float64", func() {
			Dgemm(false, false, 3, 4, 2, 1, make([]float64, 6), 2, make([]float64, 8), 4, 0, make([]float64, 11), 4)
		}},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", tc.name)
				} else if msg, _ := r.(string); len(msg) < 6 || msg[:6] != "gemm: " {
					t.Errorf("%s: panic %v does not start with \"gemm: \"", tc.name, r)
				}
			}()
			tc.f()
		}()
	}
	// Exactly long enough is fine, and so are empty matrices with nil slices.
	Sgemm(false, false, 4, 2, 3, 1, x[:12], 3, x[:6], 2, 0, make([]float32, 8), 2)
	Sgemm(false, false, 0, 5, 0, 1, nil, 1, nil, 5, 0, nil, 5)
	Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0, make([]float32, 4), 2)
}
