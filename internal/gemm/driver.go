package gemm

import (
	"runtime"
	"unsafe"
)

// Size thresholds, in multiply-adds (m*n*k).
const (
	// Up to smallWork the packing and kernel calls cost more than they
	// save: a plain triple loop is faster.
	smallWork = 256
	// From parallelWork on, the problem is split over the workers in blocks of rows and
	// columns, two hand-offs per block of k, or over k (parallel). Before the workers
	// polled for work (internal/parallel), waking one cost more than the second core saved
	// below this size (100x50x784: 108 us serial, 130 split, on a 2-core Zen 4 virtual
	// machine); with polling, products from rowsWork up run in bands of rows instead.
	parallelWork = 200 * 200 * 200
	// From rowsWork to parallelWork, a product with at least two register tiles of rows
	// is cut into bands of rows, one per worker and rowsWork, each run on the serial path
	// (rows): one wake-up instead of two per block of k.
	rowsWork = 1 << 20
)

// gemm is the entry point behind Sgemm and Dgemm, after argument checks.
func (cfg *config[T]) gemm(p *call[T]) {
	if p.m == 0 || p.n == 0 {
		return
	}
	if p.alpha == 0 || p.k == 0 {
		scaleC(p.m, p.n, p.beta, p.c, p.ldc)
		return
	}
	work := float64(p.m) * float64(p.n) * float64(p.k)
	if work <= smallWork {
		naive(p)
		return
	}
	workers := runtime.GOMAXPROCS(0)
	switch {
	case workers == 1 || work < rowsWork || work < parallelWork && p.m < 2*cfg.mr:
		cfg.serial(p)
		return
	case work < parallelWork: // a band per worker and per rowsWork
		cfg.rows(p, min(workers, int(work/rowsWork)))
		return
	}
	cfg.parallel(p, workers)
}

// Skinny products read A or B in place instead of packing them, when the
// packed copy would be used too few times to pay for itself: A is reused
// once per sliver of B, B once per sliver of A. The limits, in slivers,
// were measured on Zen 3 (see inPlace).
const (
	directN = 8  // A in place when C has at most this many slivers of columns
	directM = 17 // B in place when C has at most this many slivers of rows

	directK      = 64        // B in place with many slivers of rows only when k is this short
	directBytesA = 16 << 10  // A in place, whatever n, when it is this small
	directBytesB = 128 << 10 // B in place, whatever n, when it is this small (and m is small)
)

// inPlace says which operands of p the kernels read in place. Reading in
// place walks the operand with its own stride, so strides that are a
// multiple of 1 KiB, which send successive rows to the same few cache sets,
// get a tighter limit (A^T) or none (B).
func (cfg *config[T]) inPlace(p *call[T]) (a, b bool) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	aliased := func(ld int) bool { return ld*size%1024 == 0 }
	nSlivers := (p.n + cfg.nr - 1) / cfg.nr
	mSlivers := (p.m + cfg.mr - 1) / cfg.mr
	// An operand that fits in L1 (A) or L2 (B) whole, as the filters and the column matrix
	// of one image of a convolution do, is read where it is: packing it each call would
	// cost about a third of the product (30 x 576 x 26 runs 1.5x faster in place).
	smallA := p.m*p.k*size <= directBytesA
	smallB := p.k*p.n*size <= directBytesB
	switch {
	case !p.transA:
		a = nSlivers <= directN || smallA
	case aliased(p.lda):
		a = nSlivers <= 2
	default:
		a = nSlivers <= directN/2 || smallA
	}
	// B is read in rows of nr along k; only untransposed B has them. A sliver read in place
	// spans k rows of B, up to two cache lines each: past a few dozen rows it no longer stays
	// in L1 while the kernel runs it down many tiles of A, and the packed copy, contiguous,
	// pays for itself (100 x 100 x 4320, an affine layer of SimpleConvNet: 1.3x faster packed,
	// with the AVX2 kernels on Zen 3). The AVX-512 kernels, measured on Zen 4 (1 MiB L2),
	// run faster in place whatever k when C has few slivers of rows: 100 x 50 x 784 (the
	// first layer of TwoLayerNet) 1.07x, 100 x 100 x 4320 1.1x.
	fewRows := min(p.k, cfg.kc) <= directK || mSlivers <= directM/4 || cfg.nr >= 32
	b = !p.transB && mSlivers <= directM && (nSlivers <= 16 || smallB) && fewRows && !aliased(p.ldb)
	return a, b
}

// block is one block of the product: rows i0..i0+mc of C, columns
// j0..j0+nc, and the range p0..p0+kc of k, with its packed operands.
type block[T scalar] struct {
	i0, mc, j0, nc, p0, kc int
	ap, bp                 []T // packed op(A) and op(B) blocks, nil where read in place
	edge                   []T // room for one sliver of each, (mr+nr)*kc
	beta                   T
}

// aBufSize is the length of the A buffer of one worker: the packed block
// (unless A is read in place) and the edge slivers.
func (cfg *config[T]) aBufSize(mc, kc int, inPlaceA bool) int {
	n := (cfg.mr + cfg.nr) * kc
	if !inPlaceA {
		n += roundUp(mc, cfg.mr) * kc
	}
	return n
}

// serial runs the blocked algorithm on the calling goroutine. The loops,
// outermost first, walk column blocks of C (jc), the inner dimension (pc),
// row blocks of C (ic), and then, in macro, the register tiles.
func (cfg *config[T]) serial(p *call[T]) {
	kc := blockSize(p.k, cfg.kc, 1)
	mc := blockSize(p.m, cfg.mc, cfg.mr)
	nc := blockSize(p.n, cfg.nc, cfg.nr)
	dA, dB := cfg.inPlace(p)
	abuf := getBuf[T](&cfg.aBufs, cfg.aBufSize(mc, kc, dA))
	var bbuf *[]T
	var blk block[T]
	blk.edge = (*abuf)[:(cfg.mr+cfg.nr)*kc]
	if !dA {
		blk.ap = (*abuf)[len(blk.edge):]
	}
	if !dB {
		bbuf = getBuf[T](&cfg.bBufs, nc*kc)
		blk.bp = *bbuf
	}
	for jc := 0; jc < p.n; jc += nc {
		blk.j0, blk.nc = jc, min(nc, p.n-jc)
		for pc := 0; pc < p.k; pc += kc {
			blk.p0, blk.kc = pc, min(kc, p.k-pc)
			// The first pass over k applies beta; later ones add to it.
			blk.beta = p.beta
			if pc > 0 {
				blk.beta = 1
			}
			if !dB {
				packB(cfg.nr, blk.bp, p, pc, blk.kc, jc, blk.nc)
			}
			for ic := 0; ic < p.m; ic += mc {
				blk.i0, blk.mc = ic, min(mc, p.m-ic)
				if !dA {
					packA(cfg.mr, blk.ap, p, ic, blk.mc, pc, blk.kc)
				}
				cfg.macro(p, &blk)
			}
		}
	}
	cfg.aBufs.put(abuf)
	if bbuf != nil {
		cfg.bBufs.put(bbuf)
	}
}

// macro multiplies one block, one column of register tiles at a time: the
// B sliver (kc x nr) stays in L1 while the kernel runs down all the A
// slivers.
func (cfg *config[T]) macro(p *call[T], blk *block[T]) {
	MR, NR, kernel := cfg.mr, cfg.nr, cfg.kernel
	kc := blk.kc
	edgeA, edgeB := blk.edge[:MR*kc], blk.edge[MR*kc:]
	tiles := (blk.mc + MR - 1) / MR
	mrLast := blk.mc - (tiles-1)*MR
	// A in place: rows lda apart, or columns when transposed. When the window of the last
	// tile would run off the end of a (it is short of rows), that tile is packed, once for
	// the whole block.
	o, rsa, csa, sa := blk.i0*p.lda+blk.p0, p.lda, 1, MR*p.lda
	if p.transA {
		o, rsa, csa, sa = blk.p0*p.lda+blk.i0, 1, p.lda, MR
	}
	edge := blk.ap == nil && o+(tiles-1)*sa+(MR-1)*rsa+(kc-1)*csa >= len(p.a)
	if edge {
		packA(MR, edgeA, p, blk.i0+(tiles-1)*MR, mrLast, blk.p0, kc)
	}
	for jr := 0; jr < blk.nc; jr += NR {
		nr := min(NR, blk.nc-jr)
		j := blk.j0 + jr
		var b []T
		rsb := NR
		if blk.bp != nil {
			b = blk.bp[jr*kc:]
		} else if o := blk.p0*p.ldb + j; o+(kc-1)*p.ldb+NR <= len(p.b) {
			b, rsb = p.b[o:], p.ldb
		} else {
			// The kernel's window would run off the end of b.
			packB(NR, edgeB, p, blk.p0, kc, j, nr)
			b = edgeB
		}
		c := p.c[blk.i0*p.ldc+j:]
		switch {
		case blk.ap != nil:
			kernel(kc, blk.ap, 1, MR, MR*kc, b, rsb, c, p.ldc, p.alpha, blk.beta, tiles, mrLast, nr)
		case !edge:
			kernel(kc, p.a[o:], rsa, csa, sa, b, rsb, c, p.ldc, p.alpha, blk.beta, tiles, mrLast, nr)
		default:
			if tiles > 1 {
				kernel(kc, p.a[o:], rsa, csa, sa, b, rsb, c, p.ldc, p.alpha, blk.beta, tiles-1, MR, nr)
			}
			i := blk.i0 + (tiles-1)*MR
			kernel(kc, edgeA, 1, MR, 0, b, rsb, p.c[i*p.ldc+j:], p.ldc, p.alpha, blk.beta, 1, mrLast, nr)
		}
	}
}

// scaleC sets C = beta*C, writing zeros without reading C when beta is 0.
func scaleC[T scalar](m, n int, beta T, c []T, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// naive is the textbook triple loop, used for problems too small to pay for
// packing. It also shows, in a few lines, what every other path computes.
func naive[T scalar](p *call[T]) {
	// Strides of op(A) along its rows (i) and columns (q).
	ai, aq := p.lda, 1
	if p.transA {
		ai, aq = 1, p.lda
	}
	a, b, n, k := p.a, p.b, p.n, p.k
	for i := range p.m {
		row := p.c[i*p.ldc : i*p.ldc+n]
		if p.transB {
			// Row j of the stored B is column j of op(B): dot products.
			for j := range row {
				bj := b[j*p.ldb : j*p.ldb+k]
				var s T
				for q, v := range bj {
					s += a[i*ai+q*aq] * v
				}
				if p.beta == 0 {
					row[j] = p.alpha * s
				} else {
					row[j] = p.alpha*s + p.beta*row[j]
				}
			}
			continue
		}
		// C[i,:] = beta*C[i,:] + sum over q of alpha*A[i,q] * B[q,:], a row at
		// a time, so that the inner loop runs along rows of B and C.
		scaleC(1, n, p.beta, row, n)
		for q := range k {
			x := p.alpha * a[i*ai+q*aq]
			for j, v := range b[q*p.ldb : q*p.ldb+n] {
				row[j] += x * v
			}
		}
	}
}
