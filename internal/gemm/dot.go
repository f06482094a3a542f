package gemm

// Dot products for C = alpha A B^T + beta C with a small C and a long k (transA false,
// transB true: both operands hold k contiguous). The filter gradient of an im2col
// convolution over few patch values is such a product: SimpleConvNet's first layer sums
// gy [30 x 576] times col [25 x 576]^T per image, a 30 x 25 C over k = 576. The blocked
// kernels pack both operands for it (transposing them on the way) and pad C's 25 columns to
// 32; here a 4x4 register tile of C keeps one 16-lane accumulator per element, reads four
// rows of A and four of B in place, 16 values of k a step, and adds each accumulator's lanes
// at the end. Edge tiles repeat the last row of A or B and drop the copies' sums.
//
// The sums run in another order than the blocked kernels' (16 interleaved partial sums per
// element, then a tree), so the results differ from theirs by rounding, within the error
// bound of a float32 sum; they do not depend on the number of cores or on where in C a
// tile lies. Measured on one core of a Zen 4 (BenchmarkDotNT, medians of 3): 30 x 25 x 576
// runs at 64 GFLOP/s, against 23.5 with B transposed first and the blocked kernels (as the
// convolution ran it); 16 x 9 x 784 at 64 against 12. The path needs AVX-512 (with VL);
// elsewhere the blocked kernels run every product.

// dotMaxMN bounds the products the dot path takes: C at most this many rows and columns,
// and k at least dotMinK. Above, the blocked kernels reuse their packed operands enough to
// win.
const (
	dotMaxMN = 64
	dotMinK  = 128
)

// DotNT reports whether a float32 product C = alpha A B^T + beta C of an m x n C over k
// (A as stored, B transposed) runs as dot products on this machine, reading both operands
// in place: callers holding B as stored may then skip transposing it.
func DotNT(m, n, k int) bool {
	return hasDot && m > 0 && n > 0 && m <= dotMaxMN && n <= dotMaxMN && k >= dotMinK
}

// dotNT runs p by dot products and reports true, or reports false when p is not a product
// it takes: float32, A as stored, B transposed, a small C, a long k, and the AVX-512 kernel.
func dotNT[T scalar](p *call[T]) bool {
	q, ok := any(p).(*call[float32])
	if !ok || p.transA || !p.transB || !DotNT(p.m, p.n, p.k) || p.alpha == 0 {
		return false
	}
	sdotNT(q)
	return true
}

// sdotNT computes C = alpha A B^T + beta C by 4x4 tiles of dot products.
func sdotNT(p *call[float32]) {
	m, n, k := p.m, p.n, p.k
	k16 := k &^ 15
	var out [16]float32
	var ar, br [4][]float32
	for i := 0; i < m; i += 4 {
		mr := min(4, m-i)
		for r := range 4 {
			o := (i + min(r, mr-1)) * p.lda
			ar[r] = p.a[o : o+k]
		}
		for j := 0; j < n; j += 4 {
			nr := min(4, n-j)
			for c := range 4 {
				o := (j + min(c, nr-1)) * p.ldb
				br[c] = p.b[o : o+k]
			}
			if k16 > 0 {
				dot4x4(k16, &ar[0][0], &ar[1][0], &ar[2][0], &ar[3][0], &br[0][0], &br[1][0], &br[2][0], &br[3][0], &out)
			} else {
				out = [16]float32{}
			}
			for r := range mr {
				row := p.c[(i+r)*p.ldc+j:][:nr]
				for c := range nr {
					s := out[4*r+c]
					a, b := ar[r][k16:], br[c][k16:]
					for t, v := range a {
						s += v * b[t]
					}
					if p.beta == 0 {
						row[c] = p.alpha * s
					} else {
						row[c] = p.alpha*s + p.beta*row[c]
					}
				}
			}
		}
	}
}
