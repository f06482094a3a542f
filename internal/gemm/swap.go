package gemm

// A product with few rows of C and a large B spends much of its time packing B, which each
// sliver then serves only a few register tiles: an LSTM's recurrent product h W_hh^T, 32 x
// 1024 x 256, packs the 1 MiB of W_hh (transposing it on the way) for 16 MFLOP, 64 times a
// sequence. Its transpose C^T = op(B)^T op(A)^T has the roles swapped: the large matrix is
// now A, which the kernels read in place when C^T has few columns, and the packed operand
// is the small op(A)^T. run computes such products that way, into a buffer, and transposes
// the buffer into C (adding it to C when beta is 1: an RNN step's input projection plus its
// recurrent product). The kernels sum the same products in the same order either way (an
// FMA's two factors commute), so C is bit for bit what the direct product gives. With beta
// 1 the old C is added after the sum over k, where the direct path adds it to the first
// block's sum: run transposes such a product only when alpha is 1 and the sum is one block
// on one worker, where the two are the same addition.

// run computes the product p on root's kernel (or its fallback, per shape), transposing the
// problem where that pays (see swapped), on the calling goroutine only when serial.
func (root *config[T]) run(p *call[T], serial bool) {
	if dotUse(root.dot, p) && (serial || float64(p.m)*float64(p.n)*float64(p.k) < parallelWork) {
		buf := getBuf[T](&root.tBufs, root.dot.mr*root.dot.nr)
		dotNT(root.dot, any(p).(*call[float32]), any(*buf).([]float32))
		root.tBufs.put(buf)
		return
	}
	cfg := root.forShape(p.m, p.n)
	if root.swaps(cfg, p) {
		root.runSwapped(p, serial)
		return
	}
	if serial {
		cfg.gemmSerial(p)
	} else {
		cfg.gemm(p)
	}
}

// transposedCall is the call computing C^T = alpha op(B)^T op(A)^T into t, n x m.
func transposedCall[T scalar](p *call[T], t []T) call[T] {
	return call[T]{transA: !p.transB, transB: !p.transA, m: p.n, n: p.m, k: p.k, alpha: p.alpha,
		a: p.b, lda: p.ldb, b: p.a, ldb: p.lda, c: t, ldc: p.m}
}

// swaps says whether p, which cfg would run, is better run transposed: beta is 0, or 1 with
// the conditions above (the transposed result is copied or added into C), cfg would pack B, the
// transposed problem reads its A (that B) in place, and the operand it packs instead and
// the transpose of the result, m (k + n) elements, are at most a quarter of B.
func (root *config[T]) swaps(cfg *config[T], p *call[T]) bool {
	if p.alpha == 0 || p.m == 0 || p.n == 0 || p.k == 0 ||
		float64(p.m)*float64(p.n)*float64(p.k) <= smallWork || 4*p.m*(p.k+p.n) > p.k*p.n {
		return false
	}
	q := transposedCall(p, nil)
	qcfg := root.forShape(q.m, q.n)
	switch p.beta {
	case 0:
	case 1:
		// One block of k (kc), and no split of k over workers (parallel's kSplit).
		if p.alpha != 1 || p.k > min(cfg.kc, qcfg.kc) || p.k >= 4*max(p.m, p.n) {
			return false
		}
	default:
		return false
	}
	if _, inB := cfg.inPlace(p); inB {
		return false
	}
	inA, _ := qcfg.inPlace(&q)
	return inA
}

// runSwapped runs p transposed into a pooled buffer and copies the result into C.
func (root *config[T]) runSwapped(p *call[T], serial bool) {
	buf := getBuf[T](&root.tBufs, p.m*p.n)
	t := *buf
	q := transposedCall(p, t)
	cfg := root.forShape(q.m, q.n)
	if serial {
		cfg.gemmSerial(&q)
	} else {
		cfg.gemm(&q)
	}
	// C[i][j] = t[j][i] (+ C[i][j]): rows of C in order, t (n x m, in L2) read down its columns.
	m := p.m
	for i := range m {
		row := p.c[i*p.ldc : i*p.ldc+p.n]
		if p.beta == 0 {
			for j := range row {
				row[j] = t[j*m+i]
			}
		} else {
			for j := range row {
				row[j] += t[j*m+i]
			}
		}
	}
	root.tBufs.put(buf)
}
