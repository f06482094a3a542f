package gemm

// Packing copies a block of op(A) or op(B) into the order the micro-kernel
// reads it, so that the kernel walks memory contiguously whatever the
// strides and transposes of the caller. This is where transA and transB are
// handled: the transpose costs nothing more than the copy itself.

// packA packs rows i0..i0+mc and columns p0..p0+kc of op(A) into dst as
// ceil(mc/mr) slivers; sliver s holds, for each p, the mr values
// op(A)[i0+s*mr+i][p0+p] (i < mr) at dst[s*mr*kc + p*mr + i], rows past mc
// zeroed.
func packA[T scalar](mr int, dst []T, p *call[T], i0, mc, p0, kc int) {
	a, lda := p.a, p.lda
	if p.transA {
		// op(A) = A^T: row p of the stored A holds column p of op(A). Read it
		// row by row, in memory order, dealing each row out to the slivers:
		// each k step of a sliver is a contiguous run of the stored row.
		full := mc / mr * mr
		for q := range kc {
			o := (p0+q)*lda + i0
			src := a[o : o+mc]
			d := dst[q*mr:]
			switch mr {
			case 6:
				for ir := 0; ir < full; ir += 6 {
					x, y := d[ir*kc:ir*kc+6:ir*kc+6], src[ir:ir+6:ir+6]
					x[0], x[1], x[2], x[3], x[4], x[5] = y[0], y[1], y[2], y[3], y[4], y[5]
				}
			case 4:
				for ir := 0; ir < full; ir += 4 {
					x, y := d[ir*kc:ir*kc+4:ir*kc+4], src[ir:ir+4:ir+4]
					x[0], x[1], x[2], x[3] = y[0], y[1], y[2], y[3]
				}
			default:
				for ir := 0; ir < full; ir += mr {
					copy(d[ir*kc:ir*kc+mr], src[ir:ir+mr])
				}
			}
			if full < mc {
				copyShort(d[full*kc:full*kc+mr], src[full:])
			}
		}
		return
	}
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		s := dst[ir*kc : ir*kc+mr*kc]
		if rows == 6 && mr == 6 {
			// The common case of the AVX2 kernels: six rows of A read side by side.
			o := (i0+ir)*lda + p0
			r0 := a[o : o+kc]
			r1 := a[o+lda : o+lda+kc]
			r2 := a[o+2*lda : o+2*lda+kc]
			r3 := a[o+3*lda : o+3*lda+kc]
			r4 := a[o+4*lda : o+4*lda+kc]
			r5 := a[o+5*lda : o+5*lda+kc]
			for q, v := range r0 {
				d := s[q*6 : q*6+6 : q*6+6]
				d[0], d[1], d[2], d[3], d[4], d[5] = v, r1[q], r2[q], r3[q], r4[q], r5[q]
			}
			continue
		}
		for i := range rows {
			o := (i0+ir+i)*lda + p0
			for q, v := range a[o : o+kc] {
				s[q*mr+i] = v
			}
		}
		if rows < mr {
			for q := range kc {
				clear(s[q*mr+rows : q*mr+mr])
			}
		}
	}
}

// packB packs rows p0..p0+kc and columns j0..j0+nc of op(B) into dst as
// ceil(nc/nr) slivers; sliver s holds, for each p, the nr values
// op(B)[p0+p][j0+s*nr+j] at dst[s*nr*kc + p*nr + j], columns past nc zeroed.
func packB[T scalar](nr int, dst []T, p *call[T], p0, kc, j0, nc int) {
	b, ldb := p.b, p.ldb
	if !p.transB {
		// Row by row of B, so that memory is read in order; each row is dealt
		// out to the slivers.
		full := nc / nr * nr
		for q := range kc {
			src := b[(p0+q)*ldb+j0 : (p0+q)*ldb+j0+nc]
			d := dst[q*nr:]
			switch nr {
			case 16:
				for jr := 0; jr < full; jr += 16 {
					x, y := d[jr*kc:jr*kc+16:jr*kc+16], src[jr:jr+16:jr+16]
					x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7] = y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]
					x[8], x[9], x[10], x[11], x[12], x[13], x[14], x[15] = y[8], y[9], y[10], y[11], y[12], y[13], y[14], y[15]
				}
			case 8:
				for jr := 0; jr < full; jr += 8 {
					x, y := d[jr*kc:jr*kc+8:jr*kc+8], src[jr:jr+8:jr+8]
					x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7] = y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]
				}
			default:
				for jr := 0; jr < full; jr += nr {
					copy(d[jr*kc:jr*kc+nr], src[jr:jr+nr])
				}
			}
			if full < nc {
				copyShort(d[full*kc:full*kc+nr], src[full:])
			}
		}
		return
	}
	// op(B) = B^T: column j of op(B) is the contiguous row j of the stored B. A full float32
	// sliver is the transpose of nr rows of B: 8x8 blocks in AVX2 (Transpose32), the last
	// kc%8 values of each row by the loop.
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		s := dst[jr*kc : jr*kc+nr*kc]
		done := 0
		if f, ok := any(s).([]float32); ok && cols == nr && nr%8 == 0 {
			_, done = Transpose32(f, any(b).([]float32)[(j0+jr)*ldb+p0:], cols, kc, nr, ldb)
		}
		for j := range cols {
			o := (j0+jr+j)*ldb + p0
			for q, v := range b[o+done : o+kc] {
				s[(done+q)*nr+j] = v
			}
		}
		if cols < nr {
			for q := range kc {
				clear(s[q*nr+cols : q*nr+nr])
			}
		}
	}
}

// copyShort copies src into the start of dst and zeroes the rest of dst. It
// is a plain loop: for the dozen elements of a sliver row, calling memmove
// through copy costs more than the copy. (For the same reason the full
// slivers above are copied element by element: in generic code an array
// assignment *(*[16]T)(x) = *(*[16]T)(y) becomes a call to memmove.)
func copyShort[T scalar](dst, src []T) {
	dst = dst[:len(dst):len(dst)]
	n := len(src)
	for i, v := range src {
		dst[i] = v
	}
	clear(dst[n:])
}
