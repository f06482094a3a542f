// Package gemm multiplies row-major matrices of float32 and float64 fast,
// in pure Go with assembly micro-kernels where the CPU has them.
//
// It is the one kernel behind matmul, affine layers and im2col convolution:
//
//	Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
//
// computes C = alpha*op(A)*op(B) + beta*C, where op(X) is X or its transpose,
// op(A) is m x k, op(B) is k x n and C is m x n. All matrices are row-major:
// element (i, j) of a matrix with row stride ld sits at index i*ld+j. A
// transposed operand is given as stored, so op(A) = A^T with transA=true
// means a holds a k x m matrix with lda >= m. Dgemm is the float64 twin.
//
// # How it is fast
//
// The algorithm is the one of GotoBLAS and BLIS. C is cut into blocks; for
// each block a kc x nc panel of op(B) and an mc x kc panel of op(A) are
// copied ("packed") into contiguous buffers in exactly the order the
// micro-kernel reads them, transposing on the way if asked. The buffers are
// sized to stay in the L3 and L2 caches, and come from a free list shared by all cores (stash.go), so a
// steady stream of calls allocates nothing. The micro-kernel then updates a
// small register tile of C (6x16 float32 or 6x8 float64 on AVX2, 14x32 or
// 14x16 on AVX-512) from one sliver of each panel, and runs down a whole
// column of tiles per call. On amd64 with AVX2 and FMA it is written in Go
// assembly (kernel_amd64.s), and with AVX-512F too in wider assembly
// (kernel_avx512_amd64.s), which computes bit for bit what the AVX2 kernel
// does; elsewhere, or when built with the purego tag, a portable Go kernel
// with a 4x4 tile (kernel_generic.go) takes its place. The choice is made at
// run time with golang.org/x/sys/cpu, and per product between AVX-512 and
// AVX2: a product whose C the 14-row tiles would pad by more than 5% beyond
// the 6-row ones (30 rows: 42 against 30) runs on AVX2, or by more than 10%
// when C is wider than half a 32-column tile. Setting
// ZEROGRAD_GEMM=avx2 or ZEROGRAD_GEMM=generic in the environment forces a
// kernel, for tests and benchmarks.
//
// A transposed float32 B (C = A B^T, as in the input gradient of an affine layer, dY W^T)
// is packed by 8x8 blocks of AVX2 shuffles (Transpose32, which ops uses for its transposes
// too) rather than one value at a time.
//
// Packing pays for itself by being reused; a skinny product does not reuse
// it much. When C has few columns (as in an im2col convolution, 57600 x 30)
// the kernel reads A where it is, transposed or not, and when C has few rows
// (a weight gradient, 25 x 30) it reads B where it is. Only the last sliver,
// where the kernel's window would run past the end of the slice, is packed.
// A product with few rows and a large B that would be packed (an RNN step's
// h W_hh^T, 32 x 1024 x 256) runs transposed, C^T = op(B)^T op(A)^T, so that
// the large matrix is the A read in place, and its result is transposed into
// C: bit for bit the same sums (swap.go).
//
// A product C = alpha A B^T + beta C whose C is small and k long (the filter
// gradient of an im2col convolution, 30 x 25 x 576 per image) needs no
// packing at all: rows of A and of B both run along k, so a kernel reads
// them where they are and keeps a register tile of dot products, one vector
// of partial sums per element of C, summed across lanes at the end (dot.go:
// a 5x5 tile of zmm on AVX-512, 3x4 of ymm on AVX2, 4x4 scalars in Go).
// float32 products of at most 32 x 32 with k >= 256, or 64 x 64 with
// k >= 512, take it when they run on one goroutine: on one Zen 4 core
// 30x25x576 runs at 79 GFLOP/s against 41 blocked, 16x9x784 at 63 against
// 15. Its sums run in another order than the blocked kernels', so the two
// paths agree within rounding, not bit for bit.
//
// Problems of at least 200^3 multiply-adds are spread over GOMAXPROCS
// goroutines (internal/parallel's workers and the caller): over blocks of rows
// of C, handed out one at a time, and over columns when C has few rows; and
// over k, each worker summing a part of the inner dimension into its own
// copy of C, when C is small and k long, as in the weight gradient of a
// convolution. From 2^20 multiply-adds, smaller products with at least two
// register tiles of rows are cut into one band of rows per worker, each run
// on the serial path. Problems of at most 256 multiply-adds take a plain loop.
//
// Built with the openblas tag and cgo, Sgemm and Dgemm call cblas_sgemm and
// cblas_dgemm from OpenBLAS instead (link with -lopenblas). Go does not
// assemble Go assembly in a package that uses cgo, so that build keeps only
// the portable kernel for the cases it handles itself (empty products,
// alpha or k zero, sizes past the 32-bit ints of CBLAS).
//
// # Error handling
//
// As in the reference BLAS and gonum's blas64, wrong dimensions are the
// caller's bug: Sgemm and Dgemm panic, with a message starting with
// "gemm: ", when m, n or k is negative, a leading dimension is smaller than
// the row it describes, or a slice is too short for the matrix it holds.
// Values are never checked: NaN and Inf flow through as IEEE arithmetic
// says. When beta is zero, C is not read, so it may hold garbage (even
// NaN) on entry; when alpha is zero or k is zero, A and B are not read.
package gemm
