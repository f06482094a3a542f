package gemm

import "unsafe"

// The dot path: C = alpha A B^T + beta C with A [m x k] and B [n x k] both
// stored row-major (transA false, transB true), C small and k long, as in
// the filter gradient of an im2col convolution (30 x 25 x 576 per image:
// gw[f, r] = sum over pixels p of gy[f, p] col[r, p]). Both operands already
// have k contiguous, so a kernel can read them where they are, with no
// packing and no transposes: a register tile of C holds one vector of
// partial dot products per element, which runs along k, and is summed across
// its lanes at the end.

// dotTileFunc computes the MR x NR dot products of rows a+i*lda (i < MR)
// with rows b+j*ldb (j < NR) over steps*width values of k, and stores them,
// row-major, in out[:MR*NR]. width is the kernel's vector length.
type dotTileFunc func(a, b *float32, lda, ldb, steps int, out *float32)

// dotKernel is one implementation of the dot path.
type dotKernel struct {
	name   string
	mr, nr int // register tile of C
	width  int // values of k per vector step; the k % width tail is summed in Go
	tile   dotTileFunc
}

// dotUse says whether p runs on the dot path of d: A B^T with alpha not 0,
// C at least one tile in each direction, and either at most 32 x 32 with k
// at least 256 or at most 64 x 64 with k at least 512. The lanes of each
// accumulator are summed once per tile, so the dot path needs a long k to
// pay for that, and the blocked kernels, which pack, catch up as C grows.
// Measured on one Zen 4 core (BenchmarkDot, float32, GFLOP/s, blocked path
// against dot path), AVX-512: 30x25x576 41 against 79, 16x9x784 15 against
// 63, 30x25x256 40 against 53, 16x9x256 13 against 41, 30x25x128 42
// against 38, 64x64x576 64 against 77, 64x64x256 64 against 56, 64x64x128
// 60 against 38; AVX2 alike (30x25x576 42 against 74, 64x64x256 69 against
// 52). The portable kernels: 30x25x576 3.0 against 3.6, 64x64x128 3.8
// against 4.7 (the dot path wins on every shape measured, so the rule is
// the same for all).
func dotUse[T scalar](d *dotKernel, p *call[T]) bool {
	if d == nil || p.alpha == 0 || p.transA || !p.transB || p.m < d.mr || p.n < d.nr {
		return false
	}
	c := p.m * p.n
	return c <= 32*32 && p.k >= 256 || c <= 64*64 && p.k >= 512
}

// dotNT computes C = alpha A B^T + beta C with d, for m >= d.mr and
// n >= d.nr. The tiles cover C without padding: where m or n is not a
// multiple of the tile, the last tile is moved back to end at the last row
// or column, overlapping its neighbour, and stores only the elements its
// neighbour did not. So every window the kernel reads lies inside a and b.
// acc is room for one tile's sums, at least MR*NR values: the caller's, since
// a local array would escape to the heap through the call of d.tile.
func dotNT(d *dotKernel, p *call[float32], acc []float32) {
	MR, NR := d.mr, d.nr
	acc = acc[:MR*NR]
	kv := p.k / d.width * d.width // the part of k the kernel sums
	for i0, done := 0, 0; done < p.m; i0 = min(i0+MR, p.m-MR) {
		for j0, doneJ := 0, 0; doneJ < p.n; j0 = min(j0+NR, p.n-NR) {
			if kv > 0 {
				d.tile(&p.a[i0*p.lda], &p.b[j0*p.ldb], p.lda, p.ldb, kv/d.width, &acc[0])
			} else {
				clear(acc)
			}
			if kv < p.k { // the k % width tail, added to the kernel's sums in order
				for i := done - i0; i < MR; i++ {
					a := p.a[(i0+i)*p.lda+kv : (i0+i)*p.lda+p.k]
					for j := doneJ - j0; j < NR; j++ {
						b := p.b[(j0+j)*p.ldb+kv : (j0+j)*p.ldb+p.k]
						for q, v := range a {
							acc[i*NR+j] += v * b[q]
						}
					}
				}
			}
			for i := done - i0; i < MR; i++ { // scale and store the tile's new elements
				row := p.c[(i0+i)*p.ldc+j0:][:NR]
				sums := acc[i*NR:][:NR]
				for j := doneJ - j0; j < NR; j++ {
					if p.beta == 0 {
						row[j] = p.alpha * sums[j]
					} else {
						row[j] = p.alpha*sums[j] + p.beta*row[j]
					}
				}
			}
			doneJ = j0 + NR
		}
		done = i0 + MR
	}
}

// dotGo is the portable dot kernel.
var dotGo = &dotKernel{name: "go", mr: 4, nr: 4, width: 1, tile: func(a, b *float32, lda, ldb, steps int, out *float32) {
	dotTileGo(unsafe.Slice(a, 3*lda+steps), unsafe.Slice(b, 3*ldb+steps), lda, ldb, steps, unsafe.Slice(out, 16))
}}

// dotTileGo is the portable dot kernel's 4x4 tile, each dot product summed
// in four interleaved partial sums; the tests check the assembly kernels
// against it.
func dotTileGo(a, b []float32, lda, ldb, k int, out []float32) {
	for i := range 4 {
		ai := a[i*lda : i*lda+k]
		for j := range 4 {
			bj := b[j*ldb : j*ldb+k]
			var s0, s1, s2, s3 float32
			q := 0
			for ; q+4 <= k; q += 4 {
				s0 += ai[q] * bj[q]
				s1 += ai[q+1] * bj[q+1]
				s2 += ai[q+2] * bj[q+2]
				s3 += ai[q+3] * bj[q+3]
			}
			for ; q < k; q++ {
				s0 += ai[q] * bj[q]
			}
			out[i*4+j] = (s0 + s1) + (s2 + s3)
		}
	}
}
