package gemm

// scalar is the element type of a gemm: the package's public functions are
// plain (Sgemm, Dgemm), the machinery behind them is written once.
type scalar interface{ ~float32 | ~float64 }

// call holds the arguments of one gemm call, exactly as the caller gave them.
type call[T scalar] struct {
	transA, transB bool
	m, n, k        int
	alpha          T
	a              []T
	lda            int
	b              []T
	ldb            int
	beta           T
	c              []T
	ldc            int
}

// kernelFunc is a micro-kernel, run down a column of register tiles. Tile
// t (of tiles) multiplies an MR x k sliver of op(A) by a k x NR sliver of
// op(B), where MR x NR is the kernel's register tile, and stores the
// top-left mr x nr corner of the product (mr is MR, or mrLast for the last
// tile) into the C tile MR*t rows down:
//
//	c[(MR*t+i)*ldc+j] = alpha * sum_p a[t*sa+i*rsa+p*csa]*b[p*rsb+j] + beta*c[(MR*t+i)*ldc+j]
//
// reading c only when beta != 0. The strides let the same kernel read
// packed slivers (rsa=1, csa=MR, sa=MR*k, rsb=NR) or the caller's matrices
// in place (A with either transpose, B untransposed). It reads the whole
// MR x k and k x NR windows: rows and columns past mr and nr feed only
// results it does not store, so they may hold anything, but they must lie
// inside a and b.
type kernelFunc[T scalar] func(k int, a []T, rsa, csa, sa int, b []T, rsb int, c []T, ldc int, alpha, beta T, tiles, mrLast, nr int)

// config is one implementation of gemm for one element type: a micro-kernel,
// its register tile, the cache blocking that feeds it, and the pools of
// packing buffers it reuses.
type config[T scalar] struct {
	name   string
	mr, nr int // register tile: the kernel updates mr x nr elements of C
	// Cache blocks. A packed mc x kc block of op(A) stays in L2 while the
	// kernel sweeps it against kc x nr slivers of a packed kc x nc block of
	// op(B), each of which stays in L1; the whole B block lives in L3.
	mc, kc, nc int
	kernel     kernelFunc[T]
	// halfNarrow says the kernel does half the work on a sliver of at most
	// nr/2 columns (the AVX-512 kernels compute only the left vector).
	halfNarrow bool
	// fallback, when set, runs the products on which this config's tile
	// would waste more lanes than its own (see forShape).
	fallback *config[T]
	// dot, when set, runs the products dotUse picks (float32 A B^T with a
	// small C and a long k) without packing (dot.go).
	dot *dotKernel

	aBufs, bBufs stash[*[]T] // packed A, packed B
	tBufs        stash[*[]T] // the transposed C of run's swapped products
	jobs         stash[*parallelGemm[T]]
}

// forShape returns the config to run an m x n product with: cfg, or its
// fallback when cfg's register tiles cover more than 5% more padding. The
// AVX-512 and AVX2 kernels reach the same rate on large squares on the Zen 4
// cores they were measured on (about 100 GFLOP/s a core: its 512-bit FMAs
// issue as two 256-bit halves); AVX-512 wins on the skinny products, where
// it loads less per FMA and runs fewer tiles, as long as its 14-row tiles
// fit C about as well as the 6-row ones of AVX2. Measured, single core,
// AVX-512 against AVX2: 57600x30x25 1.35x, 25x30x57600 2.8x, 57600x25x30
// 1.3x, 784x16x145 1.0x, 1024^3 0.9-1.0x (0.1% and 1% more padding); but
// 30x576x26 0.70x, 30x25x576 0.76x (42 rows for 30: 40% more) and
// 144x16x784 0.76x (7% more), which run on AVX2.
//
// A product at least one full sliver wide is allowed 10%: there the AVX-512
// kernel reads B in place (inPlace) and wins even so, 100x50x784 (9.8% more,
// the first layer of TwoLayerNet) 1.07x and 100x100x4320 (9.8% more, the
// affine layer of SimpleConvNet) 1.1x. The narrow ones, like 144x16x784,
// keep 5%.
func (cfg *config[T]) forShape(m, n int) *config[T] {
	f := cfg.fallback
	if f == nil {
		return cfg
	}
	slack := 1.05
	if n > cfg.nr/2 {
		slack = 1.10
	}
	if cfg.padded(m, n) > slack*f.padded(m, n) {
		return f
	}
	return cfg
}

// padded is the number of elements of C, padding included, that cfg's
// register tiles compute for an m x n product.
func (cfg *config[T]) padded(m, n int) float64 {
	cols := n / cfg.nr * cfg.nr
	if rem := n % cfg.nr; rem > 0 {
		if cfg.halfNarrow && rem <= cfg.nr/2 {
			cols += cfg.nr / 2
		} else {
			cols += cfg.nr
		}
	}
	return float64(roundUp(m, cfg.mr)) * float64(cols)
}

// blockSize splits total into the fewest blocks of at most max, and returns a
// block size, a multiple of mult, that makes them as even as it can: k=257
// with max 256 gives two blocks of 129, not 256 and 1.
func blockSize(total, max, mult int) int {
	if total <= 0 {
		return mult
	}
	nb := (total + max - 1) / max
	return roundUp((total+nb-1)/nb, mult)
}

func roundUp(x, mult int) int { return (x + mult - 1) / mult * mult }
