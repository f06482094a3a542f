package ops

// Between NCHW and blocks of L interleaved planes ([rows][columns][L], winograd_transform.go),
// in one pass: each value is read once from its plane and written once to its place in
// the block (or back), the padding is written as zeros as the rows go by, and nothing goes
// through a temporary buffer. In float32 with AVX2 a block of 8 runs in
// winograd_pack_amd64.s. The conversions only move values, bit for bit.

// winoPack writes rows x cols pixels of the L planes of src, plane l's row r at
// src[l*cs+r*ss:], interleaved into dst: row r at dst[r*ds:] is padL zero pixels, then
// the cols pixels, then padR zero pixels, each L values.
func winoPack[T float](dst, src []T, L, rows, cols, cs, ss, ds, padL, padR int) {
	if rows == 0 || L == 0 {
		return
	}
	row := (padL + cols + padR) * L
	dst = dst[:(rows-1)*ds+row] // the reach, checked here
	if cols > 0 {
		src = src[:(L-1)*cs+(rows-1)*ss+cols]
	}
	if winoVec[T](L) && cols > 0 {
		winoPackAVX2(f32s(dst), f32s(src), rows, cols, cs, ss, ds, padL, padR)
		return
	}
	for r := range rows {
		d := dst[r*ds:][:row]
		clear(d[:padL*L])
		clear(d[(padL+cols)*L:])
		d = d[padL*L:]
		for l := range L {
			for c, v := range src[l*cs+r*ss:][:cols] {
				d[c*L+l] = v
			}
		}
	}
}

// winoUnpack is winoPack's inverse without the padding: dst[l*cs+r*ds+c] =
// src[r*ss+c*L+l] for l < L, r < rows and c < cols.
func winoUnpack[T float](dst, src []T, L, rows, cols, cs, ds, ss int) {
	if rows == 0 || cols == 0 || L == 0 {
		return
	}
	dst = dst[:(L-1)*cs+(rows-1)*ds+cols] // the reach, checked here
	src = src[:(rows-1)*ss+cols*L]
	if winoVec[T](L) {
		winoUnpackAVX2(f32s(dst), f32s(src), rows, cols, cs, ds, ss)
		return
	}
	for r := range rows {
		s := src[r*ss:][:cols*L]
		for l := range L {
			d := dst[l*cs+r*ds:][:cols]
			for c := range d {
				d[c] = s[c*L+l]
			}
		}
	}
}

// packPlanes writes the L planes of x from channel c0 on, each [H W], zero padded by P into
// plane [hp][wp][L].
func packPlanes[T float](plane, x []T, c0, L int, w *winoGeom) {
	g := w.g
	hw, R := g.h*g.w, w.wp*L
	clear(plane[:g.pad*R])
	winoPack(plane[g.pad*R:], x[c0*hw:], L, g.h, g.w, hw, g.w, R, g.pad, w.wp-g.pad-g.w)
	clear(plane[(g.pad+g.h)*R : w.hp*R])
}

// unpackPlanes writes the interior [H W] of the L padded planes of plane [hp][wp][L] into
// the planes of x from channel c0 on.
func unpackPlanes[T float](x, plane []T, c0, L int, w *winoGeom) {
	g := w.g
	hw := g.h * g.w
	winoUnpack(x[c0*hw:], plane[(g.pad*w.wp+g.pad)*L:], L, g.h, g.w, hw, g.w, w.wp*L)
}

// packOutput writes the L planes of y from filter k0 on, each [OH OW], into stage
// [2th][2tw][L], zeros past the output's edge.
func packOutput[T float](stage, y []T, k0, L int, w *winoGeom) {
	g := w.g
	pix, ws := g.pixels(), 2*w.tw
	winoPack(stage, y[k0*pix:], L, g.oh, g.ow, pix, g.ow, ws*L, 0, ws-g.ow)
	clear(stage[g.oh*ws*L : 2*w.th*ws*L])
}

// unpackOutput is packOutput's inverse: the pixels of stage inside the output into the L
// planes of y from filter k0 on.
func unpackOutput[T float](y, stage []T, k0, L int, w *winoGeom) {
	g := w.g
	pix, ws := g.pixels(), 2*w.tw
	winoUnpack(y[k0*pix:], stage, L, g.oh, g.ow, pix, g.ow, ws*L)
}
