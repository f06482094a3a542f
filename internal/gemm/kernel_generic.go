package gemm

// The portable micro-kernel, in plain Go. It is the kernel on every
// architecture without an assembly one, and the tests run it on amd64 too.
// Its 4x4 tile keeps 16 accumulators in local variables, which the compiler
// holds in registers on machines with enough of them (arm64 has 32).

const genericMR, genericNR = 4, 4

func kernelGeneric[T scalar](k int, a []T, rsa, csa, sa int, b []T, rsb int, c []T, ldc int, alpha, beta T, tiles, mrLast, nr int) {
	for t := range tiles {
		mr := genericMR
		if t == tiles-1 {
			mr = mrLast
		}
		tileGeneric(k, a[t*sa:], rsa, csa, b, rsb, c[t*genericMR*ldc:], ldc, alpha, beta, mr, nr)
	}
}

// tileGeneric computes one 4x4 tile.
func tileGeneric[T scalar](k int, a []T, rsa, csa int, b []T, rsb int, c []T, ldc int, alpha, beta T, mr, nr int) {
	var c00, c01, c02, c03 T
	var c10, c11, c12, c13 T
	var c20, c21, c22, c23 T
	var c30, c31, c32, c33 T
	ia, ib := 0, 0
	for range k {
		a0, a1, a2, a3 := a[ia], a[ia+rsa], a[ia+2*rsa], a[ia+3*rsa]
		bb := b[ib : ib+4 : ib+4]
		b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
		ia += csa
		ib += rsb
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	acc := [4][4]T{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		for j := range row {
			if beta == 0 {
				row[j] = alpha * acc[i][j]
			} else {
				row[j] = alpha*acc[i][j] + beta*row[j]
			}
		}
	}
}

// Blocking for the generic kernel: a 4x4 tile reads 32 bytes (float32) of
// packed data per 16 multiply-adds, so the blocks matter less than for the
// assembly kernels; these keep the B sliver in L1 and the A block in L2.
var (
	sgemmGeneric = &config[float32]{name: "generic", mr: genericMR, nr: genericNR, mc: 128, kc: 256, nc: 4096, kernel: kernelGeneric[float32], dot: dotGo}
	dgemmGeneric = &config[float64]{name: "generic", mr: genericMR, nr: genericNR, mc: 64, kc: 256, nc: 4096, kernel: kernelGeneric[float64]}
)
