package ops

import "unsafe"

// The tile transforms of Winograd's F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2015) and their adjoints. A 4x4 input tile d and a 3x3
// filter w give a 2x2 output tile
//
//	y = A^T [ (G w G^T) ⊙ (B^T d B) ] A
//
//	B^T = | 1  0 -1  0 |    G = | 1    0    0  |    A^T = | 1  1  1  0 |
//	      | 0  1  1  0 |        | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
//	      | 0 -1  1  0 |        | 1/2 -1/2  1/2 |
//	      | 0  1  0 -1 |        | 0    0    1  |
//
// All coefficients are 0, ±1 and ±1/2: the transforms round nothing but their sums.
//
// The transforms run on blocks of L channels (or filters) at once, L = 8 but for the last
// block: a block's planes are interleaved, [rows][columns][L], so that a tile's pixel is L
// consecutive values, one vector in float32 (winograd_amd64.s does the blocks of 8 there).
// A transformed tile's 16 values go to t[ξ*s + tile*st + l], ξ = 4i + j: the values of one
// position ξ are a matrix [tiles x channels], and the products over the channels a GEMM.
// The kernels named with a 2 do two blocks of 8 per pass over the tiles (channels l and
// 8+l of a tile are then written together, whole cache lines where st is a multiple of
// 16); they compute exactly what two passes of the one-block kernels do.

// winoIn writes the transformed tiles B^T d B of a block's zero-padded planes, plane
// [hp][wp][L], into v: th x tw tiles, row-major.
func winoIn[T float](v, plane []T, L, th, tw, wp, sv, st int) {
	if winoVec[T](L) {
		_, _ = v[15*sv+(th*tw-1)*st+7], plane[((2*th+1)*wp+2*tw+1)*8+7] // the kernel's reach
		winoInAVX2(f32s(v), f32s(plane), th, tw, wp, sv, st)
		return
	}
	R := wp * L
	for s := range th {
		for t := range tw {
			o := (s*tw + t) * st
			for l := range L {
				p := (2*s*wp+2*t)*L + l
				var a [4][4]T
				for j := range 4 {
					d0, d1, d2, d3 := plane[p+j*L], plane[p+R+j*L], plane[p+2*R+j*L], plane[p+3*R+j*L]
					a[0][j], a[1][j], a[2][j], a[3][j] = d0-d2, d1+d2, d2-d1, d1-d3
				}
				for i := range 4 {
					q := o + 4*i*sv + l
					v[q], v[q+sv], v[q+2*sv], v[q+3*sv] = a[i][0]-a[i][2], a[i][1]+a[i][2], a[i][2]-a[i][1], a[i][1]-a[i][3]
				}
			}
		}
	}
}

// winoIn2 is winoIn on two blocks of 8 channels, the planes at plane and plane[np:],
// into v and v[8:]: in float32 with AVX2 one pass over the tiles whose stores fill whole
// cache lines of v where st is a multiple of 16 (two passes would write each line of v
// half at a time, the halves far apart).
func winoIn2[T float](v, plane []T, np, th, tw, wp, sv, st int) {
	if winoVec[T](8) {
		_, _ = v[15*sv+(th*tw-1)*st+15], plane[np+((2*th+1)*wp+2*tw+1)*8+7] // the kernel's reach
		winoIn2AVX2(f32s(v), f32s(plane), np, th, tw, wp, sv, st)
		return
	}
	winoIn(v, plane, 8, th, tw, wp, sv, st)
	winoIn(v[8:], plane[np:], 8, th, tw, wp, sv, st)
}

// winoInAdjoint is winoIn's adjoint: it adds the tiles B gv B^T onto the pixels of plane
// [hp][wp][L] they were read from.
func winoInAdjoint[T float](plane, gv []T, L, th, tw, wp, sv, st int) {
	if winoVec[T](L) {
		_, _ = gv[15*sv+(th*tw-1)*st+7], plane[((2*th+1)*wp+2*tw+1)*8+7]
		winoInAdjAVX2(f32s(plane), f32s(gv), th, tw, wp, sv, st)
		return
	}
	R := wp * L
	for s := range th {
		for t := range tw {
			o := (s*tw + t) * st
			for l := range L {
				var b [4][4]T
				for i := range 4 {
					q := o + 4*i*sv + l
					m0, m1, m2, m3 := gv[q], gv[q+sv], gv[q+2*sv], gv[q+3*sv]
					b[i] = [4]T{m0, m1 - m2 + m3, m1 + m2 - m0, -m3}
				}
				p := (2*s*wp+2*t)*L + l
				for j := range 4 {
					plane[p+j*L] += b[0][j]
					plane[p+R+j*L] += b[1][j] - b[2][j] + b[3][j]
					plane[p+2*R+j*L] += b[1][j] + b[2][j] - b[0][j]
					plane[p+3*R+j*L] -= b[3][j]
				}
			}
		}
	}
}

// winoOut writes the output tiles A^T m A + bias (bias [L]) into stage [2th][2tw][L].
func winoOut[T float](stage, m, bias []T, L, th, tw, sm, st int) {
	if winoVec[T](L) {
		_, _, _ = m[15*sm+(th*tw-1)*st+7], stage[2*th*2*tw*8-1], bias[7]
		winoOutAVX2(f32s(stage), f32s(m), f32s(bias), th, tw, sm, st)
		return
	}
	R := 2 * tw * L
	for s := range th {
		for t := range tw {
			o := (s*tw + t) * st
			for l := range L {
				var u [2][4]T
				for j := range 4 {
					q := o + j*sm + l
					m0, m1, m2, m3 := m[q], m[q+4*sm], m[q+8*sm], m[q+12*sm]
					u[0][j], u[1][j] = m0+m1+m2, m1-m2-m3
				}
				p := (2*s*2*tw+2*t)*L + l
				b := bias[l]
				stage[p] = u[0][0] + u[0][1] + u[0][2] + b
				stage[p+L] = u[0][1] - u[0][2] - u[0][3] + b
				stage[p+R] = u[1][0] + u[1][1] + u[1][2] + b
				stage[p+R+L] = u[1][1] - u[1][2] - u[1][3] + b
			}
		}
	}
}

// winoOutAdjoint is winoOut's adjoint (without the bias): the transformed gradient tiles
// A g A^T of the output gradient stage [2th][2tw][L], into gm.
func winoOutAdjoint[T float](gm, stage []T, L, th, tw, sm, st int) {
	if winoVec[T](L) {
		_, _ = gm[15*sm+(th*tw-1)*st+7], stage[2*th*2*tw*8-1]
		winoOutAdjAVX2(f32s(gm), f32s(stage), th, tw, sm, st)
		return
	}
	R := 2 * tw * L
	for s := range th {
		for t := range tw {
			o := (s*tw + t) * st
			for l := range L {
				p := (2*s*2*tw+2*t)*L + l
				g00, g01, g10, g11 := stage[p], stage[p+L], stage[p+R], stage[p+R+L]
				u := [4][2]T{{g00, g01}, {g00 + g10, g01 + g11}, {g00 - g10, g01 - g11}, {-g10, -g11}}
				for i := range 4 {
					q := o + 4*i*sm + l
					a, b := u[i][0], u[i][1]
					gm[q], gm[q+sm], gm[q+2*sm], gm[q+3*sm] = a, a+b, a-b, -b
				}
			}
		}
	}
}

// winoOutAdjoint2 is winoOutAdjoint on two blocks of 8 filters, the stages at stage and
// stage[np:], into gm and gm[8:] (one pass over the tiles, as winoIn2).
func winoOutAdjoint2[T float](gm, stage []T, np, th, tw, sm, st int) {
	if winoVec[T](8) {
		_, _ = gm[15*sm+(th*tw-1)*st+15], stage[np+2*th*2*tw*8-1] // the kernel's reach
		winoOutAdj2AVX2(f32s(gm), f32s(stage), np, th, tw, sm, st)
		return
	}
	winoOutAdjoint(gm, stage, 8, th, tw, sm, st)
	winoOutAdjoint(gm[8:], stage[np:], 8, th, tw, sm, st)
}

// winoOut2 is winoOut on two blocks of 8 filters (bias [16]): m and m[8:] into the
// stages at stage and stage[np:], reading whole lines of m.
func winoOut2[T float](stage, m, bias []T, np, th, tw, sm, st int) {
	if winoVec[T](8) {
		_, _, _ = m[15*sm+(th*tw-1)*st+15], stage[np+2*th*2*tw*8-1], bias[15] // the kernel's reach
		winoOut2AVX2(f32s(stage), f32s(m), f32s(bias), np, th, tw, sm, st)
		return
	}
	winoOut(stage, m, bias, 8, th, tw, sm, st)
	winoOut(stage[np:], m[8:], bias[8:], 8, th, tw, sm, st)
}

// winoInAdjoint2 is winoInAdjoint on two blocks of 8 channels: gv and gv[8:] onto the
// planes at plane and plane[np:], reading whole lines of gv.
func winoInAdjoint2[T float](plane, gv []T, np, th, tw, wp, sv, st int) {
	if winoVec[T](8) {
		_, _ = gv[15*sv+(th*tw-1)*st+15], plane[np+((2*th+1)*wp+2*tw+1)*8+7] // the kernel's reach
		winoInAdj2AVX2(f32s(plane), f32s(gv), np, th, tw, wp, sv, st)
		return
	}
	winoInAdjoint(plane, gv, 8, th, tw, wp, sv, st)
	winoInAdjoint(plane[np:], gv[8:], 8, th, tw, wp, sv, st)
}

// winoVec says whether the AVX2 kernels do the transforms of a block of L values of T.
func winoVec[T float](L int) bool {
	var z T
	return L == 8 && unsafe.Sizeof(z) == 4 && winoAVX2
}

// winoFilters writes the transformed filters G w G^T of w [K C 3 3] into u [16][K][C], or
// [16][C][K] when byChannel is set, the 16 matrices su values apart.
func winoFilters[T float](u, w []T, fn, c, su int, byChannel bool) {
	const h = 0.5
	kc := fn * c
	for i0 := range kc {
		f := w[i0*9:][:9]
		i := i0
		if byChannel {
			i = i0%c*fn + i0/c
		}
		var r [4][3]T // G w
		for j := range 3 {
			r[0][j] = f[j]
			r[1][j] = h * (f[j] + f[3+j] + f[6+j])
			r[2][j] = h * (f[j] - f[3+j] + f[6+j])
			r[3][j] = f[6+j]
		}
		for a := range 4 { // (G w) G^T
			q := r[a]
			u[(4*a)*su+i] = q[0]
			u[(4*a+1)*su+i] = h * (q[0] + q[1] + q[2])
			u[(4*a+2)*su+i] = h * (q[0] - q[1] + q[2])
			u[(4*a+3)*su+i] = q[2]
		}
	}
}

// winoFiltersAdjoint is winoFilters' adjoint: gw [K C 3 3] = G^T du G from du [16][K][C],
// the 16 matrices su values apart.
func winoFiltersAdjoint[T float](gw, du []T, fn, c, su int) {
	const h = 0.5
	kc := fn * c
	for i := range kc {
		var r [3][4]T // G^T du
		for b := range 4 {
			m0, m1, m2, m3 := du[b*su+i], du[(4+b)*su+i], du[(8+b)*su+i], du[(12+b)*su+i]
			r[0][b] = m0 + h*(m1+m2)
			r[1][b] = h * (m1 - m2)
			r[2][b] = h*(m1+m2) + m3
		}
		f := gw[i*9:][:9]
		for a := range 3 { // (G^T du) G
			q := r[a]
			f[3*a] = q[0] + h*(q[1]+q[2])
			f[3*a+1] = h * (q[1] - q[2])
			f[3*a+2] = h*(q[1]+q[2]) + q[3]
		}
	}
}
